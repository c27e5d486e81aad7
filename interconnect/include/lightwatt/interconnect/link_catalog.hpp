// The link catalog: data/devices.toml (photonic devices), data/electronics.toml (circuits) and
// data/links.toml (archetypes that reference both). Every entry carries its source.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lightwatt/core/named_catalog.hpp"
#include "lightwatt/interconnect/electronics.hpp"
#include "lightwatt/interconnect/link_archetype.hpp"
#include "lightwatt/photonics/device_catalog.hpp"

namespace lightwatt::interconnect {

struct ElectronicsCatalog {
    NamedCatalog<Circuit> serdes{"serdes"};
    NamedCatalog<Circuit> dsps{"dsps"};
    NamedCatalog<Circuit> drivers{"drivers"};
    NamedCatalog<Housekeeping> housekeeping{"housekeeping"};
    NamedCatalog<PowerConversion> power_conversion{"power_conversion"};
    BlockToProduct block_to_product;
    // "section.name" -> the entry's source text, every section and calibration.block_to_product.
    [[nodiscard]] std::map<std::string, std::string> sources() const;
};

ElectronicsCatalog read_electronics_catalog(TableReader root);

class LinkCatalog {
public:
    // The archetypes in file order.
    [[nodiscard]] const NamedCatalog<LinkArchetype>& links() const { return links_; }
    // Throws InputError keyed "name", naming the closest known link, when `name` is unknown.
    [[nodiscard]] const LinkArchetype& find(const std::string& name) const;
    [[nodiscard]] const photonics::DeviceCatalog& devices() const { return devices_; }
    [[nodiscard]] const ElectronicsCatalog& electronics() const { return electronics_; }
    // The catalog entries (with their sources) an archetype uses, "section.name" -> source.
    [[nodiscard]] std::map<std::string, std::string> sources_of(const LinkArchetype& a) const;

private:
    friend LinkCatalog read_link_catalog(TableReader devices, TableReader electronics, TableReader links);
    photonics::DeviceCatalog devices_;
    ElectronicsCatalog electronics_;
    NamedCatalog<LinkArchetype> links_{"links"};
    // Per link: the "section.name" keys it referenced.
    std::map<std::string, std::vector<std::string>> references_;
};

// From already-parsed documents (tests, fuzzers).
LinkCatalog read_link_catalog(TableReader devices, TableReader electronics, TableReader links);
// devices.toml, electronics.toml and links.toml from the data folder, as every catalog loader.
LinkCatalog load_link_catalog(const std::filesystem::path& data_dir);

// Reads one [links.NAME] table against the device and circuit catalogs; `references` receives the
// "section.name" keys of the entries it used.
LinkArchetype read_link_archetype(TableReader& r, const std::string& name, const photonics::DeviceCatalog& devices,
                                  const ElectronicsCatalog& electronics, std::vector<std::string>& references);

// Reads a channel table (fibre, length, connectors, splices, other elements).
photonics::Channel read_channel(TableReader& r, const photonics::DeviceCatalog& devices,
                                std::vector<std::string>& references);

}  // namespace lightwatt::interconnect
