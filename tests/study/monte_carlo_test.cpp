// Monte Carlo over the catalog's published ranges (study/monte_carlo.hpp) and the sensitivity of
// its outputs (study/sensitivity.hpp): the distribution and quantile formulas by hand, the figures
// drawn for the default scenario, the same draws on any thread count, and the mean J/token of a
// response linear in the figures equal to the J/token at the figures' means.
#include <doctest/doctest.h>

#include <cmath>

#include "default_scenario.hpp"
#include "input_error_of.hpp"
#include "lightwatt/core/rng.hpp"
#include "lightwatt/mapping/catalog_figure.hpp"
#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/sensitivity.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::input_error_of;

TEST_CASE("the triangular distribution's inverse CDF, by hand") {
    // Symmetric on (0, 1, 2): the median is the mode.
    CHECK(triangular_quantile(0.0, 1.0, 2.0, 0.5) == doctest::Approx(1.0));
    // Mode at the low end: F(x) = 1 - (1 - x)^2 on (0, 1), so x = 1 - sqrt(1 - u); u = 0.75 gives 0.5.
    CHECK(triangular_quantile(0.0, 0.0, 1.0, 0.75) == doctest::Approx(0.5));
    // Mode at the high end: F(x) = x^2, so x = sqrt(u); u = 0.25 gives 0.5.
    CHECK(triangular_quantile(0.0, 1.0, 1.0, 0.25) == doctest::Approx(0.5));
    // (1100, 1600, 2400): F(1600) = 500 / 1300; at u = 0.1, x = 1100 + sqrt(0.1 x 1300 x 500) = 1354.95.
    CHECK(triangular_quantile(1100.0, 1600.0, 2400.0, 0.1) == doctest::Approx(1354.951));
    CHECK(triangular_quantile(5.0, 5.0, 5.0, 0.3) == 5.0);
}

TEST_CASE("quantiles interpolate between order statistics (type 7)") {
    const std::vector<double> v{1.0, 2.0, 3.0, 4.0};
    CHECK(quantile_of_sorted(v, 0.5) == doctest::Approx(2.5));    // h = 1.5
    CHECK(quantile_of_sorted(v, 0.05) == doctest::Approx(1.15));  // h = 0.15
    CHECK(quantile_of_sorted(v, 0.95) == doctest::Approx(3.85));  // h = 2.85
    CHECK(quantile_of_sorted(v, 1.0) == 4.0);
}

