// One emulation from request to report, the same for `lightwatt emulate` and Python's
// PhotonicCoreCatalog.emulate / emulate_random: the converter spread checked against the core's
// clock before any time is spent, the GEMM through the core (random matrices from the request's
// seed where none are given), the energy per MAC with the survey's best and upper-bound
// converters, and the laser power a target ENOB needs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "lightwatt/photonics/emulation_request.hpp"

namespace lightwatt::photonics {

// The CounterRng streams of the random weights and inputs: a seed gives the same matrices on the
// command line and in Python.
inline constexpr std::uint64_t kWeightsStream = 1, kInputsStream = 2;

// Beyond 2^30 MACs the accuracy metrics come from sampled output columns (no full reference GEMM).
inline constexpr double kFullReferenceMaxMacs = 1073741824.0;

// The energy per MAC with the core's converters, the survey's best and its upper bound.
struct EnergySpread {
    MacEnergyBreakdown typical, low, high;
};

struct EmulationReport {
    EmulationRequest request;  // as given
    MacEmulationResult result;
    EnergySpread energy;
    double macs_per_s = 0.0;              // useful MACs per second of one core (modelled)
    std::optional<PowerForEnob> inverse;  // with a target ENOB only
    bool full_reference = true;
};

// Called once the request has passed its checks, just before the GEMM runs (a progress line).
using BeforeEmulating = std::function<void()>;

// The request's matrices, or random ones (uniform in [-1, 1], kWeightsStream / kInputsStream of its
// seed) where it has none. `full_reference` unset: a full reference up to kFullReferenceMaxMacs.
EmulationReport run_emulation(const EmulationRequest& request, const PhotonicCoreCatalog& catalog,
                              std::optional<bool> full_reference = std::nullopt, const BeforeEmulating& before = {});
// The given matrices (m x k and k x n, read in place), whatever the request holds.
EmulationReport run_emulation(const EmulationRequest& request, const PhotonicCoreCatalog& catalog,
                              const MatrixView& weights, const MatrixView& inputs,
                              std::optional<bool> full_reference = std::nullopt, const BeforeEmulating& before = {});

// The energy per MAC by part, one row each: part, pj_per_mac, pj_per_mac_low, pj_per_mac_high,
// share_pct (of the typical total). The report's breakdown, its Python records and its text table
// are made from these rows.
nlohmann::ordered_json mac_energy_records(const EnergySpread& energy);

// The document `lightwatt emulate --json` prints.
nlohmann::json emulation_json(const EmulationReport& report);

}  // namespace lightwatt::photonics
