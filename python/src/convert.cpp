#include <cmath>
#include <utility>
#include <variant>

#include "bindings.hpp"
#include "lightwatt/core/toml_dotted_key.hpp"

namespace lightwatt::python {

namespace {

// Either kind of nlohmann document; an ordered one keeps its keys' order (a record's columns).
template <class Json>
nb::object json_to_python(const Json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded: return nb::none();
        case nlohmann::json::value_t::boolean: return nb::bool_(j.template get<bool>());
        case nlohmann::json::value_t::number_integer: return nb::int_(j.template get<long long>());
        case nlohmann::json::value_t::number_unsigned: return nb::int_(j.template get<unsigned long long>());
        case nlohmann::json::value_t::number_float: return nb::float_(j.template get<double>());
        case nlohmann::json::value_t::string: return nb::str(j.template get_ref<const std::string&>().c_str());
        case nlohmann::json::value_t::array: {
            nb::list out;
            for (const auto& item : j) out.append(json_to_python(item));
            return out;
        }
        case nlohmann::json::value_t::object: {
            nb::dict out;
            for (const auto& [key, value] : j.items()) out[nb::str(key.c_str())] = json_to_python(value);
            return out;
        }
        case nlohmann::json::value_t::binary: break;
    }
    return nb::none();
}

}  // namespace

nb::object to_python(const nlohmann::json& j) { return json_to_python(j); }
nb::object to_python(const nlohmann::ordered_json& j) { return json_to_python(j); }

namespace {

std::string repr_of(nb::handle value) { return nb::cast<std::string>(nb::repr(value)); }

// A Python value as the TOML value it becomes.
using TomlValue = std::variant<bool, int64_t, double, std::string, toml::table, toml::array>;

TomlValue to_toml_value(nb::handle value, const std::string& where) {
    // bool before int: Python's bool is an int.
    if (nb::isinstance<nb::bool_>(value)) return nb::cast<bool>(value);
    if (nb::isinstance<nb::int_>(value)) {
        long long v = 0;
        if (!nb::try_cast<long long>(value, v))
            throw InputError::at(where, repr_of(value), "integer out of range", "an integer within +-2^63");
        return static_cast<int64_t>(v);
    }
    if (nb::isinstance<nb::float_>(value)) return nb::cast<double>(value);
    if (nb::isinstance<nb::str>(value)) return nb::cast<std::string>(value);
    if (nb::isinstance<nb::dict>(value)) return to_toml_table(value, where);
    if (nb::isinstance<nb::list>(value) || nb::isinstance<nb::tuple>(value)) {
        toml::array array;
        for (nb::handle item : value)
            std::visit([&](auto&& v) { array.push_back(std::move(v)); }, to_toml_value(item, where));
        return array;
    }
    // NumPy scalars and other numbers: through int() or float() when they offer it.
    if (nb::hasattr(value, "__index__")) return to_toml_value(nb::int_(value), where);
    if (nb::hasattr(value, "__float__")) return to_toml_value(nb::float_(value), where);
    throw InputError::at(where, repr_of(value), "not a value a scenario or request file can hold",
                         "a bool, int, float, str, or a list or dict of them");
}

}  // namespace

toml::table to_toml_table(nb::handle dict, const std::string& where) {
    if (!nb::isinstance<nb::dict>(dict))
        throw InputError::at(where, repr_of(dict), "not a dict", "a dict of keys and values");
    toml::table out;
    for (auto [key, value] : nb::borrow<nb::dict>(dict)) {
        if (!nb::isinstance<nb::str>(key))
            throw InputError::at(where, repr_of(key), "key is not a string", "string keys");
        const std::string k = nb::cast<std::string>(key);
        std::visit([&](auto&& v) { out.insert_or_assign(k, std::move(v)); }, to_toml_value(value, where + "." + k));
    }
    return out;
}

void set_dotted(toml::table& table, const std::string& dotted_key, nb::handle value, const std::string& where) {
    // Named, not bound: Clang before 16 cannot capture a structured binding in a lambda (C++20).
    const auto parent = dotted_key_parent(table, dotted_key, where);
    std::visit([&](auto&& v) { parent.first->insert_or_assign(parent.second, std::move(v)); },
               to_toml_value(value, where + "[" + dotted_key + "]"));
}

double checked_number(const std::string& name, double value, double lo, double hi, const std::string& allowed) {
    if (!std::isfinite(value) || value < lo || value > hi)
        throw InputError::at(name, format_number(value), "out of range", allowed);
    return value;
}

nb::object records_to_dataframe(nb::handle records) {
    return nb::module_::import_("lightwatt.tables").attr("to_dataframe")(records);
}

}  // namespace lightwatt::python
