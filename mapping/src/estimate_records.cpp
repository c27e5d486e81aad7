#include "lightwatt/mapping/estimate_records.hpp"

#include <functional>
#include <iterator>

namespace lightwatt::mapping {

namespace {

using Record = nlohmann::ordered_json;
using Kind = RecordCell::Kind;

// The views that show a column, as bits.
constexpr unsigned bit(RecordView v) { return 1U << static_cast<unsigned>(v); }
constexpr unsigned kJson = bit(RecordView::json), kCsv = bit(RecordView::csv), kTable = bit(RecordView::table);

RecordCell real(double v) { return {Kind::real, v, 0, false, {}}; }
RecordCell integer(long long v) { return {Kind::integer, 0.0, v, false, {}}; }
RecordCell boolean(bool v) { return {Kind::boolean, 0.0, 0, v, {}}; }
RecordCell text(std::string_view v) { return {Kind::text, 0.0, 0, false, v}; }

template <class Row>
struct Column {
    const char* key;
    unsigned views;
    RecordCell (*value)(const Row&);
    bool serving_only = false;  // only in a serving estimate: json leaves it out, other views hold null
};

double j_per_token(const OptionEstimate& o) { return in_joules(o.energy.total()); }

// The offloaded GEMMs' accuracy as one figure per option: the least accurate GEMM's (lowest SNR
// and ENOB, largest relative RMS error). A layer's output carries the error of every GEMM on its
// path, so the worst one bounds the option's accuracy; a mean would hide a GEMM whose long
// reduction loses bits. Null (an empty cell) for an option that offloads nothing, or when the
// accuracy was not emulated.
template <class Figure, class Worse>
RecordCell worst_offload(const OptionEstimate& o, Figure figure, Worse worse) {
    if (o.offload_accuracy.empty()) return {};
    double out = figure(o.offload_accuracy.front());
    for (const OffloadAccuracy& a : o.offload_accuracy)
        if (worse(figure(a), out)) out = figure(a);
    return real(out);
}

bool in_study(const OptionEstimate& o) { return o.lm_proxy && o.lm_proxy->point != nullptr; }

const Column<OptionEstimate> kOptionColumns[] = {
    {"option", kCsv | kTable, [](const OptionEstimate& o) { return text(o.energy.option); }},
    {"name", kJson, [](const OptionEstimate& o) { return text(o.energy.option); }},
    {"j_per_token", kJson | kCsv | kTable, [](const OptionEstimate& o) { return real(j_per_token(o)); }},
    {"j_per_token_low", kJson | kTable, [](const OptionEstimate& o) { return real(in_joules(o.low)); }},
    {"j_per_token_high", kJson | kTable, [](const OptionEstimate& o) { return real(in_joules(o.high)); }},
    {"gpu_only_j_per_token", kJson | kCsv | kTable,
     [](const OptionEstimate& o) { return real(in_joules(o.gpu_only_per_token)); }},
    {"tokens_per_s", kJson | kCsv | kTable, [](const OptionEstimate& o) { return real(o.energy.tokens_per_s); }},
    {"tokens_per_joule", kJson | kTable, [](const OptionEstimate& o) { return real(1.0 / j_per_token(o)); }},
    {"saving_vs_baseline_pct", kJson | kCsv | kTable,
     [](const OptionEstimate& o) { return real(o.saving_vs_baseline_pct); }},
    {"power_per_gpu_w", kJson | kTable,
     [](const OptionEstimate& o) { return real(in_watts(o.energy.power_per_gpu())); }},
    {"gpus_in_power_budget", kJson | kTable, [](const OptionEstimate& o) { return real(o.gpus_in_budget); }},
    {"tokens_per_s_in_power_budget", kJson | kTable,
     [](const OptionEstimate& o) { return real(o.tokens_per_s_in_budget); }},
    // Tokens/s per MW of facility power (IT power times PUE, what j_per_token counts): 10^6 W
    // divided by the joules each token takes, i.e. tokens_per_s_in_power_budget per MW of the
    // budget before it is rounded down to whole GPUs.
    {"tokens_per_s_per_megawatt", kJson | kCsv | kTable,
     [](const OptionEstimate& o) { return real(1.0e6 / j_per_token(o)); }},
    {"tp", kJson | kTable, [](const OptionEstimate& o) { return integer(o.parallelism.tp); }},
    {"pp", kJson | kTable, [](const OptionEstimate& o) { return integer(o.parallelism.pp); }},
    {"gpus", kTable, [](const OptionEstimate& o) { return integer(o.energy.gpus); }},
    {"cycle_s", kJson | kTable, [](const OptionEstimate& o) { return real(in_seconds(o.cycle.cycle)); }},
    {"gemm_times_from_calibration", kJson,
     [](const OptionEstimate& o) { return boolean(o.cycle.gemm_from_calibration); }},
    {"collective_times_from_calibration", kJson,
     [](const OptionEstimate& o) { return boolean(o.cycle.collectives_from_calibration); }},
    {"inter_token_latency_ms", kJson | kCsv | kTable,
     [](const OptionEstimate& o) { return real(in_milliseconds(o.inter_token_latency)); }, true},
    // What one request sees: an output token every inter-token latency. Serving only: a training
    // step has no user waiting for tokens (absent from the JSON, empty in CSV, null elsewhere).
    {"tokens_per_s_per_user", kJson | kCsv | kTable,
     [](const OptionEstimate& o) { return real(1.0 / in_seconds(o.inter_token_latency)); }, true},
    // The JSON carries each offloaded GEMM's figures instead (offload_accuracy).
    {"offload_snr_db", kCsv | kTable,
     [](const OptionEstimate& o) {
         return worst_offload(
             o, [](const OffloadAccuracy& a) { return a.snr_db; }, std::less<>());
     }},
    {"offload_enob", kCsv | kTable,
     [](const OptionEstimate& o) {
         return worst_offload(
             o, [](const OffloadAccuracy& a) { return a.enob; }, std::less<>());
     }},
    {"offload_rel_rms_error", kCsv | kTable,
     [](const OptionEstimate& o) {
         return worst_offload(
             o, [](const OffloadAccuracy& a) { return a.rel_rms_error; }, std::greater<>());
     }},
    // Beside them, the small-model proxy (lm_proxy_study.hpp): the perplexity change at the
    // option's core and precision and the study's laser power nearest the core's (in the records,
    // that power too); empty when the core or its precision is not in the study. The JSON carries
    // the whole lookup instead (lm_proxy), "not in the study" included.
    {"lm_proxy_perplexity_change_pct", kCsv | kTable,
     [](const OptionEstimate& o) { return in_study(o) ? real(o.lm_proxy->perplexity_change_pct()) : RecordCell{}; }},
    {"lm_proxy_laser_power_mw", kTable,
     [](const OptionEstimate& o) {
         return in_study(o) ? real(in_milliwatts(o.lm_proxy->point->laser_power)) : RecordCell{};
     }},
    {"meets_latency_target", kJson, [](const OptionEstimate& o) { return boolean(o.meets_latency_target); }, true},
    {"memory_per_gpu_gbyte", kJson, [](const OptionEstimate& o) { return real(in_gigabytes(o.memory.total())); }, true},
};

const Column<CyclePhase> kPhaseColumns[] = {
    {"phase", kTable, [](const CyclePhase& p) { return text(enum_name(p.phase)); }},
    {"name", kJson, [](const CyclePhase& p) { return text(enum_name(p.phase)); }},
    {"step_s", kJson | kTable, [](const CyclePhase& p) { return real(in_seconds(p.time.total)); }},
    {"repeats", kJson | kTable, [](const CyclePhase& p) { return real(p.repeats); }},
    {"gemm_s", kTable, [](const CyclePhase& p) { return real(in_seconds(p.time.gemm)); }},
    {"attention_s", kTable, [](const CyclePhase& p) { return real(in_seconds(p.time.attention)); }},
    {"elementwise_s", kTable, [](const CyclePhase& p) { return real(in_seconds(p.time.elementwise)); }},
    {"communication_s", kJson | kTable, [](const CyclePhase& p) { return real(in_seconds(p.time.communication)); }},
    {"overhead_s", kTable, [](const CyclePhase& p) { return real(in_seconds(p.time.overhead)); }},
    {"gpu_power_w", kJson | kTable, [](const CyclePhase& p) { return real(in_watts(p.time.gpu_power)); }},
};

bool shows(unsigned views, RecordView view) { return (views & bit(view)) != 0; }

// The option's json view: each column's cell; a serving-only one left out of a training estimate.
Record json_record(const OptionEstimate& o, bool serving) {
    Record out = Record::object();
    for (const Column<OptionEstimate>& c : kOptionColumns) {
        if (!shows(c.views, RecordView::json) || (c.serving_only && !serving)) continue;
        out[c.key] = cell_json(c.value(o));
    }
    return out;
}

std::string part_column(EnergyPart part) { return std::string(enum_name(part)) + "_j_per_token"; }

}  // namespace

Record cell_json(const RecordCell& c) {
    switch (c.kind) {
        case Kind::real: return Record(c.real);
        case Kind::integer: return Record(c.integer);
        case Kind::boolean: return Record(c.boolean);
        case Kind::text: return Record(std::string(c.text));
        case Kind::null: break;
    }
    return Record(nullptr);
}

void option_record_cells(const OptionEstimate& o, Mode mode, RecordView view, std::vector<RecordCell>& cells) {
    cells.clear();
    for (const Column<OptionEstimate>& c : kOptionColumns) {
        if (!shows(c.views, view)) continue;
        // A table's columns are the same for every estimate: a serving figure of a training
        // estimate is an empty cell.
        cells.push_back(c.serving_only && mode != Mode::serving ? RecordCell{} : c.value(o));
    }
    for (const EnergyPart part : enum_values<EnergyPart>()) cells.push_back(real(in_joules(o.energy.per_token[part])));
}

Record option_record(const OptionEstimate& o, Mode mode, RecordView view) {
    if (view != RecordView::json) {
        std::vector<RecordCell> cells;
        option_record_cells(o, mode, view, cells);
        const std::vector<std::string> keys = option_record_keys(view);
        Record out = Record::object();
        for (std::size_t i = 0; i < keys.size(); ++i) out[keys[i]] = cell_json(cells[i]);
        return out;
    }
    Record out = json_record(o, mode == Mode::serving);
    Record breakdown = Record::object();
    for (const EnergyPart part : enum_values<EnergyPart>())
        breakdown[std::string(enum_name(part))] = in_joules(o.energy.per_token[part]);
    out["breakdown_j_per_token"] = breakdown;
    if (!o.replaces.empty()) {
        Record replaces = Record::array();
        for (const auto& r : o.replaces) replaces.push_back(Record(r));
        out["replaces"] = replaces;
    }
    if (o.offload_accuracy.empty()) return out;
    Record accuracy = Record::array();
    for (const auto& a : o.offload_accuracy) accuracy.push_back(accuracy_record(a));
    out["offload_accuracy"] = accuracy;
    if (o.lm_proxy) out["lm_proxy"] = lm_proxy_record(*o.lm_proxy);
    return out;
}

std::vector<std::string> option_record_keys(RecordView view) {
    std::vector<std::string> keys;
    for (const auto& c : kOptionColumns)
        if (shows(c.views, view)) keys.emplace_back(c.key);
    for (const EnergyPart part : enum_values<EnergyPart>()) keys.push_back(part_column(part));
    return keys;
}

Record phase_record(const CyclePhase& phase, RecordView view) {
    Record out = Record::object();
    for (const Column<CyclePhase>& c : kPhaseColumns)
        if (shows(c.views, view)) out[c.key] = cell_json(c.value(phase));
    return out;
}

Record accuracy_record(const OffloadAccuracy& a) {
    return {{"gemm", a.gemm},
            {"outputs_sampled", a.outputs_sampled},
            {"reduction_k", a.reduction},
            {"rows", a.rows},
            {"snr_db", a.snr_db},
            {"enob", a.enob},
            {"rel_rms_error", a.rel_rms_error}};
}

Record lm_proxy_record(const LmProxyLookup& p) {
    Record out = {{"label", p.study->label},
                  {"core", p.core},
                  {"bits", p.bits ? Record(*p.bits) : Record(nullptr)},
                  {"laser_power_mw", in_milliwatts(p.laser_power)},
                  {"in_study", p.point != nullptr}};
    if (p.point == nullptr) return out;
    out["study_laser_power_mw"] = in_milliwatts(p.point->laser_power);
    out["perplexity"] = p.point->mean_perplexity;
    out["float_perplexity"] = p.study->float_perplexity;
    out["perplexity_change_pct"] = p.perplexity_change_pct();
    out["seed_spread_pct"] = p.seed_spread_pct();
    return out;
}

Record breakdown_records(const Estimate& e) {
    Record rows = Record::array();
    for (const auto& o : e.options) {
        const double total = j_per_token(o);
        for (const EnergyPart part : enum_values<EnergyPart>()) {
            const double j = in_joules(o.energy.per_token[part]);
            rows.push_back({{"option", o.energy.option},
                            {"part", std::string(enum_name(part))},
                            {"j_per_token", j},
                            {"share_pct", total > 0.0 ? 100.0 * j / total : 0.0}});
        }
    }
    return rows;
}

}  // namespace lightwatt::mapping
