#include "lightwatt/mapping/scenario.hpp"

#include <algorithm>

#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/warning.hpp"
#include "lightwatt/mapping/catalog_files.hpp"

namespace lightwatt::mapping {
namespace {
// deployment.parallelism: the scenario's tp x pp, or the best the search finds.
enum class ParallelismChoice { fixed, search };
}  // namespace
}  // namespace lightwatt::mapping

template <>
struct lightwatt::EnumTable<lightwatt::mapping::ParallelismChoice> {
    using enum mapping::ParallelismChoice;
    static constexpr auto entries =
        std::to_array<EnumEntry<mapping::ParallelismChoice>>({{fixed, "fixed"}, {search, "search"}});
    static constexpr std::string_view noun = "choice";
};

namespace lightwatt::mapping {

namespace {

std::filesystem::path resolve(const std::filesystem::path& data_dir, const std::string& path) {
    const std::filesystem::path p(path);
    return p.is_absolute() ? p : data_dir / p;
}

// The catalog GPU whose device names hold `gpu_model` (a record's machine.gpu_model, ", "-separated
// when its runs had several models): empty when none does or the record names none.
std::string catalog_gpu_of(const std::string& gpu_model, const GpuCatalog& gpus) {
    if (gpu_model.empty()) return "";
    for (const auto& name : gpus.names()) {
        const auto& names = gpus.at(name).device_names;
        for (std::size_t start = 0; start < gpu_model.size();) {
            const std::size_t comma = std::min(gpu_model.find(", ", start), gpu_model.size());
            if (std::find(names.begin(), names.end(), gpu_model.substr(start, comma - start)) != names.end())
                return name;
            start = comma + 2;
        }
    }
    return "";
}

// The systems that hold `gpu`, quoted, for an error's fix.
std::vector<std::string> systems_holding(const std::string& gpu, const SystemCatalog& c) {
    std::vector<std::string> out;
    for (const auto& name : c.systems.names())
        if (c.systems.at(name).gpu == gpu) out.push_back("\"" + name + "\"");
    return out;
}

std::string fix_naming_systems(const std::string& gpu, const SystemCatalog& c) {
    const auto systems = systems_holding(gpu, c);
    if (systems.empty()) return "a system of data/systems.toml that holds " + gpu + " (none does yet: add one)";
    return "deployment.system = " + join_alternatives(systems);
}

// The record names the GPU it ran on; a record from another GPU than the scenario's is refused
// (its GEMM rates, copies and power are that GPU's), naming both and the fix.
std::string checked_record_gpu(const interconnect::CalibrationRecord& record, const std::string& record_file,
                               const Scenario& s, const Catalogs& c) {
    const std::string measured = catalog_gpu_of(record.machine.gpu_model, c.gpus);
    const std::string& system_gpu = c.systems.systems.at(s.system).gpu;
    if (s.gpu_from_calibration && measured.empty())
        throw InputError({record_file, 0, "machine.gpu_model", "\"" + record.machine.gpu_model + "\"",
                          "names no GPU of data/gpus.toml (device_names), so deployment.gpu = \"calibration\" "
                          "cannot take it",
                          "a record from a GPU the catalog names, or deployment.gpu written out"});
    if (measured.empty() || measured == system_gpu) return system_gpu;
    throw InputError(
        {record_file, 0, "machine.gpu_model", "\"" + record.machine.gpu_model + "\"",
         "measured on " + measured + ", but the scenario's GPU is " + system_gpu + " (system " + s.system + ")",
         "a record measured on " + system_gpu + ", or a scenario on " + measured + ": " +
             fix_naming_systems(measured, c.systems)});
}

// The most GPUs among a record's collectives: 1 for a single-GPU record, whose collectives are
// degenerate (a copy on one GPU) and say nothing about the fabric.
bool record_measures_fabric(const interconnect::CalibrationRecord& record) {
    for (const auto& run : record.collectives)
        if (run.ranks > 1) return true;
    return false;
}

}  // namespace

Catalogs load_catalogs(const std::filesystem::path& data_dir) {
    Catalogs c = read_catalogs(parse_catalog_files(data_dir));
    // A folder of catalogs alone (one a user assembled) has no study: the estimate then reports none.
    const std::filesystem::path study = data_dir / std::string(kLmProxyStudyFile);
    if (std::filesystem::exists(study))
        c.lm_proxy_study = std::make_shared<const LmProxyStudy>(load_lm_proxy_study(study));
    return c;
}

namespace {

// A serving workload: the batch, the request lengths, the precisions (the weights' default the
// model's release precision) and the latency target.
void read_serving_point(TableReader& w, const LlmSpec& m, Scenario& s) {
    const Range bytes_range{0.0, 8.0, false, true};
    s.point.batch = static_cast<int>(w.integer("batch", 1, 1 << 20));
    s.point.prompt_tokens = static_cast<int>(w.integer("prompt_tokens", 0, 1 << 22));
    s.point.output_tokens = static_cast<int>(w.integer("output_tokens", 1, 1 << 22));
    s.point.bytes_per_weight = w.optional_number("bytes_per_weight", bytes_range).value_or(m.bytes_per_parameter);
    // The release precision throughout, experts included (gpt-oss: MXFP4 experts), unless given.
    if (m.expert_bytes_per_parameter > 0.0 && !w.contains("bytes_per_weight"))
        s.point.bytes_per_expert_weight = m.expert_bytes_per_parameter;
    s.point.bytes_per_activation = w.optional_number("bytes_per_activation", bytes_range).value_or(2.0);
    s.point.bytes_per_kv = w.optional_number("bytes_per_kv", bytes_range).value_or(2.0);
    if (const auto itl = w.optional_number("max_inter_token_latency_ms", Range::positive()))
        s.search.max_inter_token_latency = milliseconds(*itl);
}

// A training workload: the step's tokens, sequences and micro-batches, the precisions and the
// optimizer's state.
void read_training_point(TableReader& w, TrainingPoint& t) {
    const Range bytes_range{0.0, 8.0, false, true};
    t.tokens_per_step = static_cast<double>(w.integer("tokens_per_step", 1, 1LL << 40));
    t.sequence_length = static_cast<int>(w.integer("sequence_length", 1, 1 << 22));
    t.micro_batch_sequences = static_cast<int>(w.integer("micro_batch_sequences", 1, 1 << 20));
    // Precisions and optimizer state are the run's choices: required, so a file says them.
    t.bytes_per_weight = w.number("bytes_per_weight", bytes_range);
    t.bytes_per_activation = w.number("bytes_per_activation", bytes_range);
    t.bytes_per_gradient = w.number("bytes_per_gradient", bytes_range);
    t.optimizer_state_bytes_per_parameter = w.number("optimizer_state_bytes_per_parameter", Range::closed(0.0, 64.0));
    t.shard_optimizer = w.boolean("shard_optimizer");
    t.activation_recompute = w.boolean("activation_recompute");
    t.activation_bytes_per_token_hidden_layer =
        w.number("activation_bytes_per_token_hidden_layer", Range::closed(0.0, 64.0));
}

// [workload]: the mode, the model and its serving point or training step.
void read_workload(TableReader w, const Catalogs& c, Scenario& s) {
    s.workload_line = w.line();
    s.mode = w.optional_choice<Mode>("mode").value_or(Mode::serving);
    s.model = w.string("model");
    const LlmSpec& m = c.llms.at(s.model, w, "model");
    if (s.mode == Mode::serving)
        read_serving_point(w, m, s);
    else
        read_training_point(w, s.training);
    w.finish();
}

// tp x pp x ep on deployment.gpus; in training, the data-parallel replicas that fill them.
void read_parallelism(TableReader& d, const SystemSpec& sys, Scenario& s) {
    s.parallelism.tp = static_cast<int>(d.integer("tp", 1, 1024));
    s.parallelism.pp = static_cast<int>(d.optional_integer("pp", 1, 1024).value_or(1));
    s.parallelism.ep = static_cast<int>(d.optional_integer("ep", 1, 1 << 16).value_or(1));
    s.parallelism.gpus_per_scale_up = sys.scale_up_domain_gpus;
    s.gpus = static_cast<int>(d.integer("gpus", 1, 1LL << 30));
    const long long replica = static_cast<long long>(s.parallelism.tp) * s.parallelism.pp;
    if (replica > s.gpus)
        throw d.error(
            "tp", d.value_text("tp"),
            "tp x pp = " + std::to_string(replica) + " GPUs, more than the deployment's " + std::to_string(s.gpus),
            "tp x pp at most deployment.gpus");
    if (s.mode != Mode::training) return;
    if (s.gpus % replica != 0)
        throw d.error(
            "gpus", d.value_text("gpus"),
            "not a whole number of tp x pp = " + std::to_string(replica) + " GPU replicas for data parallelism",
            "a multiple of tp x pp");
    s.parallelism.dp = static_cast<int>(s.gpus / replica);
    s.parallelism.virtual_stages = static_cast<int>(d.optional_integer("virtual_stages", 1, 1024).value_or(1));
}

// deployment.parallelism = "search": serving only, within a replica size the search can cover.
void read_parallelism_choice(TableReader& d, Scenario& s) {
    s.search_parallelism = d.optional_choice<ParallelismChoice>("parallelism") == ParallelismChoice::search;
    if (!s.search_parallelism) return;
    if (s.mode == Mode::training)
        throw d.error("parallelism", d.value_text("parallelism"), "the search chooses serving replicas only",
                      "\"fixed\" in training mode");
    if (s.gpus > 1024)
        throw d.error("gpus", d.value_text("gpus"), "too many GPUs per replica to search",
                      "at most 1024 with parallelism = \"search\"");
    s.search.memory_utilization = d.number("memory_utilization", Range{0.0, 1.0, false, true});
}

// The parallelism against the model (heads, layers, experts), the error re-located at the
// scenario's table that holds the field: deployment.tp, workload.batch, ...
void validate_parallelism(const LlmSpec& m, const Scenario& s) {
    try {
        if (s.mode == Mode::serving)
            validate(m, s.parallelism, s.point);
        else
            validate(m, s.parallelism, s.training);
    } catch (const InputError& e) {
        const std::string& key = e.details().key;
        const bool deployment_key = key == "tp" || key == "pp" || key == "ep" || key == "dp" ||
                                    key == "virtual_stages" || key == "gpus_per_scale_up";
        throw deployment_key ? relocate(e, s.file, s.deployment_line, "deployment")
                             : relocate(e, s.file, s.workload_line, "workload");
    }
}

// A fixed serving parallelism whose weights and KV cache per GPU exceed the GPU's HBM cannot run.
void check_fits_memory(const LlmSpec& m, const GpuSpec& gpu, const Scenario& s) {
    if (s.mode != Mode::serving || s.search_parallelism) return;
    const Information need = serving_memory_per_gpu(m, s.parallelism, s.point).total();
    if (need <= gpu.hbm_capacity) return;
    throw InputError({s.file, s.deployment_line, "deployment.tp",
                      std::to_string(s.parallelism.tp) + " (x pp " + std::to_string(s.parallelism.pp) + ")",
                      s.model + " needs " + format_number(in_gigabytes(need)) +
                          " GB per GPU for its weights and the batch's KV cache, more than " + gpu.name + "'s " +
                          format_number(in_gigabytes(gpu.hbm_capacity)) + " GB of HBM",
                      "more GPUs per replica (tp x pp), a smaller batch or shorter sequences"});
}

// [deployment]: the system, the GPU, the parallelism and how the fabric is used.
void read_deployment(TableReader d, const Catalogs& c, Scenario& s) {
    s.system = d.string("system");
    const SystemSpec& sys = c.systems.systems.at(s.system, d, "system");
    s.gpu = sys.gpu;
    if (const auto gpu = d.optional_string("gpu")) {
        s.gpu_from_calibration = *gpu == "calibration";
        if (!s.gpu_from_calibration && *gpu != sys.gpu) {
            (void)c.gpus.at(*gpu, d, "gpu");
            throw d.error(
                "gpu", d.value_text("gpu"), "system " + s.system + " holds " + sys.gpu,
                "\"" + sys.gpu + "\", \"calibration\", or for " + *gpu + " " + fix_naming_systems(*gpu, c.systems));
        }
    }
    read_parallelism(d, sys, s);
    s.deployment_line = d.line();
    read_parallelism_choice(d, s);
    s.search.max_gpus = s.gpus;
    s.scale_out_tiers = static_cast<int>(d.optional_integer("scale_out_tiers", 1, 5).value_or(0));
    s.communication_overlap = d.optional_number("communication_overlap", Range::unit_interval()).value_or(0.0);
    validate_parallelism(c.llms.at(s.model), s);
    check_fits_memory(c.llms.at(s.model), c.gpus.at(s.gpu), s);
    d.finish();
}

// [calibration]: the two files, with where they were written for errors about them.
void read_calibration_files(TableReader k, Scenario& s) {
    s.calibration_profile = k.optional_string("profile").value_or("");
    s.serving_runs = k.string("serving_runs");
    s.calibration_profile_at = {k.file(), k.line_of_key("profile"), "calibration.profile"};
    s.serving_runs_at = {k.file(), k.line_of_key("serving_runs"), "calibration.serving_runs"};
    k.finish();
}

// [options]: the options of data/options.toml to compare, a baseline among them.
void read_options(TableReader o, const Catalogs& c, Scenario& s) {
    const auto names = o.optional_string_list("compare");
    if (!names || names->empty())
        throw o.error("compare", "", "no option to compare", "a list of names from data/options.toml");
    const GpuSpec& gpu = c.gpus.at(s.gpu);
    for (const auto& name : *names) {
        const FabricOption& option = c.systems.options.at(name, o, "compare");
        if (option.scale_up_domain_gpus > gpu.nvlink_max_domain_gpus)
            throw o.error(
                "compare", "\"" + name + "\"",
                "option " + name + " spans " + std::to_string(option.scale_up_domain_gpus) +
                    " GPUs in one scale-up domain, more than NVLink " + std::to_string(gpu.nvlink_generation) + " of " +
                    s.gpu + " addresses (" + std::to_string(gpu.nvlink_max_domain_gpus) + ")",
                "options whose scale_up_domain_gpus is at most " + std::to_string(gpu.nvlink_max_domain_gpus));
    }
    if (std::none_of(names->begin(), names->end(),
                     [](const std::string& n) { return n.find("baseline") != std::string::npos; }))
        throw o.error("compare", o.value_text("compare"), "no baseline among the options",
                      "a list that includes \"baseline\"");
    s.options = *names;
    o.finish();
}

void read_facility(TableReader f, Scenario& s) {
    s.power_budget = megawatts(f.number("power_budget_mw", Range{0.0, 1e5, false, true}));
    f.finish();
}

}  // namespace

Scenario read_scenario(TableReader root, const Catalogs& c) {
    Scenario s;
    s.file = root.file();
    s.description = root.optional_string("description").value_or("");
    (void)root.optional_string("source");
    read_workload(root.table("workload"), c, s);
    read_deployment(root.table("deployment"), c, s);
    read_calibration_files(root.table("calibration"), s);
    read_options(root.table("options"), c, s);
    read_facility(root.table("facility"), s);
    root.finish();
    return s;
}

Scenario load_scenario(const std::filesystem::path& file, const Catalogs& catalogs) {
    const auto doc = TomlDocument::parse_file(file);
    return read_scenario(doc.root(), catalogs);
}

EstimateInputs load_estimate_inputs(const Scenario& s, const Catalogs& c, const std::filesystem::path& data_dir,
                                    const std::optional<std::filesystem::path>& calibration_override,
                                    bool emulate_offload_accuracy) {
    EstimateInputs in;
    in.catalogs = &c;
    const std::filesystem::path record_file =
        calibration_override ? *calibration_override : resolve(data_dir, s.calibration_profile);
    if (calibration_override) {
        in.calibration = interconnect::load_calibration(record_file);
    } else if (!s.calibration_profile.empty()) {
        in.calibration = load_referenced(s.calibration_profile_at, s.calibration_profile,
                                         [&] { return interconnect::load_calibration(record_file); });
    } else {
        // No record: a GPU nobody has measured (announced, or not at hand). The report says so.
        in.calibration.provenance.source =
            "none: GEMM times from the roofline, collectives from NCCL's model and the catalog's links";
    }
    if (s.gpu_from_calibration && !calibration_override && s.calibration_profile.empty())
        throw InputError({s.file, s.deployment_line, "deployment.gpu", "\"calibration\"",
                          "no calibration record to take the GPU from",
                          "calibration.profile or --calibration, or the GPU's name"});
    in.gpu = checked_record_gpu(in.calibration, record_file.string(), s, c);
    in.calibration_has_fabric = record_measures_fabric(in.calibration);
    const ServingMeasurements runs = load_referenced(s.serving_runs_at, s.serving_runs, [&] {
        const auto doc = TomlDocument::parse_file(resolve(data_dir, s.serving_runs));
        ServingMeasurements m = read_serving_measurements(doc.root());
        (void)c.gpus.at(m.gpu, doc.root(), "gpu");
        return m;
    });
    // The serving terms are fitted on the GPU the runs were measured on, then carried to the
    // scenario's (transfer_serving_calibration).
    // The runs' roofline steps are timed with their own GPU's record (not the scenario's).
    const GpuSpec& runs_gpu = c.gpus.at(runs.gpu);
    interconnect::CalibrationRecord runs_record;
    if (!runs.calibration_profile.empty())
        runs_record = load_referenced(s.serving_runs_at, s.serving_runs, [&] {
            return interconnect::load_calibration(resolve(data_dir, runs.calibration_profile));
        });
    in.serving = transfer_serving_calibration(fit_serving_calibration(runs, c.llms, runs_gpu, runs_record), runs_gpu,
                                              c.gpus.at(in.gpu));
    // The offloaded GEMMs' accuracy, per photonic option, on the shapes of the scenario's step.
    std::map<std::pair<std::string, std::vector<std::string>>, std::string> emulated;  // (core, GEMMs) -> first option
    for (const auto& name : s.options) {
        const FabricOption& o = c.systems.options.at(name);
        if (o.photonic_core.empty() || !emulate_offload_accuracy) continue;
        const auto [seen, first] = emulated.try_emplace({o.photonic_core, o.offload_gemms}, name);
        if (!first) {
            in.offload_accuracy[name] = in.offload_accuracy.at(seen->second);  // the same core on the same GEMMs
            continue;
        }
        in.offload_accuracy[name] =
            offload_accuracy(c.photonic_cores.cores.at(o.photonic_core), offload_work(s, c), o.offload_gemms);
    }
    // Beside each emulated option's accuracy: the small-model proxy at its core.
    if (c.lm_proxy_study)
        for (const auto& [name, accuracy] : in.offload_accuracy) {
            if (accuracy.empty()) continue;  // the model has none of the GEMMs the option offloads
            const std::string& core = c.systems.options.at(name).photonic_core;
            in.lm_proxy.emplace(name,
                                lm_proxy_lookup(c.lm_proxy_study, core, c.photonic_cores.cores.at(core).emulator));
        }
    return in;
}

StepWork offload_work(const Scenario& s, const Catalogs& catalogs) {
    const LlmSpec& m = catalogs.llms.at(s.model);
    return s.mode == Mode::serving ? decode_step(m, s.parallelism, s.point)
                                   : training_step(m, s.parallelism, s.training).micro_batch;
}

namespace {

// What every option's estimate shares: the scenario, its model and system (with the scenario's
// fat-tree tiers), the GPU and the timing options.
struct EstimateContext {
    const Scenario& s;
    const Catalogs& c;
    const EstimateInputs& in;
    LlmSpec model;
    SystemSpec system;
    const GpuSpec& gpu;
    TimingOptions timing;
};

// The scenario's cycle (a serving cycle or a training step) on parallelism `p`.
CycleEstimate run_cycle(const EstimateContext& x, const Parallelism& p, const TimingOptions& o) {
    return x.s.mode == Mode::serving ? estimate_serving(x.model, p, x.s.point, x.gpu, x.in.calibration, o)
                                     : estimate_training(x.model, p, x.s.training, x.gpu, x.in.calibration, o);
}

// Photonic offload: the option changes the step itself; its converters carry a spread, taken at
// `point`.
CycleEstimate offloaded_cycle(const EstimateContext& x, const FabricOption& o, const Parallelism& p,
                              photonics::SpreadPoint point) {
    const auto& cores = x.c.photonic_cores;
    PhotonicOffload offload{photonics::with_converters_at(cores.cores.at(o.photonic_core), cores.converters, point),
                            o.photonic_cores_per_gpu, o.offload_gemms,
                            x.c.link_costs.at(o.photonic_link, Spread::typical).full_load_energy_per_bit};
    if (point == photonics::SpreadPoint::typical) offload.core = cores.cores.at(o.photonic_core);
    TimingOptions with_offload = x.timing;
    with_offload.offload = &offload;
    return run_cycle(x, p, with_offload);
}

// An option's cycle on `p`: the scenario's own when neither the option nor `p` changes it.
CycleEstimate option_cycle(const EstimateContext& x, const FabricOption& o, const Parallelism& p, bool other_domain,
                           const CycleEstimate& scenario_cycle) {
    if (!o.photonic_core.empty()) return offloaded_cycle(x, o, p, photonics::SpreadPoint::typical);
    const bool as_scenario = !other_domain && p.tp == x.s.parallelism.tp && p.pp == x.s.parallelism.pp;
    return as_scenario ? scenario_cycle : run_cycle(x, p, x.timing);
}

// Serving: a token passes every pipeline stage, pp decode steps apart; none in training.
Time inter_token_latency(const Scenario& s, const Parallelism& p, const CycleEstimate& k) {
    return s.mode == Mode::serving ? static_cast<double>(p.pp) * k.phase(Phase::decode).total : Time{};
}

bool meets_latency_target(const Scenario& s, Time itl) {
    return !s.search.max_inter_token_latency || itl <= *s.search.max_inter_token_latency;
}

// The lowest energy per token among the candidates that fit and meet the latency target; when
// none meets it, the fitting candidate of least latency. Sets the option's parallelism and cycle.
void search_parallelism(const EstimateContext& x, const FabricOption& o, const Parallelism& domain, bool other_domain,
                        const CycleEstimate& scenario_cycle, OptionEstimate& oe) {
    const Scenario& s = x.s;
    const Information capacity = s.search.memory_utilization * x.gpu.hbm_capacity;
    bool found = false;
    bool found_meets = false;
    double best_joules = 0.0;
    Time best_latency{};
    for (const Parallelism& p : serving_candidates(x.model, domain, s.point, s.search.max_gpus)) {
        if (serving_memory_per_gpu(x.model, p, s.point).total() > capacity) continue;
        CycleEstimate k = option_cycle(x, o, p, other_domain, scenario_cycle);
        const Time itl = inter_token_latency(s, p, k);
        const double j = in_joules(system_energy(k, x.system, o, x.c.link_costs).total());
        const bool ok = meets_latency_target(s, itl);
        const bool better =
            !found || (ok && !found_meets) || (ok == found_meets && (ok ? j < best_joules : itl < best_latency));
        if (!better) continue;
        found = true;
        found_meets = ok;
        best_joules = j;
        best_latency = itl;
        oe.parallelism = p;
        oe.cycle = std::move(k);
    }
    if (!found)
        throw InputError({s.file, s.deployment_line, "deployment.gpus", std::to_string(s.gpus),
                          "no tp x pp within that many GPUs holds " + s.model + "'s weights and KV cache in " +
                              format_number(100.0 * s.search.memory_utilization) + " % of each GPU's memory",
                          "more GPUs per replica, a smaller batch or shorter sequences"});
}

// The option's energy per token by part with its catalog range, and the fixed-power view.
void price_option(const EstimateContext& x, const FabricOption& o, OptionEstimate& oe) {
    const Parallelism& p = oe.parallelism;
    oe.energy = system_energy(oe.cycle, x.system, o, x.c.link_costs);
    const CycleEstimate cycle_low =
        o.photonic_core.empty() ? oe.cycle : offloaded_cycle(x, o, p, photonics::SpreadPoint::low);
    const CycleEstimate cycle_high =
        o.photonic_core.empty() ? oe.cycle : offloaded_cycle(x, o, p, photonics::SpreadPoint::high);
    // The range spans the modelled figure and the catalog's ends (the model may lie outside a
    // published range: the 800G DSP module is modelled at 17 W against 14-16 W published).
    oe.low = std::min(oe.energy.total(), system_energy(cycle_low, x.system, o, x.c.link_costs, Spread::low).total());
    oe.high = std::max(oe.energy.total(), system_energy(cycle_high, x.system, o, x.c.link_costs, Spread::high).total());
    oe.gpu_only_per_token = oe.cycle.gpu_only_energy_per_token();
    const double per_gpu = in_watts(oe.energy.power_per_gpu());
    oe.gpus_in_budget = std::floor(in_watts(x.s.power_budget) / per_gpu);
    oe.tokens_per_s_in_budget = oe.gpus_in_budget * oe.energy.tokens_per_s / oe.energy.gpus;
}

// One option: its parallelism (the scenario's, in its scale-up domain, or searched), its cycle,
// latency and memory, priced.
OptionEstimate estimate_option(const EstimateContext& x, const std::string& name, const CycleEstimate& scenario_cycle) {
    const Scenario& s = x.s;
    FabricOption o = x.c.systems.options.at(name);
    o.name = name;
    // A larger scale-up domain (optical scale-up) moves collectives that crossed nodes onto it.
    Parallelism domain = s.parallelism;
    // An option's domain replaces the system's where it is larger (a 64-GPU optical domain widens
    // an 8-GPU node's, not a 72-GPU rack's).
    if (o.scale_up_domain_gpus > domain.gpus_per_scale_up) domain.gpus_per_scale_up = o.scale_up_domain_gpus;
    const bool other_domain = domain.gpus_per_scale_up != s.parallelism.gpus_per_scale_up;
    OptionEstimate oe;
    oe.parallelism = domain;
    if (s.search_parallelism)
        search_parallelism(x, o, domain, other_domain, scenario_cycle, oe);
    else
        oe.cycle = option_cycle(x, o, domain, other_domain, scenario_cycle);
    if (s.mode == Mode::serving) {
        oe.inter_token_latency = inter_token_latency(s, oe.parallelism, oe.cycle);
        oe.meets_latency_target = meets_latency_target(s, oe.inter_token_latency);
        oe.memory = serving_memory_per_gpu(x.model, oe.parallelism, s.point);
    }
    price_option(x, o, oe);
    oe.replaces = o.replaces;
    if (const auto a = x.in.offload_accuracy.find(name); a != x.in.offload_accuracy.end())
        oe.offload_accuracy = a->second;
    if (const auto p = x.in.lm_proxy.find(name); p != x.in.lm_proxy.end()) oe.lm_proxy = p->second;
    return oe;
}

}  // namespace

Estimate estimate(const Scenario& s, const EstimateInputs& in) {
    const Catalogs& c = *in.catalogs;
    Estimate e;
    e.scenario = &s;
    e.calibration_source = in.calibration.provenance.source;
    e.serving = in.serving;
    e.gpu = in.gpu;
    e.fabric_from_calibration = in.calibration_has_fabric;
    if (c.gpus.at(in.gpu).status == ProductStatus::announced) e.announced.push_back("gpus." + in.gpu);
    if (c.systems.systems.at(s.system).status == ProductStatus::announced) e.announced.push_back("systems." + s.system);
    EstimateContext x{s, c, in, c.llms.at(s.model), c.systems.systems.at(s.system), c.gpus.at(in.gpu), {}};
    x.model.name = s.model;
    if (s.scale_out_tiers > 0) x.system.scale_out_tiers = s.scale_out_tiers;
    x.timing.communication_overlap = s.communication_overlap;
    x.timing.serving = &e.serving;
    x.timing.scale_out_bandwidth_per_gpu = x.system.scale_out_bandwidth_per_gpu;
    e.cycle = run_cycle(x, s.parallelism, x.timing);
    if (s.mode == Mode::training)
        e.model_flop_rate_per_gpu = flops(model_flops_per_token(x.model, s.training.sequence_length) * e.cycle.tokens) /
                                    e.cycle.cycle / static_cast<double>(e.cycle.gpus);
    std::optional<double> baseline;
    for (const auto& name : s.options) {
        e.options.push_back(estimate_option(x, name, e.cycle));
        if (!baseline && name.find("baseline") != std::string::npos)
            baseline = in_joules(e.options.back().energy.total());
    }
    for (auto& oe : e.options) oe.saving_vs_baseline_pct = 100.0 * (1.0 - in_joules(oe.energy.total()) / *baseline);
    return e;
}

}  // namespace lightwatt::mapping
