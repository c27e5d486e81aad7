// One axis of a sweep (docs/sweep-file.md): a scenario key and the values it takes, written as a
// list, a linear or logarithmic range, or drawn at random per sample (uniform, log-uniform, or a
// Latin hypercube over the samples, on a linear or log scale).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lightwatt::study {

// A value an axis gives its key, as TOML holds it.
using AxisValue = std::variant<long long, double, std::string, bool>;

enum class AxisKind { values, linear, log, uniform, log_uniform, latin_hypercube };

struct Axis {
    std::string name;  // the output column
    std::string key;   // the scenario key it sets, dotted ("workload.batch")
    int line = 0;      // where [axes.NAME] is written
    AxisKind kind = AxisKind::values;
    std::vector<AxisValue> values;  // a list or a range: every value, in order
    double from = 0.0, to = 0.0;    // a random axis: its interval
    bool integer = false;           // a range or random axis written with integer ends: rounded values
    bool log_scale = false;         // a latin_hypercube axis stratified in log(value)

    [[nodiscard]] bool random() const {
        return kind == AxisKind::uniform || kind == AxisKind::log_uniform || kind == AxisKind::latin_hypercube;
    }
};

// `count` values from `from` to `to`, both included, in equal steps; count 1 gives `from`.
std::vector<double> linear_values(double from, double to, int count);
// `count` values from `from` to `to` (both > 0), both included, in equal ratios: from x r^i with
// r = (to / from)^(1 / (count - 1)); count 1 gives `from`.
std::vector<double> log_values(double from, double to, int count);
// `values` rounded to the nearest integer, a value equal to the one before it dropped (a log
// range over small integers rounds several steps to one).
std::vector<long long> rounded_values(const std::vector<double>& values);

// The value of random axis `a` for a draw `u` in [0, 1): from + (to - from) u, or from (to / from)^u
// for log_uniform and a log-scale latin_hypercube; rounded when the axis is an integer one.
AxisValue drawn_value(const Axis& a, double u);

// The value as the output writes it: integers in full, floats in their shortest round-trip form,
// strings as given, booleans as true/false.
std::string axis_value_text(const AxisValue& v);

// An axis whose key starts "catalog." sets a catalog figure (catalog_figure.hpp) named by the rest
// of the key ("catalog.systems.hgx_h200.pue"); every other key is a scenario key.
inline constexpr std::string_view kCatalogKeyPrefix = "catalog.";
[[nodiscard]] inline bool sets_catalog_figure(const Axis& a) { return a.key.starts_with(kCatalogKeyPrefix); }

}  // namespace lightwatt::study
