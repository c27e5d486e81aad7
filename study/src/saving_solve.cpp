#include "lightwatt/study/saving_solve.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/closest_match.hpp"

namespace lightwatt::study {

namespace {

using mapping::CatalogFigure;
using mapping::FigureValue;

constexpr int kGridSteps = 16;
constexpr double kRelativeTolerance = 1e-9;
constexpr int kClipSteps = 40;  // bisections towards a range end the reader refuses: 2^-40 of the way

std::size_t option_index(const mapping::Scenario& s, const std::string& name, const char* key) {
    const auto it = std::find(s.options.begin(), s.options.end(), name);
    if (it == s.options.end()) throw InputError::unknown(key, name, s.options, "option of the scenario");
    return static_cast<std::size_t>(it - s.options.begin());
}

class SavingAt {
public:
    SavingAt(const SolveInputs& in, const CatalogFigure& figure, std::size_t a, std::size_t b)
        : in_(in), figure_(figure), a_(a), b_(b) {}

    // 100 (1 - J/token of A / J/token of B) with the figure at `value`; InputError from the reader.
    double operator()(double value) {
        ++estimates;
        const FigureValue set{&figure_, value};
        const mapping::Catalogs c = mapping::with_figures(*in_.catalogs, *in_.files, {&set, 1});
        mapping::EstimateInputs inputs = *in_.inputs;
        inputs.catalogs = &c;
        if (mapping::changes_serving_inputs({&set, 1}))
            inputs = mapping::load_estimate_inputs(*in_.scenario, c, in_.data_dir, std::nullopt, false);
        const mapping::Estimate e = mapping::estimate(*in_.scenario, inputs);
        const double ratio = in_joules(e.options[a_].energy.total()) / in_joules(e.options[b_].energy.total());
        return 100.0 * (1.0 - ratio);
    }
    // The catalog reader's refusal of `value`, or nullopt when it accepts it.
    [[nodiscard]] std::optional<InputErrorDetails> refusal(double value) const {
        const FigureValue set{&figure_, value};
        try {
            (void)mapping::with_figures(*in_.catalogs, *in_.files, {&set, 1});
            return std::nullopt;
        } catch (const InputError& e) {
            return e.details();
        }
    }
    [[nodiscard]] bool accepted(double value) const { return !refusal(value); }
    int estimates = 0;

private:
    const SolveInputs& in_;
    const CatalogFigure& figure_;
    std::size_t a_, b_;
};

// The figure's published range: a `typical` beside `low` and `high` in its table.
std::optional<std::pair<double, double>> published_range(const mapping::CatalogFiles& files, const CatalogFigure& f) {
    constexpr std::string_view kTypical = ".typical";
    if (!f.path.ends_with(kTypical)) return std::nullopt;
    const std::string table = f.path.substr(0, f.path.size() - kTypical.size());
    const toml::table& tree = files.find(f.file)->second.table();
    const auto* low = tree.at_path(table + ".low").node();
    const auto* high = tree.at_path(table + ".high").node();
    if (low == nullptr || high == nullptr || !low->is_number() || !high->is_number()) return std::nullopt;
    return std::pair{low->value<double>().value_or(0.0), high->value<double>().value_or(0.0)};
}

// From `inside` (accepted) towards `end`: `end` when the reader accepts it, else the furthest
// value found accepted.
double clip(const SavingAt& saving, double inside, double end, bool integer) {
    if (saving.accepted(end)) return end;
    for (int i = 0; i < kClipSteps; ++i) {
        const double mid = integer ? std::round((inside + end) / 2.0) : (inside + end) / 2.0;
        if (mid == inside || mid == end) break;
        (saving.accepted(mid) ? inside : end) = mid;
    }
    return inside;
}

void set_range(const SolveInputs& in, const CatalogFigure& f, const SavingQuestion& q, const SavingAt& saving,
               SavingAnswer& out) {
    if (q.range) {
        std::tie(out.low, out.high) = *q.range;
        out.range_from = SearchRange::given;
        if (!(out.low < out.high))
            throw InputError::at("--range", format_number(out.low) + "," + format_number(out.high),
                                 "the low end is not below the high end", "LO,HI with LO < HI");
        for (const double end : {out.low, out.high})
            if (const auto refused = saving.refusal(end))
                throw InputError::at("--range", format_number(end),
                                     refused->problem + " for " + f.path + " (" + refused->file + ":" +
                                         std::to_string(refused->line) + ")",
                                     refused->allowed);
        return;
    }
    if (const auto published = published_range(*in.files, f)) {
        std::tie(out.low, out.high) = *published;
        out.range_from = SearchRange::published;
        return;
    }
    if (f.value == 0.0)
        throw InputError::at("--range", "", "none given, and " + f.path + " is 0 in the catalog: no range around it",
                             "--range LO,HI");
    out.range_from = SearchRange::factor_of_2;
    const double a = f.value / 2.0, b = f.value * 2.0;
    out.low = clip(saving, f.value, f.integer ? std::floor(std::min(a, b)) : std::min(a, b), f.integer);
    out.high = clip(saving, f.value, f.integer ? std::ceil(std::max(a, b)) : std::max(a, b), f.integer);
}

// Whether the target lies between two savings (inclusive).
bool crosses(double s0, double s1, double target) { return (s0 - target) * (s1 - target) <= 0.0; }

SavingAnswer search(SavingAt& saving, const SolveInputs& in, const CatalogFigure& figure, const SavingQuestion& q) {
    SavingAnswer out;
    set_range(in, figure, q, saving, out);
    const double width = out.high - out.low;
    const int steps = figure.integer ? static_cast<int>(std::min<double>(kGridSteps, width)) : kGridSteps;
    auto grid = [&](int i) {
        const double x = out.low + width * i / steps;
        return figure.integer ? std::round(x) : x;
    };
    // Bracketing: the first grid step over which the saving reaches the target.
    double x0 = out.low, s0 = saving(out.low);
    out.saving_pct_at_low = s0;
    std::optional<std::pair<double, double>> bracket;
    double s_bracket_end = 0.0;
    for (int i = 1; i <= steps; ++i) {
        const double x1 = grid(i), s1 = saving(x1);
        if (i == steps) out.saving_pct_at_high = s1;
        if (!bracket && crosses(s0, s1, q.saving_pct)) {
            bracket = {x0, x1};
            s_bracket_end = s1;
        }
        x0 = x1;
        s0 = s1;
    }
    if (!bracket) return out;
    // Bisection: keep the half whose ends still straddle the target.
    auto [lo, hi] = *bracket;
    double s_lo = saving(lo), s_hi = s_bracket_end;
    const double tolerance = figure.integer ? 1.0 : kRelativeTolerance * width;
    while (hi - lo > tolerance && s_lo != q.saving_pct) {
        const double mid = figure.integer ? std::floor((lo + hi) / 2.0) : (lo + hi) / 2.0;
        if (mid <= lo || mid >= hi) break;
        const double s_mid = saving(mid);
        if (crosses(s_lo, s_mid, q.saving_pct)) {
            hi = mid;
            s_hi = s_mid;
        } else {
            lo = mid;
            s_lo = s_mid;
        }
    }
    if (figure.integer) {
        // The end of the last bracket at which A still saves at least X %.
        const bool at_lo = s_lo >= q.saving_pct;
        out.value = at_lo ? lo : hi;
        out.saving_pct_at_value = at_lo ? s_lo : s_hi;
    } else {
        out.value = (lo + hi) / 2.0;
        out.saving_pct_at_value = saving(*out.value);
    }
    out.tolerance = hi - lo;
    return out;
}

}  // namespace

SavingAnswer solve_saving(const SolveInputs& in, const CatalogFigure& figure, const SavingQuestion& q) {
    const mapping::Scenario& s = *in.scenario;
    const std::size_t a = option_index(s, q.option, "--option");
    const std::size_t b = option_index(s, q.versus, "--versus");
    if (a == b)
        throw InputError::at("--versus", q.versus, "the option itself", "another option of the scenario than --option");
    SavingAt saving(in, figure, a, b);
    // A figure the file writes as an integer is searched over integers when its reader takes no fraction.
    CatalogFigure searched = figure;
    searched.integer = figure.integer && !saving.accepted(figure.value + 0.5);
    SavingAnswer out = search(saving, in, searched, q);
    out.estimates = saving.estimates;
    return out;
}

}  // namespace lightwatt::study
