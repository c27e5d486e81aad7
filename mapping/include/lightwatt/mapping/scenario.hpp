// A scenario (docs/scenario-file.md; data/scenarios/default.toml) and its estimate: the serving
// workload, the deployment, the calibration, the options to compare and the facility power
// budget; per option the energy per token by part, the saving against the baseline, and the
// fixed-power view (how many GPUs a budget feeds and the tokens per second they make).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lightwatt/interconnect/calibration_record.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/mapping/system_energy.hpp"

namespace lightwatt::mapping {

struct Scenario {
    std::string file, description;
    std::string model, system, gpu;
    Parallelism parallelism;
    ServingPoint point;
    double communication_overlap = 0.0;
    std::string calibration_profile;   // path, relative to the data folder unless absolute
    std::string serving_runs;          // measured runs whose calibration part fits the serving terms
    std::vector<std::string> options;
    Power power_budget{};              // facility power for the fixed-power view
};

// Everything a scenario's names refer to.
struct Catalogs {
    LlmCatalog llms;
    GpuCatalog gpus;
    SystemCatalog systems;
    interconnect::LinkCatalog links;
    photonics::PhotonicCoreCatalog photonic_cores;
    static Catalogs load(const std::filesystem::path& data_dir);
};

// Reads a scenario; InputError (file, line, key) for unknown names, impossible parallelism
// (tp not dividing the heads, more GPUs than the deployment has) or values out of range.
Scenario read_scenario(TableReader root, const Catalogs& catalogs);
Scenario load_scenario(const std::filesystem::path& file, const Catalogs& catalogs);

struct OptionEstimate {
    SystemEnergy energy;
    Energy low{}, high{};              // per token, with the catalog's ranges at their ends (system_energy.hpp)
    Energy gpu_only_per_token{};
    double saving_vs_baseline_pct = 0.0;
    double gpus_in_budget = 0.0;
    double tokens_per_s_in_budget = 0.0;
};

struct Estimate {
    const Scenario* scenario = nullptr;
    std::string calibration_source;    // the record's provenance, "public profile ..." for the embedded one
    ServingCalibration serving;
    ServingEstimate serving_estimate;
    std::vector<OptionEstimate> options;  // the scenario's order; the first named "baseline" is the reference
};

// The loaded inputs of an estimate, so that repeated evaluations (sweeps, the benchmark) skip I/O.
struct EstimateInputs {
    const Catalogs* catalogs = nullptr;
    interconnect::CalibrationRecord calibration;
    ServingCalibration serving;
};
EstimateInputs load_estimate_inputs(const Scenario& s, const Catalogs& catalogs, const std::filesystem::path& data_dir,
                                    const std::optional<std::filesystem::path>& calibration_override);
Estimate estimate(const Scenario& s, const EstimateInputs& inputs);

}  // namespace lightwatt::mapping
