#include "lightwatt/mapping/scenario.hpp"

#include <algorithm>

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

namespace {

template <class Map>
std::vector<std::string> names_of(const Map& m) {
    std::vector<std::string> out;
    for (const auto& [name, _] : m) out.push_back(name);
    return out;
}

template <class Map>
void require_name(const TableReader& r, std::string_view key, const std::string& name, const Map& known, std::string_view what) {
    if (known.count(name) == 0) throw r.unknown_name(key, name, names_of(known), what);
}

std::filesystem::path resolve(const std::filesystem::path& data_dir, const std::string& path) {
    const std::filesystem::path p(path);
    return p.is_absolute() ? p : data_dir / p;
}

}  // namespace

Catalogs Catalogs::load(const std::filesystem::path& data_dir) {
    Catalogs c{load_llm_catalog(data_dir), load_gpu_catalog(data_dir), load_system_catalog(data_dir),
               interconnect::LinkCatalog::load(data_dir), photonics::load_photonic_core_catalog(data_dir)};
    // Every option's names must exist: a catalog error, named where it is written.
    const auto options_doc = TomlDocument::parse_file(data_dir / "options.toml");
    for (const auto& [name, o] : c.systems.options) {
        for (const auto& link : {o.scale_up_link, o.scale_out_link, o.photonic_link})
            if (!link.empty()) (void)c.links.find(link);
        if (!o.photonic_core.empty() && c.photonic_cores.cores.count(o.photonic_core) == 0) {
            TableReader root = options_doc.root();
            TableReader entry = root.table("options").table(name);
            throw entry.unknown_name("photonic_core", o.photonic_core, names_of(c.photonic_cores.cores), "cores");
        }
    }
    return c;
}

Scenario read_scenario(TableReader root, const Catalogs& c) {
    Scenario s;
    s.file = root.file();
    s.description = root.optional_string("description").value_or("");
    (void)root.optional_string("source");
    {
        TableReader w = root.table("workload");
        s.model = w.string("model");
        require_name(w, "model", s.model, c.llms.llms, "llms");
        s.point.batch = static_cast<int>(w.integer("batch", 1, 1 << 20));
        s.point.prompt_tokens = static_cast<int>(w.integer("prompt_tokens", 0, 1 << 22));
        s.point.output_tokens = static_cast<int>(w.integer("output_tokens", 1, 1 << 22));
        const LlmSpec& m = c.llms.llms.at(s.model);
        s.point.bytes_per_weight = w.optional_number("bytes_per_weight", Range{0.0, 8.0, false, true}).value_or(m.bytes_per_parameter);
        s.point.bytes_per_activation = w.optional_number("bytes_per_activation", Range{0.0, 8.0, false, true}).value_or(2.0);
        s.point.bytes_per_kv = w.optional_number("bytes_per_kv", Range{0.0, 8.0, false, true}).value_or(2.0);
        w.finish();
    }
    {
        TableReader d = root.table("deployment");
        s.system = d.string("system");
        require_name(d, "system", s.system, c.systems.systems, "systems");
        s.gpu = d.string("gpu");
        require_name(d, "gpu", s.gpu, c.gpus.gpus, "gpus");
        s.parallelism.tp = static_cast<int>(d.integer("tp", 1, 1024));
        s.parallelism.pp = static_cast<int>(d.optional_integer("pp", 1, 1024).value_or(1));
        s.parallelism.ep = static_cast<int>(d.optional_integer("ep", 1, 1 << 16).value_or(1));
        const SystemSpec& sys = c.systems.systems.at(s.system);
        s.parallelism.gpus_per_scale_up = sys.gpus_per_node;
        const long long gpus = d.integer("gpus", 1, 1LL << 30);
        if (static_cast<long long>(s.parallelism.tp) * s.parallelism.pp > gpus)
            throw d.error("tp", d.value_text("tp"),
                          "tp x pp = " + std::to_string(s.parallelism.tp * s.parallelism.pp) + " GPUs, more than the deployment's " +
                              std::to_string(gpus),
                          "tp x pp at most deployment.gpus");
        s.communication_overlap = d.optional_number("communication_overlap", Range::unit_interval()).value_or(0.0);
        try {
            validate(c.llms.llms.at(s.model), s.parallelism, s.point, "");
        } catch (const InputError& e) {
            // Re-locate the error at the scenario's key.
            const std::string key = e.details().key;
            const bool workload_key = key == "batch" || key == "prompt_tokens" || key == "output_tokens" || key.rfind("bytes_", 0) == 0;
            throw InputError({s.file, d.line(), (workload_key ? "workload." : "deployment.") + key, e.details().value,
                              e.details().problem, e.details().allowed});
        }
        d.finish();
    }
    {
        TableReader k = root.table("calibration");
        s.calibration_profile = k.string("profile");
        s.serving_runs = k.string("serving_runs");
        k.finish();
    }
    {
        TableReader o = root.table("options");
        const auto names = o.optional_string_list("compare");
        if (!names || names->empty()) throw o.error("compare", "", "no option to compare", "a list of names from data/options.toml");
        for (const auto& name : *names) require_name(o, "compare", name, c.systems.options, "options");
        if (std::none_of(names->begin(), names->end(), [](const std::string& n) { return n.find("baseline") != std::string::npos; }))
            throw o.error("compare", o.value_text("compare"), "no baseline among the options", "a list that includes \"baseline\"");
        s.options = *names;
        o.finish();
    }
    {
        TableReader f = root.table("facility");
        s.power_budget = watts(f.number("power_budget_mw", Range::positive()) * 1e6);
        f.finish();
    }
    root.finish();
    return s;
}

