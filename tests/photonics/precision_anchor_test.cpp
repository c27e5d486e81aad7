// Precision anchor (issue #15 item 2): the emulator configured as Lightelligence's PACE (64 x 64,
// 1 GHz; Hua et al., Nature 2025) as far as public parameters go, its ENOB against the measured
// 7.61 bits (data/validation/pace.toml; docs/validation-photonic.md, "Precision anchor: PACE").
//
// Assumed (not public): PACE as the generic dot-product engine (intensity-modulated inputs,
// transmission weights, balanced detection), 8-bit DACs, weights and ADC, and every optical and
// receiver parameter of that preset (6 dB path loss, 16 pA/rtHz TIA, 0.91 A/W detector, the
// laser's 20 % wall-plug efficiency); uniform random weights and inputs in [-1, 1].
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "lightwatt/photonics/emulation_request.hpp"
#include "lightwatt/photonics/mac_emulator.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

struct Pace {
    int rows = 0, cols = 0;
    double clock_ghz = 0.0, tops = 0.0, tops_per_watt_without_lasers = 0.0, tops_per_watt_with_lasers = 0.0;
    double measured_enob = 0.0;
};

Pace read_pace() {
    const auto doc = TomlDocument::parse_file(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/pace.toml");
    TableReader r = doc.root();
    Pace p;
    (void)r.string("source");
    p.rows = static_cast<int>(r.integer("matrix_rows", 1, 4096));
    p.cols = static_cast<int>(r.integer("matrix_cols", 1, 4096));
    p.clock_ghz = r.number("clock_ghz", Range::positive());
    p.tops = r.number("tops", Range::positive());
    p.tops_per_watt_without_lasers = r.number("tops_per_watt_without_lasers", Range::positive());
    p.tops_per_watt_with_lasers = r.number("tops_per_watt_with_lasers", Range::positive());
    p.measured_enob = r.number("measured_enob", Range::positive());
    r.finish();
    return p;
}

}  // namespace

TEST_CASE("PACE precision anchor: the emulator's ENOB at PACE's published light against the measured 7.61 bits") {
    const Pace pace = read_pace();
    // Laser electrical power from the two efficiencies: 8.19 / 2.38 - 8.19 / 4.21 = 3.4412 - 1.9454
    // = 1.4958 W; 64 x 64 x 2 x 1 GHz = 8.19 TOPS, so the core is the whole throughput.
    const double laser_electrical_w =
        pace.tops / pace.tops_per_watt_with_lasers - pace.tops / pace.tops_per_watt_without_lasers;
    CHECK(laser_electrical_w == doctest::Approx(1.4958).epsilon(1e-3));
    CHECK(2.0 * pace.rows * pace.cols * pace.clock_ghz * 1e-3 == doctest::Approx(pace.tops).epsilon(1e-3));

    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    const PhotonicCore& preset = catalog.cores.at("dot_product_engine");
    CoreOverrides o;
    o.tile_rows = pace.rows;
    o.tile_cols = pace.cols;
    o.clock_ghz = pace.clock_ghz;
    // Optical = electrical x WPE (0.20, an assumption): 1.4958 x 0.2 = 299.2 mW.
    o.laser_power_mw = 1e3 * laser_electrical_w * preset.emulator.laser.wall_plug_efficiency;
    PhotonicCore core = apply_overrides(preset, o);
    core.emulator.seed = 7;
    const Eigen::MatrixXd weights = random_matrix(pace.rows, pace.cols, 7, 1);
    const Eigen::MatrixXd inputs = random_matrix(pace.cols, 4096, 7, 2);
    const MacEmulationResult run = emulate_gemm(weights, inputs, core.emulator);
    const PowerForEnob needed = laser_power_for_enob(run, core, pace.measured_enob);
    MESSAGE("PACE-like core at " << *o.laser_power_mw << " mW optical: ENOB " << run.enob << " bits (measured "
                                 << pace.measured_enob << ", gap " << pace.measured_enob - run.enob
                                 << " bit); ceiling with unlimited light " << needed.ceiling_enob << " bits");
    if (needed.laser_power_per_core)
        MESSAGE("light for ENOB " << pace.measured_enob << ": " << in_milliwatts(*needed.laser_power_per_core)
                                  << " mW optical per core");
    // What is met: with 8-bit converters and unlimited light the emulated core reaches the measured
    // precision (an ideal 8-bit quantiser alone gives 8.0 bits; the 8-bit weights and inputs take
    // a little), so PACE's 7.61 bits is consistent with 8-bit converters near their limit.
    CHECK(needed.ceiling_enob >= pace.measured_enob);
    CHECK(needed.ceiling_enob - pace.measured_enob <= 1.0);
    // What is not: at the published laser power and the preset's assumed optics the emulator
    // falls about 1 bit short, a light budget short of PACE's; the light that closes it is above
    // what the published laser delivers through the assumed 6 dB and 20 %.
    CHECK(run.enob < pace.measured_enob);
    REQUIRE(needed.laser_power_per_core);
    CHECK(in_milliwatts(*needed.laser_power_per_core) > *o.laser_power_mw);
    // The gap is the light at the detector: 3 dB less path loss (an assumption, not PACE's)
    // doubles it and moves the ENOB toward the ceiling.
    CoreOverrides lower_loss = o;
    lower_loss.path_loss_db = core.emulator.path_loss.value() - 3.0;
    const PhotonicCore brighter = apply_overrides(core, lower_loss);
    const MacEmulationResult brighter_run = emulate_gemm(weights, inputs, brighter.emulator);
    MESSAGE("with " << brighter.emulator.path_loss.value() << " dB path loss: ENOB " << brighter_run.enob << " bits");
    CHECK(brighter_run.enob > run.enob);
    CHECK(brighter_run.enob <= needed.ceiling_enob);
}