TEST_CASE("standardised regression coefficients of a linear response, by hand") {
    // y = 3 x1 - x2 + 0 x3 with independent inputs of equal spread s: s_y = sqrt(10) s, so
    // SRC1 = 3 / sqrt(10) = 0.9487, SRC2 = -1 / sqrt(10) = -0.3162, SRC3 = 0 and R^2 = 1.
    constexpr std::size_t n = 20000;
    std::vector<double> x(3 * n), y(n);
    for (std::size_t d = 0; d < n; ++d) {
        CounterRng rng(7, d);
        for (std::size_t j = 0; j < 3; ++j) x[d * 3 + j] = rng.uniform();
        y[d] = 3.0 * x[d * 3] - x[d * 3 + 1];
    }
    const Sensitivity s = standardised_regression(x, 3, y);
    // The sample's spreads differ from s by about 1 %: the coefficients to that.
    CHECK(s.src[0] == doctest::Approx(3.0 / std::sqrt(10.0)).epsilon(0.02));
    CHECK(s.src[1] == doctest::Approx(-1.0 / std::sqrt(10.0)).epsilon(0.02));
    CHECK(std::fabs(s.src[2]) < 1e-9);
    CHECK(s.r_squared == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(s.ranked == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("the default scenario draws its system's two ranges and its links' module powers") {
    const testing::DefaultScenario& fx = testing::default_scenario();
    const auto figures = ranged_figures(fx.scenario, fx.catalogs);
    REQUIRE(figures.size() >= 3);
    CHECK(figures[0].path == "systems.dgx_h100.host_power_w_per_node");
    CHECK(figures[1].path == "systems.dgx_h100.scale_up_switch_w_per_gpu");
    CHECK(figures[2].path == "links.dsp_pluggable_800g.published.module_power_w");  // the baseline's scale-out
    for (const auto& f : figures) {
        CHECK(f.low <= f.typical);
        CHECK(f.typical <= f.high);
        // Each path names the catalog's figures (the typical of a module is the modelled power).
        if (f.kind != RangedKind::module_power)
            CHECK(mapping::find_catalog_figure(fx.files, f.path + ".typical", {}).value == f.typical);
        else
            CHECK(mapping::find_catalog_figure(fx.files, f.path + ".low", {}).value >= f.low);
    }
}

TEST_CASE("the draws are the same on one and two threads") {
    const testing::DefaultScenario& fx = testing::default_scenario();
    const MonteCarloResult one = monte_carlo(fx.scenario, fx.inputs, 600, 11, 1);
    const MonteCarloResult two = monte_carlo(fx.scenario, fx.inputs, 600, 11, 2);
    CHECK(one.drawn == two.drawn);
    CHECK(one.saving_vs_baseline_pct == two.saving_vs_baseline_pct);
    for (std::size_t f = 0; f < one.figures.size(); ++f)
        for (std::size_t d = 0; d < one.draws; ++d) {
            const double v = one.drawn[d * one.figures.size() + f];
            CHECK((v >= one.figures[f].low && v <= one.figures[f].high));
        }
    CHECK(monte_carlo(fx.scenario, fx.inputs, 600, 12, 2).drawn != one.drawn);
}

TEST_CASE("J/token is linear in the drawn powers: its mean over the draws is (J_low + J_typical + J_high) / 3") {
    // Host, switch and module powers each add watts x time per token (docs/models/system-energy.md),
    // so J(x) = J(typical) + sum_j g_j (x_j - typical_j), and a triangular figure's mean is
    // (low + typical + high) / 3: E[J] = (J(all low) + J(typical) + J(all high)) / 3, the three
    // J/token the plain estimate reports when the ranges hold the typical (LPO: its module's
    // modelled 8.7 W lies inside the published 8-9 W, and it uses no photonic converters).
    const testing::DefaultScenario& fx = testing::default_scenario();
    const std::size_t lpo = 1;
    REQUIRE(fx.scenario.options[lpo] == "lpo");
    const auto e = mapping::estimate(fx.scenario, fx.inputs);
    const auto& o = e.options[lpo];
    const double expected = (in_joules(o.low) + in_joules(o.energy.total()) + in_joules(o.high)) / 3.0;
    const MonteCarloResult r = monte_carlo(fx.scenario, fx.inputs, 4000, 5, 2);
    double mean = 0.0;
    for (std::size_t d = 0; d < r.draws; ++d) mean += r.j_per_token[d * r.options.size() + lpo];
    mean /= static_cast<double>(r.draws);
    // The host's spread (sd 266 W of a 1700 W mean) over 4000 draws: the mean to about 0.1 %.
    CHECK(mean == doctest::Approx(expected).epsilon(0.002));
    CHECK(r.options[lpo].probability_beats_baseline == 1.0);
    CHECK(r.options[0].reference);
}

TEST_CASE("a draw count of 0 or above 10^6 is refused") {
    const testing::DefaultScenario& fx = testing::default_scenario();
    CHECK(input_error_of([&] { (void)monte_carlo(fx.scenario, fx.inputs, 0, 1, 1); }, "0").key == "--monte-carlo");
    CHECK(input_error_of([&] { (void)monte_carlo(fx.scenario, fx.inputs, kMaxMonteCarloDraws + 1, 1, 1); }, "").key ==
          "--monte-carlo");
}
