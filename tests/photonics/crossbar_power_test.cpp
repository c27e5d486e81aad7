// The dynamic photonic crossbar's parts (photonics/crossbar_power.hpp), each against a hand
// calculation on a small geometry: 2 tiles of 3 cores, 4 x 5 outputs per core, 6 wavelengths.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "lightwatt/photonics/crossbar_power.hpp"
#include "lightwatt/photonics/device_catalog.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

CrossbarGeometry small_geometry(bool shared) {
    CrossbarGeometry g;
    g.tiles = 2;
    g.cores_per_tile = 3;
    g.rows = 4;
    g.cols = 5;
    g.wavelengths = 6;
    g.clock = gigahertz(5.0);
    g.operand_b_shared_across_tiles = shared;
    g.adc_shared_by_tile_cores = shared;
    return g;
}

CrossbarDevices devices() {
    CrossbarDevices d;
    d.modulator_energy_per_sample = picojoules(0.45);
    d.modulator_insertion_loss = Decibel(1.2);
    d.routers_per_modulator = 2;
    d.router_static_power = milliwatts(0.275);
    d.router_insertion_loss = Decibel(0.93);
    d.y_branch_insertion_loss = Decibel(0.1);
    d.phase_shifter_insertion_loss = Decibel(0.33);
    d.coupler_insertion_loss = Decibel(0.33);
    d.detector_sensitivity = DecibelMilliwatt(-25.0);
    d.detector_bias_power = milliwatts(1.1);
    d.detectors_per_output = 2;
    d.laser_wall_plug_efficiency = 0.2;
    d.tia_power = milliwatts(3.0);
    d.dac = {8, milliwatts(50.0), gigahertz(14.0), ConverterScaling::capacitive_dac};
    d.adc = {8, milliwatts(14.8), gigahertz(10.0), ConverterScaling::sar};
    d.adder_power = milliwatts(0.05);
    d.global_buffer_power_per_4_tiles = milliwatts(315.2512);
    d.local_buffer_power = milliwatts(0.172725);
    d.small_buffer_power = milliwatts(0.0154);
    return d;
}

double mw(Power p) { return in_milliwatts(p); }

}  // namespace

TEST_CASE("converter scaling laws carry the design point to other resolutions") {
    const ScaledConverter adc{8, milliwatts(14.8), gigahertz(10.0), ConverterScaling::sar};
    // 14.8 mW / 10 GS/s = 1.48 pJ at 8 b; SAR ~ N: 4 b is half, 0.74 pJ.
    CHECK(in_picojoules(scaled_conversion_energy(adc, 8)) == doctest::Approx(1.48));
    CHECK(in_picojoules(scaled_conversion_energy(adc, 4)) == doctest::Approx(0.74));
    const ScaledConverter dac{8, milliwatts(50.0), gigahertz(14.0), ConverterScaling::capacitive_dac};
    // 50 / 14 = 3.5714 pJ at 8 b; 2^N / N: 4 b is (16 / 4) / (256 / 8) = 1/8, 0.44643 pJ;
    // 6 b is (64 / 6) / 32 = 1/3, 1.19048 pJ.
    CHECK(in_picojoules(scaled_conversion_energy(dac, 8)) == doctest::Approx(3.571429));
    CHECK(in_picojoules(scaled_conversion_energy(dac, 4)) == doctest::Approx(0.446429));
    CHECK(in_picojoules(scaled_conversion_energy(dac, 6)) == doctest::Approx(1.190476));
}

TEST_CASE("counts of a dynamic crossbar: both operands modulated, B broadcast, ADCs shared by a tile's cores") {
    // 6 cores. Operand A: 4 rows x 6 lines per core = 24 x 6 = 144 modulators. Operand B: 5 cols x
    // 6 lines = 30 per core position: broadcast, 3 positions (90); not, 6 cores (180).
    // Outputs 4 x 5 = 20 per core, 120 in all. ADCs: 20 per tile (40) when a tile's cores share
    // them, 120 otherwise. Adders: one per tile output, 40. MACs: 20 x 6 x 6 = 720 per cycle.
    const CrossbarCounts shared = crossbar_counts(small_geometry(true));
    CHECK(shared.cores == 6);
    CHECK(shared.modulators == 234);
    CHECK(shared.outputs == 120);
    CHECK(shared.adcs == 40);
    CHECK(shared.adders == 40);
    CHECK(shared.macs_per_cycle == 720);
    const CrossbarCounts apart = crossbar_counts(small_geometry(false));
    CHECK(apart.modulators == 324);
    CHECK(apart.adcs == 120);
    CHECK(apart.adders == 40);
}

