// The J/token estimate (mapping/scenario.hpp, system_energy.hpp): catalogs, scenarios read from a
// TOML file or string through the scenario reader (so every key is validated with its messages),
// overrides of any scenario key as TOML values (the reader validates them too), and the estimate
// per option with its breakdown by part.
#include <sstream>

#include "bindings.hpp"
#include "lightwatt/mapping/estimate_json.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/mapping/scenario.hpp"
#include "py_catalogs.hpp"
#include "lightwatt/study/uncertainty_json.hpp"

namespace lightwatt::python {

using namespace lightwatt::mapping;

namespace {

// A scenario with the TOML it was read from, so that overrides re-read the whole document.
struct PyScenario {
    PyCatalogs catalogs;
    std::shared_ptr<const toml::table> table;
    std::string file;
    std::shared_ptr<const Scenario> scenario;
};

struct PyEstimate {
    PyScenario scenario;
    Estimate estimate;  // estimate.scenario points at *scenario.scenario
};

PyScenario read(const PyCatalogs& c, toml::table table, const std::string& file) {
    auto shared = std::make_shared<const toml::table>(std::move(table));
    const TableReader root(*shared, std::make_shared<const std::string>(file), "");
    auto scenario = std::make_shared<const Scenario>(read_scenario(root, *c.catalogs));
    return PyScenario{c, std::move(shared), file, std::move(scenario)};
}

PyScenario from_file(const PyCatalogs& c, const std::filesystem::path& path) {
    // The project's reader first, for its messages (missing file, syntax error with its line).
    (void)TomlDocument::parse_file(path);
    return read(c, toml::parse_file(path.string()), path.string());
}

PyScenario from_string(const PyCatalogs& c, const std::string& text, const std::string& name) {
    (void)TomlDocument::parse_string(text, name);
    return read(c, toml::parse(text, name), name);
}

PyScenario with_values(const PyScenario& s, const nb::dict& values) {
    toml::table table = *s.table;
    for (auto [key, value] : values) {
        if (!nb::isinstance<nb::str>(key))
            throw InputError::at("with_values", nb::cast<std::string>(nb::repr(key)), "key is not a string",
                                 "dotted keys such as \"workload.batch\"");
        set_dotted(table, nb::cast<std::string>(key), value, "with_values");
    }
    return read(s.catalogs, std::move(table), s.file);
}

PyEstimate run_estimate(const PyScenario& s, const std::optional<std::filesystem::path>& calibration) {
    PyEstimate out{s, {}};
    nb::gil_scoped_release release;
    const EstimateInputs inputs =
        load_estimate_inputs(*s.scenario, *s.catalogs.catalogs, s.catalogs.data_dir, calibration);
    out.estimate = estimate(*s.scenario, inputs);
    return out;
}

nb::dict breakdown_of(const OptionEstimate& o) {
    nb::dict d;
    for (const EnergyPart part : enum_values<EnergyPart>())
        d[nb::str(std::string(enum_name(part)).c_str())] = in_joules(o.energy.per_token[part]);
    return d;
}

double j_per_token(const OptionEstimate& o) { return in_joules(o.energy.total()); }

// One flat row per option: the headline figures and `<part>_j_per_token` columns (the CSV's), as
// the library's records (estimate_records.hpp) have them.
nb::list option_records(const PyEstimate& e) {
    nb::list rows;
    for (const auto& o : e.estimate.options)
        rows.append(to_python(option_record(o, e.scenario.scenario->mode, RecordView::table)));
    return rows;
}

nb::object long_breakdown_records(const PyEstimate& e) { return to_python(breakdown_records(e.estimate)); }

nb::object estimate_dict(const PyEstimate& e) { return to_python(estimate_json(*e.scenario.scenario, e.estimate)); }

// The serving cycle's step of that name; a training estimate has none.
const StepTime& serving_phase(const PyEstimate& e, Phase phase) {
    const std::string_view name = enum_name(phase);
    if (e.scenario.scenario->mode != Mode::serving)
        throw InputError::at(std::string(name) + "_step", "in a training estimate",
                             "serving only: a training step has no " + std::string(name),
                             "phase_records() and cycle_s");
    return e.estimate.cycle.phase(phase);
}

nb::list phase_records(const PyEstimate& e) {
    nb::list rows;
    for (const auto& ph : e.estimate.cycle.phases) rows.append(to_python(phase_record(ph, RecordView::table)));
    return rows;
}

nb::list accuracy_records(const OptionEstimate& o) {
    nb::list rows;
    for (const auto& a : o.offload_accuracy) rows.append(to_python(accuracy_record(a)));
    return rows;
}

// `lightwatt estimate --monte-carlo N --json`'s document, and one record per draw and option: the
// draw, the option, its J/token and saving, and each drawn figure by its path.
nb::dict run_monte_carlo(const PyScenario& s, long long draws, long long seed, int threads) {
    study::MonteCarloResult r;
    nlohmann::json summary;
    {
        nb::gil_scoped_release release;
        if (draws < 1 || static_cast<unsigned long long>(draws) > study::kMaxMonteCarloDraws)
            throw InputError::at("draws", std::to_string(draws), "not a draw count it takes",
                                 "an integer from 1 to " + std::to_string(study::kMaxMonteCarloDraws));
        if (seed < 0) throw InputError::at("seed", std::to_string(seed), "negative", "an integer from 0 to 2^63-1");
        const EstimateInputs inputs =
            load_estimate_inputs(*s.scenario, *s.catalogs.catalogs, s.catalogs.data_dir, std::nullopt, false);
        r = study::monte_carlo(*s.scenario, inputs, static_cast<std::size_t>(draws), static_cast<std::uint64_t>(seed),
                               threads);
        summary = study::monte_carlo_json(s.file, r, study::saving_sensitivities(r));
    }
    const std::size_t no = r.options.size(), nf = r.figures.size();
    nb::dict columns;
    nb::list draw, option, j, saving;
    std::vector<nb::list> figures(nf);
    for (std::size_t d = 0; d < r.draws; ++d)
        for (std::size_t o = 0; o < no; ++o) {
            draw.append(d);
            option.append(r.options[o].option);
            j.append(r.j_per_token[d * no + o]);
            saving.append(r.saving_vs_baseline_pct[d * no + o]);
            for (std::size_t f = 0; f < nf; ++f) figures[f].append(r.drawn[d * nf + f]);
        }
    columns["draw"] = draw;
    columns["option"] = option;
    columns["j_per_token"] = j;
    columns["saving_vs_baseline_pct"] = saving;
    for (std::size_t f = 0; f < nf; ++f) columns[nb::str(r.figures[f].path.c_str())] = figures[f];
    nb::dict out;
    out["summary"] = to_python(summary);
    out["columns"] = columns;
    return out;
}

// `lightwatt solve --json`'s document.
nb::object run_solve(const PyScenario& s, const std::string& parameter, const std::string& option,
                     const std::string& versus, double saving_pct,
                     const std::optional<std::pair<double, double>>& range) {
    nlohmann::json j;
    {
        nb::gil_scoped_release release;
        const CatalogFiles files = parse_catalog_files(s.catalogs.data_dir);
        const CatalogFigure figure = find_catalog_figure(files, parameter, {"", 0, "parameter"});
        const EstimateInputs inputs =
            load_estimate_inputs(*s.scenario, *s.catalogs.catalogs, s.catalogs.data_dir, std::nullopt, false);
        const study::SavingQuestion q{option, versus, saving_pct, range};
        const study::SavingAnswer a = study::solve_saving(
            {s.scenario.get(), s.catalogs.catalogs.get(), &files, &inputs, s.catalogs.data_dir}, figure, q);
        j = study::saving_answer_json(figure, q, a);
    }
    return to_python(j);
}

const OptionEstimate& option_named(const PyEstimate& e, const std::string& name) {
    std::vector<std::string> names;
    for (const auto& o : e.estimate.options) {
        if (o.energy.option == name) return o;
        names.push_back(o.energy.option);
    }
    throw InputError::unknown("option", name, names, "not an option of this estimate");
}

template <class T>
std::optional<T> serving_value(const PyScenario& s, T v) {
    return s.scenario->mode == Mode::serving ? std::optional<T>(v) : std::nullopt;
}
template <class T>
std::optional<T> training_value(const PyScenario& s, T v) {
    return s.scenario->mode == Mode::training ? std::optional<T>(v) : std::nullopt;
}

}  // namespace

void bind_estimate(nb::module_& m) {
    m.def("energy_part_names", &enum_names<EnergyPart>, "The parts of the J/token breakdown, in report order.");

    nb::class_<PyCatalogs>(
        m, "Catalogs", "Everything a scenario's names refer to: LLMs, GPUs, systems, options, links, photonic cores.")
        .def_static(
            "load",
            [](const std::filesystem::path& data_dir) {
                return PyCatalogs{std::make_shared<const Catalogs>(load_catalogs(data_dir)), data_dir};
            },
            nb::arg("data_dir"), nb::call_guard<nb::gil_scoped_release>())
        .def_prop_ro("data_dir", [](const PyCatalogs& c) { return c.data_dir; })
        .def_prop_ro("llm_names", [](const PyCatalogs& c) { return c.catalogs->llms.sorted_names(); })
        .def_prop_ro("gpu_names", [](const PyCatalogs& c) { return c.catalogs->gpus.sorted_names(); })
        .def_prop_ro("system_names", [](const PyCatalogs& c) { return c.catalogs->systems.systems.sorted_names(); })
        .def_prop_ro("option_names", [](const PyCatalogs& c) { return c.catalogs->systems.options.sorted_names(); })
        .def("__repr__", [](const PyCatalogs& c) { return "Catalogs('" + c.data_dir.string() + "')"; });

    nb::class_<PyScenario>(
        m, "Scenario",
        "A serving or training scenario (docs/scenario-file.md). Immutable: with_values() returns a new one, read and "
        "validated again by the same reader as a file.")
        .def_static("from_file", &from_file, nb::arg("catalogs"), nb::arg("path"),
                    "Reads a scenario file against the catalogs.")
        .def_static("from_string", &from_string, nb::arg("catalogs"), nb::arg("text"), nb::arg("name") = "<string>",
                    "Reads scenario TOML text; `name` is the file name messages use.")
        .def("with_values", &with_values, nb::arg("values"),
             "A new scenario with the given keys set, as dotted TOML keys: {\"workload.batch\": 128, "
             "\"deployment.tp\": 4, "
             "\"options.compare\": [\"baseline\", \"cpo\"], \"facility.power_budget_mw\": 50}. InputError for an "
             "unknown key "
             "or an impossible value, with the scenario reader's message.")
        .def(
            "with_batch_size",
            [](const PyScenario& s, nb::handle batch) {
                nb::dict v;
                v["workload.batch"] = batch;
                return with_values(s, v);
            },
            nb::arg("batch"), "with_values({\"workload.batch\": batch}): sequences decoded together.")
        .def(
            "with_tp",
            [](const PyScenario& s, nb::handle tp, nb::handle gpus) {
                nb::dict v;
                v["deployment.tp"] = tp;
                if (!gpus.is_none()) v["deployment.gpus"] = gpus;
                return with_values(s, v);
            },
            nb::arg("tp"), nb::arg("gpus").none() = nb::none(),
            "Tensor parallelism (and the deployment's GPU count, when given: tp x pp may not exceed it).")
        .def(
            "with_options",
            [](const PyScenario& s, nb::handle names) {
                nb::dict v;
                v["options.compare"] = names;
                return with_values(s, v);
            },
            nb::arg("names"), "The options to compare (data/options.toml); one of them must be a baseline.")
        .def(
            "with_power_budget_mw",
            [](const PyScenario& s, nb::handle mw) {
                nb::dict v;
                v["facility.power_budget_mw"] = mw;
                return with_values(s, v);
            },
            nb::arg("power_budget_mw"), "The facility power of the fixed-power view, in MW.")
        .def(
            "to_toml",
            [](const PyScenario& s) {
                std::ostringstream out;
                out << *s.table;
                return out.str();
            },
            "The scenario as TOML, overrides included.")
        .def("estimate", &run_estimate, nb::arg("calibration").none() = nb::none(),
             "Energy per token of every option (`lightwatt estimate`); `calibration` is a record (JSON) to use instead "
             "of the scenario's profile. The GIL is released while it runs.")
        .def("monte_carlo", &run_monte_carlo, nb::arg("draws"), nb::arg("seed"), nb::arg("threads"),
             "`lightwatt estimate --monte-carlo N --json`: {'summary': that document, 'columns': one entry per draw "
             "and option (draw, option, j_per_token, saving_vs_baseline_pct, each drawn figure by its path, in W)}. "
             "The GIL is "
             "released while it runs.")
        .def("solve", &run_solve, nb::arg("parameter"), nb::arg("option"), nb::arg("versus"), nb::arg("saving_pct"),
             nb::arg("range").none(),
             "`lightwatt solve --json`: the value of a catalog figure at which `option` saves `saving_pct` % of "
             "J/token over `versus`.")
        .def_prop_ro("file", [](const PyScenario& s) { return s.file; })
        .def_prop_ro("description", [](const PyScenario& s) { return s.scenario->description; })
        .def_prop_ro("model", [](const PyScenario& s) { return s.scenario->model; })
        .def_prop_ro("system", [](const PyScenario& s) { return s.scenario->system; })
        .def_prop_ro("gpu", [](const PyScenario& s) { return s.scenario->gpu; })
        .def_prop_ro(
            "mode", [](const PyScenario& s) { return std::string(enum_name(s.scenario->mode)); },
            "\"serving\" or \"training\".")
        .def_prop_ro(
            "batch", [](const PyScenario& s) { return serving_value(s, s.scenario->point.batch); },
            "Serving; None in training.")
        .def_prop_ro("prompt_tokens",
                     [](const PyScenario& s) { return serving_value(s, s.scenario->point.prompt_tokens); })
        .def_prop_ro("output_tokens",
                     [](const PyScenario& s) { return serving_value(s, s.scenario->point.output_tokens); })
        .def_prop_ro("bytes_per_weight",
                     [](const PyScenario& s) {
                         return s.scenario->mode == Mode::serving ? s.scenario->point.bytes_per_weight
                                                                  : s.scenario->training.bytes_per_weight;
                     })
        .def_prop_ro(
            "tokens_per_step",
            [](const PyScenario& s) { return training_value(s, s.scenario->training.tokens_per_step); },
            "Training; None in serving.")
        .def_prop_ro("sequence_length",
                     [](const PyScenario& s) { return training_value(s, s.scenario->training.sequence_length); })
        .def_prop_ro(
            "dp", [](const PyScenario& s) { return s.scenario->parallelism.dp; },
            "Data-parallel replicas (training; 1 in serving).")
        .def_prop_ro(
            "gpus", [](const PyScenario& s) { return s.scenario->gpus; }, "deployment.gpus")
        .def_prop_ro("search_parallelism", [](const PyScenario& s) { return s.scenario->search_parallelism; })
        .def_prop_ro("tp", [](const PyScenario& s) { return s.scenario->parallelism.tp; })
        .def_prop_ro("pp", [](const PyScenario& s) { return s.scenario->parallelism.pp; })
        .def_prop_ro("ep", [](const PyScenario& s) { return s.scenario->parallelism.ep; })
        .def_prop_ro("communication_overlap", [](const PyScenario& s) { return s.scenario->communication_overlap; })
        .def_prop_ro("calibration_profile", [](const PyScenario& s) { return s.scenario->calibration_profile; })
        .def_prop_ro("serving_runs", [](const PyScenario& s) { return s.scenario->serving_runs; })
        .def_prop_ro("options", [](const PyScenario& s) { return s.scenario->options; })
        .def_prop_ro("power_budget_w", [](const PyScenario& s) { return in_watts(s.scenario->power_budget); })
        .def_prop_ro("catalogs", [](const PyScenario& s) { return s.catalogs; })
        .def("__repr__", [](const PyScenario& s) {
            return "Scenario('" + s.file + "', model='" + s.scenario->model +
                   "', batch=" + std::to_string(s.scenario->point.batch) +
                   ", tp=" + std::to_string(s.scenario->parallelism.tp) + ")";
        });

    nb::class_<OptionEstimate>(
        m, "OptionEstimate",
        "One option's energy per token (serving: output token; training: token trained on), by part, and its "
        "fixed-power view.")
        .def_prop_ro("name", [](const OptionEstimate& o) { return o.energy.option; })
        .def_prop_ro("j_per_token", &j_per_token, "Whole-system energy per output token (the headline).")
        .def_prop_ro("j_per_token_low", [](const OptionEstimate& o) { return in_joules(o.low); })
        .def_prop_ro("j_per_token_high", [](const OptionEstimate& o) { return in_joules(o.high); })
        .def_prop_ro("gpu_only_j_per_token", [](const OptionEstimate& o) { return in_joules(o.gpu_only_per_token); })
        .def_prop_ro(
            "replaces", [](const OptionEstimate& o) { return o.replaces; },
            "What the option takes out of the baseline (data/options.toml).")
        .def_prop_ro(
            "tokens_per_s", [](const OptionEstimate& o) { return o.energy.tokens_per_s; }, "Per replica.")
        .def_prop_ro("tokens_per_joule", [](const OptionEstimate& o) { return 1.0 / j_per_token(o); })
        .def_prop_ro(
            "gpus", [](const OptionEstimate& o) { return o.energy.gpus; }, "GPUs per replica.")
        .def_prop_ro("breakdown_j_per_token", &breakdown_of, "J/token by part; the values sum to j_per_token.")
        .def_ro("saving_vs_baseline_pct", &OptionEstimate::saving_vs_baseline_pct)
        .def_prop_ro(
            "power_per_gpu_w", [](const OptionEstimate& o) { return in_watts(o.energy.power_per_gpu()); },
            "All-in power per GPU.")
        .def_ro("gpus_in_power_budget", &OptionEstimate::gpus_in_budget)
        .def_ro("tokens_per_s_in_power_budget", &OptionEstimate::tokens_per_s_in_budget)
        .def_prop_ro(
            "tokens_per_s_per_megawatt", [](const OptionEstimate& o) { return 1.0e6 / j_per_token(o); },
            "Tokens/s per MW of facility power (IT x PUE): 10^6 / j_per_token.")
        .def_prop_ro(
            "tp", [](const OptionEstimate& o) { return o.parallelism.tp; },
            "The option's tensor parallelism (searched or the scenario's).")
        .def_prop_ro("pp", [](const OptionEstimate& o) { return o.parallelism.pp; })
        .def_prop_ro("cycle_s", [](const OptionEstimate& o) { return in_seconds(o.cycle.cycle); })
        .def_prop_ro(
            "inter_token_latency_ms", [](const OptionEstimate& o) { return in_milliseconds(o.inter_token_latency); },
            "Serving: pp x decode step.")
        .def_prop_ro(
            "tokens_per_s_per_user",
            [](const OptionEstimate& o) -> std::optional<double> {
                // Training sets no inter-token latency: no user waits on its tokens.
                if (in_seconds(o.inter_token_latency) <= 0.0) return std::nullopt;
                return 1.0 / in_seconds(o.inter_token_latency);
            },
            "Serving: what one request sees, 1000 / inter_token_latency_ms; None in training.")
        .def_ro("meets_latency_target", &OptionEstimate::meets_latency_target)
        .def_prop_ro(
            "memory_per_gpu_gbyte", [](const OptionEstimate& o) { return in_gigabytes(o.memory.total()); },
            "Serving: weights and KV cache per GPU.")
        .def("offload_accuracy_records", &accuracy_records,
             "Photonic options: the emulated accuracy of each offloaded GEMM (SNR, ENOB, relative RMS error).")
        .def_prop_ro(
            "lm_proxy",
            [](const OptionEstimate& o) -> nb::object {
                if (!o.lm_proxy) return nb::none();
                return to_python(lm_proxy_record(*o.lm_proxy));
            },
            "Photonic options, beside offload_accuracy_records(): the small-model proxy study "
            "(data/studies/lm-perplexity.json) at the option's core, precision and nearest laser power, as a dict "
            "(in_study, perplexity_change_pct, ...); None when nothing was emulated.")
        .def("to_record", &option_record)
        .def("__repr__", [](const OptionEstimate& o) {
            return "OptionEstimate('" + o.energy.option + "', j_per_token=" + format_number(j_per_token(o)) + ")";
        });

    nb::class_<PyEstimate>(m, "Estimate",
                           "The estimate of a scenario: one OptionEstimate per option, in the scenario's order.")
        .def_prop_ro("scenario", [](const PyEstimate& e) { return e.scenario; })
        .def_prop_ro("options", [](const PyEstimate& e) { return e.estimate.options; })
        .def(
            "option", [](const PyEstimate& e, const std::string& name) { return option_named(e, name); },
            nb::arg("name"))
        .def_prop_ro("calibration_source", [](const PyEstimate& e) { return e.estimate.calibration_source; })
        .def_prop_ro(
            "gpu", [](const PyEstimate& e) { return e.estimate.gpu; }, "The GPU the estimate ran on (data/gpus.toml).")
        .def_prop_ro(
            "announced", [](const PyEstimate& e) { return e.estimate.announced; },
            "Catalog entries of vendor-announced hardware the estimate used (\"gpus.rubin\", ...): their figures "
            "are announcements, not measurements.")
        .def_prop_ro(
            "fabric_from_calibration", [](const PyEstimate& e) { return e.estimate.fabric_from_calibration; },
            "False when the calibration record measured no collective across GPUs (one GPU, or no record): "
            "NVLink and network collectives then come from the catalogs.")
        .def_prop_ro(
            "mode", [](const PyEstimate& e) { return std::string(enum_name(e.scenario.scenario->mode)); },
            "\"serving\" or \"training\".")
        .def_prop_ro(
            "decode_step_s", [](const PyEstimate& e) { return in_seconds(serving_phase(e, Phase::decode).total); },
            "Serving: one decode step (one stage's time); InputError for a training estimate.")
        .def_prop_ro(
            "prefill_s", [](const PyEstimate& e) { return in_seconds(serving_phase(e, Phase::prefill).total); },
            "Serving: the batch's prefill.")
        .def_prop_ro("gpu_power_decode_w",
                     [](const PyEstimate& e) { return in_watts(serving_phase(e, Phase::decode).gpu_power); })
        .def_prop_ro(
            "gpus_per_replica", [](const PyEstimate& e) { return e.estimate.cycle.gpus; },
            "GPUs of the scenario's replica (serving) or job (training).")
        .def_prop_ro(
            "cycle_s", [](const PyEstimate& e) { return in_seconds(e.estimate.cycle.cycle); },
            "The serving cycle (prefill and decode steps) or training step, in seconds.")
        .def_prop_ro("tokens_per_cycle", [](const PyEstimate& e) { return e.estimate.cycle.tokens; })
        .def_prop_ro(
            "model_tflop_per_s_per_gpu",
            [](const PyEstimate& e) { return in_teraflops_per_second(e.estimate.model_flop_rate_per_gpu); },
            "Training: model FLOPs (6 N + attention per token) per second per GPU, the MFU numerator; 0 in serving.")
        .def("phase_records", &phase_records, "One row per phase of the cycle: step time by part, repeats, GPU power.")
        .def("to_records", &option_records, "One row per option: headline figures and `<part>_j_per_token` columns.")
        .def("breakdown_records", &long_breakdown_records, "One row per option and part (long format).")
        .def(
            "to_dataframe", [](const PyEstimate& e) { return records_to_dataframe(option_records(e)); },
            "to_records() as a pandas DataFrame (pandas is imported now).")
        .def("to_dict", &estimate_dict, "The document `lightwatt estimate --json` prints.")
        .def("__repr__", [](const PyEstimate& e) {
            std::string out = "Estimate('" + e.scenario.file + "'";
            for (const auto& o : e.estimate.options)
                out += ", " + o.energy.option + "=" + format_number(j_per_token(o)) + " J/token";
            return out + ")";
        });
}

}  // namespace lightwatt::python
