#include <doctest/doctest.h>

#include "lightwatt/interconnect/link_catalog.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;

// The block-to-product factor in data/electronics.toml is a derived number: recompute it from the
// catalog entries it was derived with, so it cannot drift when they change.
TEST_CASE("block-to-product factor matches its derivation from NVIDIA's 400G DR4 lane power") {
    const auto c = load_link_catalog(LIGHTWATT_TEST_DATA_DIR);
    const auto& e = c.electronics();
    // NVIDIA MMS4X00-NS400: 9 W at 4 lanes, 5 W at 2 lanes -> 2 W per lane, 1 W lane-independent.
    const double lane_power_at_rail_w = (9.0 - 5.0) / (4 - 2);
    const double lane_independent_w = 9.0 - 4 * lane_power_at_rail_w;
    const double eta = e.power_conversion.at("module_dcdc").efficiency;
    // The catalog holds it behind the converter, which the model adds back.
    CHECK(in_watts(e.housekeeping.at("pluggable_module").power) / eta == doctest::Approx(lane_independent_w));
    const DataRate lane_rate = gigabits_per_second(106.25);
    const auto& dr8 = c.find("dsp_pluggable_800g");
    const auto report = evaluate(dr8);
    const double laser_per_lane_w = in_watts(report.end_power[Component::laser]) / dr8.lanes;
    const double blocks_w = in_watts(circuit_power(e.dsps.at("dsp_800g_blocks"), 1, lane_rate)) +
                            in_watts(circuit_power(e.drivers.at("mzm_driver_linear_100g"), 1, lane_rate)) +
                            in_watts(dr8.optics->tia.power);
    const double factor = (lane_power_at_rail_w * eta - laser_per_lane_w) / blocks_w;
    CHECK(e.block_to_product.factor == doctest::Approx(factor).epsilon(1e-3));
    CHECK(dr8.block_to_product_factor == e.block_to_product.factor);
    // So a 4-lane module built from these parts draws what the datasheet says: 9 W. (The 800G
    // DR8 archetype is this lane scaled to 8 lanes, so its published check is not independent.)
    const double four_lane_w = (4 * (factor * blocks_w + laser_per_lane_w) + lane_independent_w * eta) / eta;
    CHECK(four_lane_w == doctest::Approx(9.0));
}
