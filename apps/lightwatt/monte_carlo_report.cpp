#include "monte_carlo_report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "output.hpp"

namespace lightwatt::cli {

namespace {

std::string interval_text(const study::Interval& i, int decimals) {
    return fixed(i.median, decimals) + " [" + fixed(i.p05, decimals) + ", " + fixed(i.p95, decimals) + "]";
}

std::string signed_text(double v) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%+.2f", v);
    return buffer;
}

}  // namespace

std::string monte_carlo_text(const std::string& scenario_file, const study::MonteCarloResult& r,
                             const std::vector<study::Sensitivity>& sensitivity) {
    std::ostringstream out;
    out << "Monte Carlo: " << r.draws << " draws (seed " << r.seed << ") of " << scenario_file << "\n";
    out << "Drawn: each catalog figure with a published range, triangular on low / typical / high, the figures\n"
           "independent, one draw of each shared by every option (docs/models/uncertainty.md)\n\n";
    TextTable figures({"figure", "low", "typical", "high"}, {false, true, true, true});
    for (const auto& f : r.figures)
        figures.add({f.path, fixed(f.low, 1) + " W", fixed(f.typical, 1) + " W", fixed(f.high, 1) + " W"});
    out << figures.render() << "\n";
    out << "Median [5 %, 95 %] over the draws:\n";
    TextTable options({"option", "J/token", "saving vs baseline %", "P(beats baseline)", "tokens/s in budget"},
                      {false, true, true, true, true});
    for (const auto& u : r.options)
        options.add({u.option, interval_text(u.j_per_token, 4),
                     u.reference ? "reference" : interval_text(u.saving_vs_baseline_pct, 3),
                     u.reference ? "-" : fixed(u.probability_beats_baseline, 3),
                     interval_text(u.tokens_per_s_in_budget, 0)});
    out << options.render() << "\n";
    out << "What moves each option's saving most (standardised regression coefficients, those of magnitude 0.005\n"
           "or more; R^2 of the linear fit):\n";
    for (std::size_t o = 0; o < r.options.size(); ++o) {
        if (r.options[o].reference) continue;
        out << "  " << r.options[o].option << " (R^2 " << fixed(sensitivity[o].r_squared, 3) << "):";
        for (const std::size_t f : sensitivity[o].ranked) {
            if (std::fabs(sensitivity[o].src[f]) < kShownSrc) continue;
            out << " " << r.figures[f].path << " " << signed_text(sensitivity[o].src[f]) << ";";
        }
        out << "\n";
    }
    return out.str();
}

}  // namespace lightwatt::cli
