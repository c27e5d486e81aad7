// The inverse question (study/saving_solve.hpp) against a case worked out by hand, the answer
// when no value in the range gives the saving, integer figures, and its input errors.
#include <doctest/doctest.h>

#include "default_scenario.hpp"
#include "input_error_of.hpp"
#include "lightwatt/study/saving_solve.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::input_error_of;

namespace {

struct SavingFixture : testing::DefaultScenario {
    SolveInputs in() const { return {&scenario, &catalogs, &files, &inputs, LIGHTWATT_TEST_DATA_DIR}; }
    mapping::CatalogFigure figure(const std::string& path) const {
        return mapping::find_catalog_figure(files, path, {});
    }
    // J/token of the scenario's option `i` with `f` at `value`.
    double j_per_token(const mapping::CatalogFigure& f, double value, std::size_t i) const {
        const mapping::FigureValue set{&f, value};
        const mapping::Catalogs c = mapping::with_figures(catalogs, files, {&set, 1});
        mapping::EstimateInputs x = inputs;
        x.catalogs = &c;
        return in_joules(mapping::estimate(scenario, x).options[i].energy.total());
    }
};

const SavingFixture& saving_fixture() {
    static const SavingFixture f;
    return f;
}

}  // namespace

TEST_CASE("a host power at which LPO saves X %: the closed form of a saving linear in the power") {
    // The host's power x adds the same c x per token to every option that runs as fast (host,
    // its power conversion and facility share, docs/models/system-energy.md); LPO and the baseline
    // run the same step, so E_A = a + c x, E_B = b + c x, and 1 - E_A / E_B = f gives
    // x = ((1 - f) b - a) / (c f). a, b and c come from the estimates at the range's ends.
    const SavingFixture& fx = saving_fixture();
    const auto host = fx.figure("systems.dgx_h100.host_power_w_per_node.typical");
    const double x1 = 1100.0, x2 = 2400.0;  // its published low and high
    const double a1 = fx.j_per_token(host, x1, 1), a2 = fx.j_per_token(host, x2, 1);
    const double b1 = fx.j_per_token(host, x1, 0), b2 = fx.j_per_token(host, x2, 0);
    const double c = (a2 - a1) / (x2 - x1);
    REQUIRE(c == doctest::Approx((b2 - b1) / (x2 - x1)).epsilon(1e-9));
    const double a = a1 - c * x1, b = b1 - c * x1;
    const double f = 0.017;
    const double expected = ((1.0 - f) * b - a) / (c * f);
    const SavingAnswer r = solve_saving(fx.in(), host, {"lpo", "baseline", 100.0 * f, std::nullopt});
    CHECK(r.range_from == SearchRange::published);
    CHECK(r.low == x1);
    CHECK(r.high == x2);
    REQUIRE(r.value);
    CHECK(*r.value == doctest::Approx(expected).epsilon(1e-6));
    CHECK(r.saving_pct_at_value == doctest::Approx(1.7).epsilon(1e-6));
    CHECK(r.tolerance <= 1e-9 * (x2 - x1));
}

TEST_CASE("a saving no value in the range gives: no value, the savings at both ends") {
    const SavingFixture& fx = saving_fixture();
    const auto pue = fx.figure("systems.dgx_h100.pue");
    // PUE multiplies every option's J/token alike (J/token = PUE x IT): the saving does not move.
    const SavingAnswer r = solve_saving(fx.in(), pue, {"lpo", "baseline", 50.0, std::pair{1.1, 2.0}});
    CHECK_FALSE(r.value);
    CHECK(r.range_from == SearchRange::given);
    CHECK(r.saving_pct_at_low == doctest::Approx(r.saving_pct_at_high).epsilon(1e-12));
}

TEST_CASE("the default range: a factor of 2 around the catalog's value, cut to what the reader accepts") {
    const SavingFixture& fx = saving_fixture();
    const auto pue = fx.figure("systems.dgx_h100.pue");
    const SavingAnswer r = solve_saving(fx.in(), pue, {"lpo", "baseline", 50.0, std::nullopt});
    CHECK(r.range_from == SearchRange::factor_of_2);
    CHECK(r.low == doctest::Approx(pue.value / 2.0 < 1.0 ? 1.0 : pue.value / 2.0).epsilon(1e-9));
    CHECK(r.high == doctest::Approx(pue.value * 2.0 > 3.0 ? 3.0 : pue.value * 2.0).epsilon(1e-9));
}

TEST_CASE("an integer figure is searched over integers") {
    const SavingFixture& fx = saving_fixture();
    const auto bits = fx.figure("cores.dot_product_engine.adc_bits");
    const std::size_t offload = 4;  // photonic_ffn_offload, the default scenario's fifth option
    REQUIRE(fx.scenario.options[offload] == "photonic_ffn_offload");
    const SavingAnswer r = solve_saving(fx.in(), bits, {"photonic_ffn_offload", "baseline", 1.0, std::pair{4.0, 16.0}});
    REQUIRE(r.value);
    CHECK(*r.value == std::round(*r.value));
    CHECK(r.tolerance == 1.0);
    // The answer still saves 1 %; one bit more does not.
    auto saving = [&](double v) {
        return 100.0 * (1.0 - fx.j_per_token(bits, v, offload) / fx.j_per_token(bits, v, 0));
    };
    CHECK(saving(*r.value) >= 1.0);
    CHECK(saving(*r.value + 1.0) < 1.0);
}

TEST_CASE("solve's input errors name the flag") {
    const SavingFixture& fx = saving_fixture();
    const auto pue = fx.figure("systems.dgx_h100.pue");
    auto error = [&](SavingQuestion q) { return input_error_of([&] { (void)solve_saving(fx.in(), pue, q); }, ""); };
    CHECK(error({"lpx", "baseline", 5.0, std::nullopt}).key == "--option");
    CHECK(error({"lpo", "lpo", 5.0, std::nullopt}).key == "--versus");
    CHECK(error({"lpo", "baseline", 5.0, std::pair{2.0, 1.5}}).key == "--range");
    const auto refused = error({"lpo", "baseline", 5.0, std::pair{0.5, 1.5}});
    CHECK(refused.key == "--range");
    CHECK(refused.allowed == "a number in [1, 3]");
}
