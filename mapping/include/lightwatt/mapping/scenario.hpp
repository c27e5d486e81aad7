// A scenario (docs/scenario-file.md; data/scenarios/default.toml) and its estimate: the serving
// or training workload, the deployment, the calibration, the options to compare and the facility power
// budget; per option the energy per token by part, the saving against the baseline, and the
// fixed-power view (how many GPUs a budget feeds and the tokens per second they make).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/interconnect/calibration_record.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/mapping/lm_proxy_study.hpp"
#include "lightwatt/mapping/offload_accuracy.hpp"
#include "lightwatt/mapping/parallelism_search.hpp"
#include "lightwatt/mapping/system_energy.hpp"
#include "lightwatt/mapping/training.hpp"

namespace lightwatt::mapping {

enum class Mode { serving, training };

}  // namespace lightwatt::mapping

template <>
struct lightwatt::EnumTable<lightwatt::mapping::Mode> {
    static constexpr auto entries = std::to_array<EnumEntry<mapping::Mode>>(
        {{mapping::Mode::serving, "serving"}, {mapping::Mode::training, "training"}});
    static constexpr std::string_view noun = "mode";
};

namespace lightwatt::mapping {

struct Scenario {
    std::string file, description;
    Mode mode = Mode::serving;
    std::string model, system;
    // The system's GPU (deployment.gpu, when written, must be it); gpu_from_calibration: the
    // record's GPU, which must be the system's (deployment.gpu = "calibration").
    std::string gpu;
    bool gpu_from_calibration = false;
    Parallelism parallelism;  // training: dp = deployment.gpus / (tp x pp)
    ServingPoint point;       // serving
    TrainingPoint training;   // training
    int gpus = 0;             // deployment.gpus
    int workload_line = 0, deployment_line = 0;
    // Serving: choose each option's tp x pp (parallelism_search.hpp) instead of the scenario's;
    // the latency target is also reported when the parallelism is fixed.
    bool search_parallelism = false;
    SearchConstraints search;
    int scale_out_tiers = 0;  // fat-tree tiers; 0: the system's
    double communication_overlap = 0.0;
    std::string calibration_profile;  // path, relative to the data folder unless absolute
    std::string serving_runs;         // measured runs whose calibration part fits the serving terms
    // Where the two paths were written, so errors about the files they name point back there.
    InputLocation calibration_profile_at, serving_runs_at;
    std::vector<std::string> options;
    Power power_budget{};  // facility power for the fixed-power view
};

// Everything a scenario's names refer to.
struct Catalogs {
    LlmCatalog llms;
    GpuCatalog gpus;
    SystemCatalog systems;
    interconnect::LinkCatalog links;
    photonics::PhotonicCoreCatalog photonic_cores;
    LinkCosts link_costs;  // every link archetype evaluated once
    // The small-model proxy study (lm_proxy_study.hpp): load_catalogs reads it when the data folder
    // has it; without it (a folder of catalogs alone, or catalogs read from parsed files by
    // read_catalogs) no proxy is reported.
    std::shared_ptr<const LmProxyStudy> lm_proxy_study;
};
// Every catalog from the data folder, each loaded as its load_* function does, with the options'
// names checked against the links and photonic cores, and the small-model proxy study when the
// folder has one (InputError, file and key, for a bad one).
Catalogs load_catalogs(const std::filesystem::path& data_dir);

// Reads a scenario; InputError (file, line, key) for unknown names, impossible parallelism
// (tp not dividing the heads, more GPUs than the deployment has) or values out of range.
Scenario read_scenario(TableReader root, const Catalogs& catalogs);
Scenario load_scenario(const std::filesystem::path& file, const Catalogs& catalogs);

struct OptionEstimate {
    SystemEnergy energy;
    CycleEstimate cycle;               // this option's (its scale-up domain or photonic offload may change it)
    Parallelism parallelism;           // the option's (the scenario's unless searched)
    Time inter_token_latency{};        // serving: pp x decode step
    bool meets_latency_target = true;  // serving with workload.max_inter_token_latency_ms
    ServingMemory memory;              // serving: per GPU
    std::vector<OffloadAccuracy> offload_accuracy;  // photonic options: the offloaded GEMMs' accuracy
    std::optional<LmProxyLookup> lm_proxy;          // beside it: the small-model proxy at the option's core
    std::vector<std::string> replaces;              // what the option takes out of the baseline (options.toml)
    Energy low{}, high{};  // per token, with the catalog's ranges at their ends (system_energy.hpp)
    Energy gpu_only_per_token{};
    double saving_vs_baseline_pct = 0.0;
    double gpus_in_budget = 0.0;
    double tokens_per_s_in_budget = 0.0;
};

struct Estimate {
    const Scenario* scenario = nullptr;
    std::string gpu;  // the GPU the estimate ran on (EstimateInputs::gpu)
    // Catalog entries of vendor-announced hardware the estimate used ("gpus.rubin", ...): every
    // report says their figures are announced, not measured.
    std::vector<std::string> announced;
    bool fabric_from_calibration = true;  // false: a one-GPU record, collectives modelled from the catalogs
    std::string calibration_source;       // the record's provenance, "public profile ..." for the embedded one
    ServingCalibration serving;
    CycleEstimate cycle;  // the scenario's deployment (its scale-up domain, no offload)
    // Training: model FLOPs (training.hpp, model_flops_per_token) per second per GPU, what MFU
    // figures divide by the peak; 0 in serving.
    FlopRate model_flop_rate_per_gpu{};
    std::vector<OptionEstimate> options;  // the scenario's order; the first named "baseline" is the reference
};

// The loaded inputs of an estimate, so that repeated evaluations (sweeps, the benchmark) skip I/O.
struct EstimateInputs {
    const Catalogs* catalogs = nullptr;
    std::string gpu;  // the scenario's GPU, checked against the record's
    interconnect::CalibrationRecord calibration;
    // Whether the record measured collectives on more than one GPU; if not, the fabric's
    // collectives are modelled from the system catalog (the report says so).
    bool calibration_has_fabric = true;
    ServingCalibration serving;
    std::map<std::string, std::vector<OffloadAccuracy>> offload_accuracy;  // by option name
    std::map<std::string, LmProxyLookup> lm_proxy;                         // by option name, beside it
};
// `emulate_offload_accuracy`: run the offloaded GEMMs' accuracy emulations (offload_accuracy.hpp;
// a fraction of a second) and look up the small-model proxy beside them; off where only energy
// matters (the fuzzer).
EstimateInputs load_estimate_inputs(const Scenario& s, const Catalogs& catalogs, const std::filesystem::path& data_dir,
                                    const std::optional<std::filesystem::path>& calibration_override,
                                    bool emulate_offload_accuracy = true);
Estimate estimate(const Scenario& s, const EstimateInputs& inputs);

// The step whose GEMMs an option offloads to photonic cores: a decode step in serving, a
// micro-batch in training, at the scenario's parallelism (the shapes offload_accuracy samples).
StepWork offload_work(const Scenario& s, const Catalogs& catalogs);

}  // namespace lightwatt::mapping
