#include "lightwatt/study/sweep_file.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/sweep_rows.hpp"

namespace lightwatt::study {

namespace {

constexpr long long kMaxSampleCount = 1'000'000;
const char* const kForms[] = {"values", "linear", "log", "uniform", "log_uniform", "latin_hypercube"};

// One element of a `values` list as the axis value it is; InputError for a table, list or date.
AxisValue list_value(const TableReader& t, const toml::node& v) {
    if (const auto* i = v.as_integer()) return i->get();
    if (const auto* f = v.as_floating_point()) {
        if (!std::isfinite(f->get()))
            throw t.error("values", render_toml_value(v), "not a finite number", "finite numbers");
        return f->get();
    }
    if (const auto* s = v.as_string()) return s->get();
    if (const auto* b = v.as_boolean()) return b->get();
    throw t.error("values", render_toml_value(v), "an element that is not one value",
                  "a list of integers, numbers, strings or booleans");
}

bool is_number(const AxisValue& v) { return std::holds_alternative<long long>(v) || std::holds_alternative<double>(v); }

void read_list(TableReader& t, Axis& a) {
    const toml::node* node = t.any_value("values");
    const auto* list = node->as_array();
    if (list == nullptr || list->empty())
        throw t.error("values", render_toml_value(*node), list ? "an empty list" : "not a list",
                      "a list of one or more values");
    for (const toml::node& v : *list) {
        a.values.push_back(list_value(t, v));
        const AxisValue& first = a.values.front();
        const bool same_kind = is_number(first) ? is_number(a.values.back()) : first.index() == a.values.back().index();
        if (!same_kind)
            throw t.error("values", render_toml_value(*node), "values of different types",
                          "numbers, strings or booleans, one kind per axis");
    }
}

// from and to of a range or an interval; `integer` when both are written as TOML integers.
struct Ends {
    double from = 0.0, to = 0.0;
    bool integer = false;
};

Ends read_ends(TableReader& r, bool positive) {
    const Range allowed = positive ? Range::positive() : Range::any();
    Ends e;
    e.from = r.number("from", allowed);
    e.to = r.number("to", allowed);
    e.integer = r.any_value("from")->is_integer() && r.any_value("to")->is_integer();
    return e;
}

void read_range(TableReader& t, AxisKind kind, Axis& a) {
    const char* form = kind == AxisKind::linear ? "linear" : "log";
    TableReader r = t.table(form);
    const Ends e = read_ends(r, kind == AxisKind::log);
    const int count = static_cast<int>(r.integer("count", 1, kMaxSampleCount));
    if (count == 1 && e.from != e.to)
        throw r.error("count", "1",
                      "one value cannot span from " + format_number(e.from) + " to " + format_number(e.to),
                      "count >= 2, or from = to");
    r.finish();
    const auto spaced = kind == AxisKind::linear ? linear_values(e.from, e.to, count) : log_values(e.from, e.to, count);
    a.integer = e.integer;
    if (!e.integer) {
        a.values.assign(spaced.begin(), spaced.end());
        return;
    }
    for (const long long v : rounded_values(spaced)) a.values.emplace_back(v);
}

const char* interval_form(AxisKind kind) {
    return kind == AxisKind::uniform ? "uniform" : kind == AxisKind::log_uniform ? "log_uniform" : "latin_hypercube";
}

// A random axis's interval; a latin_hypercube's optional `log` flag (default false) stratifies
// log(value) instead of the value, as log_uniform draws it.
void read_interval(TableReader& t, AxisKind kind, Axis& a) {
    TableReader r = t.table(interval_form(kind));
    if (kind == AxisKind::latin_hypercube) a.log_scale = r.optional_boolean("log").value_or(false);
    const Ends e = read_ends(r, kind == AxisKind::log_uniform || a.log_scale);
    if (e.from >= e.to)
        throw r.error("to", r.value_text("to"), "not above from = " + r.value_text("from"),
                      "an interval with from < to");
    r.finish();
    a.from = e.from;
    a.to = e.to;
    a.integer = e.integer;
}

// A dotted key of plain parts ("workload.batch").
void check_key_form(const TableReader& t, const std::string& key) {
    const bool empty_part =
        key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos;
    if (empty_part)
        throw t.error("key", t.value_text("key"), "not a dotted scenario key", "a key such as \"workload.batch\"");
}

Axis read_axis(TableReader t, const std::string& name) {
    Axis a;
    a.name = name;
    a.line = t.line();
    a.key = t.string("key");
    check_key_form(t, a.key);
    std::vector<std::string> written;
    for (const char* form : kForms)
        if (t.contains(form)) written.emplace_back(form);
    if (written.size() != 1)
        throw t.error(written.empty() ? "" : written[1], "",
                      written.empty() ? "no values" : "two ways of giving the values",
                      "one of values = [...], linear = {from, to, count}, log = {from, to, count}, uniform = {from, "
                      "to}, log_uniform = {from, to}, latin_hypercube = {from, to, log = false}");
    const std::string& form = written.front();
    a.kind = form == "values"        ? AxisKind::values
             : form == "linear"      ? AxisKind::linear
             : form == "log"         ? AxisKind::log
             : form == "uniform"     ? AxisKind::uniform
             : form == "log_uniform" ? AxisKind::log_uniform
                                     : AxisKind::latin_hypercube;
    if (a.kind == AxisKind::values)
        read_list(t, a);
    else if (a.random())
        read_interval(t, a.kind, a);
    else
        read_range(t, a.kind, a);
    t.finish();
    return a;
}

// An axis's column must not take the name of another axis's or of an output column.
void check_axis_names(const TableReader& axes, const std::vector<Axis>& read) {
    std::vector<std::string> taken = output_columns_after_axes();
    for (const Axis& a : read) {
        if (std::find(taken.begin(), taken.end(), a.name) != taken.end())
            throw axes.error(a.name, "", "an axis named as an output column",
                             "a name other than " + join_alternatives(taken));
        for (const Axis& b : read)
            if (&b != &a && b.key == a.key)
                throw axes.error(b.name, "\"" + b.key + "\"", "the same key as axis " + a.name, "one axis per key");
        taken.push_back(a.name);
    }
}

// [monte_carlo]: the draws and their seed, both required (a seed written down is a run repeated).
MonteCarloDraws read_monte_carlo(TableReader t) {
    MonteCarloDraws m;
    m.draws = static_cast<std::size_t>(t.integer("draws", 1, static_cast<long long>(kMaxMonteCarloDraws)));
    m.seed = static_cast<std::uint64_t>(t.integer("seed", 0, std::numeric_limits<long long>::max()));
    t.finish();
    return m;
}

}  // namespace

SweepFile read_sweep_file(TableReader root, const std::filesystem::path& folder) {
    SweepFile s;
    s.file = root.file();
    s.description = root.optional_string("description").value_or("");
    (void)root.optional_string("source");  // where the axes' ranges come from, as in data/*.toml
    const std::filesystem::path scenario(root.string("scenario"));
    s.scenario = scenario.is_absolute() ? scenario : folder / scenario;
    s.scenario_line = root.line_of_key("scenario");
    s.offload_accuracy = root.optional_boolean("offload_accuracy").value_or(false);
    if (root.contains("monte_carlo")) {
        // The draws are the design points: an axis would need each draw at each of its values.
        for (const char* key : {"axes", "samples", "seed"})
            if (root.contains(key))
                throw root.error(key, key == std::string_view("axes") ? "" : root.value_text(key),
                                 std::string(key) + " beside [monte_carlo]",
                                 "either [axes.NAME] tables (samples and seed with random ones) or [monte_carlo] "
                                 "draws and seed");
        s.monte_carlo = read_monte_carlo(root.table("monte_carlo"));
        s.space.samples = static_cast<long long>(s.monte_carlo->draws);
        root.finish();
        return s;
    }
    TableReader axes = root.table("axes");
    for (const std::string& name : axes.keys()) s.space.axes.push_back(read_axis(axes.table(name), name));
    if (s.space.axes.empty())
        throw root.error("axes", "{}", "no axis", "one or more [axes.NAME] tables, or [monte_carlo] draws and seed");
    check_axis_names(axes, s.space.axes);
    const bool random = std::any_of(s.space.axes.begin(), s.space.axes.end(), [](const Axis& a) { return a.random(); });
    if (random) {
        s.space.samples = root.integer("samples", 1, kMaxSampleCount);
        s.space.seed = static_cast<std::uint64_t>(root.integer("seed", 0, std::numeric_limits<long long>::max()));
    } else if (root.contains("samples") || root.contains("seed")) {
        const char* key = root.contains("samples") ? "samples" : "seed";
        throw root.error(key, root.value_text(key), "no random axis to draw",
                         "samples and seed only with a uniform, log_uniform or latin_hypercube axis");
    }
    std::size_t points = static_cast<std::size_t>(s.space.samples);
    for (const Axis& a : s.space.axes) {
        if (a.random()) continue;
        if (points > kMaxSweepPoints / a.values.size())
            throw axes.error(a.name, "", "more than 2^40 design points in all", "a smaller product of the axes");
        points *= a.values.size();
    }
    root.finish();
    return s;
}

SweepFile load_sweep_file(const std::filesystem::path& file) {
    return parse_sweep_file(read_input_file(file, "a readable sweep file (TOML)", kMaxTextFileBytes), file.string(),
                            file.parent_path());
}

SweepFile parse_sweep_file(std::string text, const std::string& name, const std::filesystem::path& folder) {
    const auto doc = TomlDocument::parse_string(text, name);
    SweepFile s = read_sweep_file(doc.root(), folder);
    s.text = std::move(text);
    return s;
}

}  // namespace lightwatt::study
