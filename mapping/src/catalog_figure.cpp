#include "lightwatt/mapping/catalog_figure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/toml_dotted_key.hpp"
#include "lightwatt/photonics/converter.hpp"

namespace lightwatt::mapping {

namespace {

void collect(const toml::table& table, const std::string& prefix, const TomlDocument& doc, const std::string& name,
             std::vector<CatalogFigure>& out) {
    for (const auto& [key, node] : table) {
        const std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        if (const auto* t = node.as_table()) {
            collect(*t, path, doc, name, out);
            continue;
        }
        const auto* i = node.as_integer();
        const auto* f = node.as_floating_point();
        if (i == nullptr && f == nullptr) continue;
        out.push_back({path,
                       name,
                       {doc.file(), static_cast<int>(node.source().begin.line), path},
                       i ? static_cast<double>(i->get()) : f->get(),
                       i != nullptr});
    }
}

// "lasers.cw_dfb_1310_uncooled" of "lasers.cw_dfb_1310_uncooled.wall_plug_efficiency": the entry
// ("section.name") a figure belongs to, as LinkCatalog::sources_of names entries.
std::string entry_of(const std::string& path) {
    const auto first = path.find('.');
    if (first == std::string::npos) return path;
    return path.substr(0, path.find('.', first + 1));
}

// The value replaces the figure: an integer where the file wrote an integer and the value is one,
// a float otherwise, and the reader decides whether the key takes it.
void set_figure(toml::table& tree, const CatalogFigure& f, double value) {
    auto [parent, key] = dotted_key_parent(tree, f.path, f.path);
    // Integers up to 2^53 are exact in a double.
    constexpr double kLargest = 9007199254740992.0;
    if (f.integer && value == std::round(value) && std::fabs(value) <= kLargest)
        parent->insert_or_assign(key, static_cast<std::int64_t>(value));
    else
        parent->insert_or_assign(key, value);
}

// Evaluates again the archetypes that use a changed entry (all of them when a changed entry is
// none that an archetype lists, such as electronics.toml's calibration).
void reevaluate_links(Catalogs& c, const std::set<std::string, std::less<>>& entries) {
    std::set<std::string, std::less<>> referenced;
    std::vector<const interconnect::LinkArchetype*> affected;
    for (const auto& a : c.links.links()) {
        bool uses = false;
        for (const auto& [key, source] : c.links.sources_of(a)) {
            referenced.insert(key);
            uses = uses || entries.contains(key);
        }
        if (uses) affected.push_back(&a);
    }
    const bool all = std::any_of(entries.begin(), entries.end(), [&](const std::string& e) {
        return !e.starts_with("links.") && !referenced.contains(e);
    });
    for (const auto& a : c.links.links())
        if (all || std::find(affected.begin(), affected.end(), &a) != affected.end())
            c.link_costs.by_name[a.name] = {link_cost(a, Spread::low), link_cost(a, Spread::typical),
                                            link_cost(a, Spread::high)};
}

// toml++ does not copy a node's source position with the node, so a reader's error on a changed
// copy has no line: it takes the line of its key (or of the nearest table above it) in the file
// as parsed.
InputError with_line(const InputError& e, const CatalogFiles& files) {
    InputErrorDetails d = e.details();
    if (d.line != 0) return e;
    const auto doc = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.second.file() == d.file; });
    if (doc == files.end()) return e;
    for (std::string key = d.key; d.line == 0 && !key.empty();) {
        if (const toml::node* node = doc->second.table().at_path(key).node())
            d.line = static_cast<int>(node->source().begin.line);
        const auto dot = key.rfind('.');
        key = dot == std::string::npos ? "" : key.substr(0, dot);
    }
    return InputError(d);
}

