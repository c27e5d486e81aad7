// An emulation request (`lightwatt emulate FILE.toml`, docs/emulator-file.md): what to multiply,
// on which core, with which overrides; the random test matrices; and the laser power a target ENOB
// needs, from a run's noise budget.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <Eigen/Dense>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/photonics/mac_emulator.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

namespace lightwatt::photonics {

struct EmulationRequest {
    std::string file;  // "" for a command-line-only request
    PhotonicCore core;
    CoreOverrides overrides;  // the file's [overrides] and seed, kept to re-apply on another core
    long long m = 256, n = 256, k = 256;
    std::optional<double> target_enob;
    // Given matrices ([problem] weights_csv, inputs_csv); random ones where absent.
    std::optional<Eigen::MatrixXd> weights, inputs;
};

// A request file: `core = NAME`, [problem] m/n/k or weights_csv/inputs_csv (paths relative to the
// file), optional target_enob and [overrides].
EmulationRequest read_emulation_request(TableReader root, const PhotonicCoreCatalog& catalog);

// Random test matrices, uniform in [-1, 1], from CounterRng(seed, stream).
Eigen::MatrixXd random_matrix(long long rows, long long cols, std::uint64_t seed, std::uint64_t stream);

struct PowerForEnob {
    std::optional<Power> laser_power_per_core;       // empty when the target lies above the ceiling
    double ceiling_enob = 0.0;                       // with unlimited light (RIN, ADC, static errors)
    NoiseRegime regime = NoiseRegime::quantisation;  // the largest noise term at that power
};
// The laser power a target ENOB needs, from a run's noise budget: per partial sum the error is
//   sigma^2(P) = thermal (P0/P)^2 + shot (P0/P) + rin + adc + static
// (static: weight, input and crosstalk errors, measured as the run's error minus its noise).
PowerForEnob laser_power_for_enob(const MacEmulationResult& run, const PhotonicCore& core, double target_enob);

}  // namespace lightwatt::photonics
