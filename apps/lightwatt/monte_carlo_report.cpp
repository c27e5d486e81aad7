#include "monte_carlo_report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "output.hpp"

namespace lightwatt::cli {

namespace {

void put_interval(nlohmann::json& j, const std::string& key, const study::Interval& i) {
    j[key + "_median"] = i.median;
    j[key + "_p05"] = i.p05;
    j[key + "_p95"] = i.p95;
}

std::string interval_text(const study::Interval& i, int decimals) {
    return fixed(i.median, decimals) + " [" + fixed(i.p05, decimals) + ", " + fixed(i.p95, decimals) + "]";
}

// SRCs smaller than this are sampling noise of figures the saving does not depend on (another
// option's link): about 1/sqrt(draws) at 10^4 draws.
constexpr double kShownSrc = 0.005;

std::string signed_text(double v) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%+.2f", v);
    return buffer;
}

}  // namespace

std::vector<study::Sensitivity> saving_sensitivities(const study::MonteCarloResult& r) {
    std::vector<study::Sensitivity> out;
    const std::size_t no = r.options.size();
    std::vector<double> y(r.draws);
    for (std::size_t o = 0; o < no; ++o) {
        for (std::size_t d = 0; d < r.draws; ++d) y[d] = r.saving_vs_baseline_pct[d * no + o];
        out.push_back(study::standardised_regression(r.drawn, r.figures.size(), y));
    }
    return out;
}

nlohmann::json monte_carlo_json(const std::string& scenario_file, const study::MonteCarloResult& r,
                                const std::vector<study::Sensitivity>& sensitivity) {
    nlohmann::json j;
    j["scenario"] = scenario_file;
    j["draws"] = r.draws;
    j["seed"] = r.seed;
    j["distribution"] = "triangular on low, typical, high; figures independent; one draw per figure shared by "
                        "every option";
    j["sensitivity_method"] = "standardised regression coefficients of each option's saving_vs_baseline_pct";
    j["figures"] = nlohmann::json::array();
    for (const auto& f : r.figures)
        j["figures"].push_back(
            {{"path", f.path}, {"low_w", f.low}, {"typical_w", f.typical}, {"high_w", f.high}});
    j["options"] = nlohmann::json::array();
    for (std::size_t o = 0; o < r.options.size(); ++o) {
        const auto& u = r.options[o];
        nlohmann::json x;
        x["option"] = u.option;
        x["reference"] = u.reference;
        put_interval(x, "j_per_token", u.j_per_token);
        put_interval(x, "saving_vs_baseline_pct", u.saving_vs_baseline_pct);
        put_interval(x, "tokens_per_s_in_budget", u.tokens_per_s_in_budget);
        x["probability_beats_baseline"] = u.reference ? nlohmann::json(nullptr) : nlohmann::json(u.probability_beats_baseline);
        nlohmann::json src = nlohmann::json::object();
        for (std::size_t f = 0; f < r.figures.size(); ++f) src[r.figures[f].path] = sensitivity[o].src[f];
        x["saving_sensitivity"] = {{"r_squared", sensitivity[o].r_squared}, {"src", src}};
        j["options"].push_back(x);
    }
    return j;
}

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
