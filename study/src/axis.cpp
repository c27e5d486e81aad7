#include "lightwatt/study/axis.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace lightwatt::study {

std::vector<double> linear_values(double from, double to, int count) {
    std::vector<double> out;
    if (count == 1) return {from};
    for (int i = 0; i < count; ++i) {
        // The last value is `to` itself, not from + (count - 1) x step with its rounding.
        const double t = static_cast<double>(i) / (count - 1);
        out.push_back(i == count - 1 ? to : from + (to - from) * t);
    }
    return out;
}

std::vector<double> log_values(double from, double to, int count) {
    std::vector<double> out;
    if (count == 1) return {from};
    for (int i = 0; i < count; ++i) {
        const double t = static_cast<double>(i) / (count - 1);
        out.push_back(i == 0 ? from : i == count - 1 ? to : from * std::pow(to / from, t));
    }
    return out;
}

std::vector<long long> rounded_values(const std::vector<double>& values) {
    std::vector<long long> out;
    for (const double v : values) {
        const long long r = std::llround(v);
        if (out.empty() || out.back() != r) out.push_back(r);
    }
    return out;
}

AxisValue drawn_value(const Axis& a, double u) {
    const bool log = a.kind == AxisKind::log_uniform || (a.kind == AxisKind::latin_hypercube && a.log_scale);
    const double v = log ? a.from * std::pow(a.to / a.from, u) : a.from + (a.to - a.from) * u;
    if (a.integer) return std::llround(v);
    return v;
}

std::string axis_value_text(const AxisValue& v) {
    if (const auto* i = std::get_if<long long>(&v)) return std::to_string(*i);
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    std::array<char, 32> buffer{};
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), std::get<double>(v)).ptr;
    return std::string(buffer.data(), end);
}

}  // namespace lightwatt::study
