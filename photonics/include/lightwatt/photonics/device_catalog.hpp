// The photonic device catalog (data/devices.toml): lasers, modulators, detectors, TIAs, fibres,
// passive loss elements and FEC schemes, each entry with its `source`.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "lightwatt/core/named_catalog.hpp"
#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/photonics/fec.hpp"
#include "lightwatt/photonics/laser.hpp"
#include "lightwatt/photonics/modulator.hpp"
#include "lightwatt/photonics/passive.hpp"
#include "lightwatt/photonics/receiver.hpp"

namespace lightwatt::photonics {

struct DeviceCatalog {
    NamedCatalog<Laser> lasers{"lasers"};
    NamedCatalog<MicroringModulator> microring_modulators{"microring_modulators"};
    NamedCatalog<MachZehnderModulator> mach_zehnder_modulators{"mach_zehnder_modulators"};
    NamedCatalog<Photodetector> photodetectors{"photodetectors"};
    NamedCatalog<Tia> tias{"tias"};
    NamedCatalog<Fibre> fibres{"fibres"};
    NamedCatalog<Waveguide> waveguides{"waveguides"};
    NamedCatalog<LossElement> loss_elements{"loss_elements"};
    NamedCatalog<FecScheme> fec{"fec"};
    // "section.name" -> the entry's source text, every section, for reports.
    [[nodiscard]] std::map<std::string, std::string> sources() const;
};

// Reads every section of a devices document; unknown sections or keys, missing keys, wrong types
// and impossible values are InputErrors.
DeviceCatalog read_device_catalog(TableReader root);
// data_dir/devices.toml. Like every catalog loader, it takes the data folder.
DeviceCatalog load_device_catalog(const std::filesystem::path& data_dir);

}  // namespace lightwatt::photonics
