// Photonic core presets (data/photonic_cores.toml), the overrides a request or the command line
// may set on them, and a core's energy parameters. Requests and their matrices are
// emulation_request.hpp.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/photonics/converter.hpp"
#include "lightwatt/photonics/device_catalog.hpp"
#include "lightwatt/photonics/mac_config.hpp"
#include "lightwatt/photonics/mac_energy.hpp"

namespace lightwatt::photonics {

struct PhotonicCore {
    std::string name;
    std::string description;
    MacEmulatorConfig emulator;
    ConverterModel input_dac, weight_dac, adc;
    Energy modulator_energy_per_sample{};
    double weight_holders_per_weight = 0.0;
    Power holding_power{};
    Energy accumulation_energy{};
    double utilization = 1.0;
    std::map<std::string, std::string> sources;  // "section.name" -> source of what it uses
};

struct PhotonicCoreCatalog {
    NamedCatalog<PhotonicCore> cores{"cores"};
    ConverterCatalog converters;  // for the low / high companions of converter energy
    // The first core of architecture `a` in the file's order (the default core of `--arch` and of
    // Python's `architecture=`); InputError when there is none.
    [[nodiscard]] const PhotonicCore& for_architecture(MacArchitecture a) const;
};

PhotonicCoreCatalog read_photonic_core_catalog(TableReader root, const DeviceCatalog& devices,
                                               const ConverterCatalog& converters);
// devices.toml, converters.toml and photonic_cores.toml from the data folder.
PhotonicCoreCatalog load_photonic_core_catalog(const std::filesystem::path& data_dir);

// Settings a request or the command line may change on top of a core. Unset means "the core's".
struct CoreOverrides {
    std::optional<int> tile_rows, tile_cols, dac_bits, weight_bits, adc_bits, phase_dac_bits;
    std::optional<double> laser_power_mw, clock_ghz, path_loss_db, adc_clip_sigmas, utilization;
    std::optional<double> drift_ghz, phase_error_rad, thermal_crosstalk, splitter_imbalance_rad;
    std::optional<double> drift_interval_s, lo_phase_drift_psd_rad2_per_hz, ring_drift_psd_ghz2_per_hz;
    std::optional<std::uint64_t> seed;
};
// Reads the [overrides] keys of a request into `o`, validating each.
void read_overrides(TableReader& r, CoreOverrides& o);
// Applies overrides; throws InputError (key named as on the command line) for impossible values.
PhotonicCore apply_overrides(PhotonicCore core, const CoreOverrides& o);

// The seed of a request that names none (printed with every result).
inline constexpr std::uint64_t kDefaultEmulationSeed = 20261125;

// The energy parameters of a core at its settings.
MacEnergyParameters energy_parameters(const PhotonicCore& core, double weight_reuse);

// The core with its ADC and DACs replaced by the catalog's spread point for its clock (the survey's
// best or its upper bound): the converter-energy companions of a result.
PhotonicCore with_converters_at(const PhotonicCore& core, const ConverterCatalog& converters, SpreadPoint point);

}  // namespace lightwatt::photonics
