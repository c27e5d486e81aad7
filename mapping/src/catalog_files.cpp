#include "lightwatt/mapping/catalog_files.hpp"

#include <utility>

#include "lightwatt/photonics/converter.hpp"
#include "lightwatt/photonics/device_catalog.hpp"

namespace lightwatt::mapping {

namespace {

TableReader root_of(const CatalogFiles& files, std::string_view name) { return files.find(name)->second.root(); }

}  // namespace

CatalogFiles parse_catalog_files(const std::filesystem::path& data_dir) {
    CatalogFiles files;
    for (const auto name : kCatalogFileNames)
        files.emplace(std::string(name), TomlDocument::parse_file(data_dir / std::string(name)));
    return files;
}

Catalogs read_catalogs(const CatalogFiles& files) {
    auto root = [&](std::string_view name) { return root_of(files, name); };
    Catalogs c{read_llm_catalog(root("llms.toml")),
               read_gpu_catalog(root("gpus.toml")),
               read_system_catalog(root("systems.toml"), root("options.toml")),
               interconnect::read_link_catalog(root("devices.toml"), root("electronics.toml"), root("links.toml")),
               {},
               {},
               {}};
    const auto converters = photonics::read_converter_catalog(root("converters.toml"));
    c.photonic_cores =
        photonics::read_photonic_core_catalog(root("photonic_cores.toml"), c.links.devices(), converters);
    c.photonic_cores.converters = converters;
    c.link_costs = LinkCosts::of(c.links);
    check_catalog_references(c, files);
    return c;
}

void check_catalog_references(const Catalogs& c, const CatalogFiles& files) {
    // Every system's GPU must exist and its NVLink domain fit the GPU's generation.
    for (const auto& name : c.systems.systems.names()) {
        const SystemSpec& sys = c.systems.systems.at(name);
        TableReader root = root_of(files, "systems.toml");
        TableReader entry = root.table("systems").table(name);
        const GpuSpec& gpu = c.gpus.at(sys.gpu, entry, "gpu");
        if (sys.scale_up_domain_gpus > gpu.nvlink_max_domain_gpus)
            throw entry.error("scale_up_domain_gpus", entry.value_text("scale_up_domain_gpus"),
                              "more GPUs than one NVLink " + std::to_string(gpu.nvlink_generation) + " domain of " +
                                  sys.gpu + " spans (" + std::to_string(gpu.nvlink_max_domain_gpus) + ")",
                              "at most " + std::to_string(gpu.nvlink_max_domain_gpus));
    }
    // Every option's names must exist: a catalog error, named where it is written.
    for (const FabricOption& o : c.systems.options) {
        TableReader root = root_of(files, "options.toml");
        TableReader entry = root.table("options").table(o.name);
        const std::pair<const char*, const std::string*> links[] = {{"scale_up_link", &o.scale_up_link},
                                                                    {"scale_out_link", &o.scale_out_link},
                                                                    {"scale_out_nic_link", &o.scale_out_nic_link},
                                                                    {"photonic_link", &o.photonic_link}};
        for (const auto& [key, link] : links)
            if (!link->empty()) (void)c.links.links().at(*link, entry, key);
        if (!o.photonic_core.empty()) (void)c.photonic_cores.cores.at(o.photonic_core, entry, "photonic_core");
    }
}

}  // namespace lightwatt::mapping
