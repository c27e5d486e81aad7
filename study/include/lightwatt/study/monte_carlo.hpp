// Monte Carlo over the catalog figures that carry a published low-high range (`lightwatt estimate
// --monte-carlo N`, docs/models/uncertainty.md): the scenario's system's host power per node and
// NVLink switch power per GPU ({low, typical, high} in data/systems.toml) and the module power of
// each link its options use that has a [published.module_power_w] range (data/links.toml), each
// drawn from a triangular distribution on (low, typical, high), the figures independent of one
// another, one draw of each figure shared by every option of the draw (common random numbers), so
// that options are compared on the same host, switches and modules. Draw d takes its figures, in
// order, from the counter-based stream (seed, d): the results are the same on any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lightwatt/mapping/scenario.hpp"

namespace lightwatt::study {

enum class RangedKind { host_power_per_node, scale_up_switch_power_per_gpu, module_power };

// A figure drawn: where it is written, its triangular distribution and what it sets.
struct RangedFigure {
    std::string path;  // "systems.dgx_h100.host_power_w_per_node", "links.lpo_800g.published.module_power_w"
    std::string unit = "W";
    RangedKind kind = RangedKind::host_power_per_node;
    std::string name;  // the system or the link
    // The distribution's ends and mode. For a link's module, the mode is the modelled module power
    // the estimate uses, and the ends the published ones widened to include it when it lies outside.
    double low = 0.0, typical = 0.0, high = 0.0;
};

// The figures with a published range that an estimate of `s` uses, in a fixed order: the
// system's two, then the links in the order the options first name them.
std::vector<RangedFigure> ranged_figures(const mapping::Scenario& s, const mapping::Catalogs& c);

// Draw `draw`'s values of `figures`, in their order, into out[0 .. figures.size() - 1]: each from
// its triangular distribution at the next uniform of the counter-based stream (seed, draw).
void draw_figures(const std::vector<RangedFigure>& figures, std::uint64_t seed, std::size_t draw, double* out);
// Sets figure `f` to `value` on `catalogs`, a copy of `base`; every draw sets every figure, so
// none needs setting back.
void set_drawn_figure(mapping::Catalogs& catalogs, const mapping::Catalogs& base, const RangedFigure& f, double value);

// The inverse of the triangular distribution's CDF (low <= mode <= high) at u in [0, 1).
double triangular_quantile(double low, double mode, double high, double u);

// The q-quantile (0 <= q <= 1) of `sorted` by linear interpolation between order statistics
// (Hyndman and Fan's type 7, numpy's and R's default).
double quantile_of_sorted(const std::vector<double>& sorted, double q);

// Accepted draw counts: 1 to 10^6 (a million draws of 5 options keep about 200 MB).
inline constexpr std::size_t kMaxMonteCarloDraws = 1'000'000;

struct Interval {
    double median = 0.0, p05 = 0.0, p95 = 0.0;
};

struct OptionUncertainty {
    std::string option;
    Interval j_per_token, saving_vs_baseline_pct, tokens_per_s_in_budget;
    double probability_beats_baseline = 0.0;  // share of draws in which it takes less J/token
    bool reference = false;                   // the baseline every saving is measured against
};

struct MonteCarloResult {
    std::size_t draws = 0;
    std::uint64_t seed = 0;
    std::vector<RangedFigure> figures;
    std::vector<double> drawn;                   // draw-major: drawn[d * figures + f]
    std::vector<double> j_per_token;             // draw-major: [d * options + o]
    std::vector<double> saving_vs_baseline_pct;  // draw-major: [d * options + o]
    std::vector<OptionUncertainty> options;
};

// InputError (key "--monte-carlo") for a draw count outside 1 to kMaxMonteCarloDraws.
MonteCarloResult monte_carlo(const mapping::Scenario& s, const mapping::EstimateInputs& inputs, std::size_t draws,
                             std::uint64_t seed, int threads);

}  // namespace lightwatt::study
