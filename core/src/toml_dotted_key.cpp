#include "lightwatt/core/toml_dotted_key.hpp"

#include "lightwatt/core/error.hpp"

namespace lightwatt {

std::pair<toml::table*, std::string> dotted_key_parent(toml::table& table, std::string_view dotted_key,
                                                       const std::string& where) {
    const std::string quoted = "\"" + std::string(dotted_key) + "\"";
    if (dotted_key.empty() || dotted_key.front() == '.' || dotted_key.back() == '.' ||
        dotted_key.find("..") != std::string_view::npos)
        throw InputError::at(where, quoted, "not a dotted key", "keys such as \"workload.batch\"");
    toml::table* at = &table;
    std::size_t start = 0;
    for (std::size_t dot = dotted_key.find('.'); dot != std::string_view::npos; dot = dotted_key.find('.', start)) {
        const std::string part(dotted_key.substr(start, dot - start));
        toml::node* child = at->get(part);
        if (child == nullptr) child = &at->insert_or_assign(part, toml::table{}).first->second;
        if (!child->is_table())
            throw InputError::at(where, quoted, "\"" + part + "\" is a value, not a table", "a key inside a table");
        at = child->as_table();
        start = dot + 1;
    }
    return {at, std::string(dotted_key.substr(start))};
}

}  // namespace lightwatt
