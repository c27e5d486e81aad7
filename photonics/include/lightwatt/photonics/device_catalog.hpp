// The photonic device catalog (data/devices.toml): lasers, modulators, detectors, TIAs, fibres,
// passive loss elements and FEC schemes, each entry with its `source`.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/photonics/fec.hpp"
#include "lightwatt/photonics/laser.hpp"
#include "lightwatt/photonics/modulator.hpp"
#include "lightwatt/photonics/passive.hpp"
#include "lightwatt/photonics/receiver.hpp"

namespace lightwatt::photonics {

struct DeviceCatalog {
    std::map<std::string, Laser> lasers;
    std::map<std::string, MicroringModulator> microring_modulators;
    std::map<std::string, MachZehnderModulator> mach_zehnder_modulators;
    std::map<std::string, Photodetector> photodetectors;
    std::map<std::string, Tia> tias;
    std::map<std::string, Fibre> fibres;
    std::map<std::string, Waveguide> waveguides;
    std::map<std::string, LossElement> loss_elements;
    std::map<std::string, FecScheme> fec;
    // "section.name" -> the entry's source text, for reports.
    std::map<std::string, std::string> sources;
};

// Reads every section of a devices document; unknown sections or keys, missing keys, wrong types
// and impossible values are InputErrors.
DeviceCatalog read_device_catalog(TableReader root);
DeviceCatalog load_device_catalog(const std::filesystem::path& devices_toml);

// Looks `name` up in `entries`; an unknown name is an InputError at `where`.`key` naming the
// closest known entry of `section`.
template <class T>
const T& find_entry(const std::map<std::string, T>& entries, const std::string& name,
                    const TableReader& where, std::string_view key, std::string_view section) {
    const auto it = entries.find(name);
    if (it != entries.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& entry : entries) names.push_back(entry.first);
    throw where.unknown_name(key, name, names, section);
}

// Reads `key` as the name of an entry of `entries`.
template <class T>
const T& read_reference(TableReader& r, std::string_view key, const std::map<std::string, T>& entries,
                        std::string_view section) {
    return find_entry(entries, r.string(key), r, key, section);
}

}  // namespace lightwatt::photonics