Scenario load_scenario(const std::filesystem::path& file, const Catalogs& catalogs) {
    const auto doc = TomlDocument::parse_file(file);
    return read_scenario(doc.root(), catalogs);
}

EstimateInputs load_estimate_inputs(const Scenario& s, const Catalogs& c, const std::filesystem::path& data_dir,
                                    const std::optional<std::filesystem::path>& calibration_override) {
    EstimateInputs in;
    in.catalogs = &c;
    in.calibration = interconnect::load_calibration(
        (calibration_override ? *calibration_override : resolve(data_dir, s.calibration_profile)).string());
    const ServingMeasurements runs = load_serving_measurements(resolve(data_dir, s.serving_runs));
    in.serving = fit_serving_calibration(runs, c.llms, c.gpus.gpus.at(s.gpu), in.calibration);
    return in;
}

Estimate estimate(const Scenario& s, const EstimateInputs& in) {
    const Catalogs& c = *in.catalogs;
    Estimate e;
    e.scenario = &s;
    e.calibration_source = in.calibration.provenance.source;
    e.serving = in.serving;
    LlmSpec m = c.llms.llms.at(s.model);
    m.name = s.model;
    TimingOptions timing;
    timing.communication_overlap = s.communication_overlap;
    timing.serving = &e.serving;
    e.serving_estimate = estimate_serving(m, s.parallelism, s.point, c.gpus.gpus.at(s.gpu), in.calibration, timing);
    const SystemSpec& sys = c.systems.systems.at(s.system);
    std::optional<double> baseline;
    for (const auto& name : s.options) {
        FabricOption o = c.systems.options.at(name);
        o.name = name;
        OptionEstimate oe;
        ServingEstimate serving = e.serving_estimate;
        // A larger scale-up domain (optical scale-up) moves collectives that crossed nodes onto it.
        Parallelism p = s.parallelism;
        if (o.scale_up_domain_gpus > 0) p.gpus_per_scale_up = o.scale_up_domain_gpus;
        const bool other_domain = p.gpus_per_scale_up != s.parallelism.gpus_per_scale_up;
        if (other_domain && o.photonic_core.empty())
            serving = estimate_serving(m, p, s.point, c.gpus.gpus.at(s.gpu), in.calibration, timing);
        // Photonic offload: the option changes the step itself; its converters carry a spread.
        auto offloaded = [&](photonics::SpreadPoint point) {
            const interconnect::LinkReport link = interconnect::evaluate(c.links.find(o.photonic_link));
            PhotonicOffload offload{photonics::with_converters_at(c.photonic_cores.cores.at(o.photonic_core), c.photonic_cores.converters, point),
                                    o.photonic_cores_per_gpu, o.offload_gemms, in_joules(link.energy_per_bit * bits(1.0))};
            if (point == photonics::SpreadPoint::typical) offload.core = c.photonic_cores.cores.at(o.photonic_core);
            TimingOptions with_offload = timing;
            with_offload.offload = &offload;
            return estimate_serving(m, p, s.point, c.gpus.gpus.at(s.gpu), in.calibration, with_offload);
        };
        if (!o.photonic_core.empty()) serving = offloaded(photonics::SpreadPoint::typical);
        oe.energy = system_energy(serving, m, p, s.point, sys, o, c.links);
        const ServingEstimate serving_low = o.photonic_core.empty() ? serving : offloaded(photonics::SpreadPoint::low);
        const ServingEstimate serving_high = o.photonic_core.empty() ? serving : offloaded(photonics::SpreadPoint::high);
        // The range spans the modelled figure and the catalog's ends (the model may lie outside a
        // published range: the 800G DSP module is modelled at 17 W against 14-16 W published).
        oe.low = std::min(oe.energy.total(), system_energy(serving_low, m, p, s.point, sys, o, c.links, Spread::low).total());
        oe.high = std::max(oe.energy.total(), system_energy(serving_high, m, p, s.point, sys, o, c.links, Spread::high).total());
        oe.gpu_only_per_token = serving.gpu_only_energy_per_token();
        const double per_gpu = in_watts(oe.energy.power_per_gpu());
        oe.gpus_in_budget = std::floor(in_watts(s.power_budget) / per_gpu);
        oe.tokens_per_s_in_budget = oe.gpus_in_budget * oe.energy.tokens_per_s / oe.energy.gpus;
        if (!baseline && name.find("baseline") != std::string::npos) baseline = in_joules(oe.energy.total());
        e.options.push_back(oe);
    }
    for (auto& oe : e.options) oe.saving_vs_baseline_pct = 100.0 * (1.0 - in_joules(oe.energy.total()) / *baseline);
    return e;
}

}  // namespace lightwatt::mapping