TEST_CASE("optical budget to a dot-product unit: losses, split, and the 2^bits rule") {
    CrossbarGeometry g = small_geometry(true);
    g.rows = 12;
    g.cols = 12;
    const CrossbarDevices d = devices();
    // Modulation: MZM 1.2 + 2 routers x 0.93 + ceil(log2 12) = 4 Y-branches x 0.1 = 3.46 dB.
    // Computation: 0.1 + 0.33 + 0.33 = 0.76 dB. Split 10 log10 144 = 21.584 dB.
    CHECK(crossbar_modulation_loss(g, d).value() == doctest::Approx(3.46));
    CHECK(crossbar_computation_loss(d).value() == doctest::Approx(0.76));
    // -25 + 3.46 + 0.76 + 21.584 = 0.8036 dBm = 1.20327 mW; x 2^4 = 19.2523 mW, x 2^8 = 308.037 mW.
    CHECK(mw(crossbar_laser_power(g, d, d.detector_sensitivity)) == doctest::Approx(1.20327).epsilon(1e-5));
    CHECK(mw(laser_power_per_level_rule(g, d, 4)) == doctest::Approx(19.2523).epsilon(1e-5));
    CHECK(mw(laser_power_per_level_rule(g, d, 8)) == doctest::Approx(308.037).epsilon(1e-5));
}

TEST_CASE("every part of the crossbar's power by hand") {
    const CrossbarGeometry g = small_geometry(true);
    const CrossbarDevices d = devices();
    const CrossbarPower p = crossbar_power(g, d, 4, milliwatts(10.0));
    // laser: 6 cores x 10 mW / 0.2 = 300 mW.
    CHECK(mw(p.parts[CrossbarPart::laser]) == doctest::Approx(300.0));
    // DACs: 234 x 0.446429 pJ x 5 GHz = 522.32 mW.
    CHECK(mw(p.parts[CrossbarPart::dac]) == doctest::Approx(522.321).epsilon(1e-5));
    // modulators: 234 x (0.45 pJ x 5 GHz + 2 x 0.275 mW) = 234 x 2.8 mW = 655.2 mW.
    CHECK(mw(p.parts[CrossbarPart::modulator]) == doctest::Approx(655.2));
    // ADCs: 40 x 0.74 pJ x 5 GHz = 148 mW; TIAs 40 x 3 mW = 120 mW.
    CHECK(mw(p.parts[CrossbarPart::adc]) == doctest::Approx(148.0));
    CHECK(mw(p.parts[CrossbarPart::tia]) == doctest::Approx(120.0));
    // detector bias: 120 outputs x 2 diodes x 1.1 mW = 264 mW.
    CHECK(mw(p.parts[CrossbarPart::photodetector]) == doctest::Approx(264.0));
    // adders: 40 x 0.05 mW = 2 mW.
    CHECK(mw(p.parts[CrossbarPart::adder]) == doctest::Approx(2.0));
    // memory: 315.2512 x 2/4 + 2 x (0.172725 + 2 x 0.0154) + 0.172725 + (6 + 3) x 0.0154 = 158.34398 mW.
    CHECK(mw(p.parts[CrossbarPart::memory]) == doctest::Approx(158.34398).epsilon(1e-6));
    const double total = 300.0 + 522.321 + 655.2 + 148.0 + 120.0 + 264.0 + 2.0 + 158.344;
    CHECK(mw(p.total()) == doctest::Approx(total).epsilon(1e-5));
    // 720 MACs x 5 GHz = 3.6e12 MAC/s.
    CHECK(p.macs_per_second == doctest::Approx(3.6e12));
    CHECK(in_picojoules(p.energy_per_mac()) == doctest::Approx(total * 1e-3 / 3.6e12 * 1e12).epsilon(1e-5));
    // Operand B per tile and one ADC per core: 324 modulators and 120 ADCs and TIAs, and the
    // input buffers of B per core: (6 + 6) x 0.0154 in the memory, 158.39018 mW.
    const CrossbarPower q = crossbar_power(small_geometry(false), d, 4, milliwatts(10.0));
    CHECK(mw(q.parts[CrossbarPart::modulator]) == doctest::Approx(324 * 2.8));
    CHECK(mw(q.parts[CrossbarPart::tia]) == doctest::Approx(360.0));
    CHECK(mw(q.parts[CrossbarPart::memory]) == doctest::Approx(158.39018).epsilon(1e-6));
}