// `base` with the catalogs that the files `names` feed read again from `files`.
Catalogs read_changed(const Catalogs& base, const CatalogFiles& files, const std::set<std::string, std::less<>>& names,
                      const std::set<std::string, std::less<>>& entries) {
    auto root = [&](std::string_view name) { return files.find(name)->second.root(); };
    auto touched = [&](std::initializer_list<std::string_view> of) {
        return std::any_of(of.begin(), of.end(), [&](std::string_view n) { return names.contains(n); });
    };
    Catalogs c = base;
    if (touched({"llms.toml"})) c.llms = read_llm_catalog(root("llms.toml"));
    if (touched({"gpus.toml"})) c.gpus = read_gpu_catalog(root("gpus.toml"));
    if (touched({"systems.toml", "options.toml"}))
        c.systems = read_system_catalog(root("systems.toml"), root("options.toml"));
    if (touched({"devices.toml", "electronics.toml", "links.toml"})) {
        c.links = interconnect::read_link_catalog(root("devices.toml"), root("electronics.toml"), root("links.toml"));
        reevaluate_links(c, entries);
    }
    if (touched({"devices.toml", "converters.toml", "photonic_cores.toml"})) {
        auto converters = photonics::read_converter_catalog(root("converters.toml"));
        c.photonic_cores =
            photonics::read_photonic_core_catalog(root("photonic_cores.toml"), c.links.devices(), converters);
        c.photonic_cores.converters = std::move(converters);
    }
    check_catalog_references(c, files);
    return c;
}

}  // namespace

std::vector<CatalogFigure> catalog_figures(const CatalogFiles& files) {
    std::vector<CatalogFigure> out;
    for (const auto name : kCatalogFileNames) {
        const TomlDocument& doc = files.find(name)->second;
        collect(doc.table(), "", doc, std::string(name), out);
    }
    return out;
}

CatalogFigure find_catalog_figure(const CatalogFiles& files, std::string_view path, const InputLocation& where) {
    std::vector<CatalogFigure> all = catalog_figures(files);
    const auto found = std::find_if(all.begin(), all.end(), [&](const CatalogFigure& f) { return f.path == path; });
    if (found != all.end()) return *found;
    // The closest path, however far: a path names one of thousands of figures, so a hint beats a list.
    const auto closest = std::min_element(all.begin(), all.end(), [&](const CatalogFigure& a, const CatalogFigure& b) {
        return edit_distance(path, a.path) < edit_distance(path, b.path);
    });
    std::string problem = "no number of the catalogs at this path";
    if (closest != all.end())
        problem += " (did you mean \"" + closest->path + "\", " + closest->at.file + ":" +
                   std::to_string(closest->at.line) + "?)";
    throw InputError({where.file, where.line, where.key, "\"" + std::string(path) + "\"", problem,
                      "the dotted key of a number in a data file: SECTION.NAME.KEY as in [SECTION.NAME], e.g. "
                      "systems.hgx_h200.pue (systems.toml) or lasers.cw_dfb_1310_uncooled.wall_plug_efficiency "
                      "(devices.toml)"});
}

bool changes_serving_inputs(std::span<const FigureValue> values) {
    return std::any_of(values.begin(), values.end(), [](const FigureValue& v) {
        return v.figure->file == "llms.toml" || v.figure->file == "gpus.toml";
    });
}

Catalogs with_figures(const Catalogs& base, const CatalogFiles& files, std::span<const FigureValue> values) {
    if (values.empty()) return base;
    std::map<std::string, toml::table, std::less<>> trees;  // copies of the changed files' trees
    std::set<std::string, std::less<>> entries;
    for (const auto& [figure, value] : values) {
        auto it = trees.find(figure->file);
        if (it == trees.end()) it = trees.emplace(figure->file, files.find(figure->file)->second.table()).first;
        set_figure(it->second, *figure, value);
        entries.insert(entry_of(figure->path));
    }
    CatalogFiles changed = files;  // the unchanged files share their trees
    std::set<std::string, std::less<>> changed_names;
    for (auto& [name, tree] : trees) {
        const auto it = changed.find(name);
        it->second = it->second.with_table(std::move(tree));
        changed_names.insert(name);
    }
    try {
        return read_changed(base, changed, changed_names, entries);
    } catch (const InputError& e) {
        throw with_line(e, files);
    }
}

}  // namespace lightwatt::mapping
