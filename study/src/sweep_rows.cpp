#include "lightwatt/study/sweep_rows.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "lightwatt/core/toml_dotted_key.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/mapping/estimate_records.hpp"

namespace lightwatt::study {

using mapping::Estimate;
using mapping::Scenario;

namespace {

void set_value(toml::table& table, const std::string& key, const AxisValue& v) {
    std::visit(
        [&](const auto& x) {
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, long long>)
                table.insert_or_assign(key, static_cast<std::int64_t>(x));
            else
                table.insert_or_assign(key, x);
        },
        v);
}

// `v` as std::to_chars writes it: the shortest text that reads back as the same number.
template <class Number>
void append_number(std::string& out, Number v) {
    std::array<char, 32> buffer{};
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v).ptr;
    out.append(buffer.data(), end);
}

// Whether `text` goes into a CSV field as it is: no control character for escape_text to write
// (C0, DEL, the lead byte of a UTF-8 C1 control), no comma or quote to quote.
bool plain_csv_text(std::string_view text) {
    return std::none_of(text.begin(), text.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == 0x7f || c == 0xc2 || c == ',' || c == '"';
    });
}

// A CSV field (RFC 4180): control characters escaped as in every output, then quoted when it
// holds a comma or a quote. Most fields (names, numbers) need neither and are copied as they are.
void append_csv_text(std::string& out, std::string_view text) {
    if (plain_csv_text(text)) {
        out += text;
        return;
    }
    const std::string escaped = escape_text(text);
    if (escaped.find_first_of(",\"") == std::string::npos) {
        out += escaped;
        return;
    }
    out += '"';
    for (const char c : escaped) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

// A record cell as a CSV field; null is an empty one.
void append_csv_cell(std::string& out, const mapping::RecordCell& cell) {
    using Kind = mapping::RecordCell::Kind;
    switch (cell.kind) {
        case Kind::text: return append_csv_text(out, cell.text);
        case Kind::boolean: out += cell.boolean ? "true" : "false"; return;
        case Kind::integer: return append_number(out, cell.integer);
        case Kind::real: return append_number(out, cell.real);
        case Kind::null: return;
    }
}

// An axis value as a CSV field, as axis_value_text writes it.
void append_csv_axis_value(std::string& out, const AxisValue& v) {
    if (const auto* i = std::get_if<long long>(&v)) return append_number(out, *i);
    if (const auto* d = std::get_if<double>(&v)) return append_number(out, *d);
    if (const auto* b = std::get_if<bool>(&v)) {
        out += *b ? "true" : "false";
        return;
    }
    append_csv_text(out, std::get<std::string>(v));
}

nlohmann::ordered_json json_value(const AxisValue& v) {
    return std::visit([](const auto& x) { return nlohmann::ordered_json(x); }, v);
}

// "KEY = VALUE: PROBLEM": what a reason cell says of a refusal (the file and line are the base
// scenario's, the same for every row).
std::string reason_of(const InputErrorDetails& d) {
    std::string out = d.key;
    if (!d.value.empty()) out += " = " + d.value;
    return out + (out.empty() ? "" : ": ") + d.problem;
}

// The first column (by index into the record's keys) whose cell is not a finite number, or -1.
std::ptrdiff_t non_finite_column(const std::vector<mapping::RecordCell>& cells) {
    const auto found = std::find_if(cells.begin(), cells.end(), [](const mapping::RecordCell& c) {
        return c.kind == mapping::RecordCell::Kind::real && !std::isfinite(c.real);
    });
    return found == cells.end() ? -1 : found - cells.begin();
}

// Whether the key ends in a bare key character set: letters, digits, '_', '-', and dots between.
bool plain_dotted_key(const std::string& key) {
    for (const char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> output_columns_after_axes() {
    std::vector<std::string> out = mapping::option_record_keys(mapping::RecordView::csv);
    out.emplace_back("announced");  // catalog entries of announced hardware the point used, ";"-separated
    out.emplace_back("feasible");
    out.emplace_back("reason");
    return out;
}

PointEvaluator::PointEvaluator(const SweepFile& sweep, const mapping::Catalogs& catalogs,
                               std::filesystem::path data_dir)
    : sweep_(sweep), catalogs_(catalogs), data_dir_(std::move(data_dir)) {
    const std::string name = sweep.scenario.string();
    base_text_ = load_referenced({sweep.file, sweep.scenario_line, "scenario"}, name, [&] {
        return read_input_file(sweep.scenario, "a readable scenario file (TOML)", kMaxTextFileBytes);
    });
    // The project's reader first, for its messages (syntax errors with their line).
    (void)TomlDocument::parse_string(base_text_, name);
    base_table_ = toml::parse(base_text_, name);
    base_file_ = std::make_shared<const std::string>(name);
    base_ = mapping::read_scenario(TableReader(base_table_, base_file_, ""), catalogs_);
    record_keys_ = mapping::option_record_keys(mapping::RecordView::csv);
    if (sweep.monte_carlo) {
        drawn_figures_ = ranged_figures(base_, catalogs_);
        for (const RangedFigure& f : drawn_figures_) input_columns_.push_back(f.path);
    }
    for (const Axis& a : sweep.space.axes) input_columns_.push_back(a.name);
    option_column_ =
        static_cast<std::size_t>(std::find(record_keys_.begin(), record_keys_.end(), "option") - record_keys_.begin());
    base_variant_ = std::make_shared<CatalogVariant>();
    base_variant_->catalogs = std::shared_ptr<const mapping::Catalogs>(std::shared_ptr<void>(), &catalogs_);
    figures_.resize(sweep.space.axes.size());
    for (std::size_t i = 0; i < figures_.size(); ++i) {
        const Axis& a = sweep.space.axes[i];
        if (!sets_catalog_figure(a)) {
            check_axis(a);
            continue;
        }
        if (!catalog_files_) catalog_files_ = mapping::parse_catalog_files(data_dir_);
        figures_[i] = mapping::find_catalog_figure(*catalog_files_, a.key.substr(kCatalogKeyPrefix.size()),
                                                   {sweep.file, a.line, "axes." + a.name + ".key"});
        check_catalog_axis(a, figures_[i]);
    }
}

bool PointEvaluator::read_alone(const Axis& a, const AxisValue& v, InputErrorDetails* error) const {
    toml::table table = base_table_;
    auto [parent, last] = dotted_key_parent(table, a.key, "axes." + a.name + ".key");
    set_value(*parent, last, v);
    try {
        (void)mapping::read_scenario(TableReader(table, base_file_, ""), catalogs_);
        return false;
    } catch (const InputError& e) {
        *error = e.details();
        return true;
    }
}

namespace {

// The values whose reading alone checks an axis: every name (string), and the first value of
// each other type it gives.
std::vector<AxisValue> probe_values(const Axis& a) {
    if (a.random()) return {a.integer ? AxisValue(std::llround(a.from)) : AxisValue(a.from)};
    std::vector<AxisValue> out;
    for (const AxisValue& v : a.values) {
        const bool seen =
            std::any_of(out.begin(), out.end(), [&](const AxisValue& o) { return o.index() == v.index(); });
        if (std::holds_alternative<std::string>(v) || !seen) out.push_back(v);
    }
    return out;
}

}  // namespace

void PointEvaluator::check_axis(const Axis& a) const {
    const std::string key = "axes." + a.name + ".key";
    const std::string quoted = "\"" + a.key + "\"";
    auto refuse = [&](std::string problem, std::string allowed) {
        return InputError({sweep_.file, a.line, key, quoted, std::move(problem), std::move(allowed)});
    };
    if (!plain_dotted_key(a.key))
        throw refuse("not a dotted key of plain names", "letters, digits, '_' and '-' between dots");
    const toml::node* node = base_table_.at_path(a.key).node();
    if (node != nullptr && (node->is_table() || node->is_array()))
        throw refuse(std::string("a ") + (node->is_table() ? "table" : "list") + " of the scenario, not one value",
                     "a key that holds one value, such as \"workload.batch\"");
    // Each probe is read alone, every other key as the base has it. A key nothing reads lets the
    // reader go on to its check of unknown keys whatever the value; a value of the wrong type, or
    // a name the key never takes (no such system or model), fails at the key itself. Those are
    // mistakes in the sweep file; any other refusal depends on the point and is a row's reason.
    for (const AxisValue& v : probe_values(a)) {
        InputErrorDetails e;
        if (!read_alone(a, v, &e)) continue;
        const InputError error(e);
        if (is_unknown_key_error(error) && (a.key == e.key || a.key.starts_with(e.key + ".")))
            throw refuse("no key of the scenario " + sweep_.scenario.string() + ": " + e.key + " is an " + e.problem,
                         e.allowed);
        if (e.key != a.key) continue;
        if (is_wrong_type_error(error))
            throw InputError(
                {sweep_.file, a.line, "axes." + a.name, axis_value_text(v), e.problem + " for " + a.key,
                 e.allowed + (a.integer || a.kind == AxisKind::values ? "" : " (integer ends give integers)")});
        if (std::holds_alternative<std::string>(v))
            throw InputError({sweep_.file, a.line, "axes." + a.name + ".values", e.value, e.problem, e.allowed});
    }
}

namespace {

// The number an axis value holds; nullopt for a string or a boolean.
std::optional<double> number_of(const AxisValue& v) {
    if (const auto* i = std::get_if<long long>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
}

// A catalog axis's values that the sweep keeps once per distinct set: each is a copy of the
// catalogs, so the values of a long catalog axis are best an outer axis, where they change least.
constexpr std::size_t kMaxCatalogVariants = 64;

}  // namespace

void PointEvaluator::check_catalog_axis(const Axis& a, const mapping::CatalogFigure& figure) const {
    std::vector<double> numbers;
    if (a.random()) numbers = {a.integer ? std::round(a.from) : a.from, a.integer ? std::round(a.to) : a.to};
    for (const AxisValue& v : a.values) {
        const auto number = number_of(v);
        if (!number)
            throw InputError({sweep_.file, a.line, "axes." + a.name + ".values", axis_value_text(v),
                              "not a number: " + figure.path + " is a catalog figure",
                              "numbers (integers for a figure the catalog writes as an integer)"});
        numbers.push_back(*number);
    }
    // The catalogs' readers allow intervals, so the values' ends stand for all of them.
    const auto [lowest, highest] = std::minmax_element(numbers.begin(), numbers.end());
    for (const double v : {*lowest, *highest}) {
        const mapping::FigureValue set{&figure, v};
        try {
            (void)mapping::with_figures(catalogs_, *catalog_files_, {&set, 1});
        } catch (const InputError& e) {
            const InputErrorDetails& d = e.details();
            throw InputError({sweep_.file, a.line, "axes." + a.name, format_number(v),
                              d.problem + " for " + figure.path + " (" + d.file + ":" + std::to_string(d.line) + ")",
                              d.allowed});
        }
    }
}

std::shared_ptr<PointEvaluator::CatalogVariant> PointEvaluator::variant_for(
    const std::vector<AxisValue>& values) const {
    if (!catalog_files_) return base_variant_;
    std::vector<double> key;
    std::vector<mapping::FigureValue> figures;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (figures_[i].path.empty()) continue;
        key.push_back(*number_of(values[i]));
        figures.push_back({&figures_[i], key.back()});
    }
    const std::lock_guard<std::mutex> lock(inputs_mutex_);
    if (const auto found = variants_.find(key); found != variants_.end()) return found->second;
    auto variant = std::make_shared<CatalogVariant>();
    try {
        variant->catalogs =
            std::make_shared<const mapping::Catalogs>(mapping::with_figures(catalogs_, *catalog_files_, figures));
        variant->reload_inputs = mapping::changes_serving_inputs(figures);
    } catch (const InputError& e) {
        variant->error = reason_of(e.details());
    }
    if (variants_.size() >= kMaxCatalogVariants) variants_.clear();
    return variants_.emplace(std::move(key), std::move(variant)).first->second;
}

std::string PointEvaluator::add_offload_accuracy(const std::vector<AxisValue>& values, const mapping::Catalogs& c,
                                                 const Scenario& s, Estimate& e) const {
    std::optional<mapping::StepWork> work;  // the first photonic option's
    for (auto& o : e.options) {
        const mapping::FabricOption& option = c.systems.options.at(o.energy.option);
        if (option.photonic_core.empty()) continue;
        if (!work) work = mapping::offload_work(s, c);
        std::vector<mapping::OffloadAccuracy> samples = mapping::offload_samples(*work, option.offload_gemms);
        if (samples.empty()) continue;  // the model has none of the GEMMs the option offloads
        OffloadAccuracyKey key{option.photonic_core, {}, sample_shapes(samples), photonics::kDefaultEmulationSeed};
        for (std::size_t i = 0; i < values.size(); ++i)
            if (!figures_[i].path.empty() &&
                offload_core_figure(figures_[i].file, figures_[i].path, option.photonic_core))
                key.core_figures.push_back(*number_of(values[i]));
        const auto outcome = offload_cache_.get(key, [&] {
            mapping::emulate_offload_samples(c.photonic_cores.cores.at(option.photonic_core), samples);
            return samples;
        });
        if (!outcome->error.empty()) return outcome->error;
        o.offload_accuracy = outcome->accuracy;
        // The point's core, whose precision an axis may have set.
        if (c.lm_proxy_study)
            o.lm_proxy = mapping::lm_proxy_lookup(c.lm_proxy_study, option.photonic_core,
                                                  c.photonic_cores.cores.at(option.photonic_core).emulator);
    }
    return "";
}

std::vector<std::string> PointEvaluator::columns() const {
    std::vector<std::string> out = input_columns_;
    for (auto& c : output_columns_after_axes()) out.push_back(std::move(c));
    return out;
}

std::string PointEvaluator::csv_header() const {
    std::string out;
    for (const auto& c : columns()) {
        if (!out.empty()) out += ',';
        append_csv_text(out, c);
    }
    return out + "\n";
}

PointWorkspace PointEvaluator::workspace() const {
    PointWorkspace w;
    w.table = std::make_unique<toml::table>(base_table_);
    for (const Axis& a : sweep_.space.axes)
        w.slots.push_back(sets_catalog_figure(a) ? std::pair<toml::table*, std::string>{nullptr, ""}
                                                 : dotted_key_parent(*w.table, a.key, a.name));
    if (!sweep_.monte_carlo) return w;
    const LoadedInputs loaded = [&] {
        const std::lock_guard<std::mutex> lock(inputs_mutex_);
        return inputs_for(*base_variant_, base_);
    }();
    if (!loaded.inputs) return w;  // every row says why (append_draw_rows)
    w.drawn = std::make_unique<DrawnCatalogs>(DrawnCatalogs{catalogs_, *loaded.inputs});
    w.drawn->inputs.catalogs = &w.drawn->catalogs;
    return w;
}

PointEvaluator::LoadedInputs PointEvaluator::inputs_for(CatalogVariant& variant, const Scenario& s) const {
    InputsKey key{s.system, s.gpu_from_calibration, s.calibration_profile, s.serving_runs};
    if (const auto found = variant.inputs.find(key); found != variant.inputs.end()) return found->second;
    LoadedInputs loaded;
    if (&variant != base_variant_.get() && !variant.reload_inputs) {
        // Figures the serving fit does not read: the base's inputs, on the variant's catalogs.
        loaded = inputs_for(*base_variant_, s);
        if (loaded.inputs) {
            auto inputs = std::make_shared<mapping::EstimateInputs>(*loaded.inputs);
            inputs->catalogs = variant.catalogs.get();
            loaded.inputs = std::move(inputs);
        }
        return variant.inputs.emplace(std::move(key), std::move(loaded)).first->second;
    }
    try {
        // The offloaded GEMMs' accuracy, when the sweep asks, is emulated per point
        // (add_offload_accuracy), where its shapes are the point's, and kept across points.
        loaded.inputs = std::make_shared<const mapping::EstimateInputs>(
            mapping::load_estimate_inputs(s, *variant.catalogs, data_dir_, std::nullopt, false));
    } catch (const InputError& e) {
        loaded.error = reason_of(e.details());
    }
    return variant.inputs.emplace(std::move(key), std::move(loaded)).first->second;
}

namespace {

struct RowWriter {
    const std::vector<std::string>& input_columns;
    const std::vector<AxisValue>& values;
    const std::vector<std::string>& record_keys;
    std::size_t option_column;  // record_keys' "option"
    RowFormat format;
    std::string& out;

    // One row; `cells` (option_record_cells, in record_keys' order) null for an option the point
    // could not estimate; `announced` the catalog entries of announced hardware the estimate used
    // ("" when none, or not estimated). A CSV row is written from the cells straight into `out`.
    void row(const std::string& option, const std::vector<mapping::RecordCell>* cells, const std::string& announced,
             const std::string& reason) const {
        if (format == RowFormat::jsonl) {
            nlohmann::ordered_json j = nlohmann::ordered_json::object();
            for (std::size_t i = 0; i < values.size(); ++i) j[input_columns[i]] = json_value(values[i]);
            for (std::size_t k = 0; k < record_keys.size(); ++k)
                j[record_keys[k]] = cells ? mapping::cell_json((*cells)[k]) : nlohmann::ordered_json(nullptr);
            j["option"] = option;
            j["announced"] = announced;
            j["feasible"] = reason.empty();
            j["reason"] = reason;
            out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            out += '\n';
            return;
        }
        for (const AxisValue& v : values) {
            append_csv_axis_value(out, v);
            out += ',';
        }
        for (std::size_t k = 0; k < record_keys.size(); ++k) {
            if (k == option_column)
                append_csv_text(out, option);
            else if (cells)
                append_csv_cell(out, (*cells)[k]);
            out += ',';
        }
        append_csv_text(out, announced);
        out += ',';
        out += reason.empty() ? "true," : "false,";
        append_csv_text(out, reason);
        out += '\n';
    }
};

// The rows of an estimate, one per option: a figure that is not finite makes the option's row
// infeasible, and so does a missed latency target.
void write_option_rows(const Estimate& e, const Scenario& s, const RowWriter& write,
                       std::vector<mapping::RecordCell>& cells) {
    std::string announced;
    for (const auto& a : e.announced) announced += (announced.empty() ? "" : ";") + a;
    for (const auto& o : e.options) {
        mapping::option_record_cells(o, s.mode, mapping::RecordView::csv, cells);
        const std::ptrdiff_t column = non_finite_column(cells);
        std::string reason;
        if (column >= 0)
            reason = write.record_keys[static_cast<std::size_t>(column)] +
                     " is not finite: the inputs combine into an unphysical result";
        else if (!o.meets_latency_target)
            reason = "inter-token latency " + format_number(in_milliseconds(o.inter_token_latency)) +
                     " ms, above workload.max_inter_token_latency_ms = " +
                     format_number(in_milliseconds(*s.search.max_inter_token_latency));
        // A missed latency target keeps its figures: the option runs, only slower than asked.
        write.row(o.energy.option, column < 0 ? &cells : nullptr, announced, reason);
    }
}

}  // namespace

void PointEvaluator::append_rows(std::size_t point, RowFormat format, PointWorkspace& w, std::string& out) const {
    if (sweep_.monte_carlo) return append_draw_rows(point, format, w, out);
    sweep_.space.values_at(point, w.values);
    for (std::size_t i = 0; i < w.values.size(); ++i)
        if (w.slots[i].first != nullptr) set_value(*w.slots[i].first, w.slots[i].second, w.values[i]);
    const RowWriter write{input_columns_, w.values, record_keys_, option_column_, format, out};
    auto refused = [&](const std::string& reason) {
        for (const auto& option : base_.options) write.row(option, nullptr, "", reason);
    };
    const std::shared_ptr<CatalogVariant> variant = variant_for(w.values);
    if (!variant->error.empty()) return refused(variant->error);
    std::optional<Scenario> s;
    try {
        s = mapping::read_scenario(TableReader(*w.table, base_file_, ""), *variant->catalogs);
    } catch (const InputError& e) {
        return refused(reason_of(e.details()));
    }
    const LoadedInputs loaded = [&] {
        const std::lock_guard<std::mutex> lock(inputs_mutex_);
        return inputs_for(*variant, *s);
    }();
    if (!loaded.inputs) return refused(loaded.error);
    Estimate e;
    try {
        e = mapping::estimate(*s, *loaded.inputs);
    } catch (const InputError& err) {
        return refused(reason_of(err.details()));
    }
    if (sweep_.offload_accuracy) {
        const std::string error = add_offload_accuracy(w.values, *variant->catalogs, *s, e);
        if (!error.empty()) return refused(error);
    }
    write_option_rows(e, *s, write, w.cells);
}

void PointEvaluator::append_draw_rows(std::size_t draw, RowFormat format, PointWorkspace& w, std::string& out) const {
    w.drawn_values.resize(drawn_figures_.size());
    draw_figures(drawn_figures_, sweep_.monte_carlo->seed, draw, w.drawn_values.data());
    w.values.assign(w.drawn_values.begin(), w.drawn_values.end());
    const RowWriter write{input_columns_, w.values, record_keys_, option_column_, format, out};
    auto refused = [&](const std::string& reason) {
        for (const auto& option : base_.options) write.row(option, nullptr, "", reason);
    };
    if (!w.drawn) {
        const std::lock_guard<std::mutex> lock(inputs_mutex_);
        return refused(inputs_for(*base_variant_, base_).error);
    }
    DrawnCatalogs& d = *w.drawn;
    for (std::size_t f = 0; f < drawn_figures_.size(); ++f)
        set_drawn_figure(d.catalogs, catalogs_, drawn_figures_[f], w.drawn_values[f]);
    Estimate e;
    try {
        e = mapping::estimate(base_, d.inputs);
    } catch (const InputError& err) {
        return refused(reason_of(err.details()));
    }
    if (sweep_.offload_accuracy) {
        // No axis sets a core's figure: every draw's offloaded GEMMs are those of the base.
        const std::string error = add_offload_accuracy({}, d.catalogs, base_, e);
        if (!error.empty()) return refused(error);
    }
    write_option_rows(e, base_, write, w.cells);
}

}  // namespace lightwatt::study