TEST_CASE("detector light for b bits: noise within the quantiser's") {
    const DeviceCatalog catalog = load_device_catalog(LIGHTWATT_TEST_DATA_DIR);
    const Photodetector& pd = catalog.photodetectors.at("ge_wg_pd_o_band");
    const Tia& tia = catalog.tias.at("tia_compute");
    // R = 0.91 A/W, 16 pA/rtHz, B = 0.5 x 5 GHz = 2.5 GHz: thermal 6.4e-13 A^2, 2qB = 8.0109e-10 A,
    // dark current 1.3 nA. With x = R P and a = (2 / 2^b)^2 / 12, a x^2 = th + 2qB (x + I_d):
    //   b = 4: a = 1.30208e-3, x = 2.24800e-5 A, P = 24.703 uW (-16.07 dBm);
    //   b = 8: a = 5.08626e-6, x = 4.42111e-4 A, P = 485.84 uW (-3.14 dBm).
    const auto p4 = detector_power_for_bits(pd, tia, gigahertz(5.0), -1e9, 4);
    const auto p8 = detector_power_for_bits(pd, tia, gigahertz(5.0), -1e9, 8);
    REQUIRE(p4);
    REQUIRE(p8);
    CHECK(in_microwatts(*p4) == doctest::Approx(24.703).epsilon(1e-4));
    CHECK(in_microwatts(*p8) == doctest::Approx(485.84).epsilon(1e-4));
    // RIN -140 dB/Hz: sqrt(RIN B) = 5.0e-3 of the current, above the 8-bit step's 2/256/sqrt(12) =
    // 2.26e-3 (no power reaches 8 bits) and below the 4-bit one's 3.61e-2.
    CHECK_FALSE(detector_power_for_bits(pd, tia, gigahertz(5.0), -140.0, 8));
    CHECK(detector_power_for_bits(pd, tia, gigahertz(5.0), -140.0, 4));
}

TEST_CASE("a crossbar file's bad value is an InputError naming its key") {
    const std::string text = R"(source = "s"
[architecture]
tiles = 4
cores_per_tile = 2
rows = 12
cols = 12
wavelengths = 12
clock_ghz = 5.0
operand_b_shared_across_tiles = true
adc_shared_by_tile_cores = true
source = "s"
[devices]
modulator_energy_fj = 450.0
modulator_insertion_loss_db = 1.2
routers_per_modulator = 2
router_static_mw = 0.275
router_insertion_loss_db = 0.93
y_branch_insertion_loss_db = 0.1
phase_shifter_insertion_loss_db = 0.33
coupler_insertion_loss_db = 0.33
detector_sensitivity_dbm = -25.0
detector_bias_mw = 1.1
detectors_per_output = 2
laser_wall_plug_efficiency = 0.2
tia_power_mw = 3.0
source = "s"
[devices.dac]
bits = 8
power_mw = 50.0
sample_rate_gsps = 14.0
scaling = "flash"
source = "s"
)";
    const InputErrorDetails e = testing::input_error_of(
        [&] {
            auto doc = TomlDocument::parse_string(text, "x.toml");
            TableReader root = doc.root();
            (void)read_crossbar_accelerator(root);
        },
        text);
    CHECK(e.key == "devices.dac.scaling");
    CHECK(e.line == 31);
    CHECK(e.allowed.find("capacitive-dac") != std::string::npos);
}
