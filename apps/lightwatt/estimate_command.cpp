#include "estimate_command.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <vector>

#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/mapping/estimate_json.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/mapping/scenario.hpp"
#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/study/uncertainty_json.hpp"
#include "monte_carlo_report.hpp"
#include "svg.hpp"
#include "tornado_chart.hpp"

namespace lightwatt::cli {

namespace {

using namespace lightwatt::mapping;

std::string workload_summary(const Scenario& s) {
    std::ostringstream out;
    if (s.mode == Mode::serving)
        out << "batch " << s.point.batch << ", prompt " << s.point.prompt_tokens << " + output "
            << s.point.output_tokens << " tokens";
    else
        out << "training, " << fixed(s.training.tokens_per_step, 0) << " tokens per step in sequences of "
            << s.training.sequence_length;
    return out.str();
}

// Beside the offloaded GEMMs' accuracy: the small-model proxy study at each option's core, or
// "not in the study".
std::string lm_proxy_text(const Estimate& e) {
    const LmProxyLookup* any = nullptr;
    TextTable t({"option", "core", "bits", "laser W", "study laser W", "perplexity change", "seed spread"},
                {false, false, true, true, true, true, true});
    for (const auto& o : e.options) {
        if (!o.lm_proxy) continue;
        const LmProxyLookup& p = *o.lm_proxy;
        any = &p;
        const std::string bits = p.bits ? std::to_string(*p.bits) : "mixed";
        const std::string watts = fixed(in_watts(p.laser_power), 2);
        if (p.point == nullptr) {
            t.add({o.energy.option, p.core, bits, watts, "not in the study", "", ""});
            continue;
        }
        t.add({o.energy.option, p.core, bits, watts, fixed(in_watts(p.point->laser_power), 2),
               (p.perplexity_change_pct() >= 0.0 ? "+" : "") + fixed(p.perplexity_change_pct(), 1) + " %",
               fixed(p.seed_spread_pct(), 1) + " %"});
    }
    if (any == nullptr) return "";
    return "\n" + escape_text(any->study->label) + " (" + std::string(kLmProxyStudyFile) +
           " in the data folder):\nits perplexity change against float (" + fixed(any->study->float_perplexity, 3) +
           ") with every linear layer on the option's core, at the core's precision and the study's laser power "
           "nearest the core's\n" +
           t.render();
}

// The options' csv records: text escaped, numbers as the stream writes them.
std::string csv_of(const Scenario& s, const Estimate& e) {
    std::ostringstream out;
    const std::vector<std::string> keys = option_record_keys(RecordView::csv);
    for (std::size_t i = 0; i < keys.size(); ++i) out << (i ? "," : "") << keys[i];
    out << "\n";
    for (const auto& o : e.options) {
        const auto row = option_record(o, s.mode, RecordView::csv);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto& v = row.at(keys[i]);
            out << (i ? "," : "");
            if (v.is_string())
                out << escape_text(v.get<std::string>());
            else if (v.is_boolean())
                out << (v.get<bool>() ? "true" : "false");
            else if (!v.is_null())  // null: a serving figure of a training estimate, an empty cell
                out << v.get<double>();
        }
        out << "\n";
    }
    return out.str();
}

// A stacked horizontal bar per option, parts in a fixed colour order, with a legend. The colours
// differ pairwise by at least CIEDE2000 10 (kSeriesColours); the canvas grows to hold
// the longest option name, value label and title.
std::string svg_of(const Scenario& s, const Estimate& e) {
    static_assert(enum_count<EnergyPart> <= kSeriesColours.size(), "one colour per part");
    const auto colour = [](EnergyPart part) { return series_colour(enum_index(part)); };
    constexpr double font = 12, title_font = 14, bar = 26, gap = 14, top = 50, width = 520;
    constexpr double legend_columns = 5, legend_step = 150;
    double largest = 0.0, name_width = 0.0, label_width = 0.0;
    std::vector<std::string> labels;
    for (const auto& o : e.options) {
        largest = std::max(largest, in_joules(o.energy.total()));
        name_width = std::max(name_width, text_width(o.energy.option, font));
        char label[64];
        std::snprintf(label, sizeof label, "%.3f J (%+.1f %%)", in_joules(o.energy.total()), -o.saving_vs_baseline_pct);
        labels.emplace_back(label);
        label_width = std::max(label_width, text_width(labels.back(), font));
    }
    const std::string title =
        std::string(s.mode == Mode::serving ? "Energy per output token" : "Energy per trained token") +
        " by part (J): " + s.model + ", " + workload_summary(s) + ", " + std::to_string(e.cycle.gpus) + " GPUs";
    std::string announced;
    for (const auto& a : e.announced) announced += (announced.empty() ? "" : ", ") + a;
    if (!announced.empty()) announced = "ANNOUNCED, not measured: " + announced;
    const double left = 20 + name_width;
    const double canvas = std::max({left + width + 6 + label_width + 10, 20 + text_width(title, title_font),
                                    20 + text_width(announced, font), 10 + legend_columns * legend_step});
    const double rows = static_cast<double>(e.options.size());
    const double legend_rows = std::ceil(static_cast<double>(enum_count<EnergyPart>) / legend_columns);
    const double height = top + rows * (bar + gap) + 30 + legend_rows * 20;
    std::ostringstream svg;
    svg << svg_open(canvas, height, font);
    svg << "<text x=\"10\" y=\"20\" font-size=\"" << title_font << "\">" << svg_text(title) << "</text>\n";
    if (!announced.empty()) svg << "<text x=\"10\" y=\"38\" fill=\"#c00\">" << svg_text(announced) << "</text>\n";
    for (std::size_t r = 0; r < e.options.size(); ++r) {
        const auto& o = e.options[r];
        const double y = top + static_cast<double>(r) * (bar + gap);
        svg << "<text x=\"10\" y=\"" << y + bar * 0.7 << "\">" << svg_text(o.energy.option) << "</text>\n";
        double x = left;
        for (const EnergyPart part : enum_values<EnergyPart>()) {
            const double w = in_joules(o.energy.per_token[part]) / largest * width;
            svg << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << bar << "\" fill=\""
                << colour(part) << "\"><title>" << enum_name(part) << ": " << in_joules(o.energy.per_token[part])
                << " J</title></rect>\n";
            x += w;
        }
        svg << "<text x=\"" << x + 6 << "\" y=\"" << y + bar * 0.7 << "\">" << labels[r] << "</text>\n";
    }
    const double legend_y = top + rows * (bar + gap) + 20;
    for (const EnergyPart part : enum_values<EnergyPart>()) {
        const auto i = static_cast<double>(enum_index(part));
        const double x = 10 + std::fmod(i, legend_columns) * legend_step;
        const double y = legend_y + std::floor(i / legend_columns) * 20;
        svg << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"12\" height=\"12\" fill=\"" << colour(part) << "\"/>";
        svg << "<text x=\"" << x + 16 << "\" y=\"" << y + 11 << "\">" << enum_name(part) << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

// The serving terms the estimate used (docs/models/serving-time.md): the engine's overhead (serving
// only) and the GPU's activity power, and the runs they were fitted on.
std::string serving_terms_line(const Scenario& s, const Estimate& e) {
    const ServingCalibration& c = e.serving;
    std::ostringstream line;
    if (s.mode == Mode::serving)
        line << "serving terms: engine overhead " << fixed(in_seconds(c.per_layer) * 1e6, 1) << " us per layer + "
             << fixed(in_seconds(c.per_sequence) * 1e6, 1) << " us per sequence; GPU power ";
    else
        line << "GPU power: ";
    line << fixed(in_watts(c.static_power), 1) << " W + " << fixed(in_picojoules_per_flop(c.energy_per_flop), 2)
         << " W per TFLOP/s + " << fixed(in_picojoules_per_byte(c.hbm_energy_per_bit), 1) << " W per TB/s, at most "
         << fixed(in_watts(c.max_power), 1) << " W (fitted on " << s.serving_runs << ", measured on " << c.fitted_on;
    if (c.fitted_on != e.gpu) line << ", carried to " << e.gpu;
    line << ")\n";
    return line.str();
}

std::string table_of(const Scenario& s, const Estimate& e) {
    std::ostringstream text;
    const CycleEstimate& c = e.cycle;
    text << s.description << "\n"
         << s.model << ", " << workload_summary(s) << ", TP " << s.parallelism.tp << " x PP " << s.parallelism.pp;
    if (s.mode == Mode::training) text << " x DP " << s.parallelism.dp;
    text << " = " << c.gpus << " GPUs (" << e.gpu << ", " << s.system << ")\n"
         << "calibration: " << e.calibration_source << "\n";
    for (const auto& entry : e.announced)
        text << "ANNOUNCED: " << entry
             << " carries its vendor's announced figures, not measured ones (see its source)\n";
    if (!e.fabric_from_calibration)
        text << "fabric: no collective of this system was measured (the calibration record has none across GPUs); "
                "NVLink and network collectives are modelled from data/systems.toml and data/gpus.toml\n";
    text << serving_terms_line(s, e);
    if (s.mode == Mode::serving) {
        text << "decode step " << fixed(in_milliseconds(c.phase(Phase::decode).total), 1) << " ms, prefill "
             << fixed(in_milliseconds(c.phase(Phase::prefill).total), 0) << " ms per batch; GPU power "
             << fixed(in_watts(c.phase(Phase::decode).gpu_power), 0) << " W in decode\n";
    } else {
        const StepTime& micro = c.phase(Phase::forward_backward);
        text << "step " << fixed(in_seconds(c.cycle), 2) << " s: " << fixed(c.phases.front().repeats, 0)
             << " micro-batches of " << fixed(in_milliseconds(micro.total), 0) << " ms (GPU power "
             << fixed(in_watts(micro.gpu_power), 0) << " W)";
        for (const auto& ph : c.phases)
            if (ph.phase != Phase::forward_backward)
                text << ", " << enum_name(ph.phase) << " " << fixed(in_milliseconds(ph.time.total), 0) << " ms";
        text << "; " << fixed(in_teraflops_per_second(e.model_flop_rate_per_gpu), 0) << " model TFLOP/s per GPU\n";
    }
    if (!c.gemm_from_calibration || !c.collectives_from_calibration)
        text << "note: " << (c.gemm_from_calibration ? "" : "GEMM times from the roofline (no calibration GEMM rows); ")
             << (c.collectives_from_calibration
                     ? ""
                     : "some collectives from NCCL's model and the link bandwidth (no matching fit)")
             << "\n";
    text << "\n";
    TextTable t({"option", "J/token", "low-high", "saving %", "GPU-only J/token", "tokens/s", "all-in W/GPU",
                 "GPUs in budget", "tokens/s in budget"},
                {false, true, true, true, true, true, true, true, true});
    for (const auto& o : e.options)
        t.add({o.energy.option, fixed(in_joules(o.energy.total()), 3),
               fixed(in_joules(o.low), 3) + "-" + fixed(in_joules(o.high), 3), fixed(o.saving_vs_baseline_pct, 2),
               fixed(in_joules(o.gpu_only_per_token), 3), fixed(o.energy.tokens_per_s, 0),
               fixed(in_watts(o.energy.power_per_gpu()), 0), fixed(o.gpus_in_budget, 0),
               fixed(o.tokens_per_s_in_budget, 0)});
    text << t.render();
    bool any_replaces = false;
    for (const auto& o : e.options) any_replaces = any_replaces || !o.replaces.empty();
    if (any_replaces) {
        text << "\nWhat each option replaces\n";
        for (const auto& o : e.options)
            for (const auto& r : o.replaces) text << "  " << o.energy.option << ": " << r << "\n";
    }
    if (s.search_parallelism || s.search.max_inter_token_latency) {
        // Each option's replica: the searched or the scenario's parallelism, its latency and memory.
        TextTable r({"option", "TP x PP", "GPUs", "ITL ms", "meets target", "memory GB/GPU"},
                    {false, true, true, true, true, true});
        for (const auto& o : e.options)
            r.add({o.energy.option, std::to_string(o.parallelism.tp) + " x " + std::to_string(o.parallelism.pp),
                   std::to_string(o.parallelism.tp * o.parallelism.pp),
                   fixed(in_milliseconds(o.inter_token_latency), 1), o.meets_latency_target ? "yes" : "no",
                   fixed(in_gigabytes(o.memory.total()), 1)});
        text << "\n" << (s.search_parallelism ? "Parallelism chosen per option" : "Replica per option");
        if (s.search.max_inter_token_latency)
            text << " (target: inter-token latency <= " << fixed(in_milliseconds(*s.search.max_inter_token_latency), 1)
                 << " ms)";
        text << "\n" << r.render();
    }
    bool offloads = false;
    for (const auto& o : e.options) offloads = offloads || !o.offload_accuracy.empty();
    if (offloads) {
        TextTable a({"option", "GEMM", "sample (outputs x k x rows)", "SNR dB", "ENOB", "rel. RMS error"},
                    {false, false, true, true, true, true});
        for (const auto& o : e.options)
            for (const auto& g : o.offload_accuracy)
                a.add({o.energy.option, g.gemm,
                       std::to_string(g.outputs_sampled) + " x " + std::to_string(g.reduction) + " x " +
                           std::to_string(g.rows),
                       fixed(g.snr_db, 1), fixed(g.enob, 2), fixed(100.0 * g.rel_rms_error, 2) + " %"});
        text << "\nOffloaded GEMMs on the photonic cores: accuracy of an emulated sample (uniform test matrices, seed "
             << photonics::kDefaultEmulationSeed << ")\n"
             << a.render() << lm_proxy_text(e);
    }
    text << "\nJ/token by part\n";
    std::vector<std::string> header{"option"};
    std::vector<bool> right{false};
    for (const EnergyPart part : enum_values<EnergyPart>()) {
        header.emplace_back(enum_name(part));
        right.push_back(true);
    }
    TextTable parts(header, right);
    for (const auto& o : e.options) {
        std::vector<std::string> row{o.energy.option};
        for (const auto& part : o.energy.per_token) row.push_back(fixed(in_joules(part), 3));
        parts.add(row);
    }
    text << parts.render()
         << "\nlow-high: the range spanned by the modelled figure and, where the catalog has ranges, module power at "
            "the ends "
            "of its published range and photonic converters at the survey's best and upper bound.\nFixed power: GPUs a "
         << fixed(in_megawatts(s.power_budget), 0)
         << " MW facility feeds at each option's all-in power per GPU, and the tokens/s they make.\n";
    return text.str();
}

// The seed of --monte-carlo without --seed (printed with the result).
constexpr std::uint64_t kDefaultMonteCarloSeed = 20261125;

void check_monte_carlo_flags(const EstimateOptions& o) {
    if (o.seed && !o.monte_carlo)
        throw InputError::at("--seed", std::to_string(*o.seed), "a seed without --monte-carlo", "--monte-carlo N");
    if (o.seed && *o.seed < 0)
        throw InputError::at("--seed", std::to_string(*o.seed), "negative", "an integer from 0 to 2^63-1");
    if (o.tornado && !o.monte_carlo)
        throw InputError::at("--tornado", *o.tornado, "a sensitivity chart without --monte-carlo", "--monte-carlo N");
    if (!o.monte_carlo) return;
    if (o.csv) throw InputError::at("--csv", "", "no CSV of a Monte Carlo report", "--json, or neither");
    if (o.plot)
        throw InputError::at("--plot", *o.plot, "no breakdown chart of a Monte Carlo report",
                             "--tornado FILE.svg for what moves each saving, or --plot without --monte-carlo");
    if (*o.monte_carlo < 1 || static_cast<unsigned long long>(*o.monte_carlo) > study::kMaxMonteCarloDraws)
        throw InputError::at("--monte-carlo", std::to_string(*o.monte_carlo), "not a draw count it takes",
                             "an integer from 1 to " + std::to_string(study::kMaxMonteCarloDraws));
}

void monte_carlo(const std::string& file, const Scenario& s, const EstimateInputs& inputs, const EstimateOptions& o,
                 const OutputOptions& out) {
    const auto seed = o.seed ? static_cast<std::uint64_t>(*o.seed) : kDefaultMonteCarloSeed;
    const study::MonteCarloResult r =
        study::monte_carlo(s, inputs, static_cast<std::size_t>(*o.monte_carlo), seed, default_thread_count());
    const auto sensitivity = study::saving_sensitivities(r);
    const nlohmann::json j = study::monte_carlo_json(file, r, sensitivity);
    check_finite_result(j, file);
    if (o.tornado)
        out.outputs->stage(*o.tornado,
                           tornado_svg(s.model + ", " + workload_summary(s) + ", " + s.system, r, sensitivity),
                           "--tornado");
    emit(out, out.json ? render_json(j) : monte_carlo_text(file, r, sensitivity));
}

}  // namespace

void estimate(const std::filesystem::path& data_dir, const EstimateOptions& o, const OutputOptions& out) {
    if (out.json && o.csv)
        throw InputError::at("--json, --csv", "both", "two output formats at once", "one of --json or --csv");
    check_monte_carlo_flags(o);
    const Catalogs catalogs = load_catalogs(data_dir);
    const std::filesystem::path file =
        o.file ? std::filesystem::path(*o.file) : data_dir / "scenarios" / "default.toml";
    const Scenario s = load_scenario(file, catalogs);
    // A Monte Carlo report holds energy and rates, not the offloaded GEMMs' accuracy: not emulated.
    const EstimateInputs inputs = load_estimate_inputs(
        s, catalogs, data_dir, o.calibration ? std::optional<std::filesystem::path>(*o.calibration) : std::nullopt,
        !o.monte_carlo);
    if (o.monte_carlo) return monte_carlo(file.string(), s, inputs, o, out);
    const Estimate e = estimate(s, inputs);
    const nlohmann::json j = estimate_json(s, e);
    check_finite_result(j, file.string());
    if (o.plot) out.outputs->stage(*o.plot, svg_of(s, e), "--plot");
    if (out.json)
        emit(out, render_json(j));
    else if (o.csv)
        emit(out, csv_of(s, e));
    else
        emit(out, table_of(s, e));
}

}  // namespace lightwatt::cli
