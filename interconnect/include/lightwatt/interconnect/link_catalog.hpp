// The link catalog: data/devices.toml (photonic devices), data/electronics.toml (circuits) and
// data/links.toml (archetypes that reference both). Every entry carries its source.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lightwatt/interconnect/electronics.hpp"
#include "lightwatt/interconnect/link_archetype.hpp"
#include "lightwatt/photonics/device_catalog.hpp"

namespace lightwatt::interconnect {

struct ElectronicsCatalog {
    std::map<std::string, Circuit> serdes;
    std::map<std::string, Circuit> dsps;
    std::map<std::string, Circuit> drivers;
    std::map<std::string, Housekeeping> housekeeping;
    std::map<std::string, PowerConversion> power_conversion;
    BlockToProduct block_to_product;
    std::map<std::string, std::string> sources;
};

ElectronicsCatalog read_electronics_catalog(TableReader root);

class LinkCatalog {
public:
    // Loads devices.toml, electronics.toml and links.toml from `data_dir`.
    static LinkCatalog load(const std::filesystem::path& data_dir);
    // From already-parsed documents (tests, fuzzers).
    static LinkCatalog read(TableReader devices, TableReader electronics, TableReader links);

    [[nodiscard]] const std::vector<LinkArchetype>& links() const { return links_; }
    // Throws InputError keyed "name", naming the closest known link, when `name` is unknown.
    [[nodiscard]] const LinkArchetype& find(const std::string& name) const;
    [[nodiscard]] const photonics::DeviceCatalog& devices() const { return devices_; }
    [[nodiscard]] const ElectronicsCatalog& electronics() const { return electronics_; }
    // The catalog entries (with their sources) an archetype uses, "section.name" -> source.
    [[nodiscard]] std::map<std::string, std::string> sources_of(const LinkArchetype& a) const;

private:
    photonics::DeviceCatalog devices_;
    ElectronicsCatalog electronics_;
    std::vector<LinkArchetype> links_;
    // Per link: the "section.name" keys it referenced.
    std::map<std::string, std::vector<std::string>> references_;
};

// Reads one [links.NAME] table against the device and circuit catalogs; `references` receives the
// "section.name" keys of the entries it used.
LinkArchetype read_link_archetype(TableReader& r, const std::string& name,
                                  const photonics::DeviceCatalog& devices,
                                  const ElectronicsCatalog& electronics,
                                  std::vector<std::string>& references);

// Reads a channel table (fibre, length, connectors, splices, other elements).
photonics::Channel read_channel(TableReader& r, const photonics::DeviceCatalog& devices,
                                std::vector<std::string>& references);

}  // namespace lightwatt::interconnect
