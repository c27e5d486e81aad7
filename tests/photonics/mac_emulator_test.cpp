#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <tuple>

#include "lightwatt/core/constants.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/photonics/emulation_request.hpp"
#include "lightwatt/photonics/mac_emulator.hpp"
#include "lightwatt/photonics/mac_energy.hpp"
#include "lightwatt/photonics/microring_bank.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

// A configuration with every error source off; tests switch on the one they study.
MacEmulatorConfig quiet(MacArchitecture a) {
    MacEmulatorConfig c;
    c.architecture = a;
    c.tile_rows = 16;
    c.tile_cols = 16;
    c.clock = gigahertz(5.0);
    c.noise_bandwidth_per_clock = 0.5;
    c.laser_power_per_core = milliwatts(10.0);
    c.laser = Laser{"laser", 0.2, milliwatts(1000.0), -145.0, watts(0.0)};
    c.path_loss = Decibel(3.0);
    c.photodetector = Photodetector{"pd", amperes_per_watt(1.0), nanoamperes(0.0), femtofarads(10.0)};
    c.tia = Tia{"tia", picoamperes_per_root_hertz(10.0), 0.5, milliwatts(3.0)};
    c.dac_bits = 24;
    c.weight_bits = 24;
    c.adc_bits = 24;
    c.adc_clip_sigmas = 50.0;  // no clipping unless a test asks for a realistic range
    c.microring = {1e7, gigahertz(200.0), nanometers(1310.0), gigahertz(0.0)};
    c.shot_noise = c.thermal_noise = c.rin_noise = false;
    c.seed = 11;
    c.threads = 1;
    return c;
}

Eigen::MatrixXd weights(long long m, long long k) { return random_matrix(m, k, 3, 1); }
Eigen::MatrixXd inputs(long long k, long long n) { return random_matrix(k, n, 3, 2); }

double db(double ratio) { return 10.0 * std::log10(ratio); }

}  // namespace

TEST_CASE("noise-free settings reproduce the exact product, every architecture") {
    const auto w = weights(40, 37), x = inputs(37, 50);  // ragged edges exercise the padding
    for (auto a :
         {MacArchitecture::dot_product_engine, MacArchitecture::microring_bank, MacArchitecture::coherent_mesh}) {
        CAPTURE(architecture_name(a));
        auto c = quiet(a);
        const auto r = emulate_gemm(w, x, c);
        CHECK(r.rel_rms_error < 1e-5);
        CHECK((r.output - w * x).cwiseAbs().maxCoeff() < 1e-4);
    }
}

TEST_CASE("ADC quantisation alone: error variance step^2/12 within 2 % (131072 partial sums)") {
    auto c = quiet(MacArchitecture::dot_product_engine);
    c.tile_rows = c.tile_cols = 64;
    c.adc_bits = 6;
    c.adc_clip_sigmas = 4.0;
    const auto r = emulate_gemm(weights(64, 64), inputs(64, 2048), c);
    const double step = 2.0 * r.adc_full_scale / 64.0;
    CHECK(r.clipped_fraction < 1e-3);
    CHECK(r.partial_error_variance == doctest::Approx(step * step / 12.0).epsilon(0.02));
    CHECK(r.regime == NoiseRegime::quantisation);
}

TEST_CASE("shot noise alone: SNR matches the 2 q I B prediction within 0.2 dB") {
    auto c = quiet(MacArchitecture::dot_product_engine);
    c.tile_rows = c.tile_cols = 64;
    c.laser_power_per_core = milliwatts(0.5);
    c.shot_noise = true;
    const auto r = emulate_gemm(weights(64, 64), inputs(64, 2048), c);
    // Prediction, by hand for the mean: I_dc = (R p_ch / 2) sum_j (1 + x_j) with E[x] = 0, so
    // sigma^2 = 2 q (R p_ch/2) 64 B and per unit y: sigma_y^2 = 2 q 64 B / (R p_ch / 2).
    const double p_ch = 0.5e-3 / (64.0 * 64.0) / std::pow(10.0, 0.3);
    const double bandwidth = 2.5e9;
    const double hand = 2.0 * constants::elementary_charge.value() * 64.0 * bandwidth / (p_ch / 2.0);
    CHECK(r.predicted.shot == doctest::Approx(hand).epsilon(0.02));  // E[x] over the data is ~0
    CHECK(db(r.partial_error_variance) ==
          doctest::Approx(db(r.predicted.shot)).epsilon(0.2 / std::abs(db(r.predicted.shot))));
    CHECK(std::abs(db(r.partial_error_variance / r.predicted.shot)) < 0.2);
    CHECK(r.regime == NoiseRegime::shot);
}

TEST_CASE("halving optical power costs 3 dB when shot noise dominates and 6 dB when thermal noise does") {
    const auto w = weights(32, 32), x = inputs(32, 4096);
    auto snr_at = [&](double mw, bool shot, bool thermal) {
        auto c = quiet(MacArchitecture::dot_product_engine);
        c.tile_rows = c.tile_cols = 32;
        c.laser_power_per_core = milliwatts(mw);
        c.shot_noise = shot;
        c.thermal_noise = thermal;
        return emulate_gemm(w, x, c).snr_db;
    };
    CHECK(snr_at(1.0, true, false) - snr_at(0.5, true, false) == doctest::Approx(3.01).epsilon(0.05));
    CHECK(snr_at(1.0, false, true) - snr_at(0.5, false, true) == doctest::Approx(6.02).epsilon(0.03));
}

TEST_CASE("RIN: ENOB falls as RIN rises, and saturates at the RIN ceiling as power rises") {
    const auto w = weights(32, 32), x = inputs(32, 2048);
    auto run = [&](double rin_db, double mw) {
        auto c = quiet(MacArchitecture::dot_product_engine);
        c.tile_rows = c.tile_cols = 32;
        c.laser.rin_db_per_hz = rin_db;
        c.laser_power_per_core = milliwatts(mw);
        c.shot_noise = c.thermal_noise = c.rin_noise = true;
        return emulate_gemm(w, x, c);
    };
    double previous = 1e9;
    for (double rin : {-170.0, -150.0, -140.0, -130.0, -120.0}) {
        const double enob = run(rin, 100.0).enob;
        CHECK(enob < previous);
        previous = enob;
    }
    // At -120 dB/Hz the RIN term is power-independent: more light stops helping.
    const auto a = run(-120.0, 100.0), b = run(-120.0, 10000.0);
    CHECK(b.regime == NoiseRegime::rin);
    CHECK(std::abs(b.enob - a.enob) < 0.1);
    const auto low = run(-120.0, 0.01);
    CHECK(low.enob < b.enob - 1.0);
}

TEST_CASE("microring crosstalk matches the closed-form Lorentzian at the given spacing and linewidth") {
    // Q = 6755 at 1310 nm: FWHM = (c / 1310 nm) / 6755 = 228.85 THz / 6755 = 33.88 GHz. A
    // neighbour ring on resonance with its own channel 200 GHz away drops
    // 1 / (1 + (2 x 200 / 33.88)^2) = 1 / (1 + 139.4) = 0.007123 of this channel.
    const Frequency fwhm = ring_linewidth(6755.0, nanometers(1310.0));
    CHECK(in_hertz(fwhm) * 1e-9 == doctest::Approx(33.88).epsilon(1e-3));
    CHECK(lorentzian_drop(gigahertz(200.0), fwhm) == doctest::Approx(0.007123).epsilon(0.01));
    // In a two-ring bank with the spacing cap off (rings may reach any weight), ring 1 fully on
    // its channel (w = +1) steals the same fraction of channel 0 whose ring passes it (w = -1 is
    // approached by a far detuning): implemented weight of channel 0 rises from -1 by 2 x 0.007123.
    MicroringBankParameters p{6755.0, gigahertz(200.0), nanometers(1310.0), gigahertz(0.0)};
    Eigen::MatrixXd target(1, 2);
    target << 0.0, 1.0;
    const auto tile = microring_bank_weights(target, p, 1, 1);
    // Channel 1 is at its ring's resonance: analog weight = 1 - 2 (1 - D0(f1))(1 - 1) ... exactly 1
    // before correction, corrected (1 - d_min)/(1 - d_min) = 1. Channel 0: its own ring drops
    // D0 = d_min + (1 - d_min)/2 and ring 1 drops 0.007123 of the rest.
    const double d_min = minimum_drop(p);
    const double own = d_min + (1.0 - d_min) / 2.0;
    const double remaining = (1.0 - own) * (1.0 - 0.007123);
    const double analog = (1.0 - remaining) - remaining;
    CHECK(tile.weights(0, 0) == doctest::Approx((analog - d_min) / (1.0 - d_min)).epsilon(0.01));
    CHECK(tile.weights(0, 1) == doctest::Approx(1.0).epsilon(1e-3));
}

TEST_CASE("same seed, same bytes on any thread count") {
    auto c = quiet(MacArchitecture::microring_bank);
    c.microring.quality_factor = 6755.0;
    c.microring.drift_rms = gigahertz(2.0);
    c.shot_noise = c.thermal_noise = c.rin_noise = true;
    c.adc_bits = 6;
    const auto w = weights(50, 40), x = inputs(40, 300);
    c.threads = 1;
    const auto one = emulate_gemm(w, x, c);
    for (int t : {2, 3, 7}) {
        c.threads = t;
        const auto r = emulate_gemm(w, x, c);
        CHECK((r.output - one.output).cwiseAbs().maxCoeff() == 0.0);
    }
    c.seed = 12;
    CHECK((emulate_gemm(w, x, c).output - one.output).cwiseAbs().maxCoeff() > 0.0);
}

TEST_CASE("into a caller's output with a reused workspace: the same bytes, and memory of the last size only") {
    // Every architecture, with drift (the microring's re-implemented weights, the mesh's rotated
    // LO), on two threads, through one workspace whose buffers held another size and another
    // architecture's before: any stale value read would change a byte.
    EmulationWorkspace workspace;
    auto drifting = [](MacArchitecture a) {
        auto c = quiet(a);
        c.shot_noise = c.thermal_noise = c.rin_noise = true;
        c.adc_bits = 6;
        c.threads = 2;
        c.drift.interval = seconds(1.0);
        c.drift.lo_phase_psd_rad2_per_hz = 1e-4;
        c.drift.ring_psd_hz2_per_hz = 1e18;
        c.microring.quality_factor = 6755.0;
        return c;
    };
    for (const auto& shape : {std::tuple<long long, long long, long long>{50, 40, 300}, {17, 70, 33}, {50, 40, 300}})
        for (auto a :
             {MacArchitecture::dot_product_engine, MacArchitecture::microring_bank, MacArchitecture::coherent_mesh}) {
            // Named copies, not a structured binding: clang 14 (the sanitizer build) cannot capture a
            // structured binding in CAPTURE's lambda.
            const long long m = std::get<0>(shape), k = std::get<1>(shape), n = std::get<2>(shape);
            CAPTURE(architecture_name(a));
            CAPTURE(m);
            const auto c = drifting(a);
            const auto w = weights(m, k), x = inputs(k, n);
            const auto fresh = emulate_gemm(w, x, c);
            Eigen::MatrixXd out = Eigen::MatrixXd::Constant(m, n, 7.0);
            const auto reused = emulate_gemm_into(w, x, c, out, workspace);
            CHECK(reused.output.size() == 0);
            CHECK((out - fresh.output).cwiseAbs().maxCoeff() == 0.0);
            CHECK(reused.enob == fresh.enob);
            CHECK(reused.clipped_fraction == fresh.clipped_fraction);
        }
    // The DAC'd inputs alone of a 64 x 4096 input take 1 MiB; after a 2 x 2 x 2 call the workspace
    // holds that call's buffers (well under 64 KiB: 16 x 16 tiles, 256-column blocks of 16 rows).
    auto c = quiet(MacArchitecture::dot_product_engine);
    Eigen::MatrixXd big(8, 4096), small(2, 2);
    emulate_gemm_into(weights(8, 64), inputs(64, 4096), c, big, workspace);
    CHECK(workspace.bytes() >= 64u * 4096u * 4u);
    emulate_gemm_into(weights(2, 2), inputs(2, 2), c, small, workspace);
    CHECK(workspace.bytes() < 64u * 1024u);
    workspace.release();
    CHECK(workspace.bytes() == 0);
    EmulationWorkspace moved = std::move(workspace);
    CHECK_NOTHROW(emulate_gemm_into(weights(2, 2), inputs(2, 2), c, small, workspace));  // usable after a move
    Eigen::MatrixXd wrong(3, 2);
    CHECK_THROWS_AS(emulate_gemm_into(weights(2, 2), inputs(2, 2), c, wrong, workspace), InputError);
}

TEST_CASE("bad input is an InputError") {
    auto c = quiet(MacArchitecture::dot_product_engine);
    CHECK_THROWS_AS(emulate_gemm(Eigen::MatrixXd(0, 3), inputs(3, 3), c), InputError);
    CHECK_THROWS_AS(emulate_gemm(weights(3, 4), inputs(3, 3), c), InputError);
    auto nan = weights(3, 3);
    nan(1, 1) = std::nan("");
    CHECK_THROWS_AS(emulate_gemm(nan, inputs(3, 3), c), InputError);
    // Infinities too, in either operand, past the first block of 64 columns the scan reads.
    auto infinite = inputs(3, 130);
    infinite(2, 100) = -std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(emulate_gemm(weights(3, 3), infinite, c), InputError);
    c.adc_bits = 0;
    CHECK_THROWS_AS(emulate_gemm(weights(3, 3), inputs(3, 3), c), InputError);
    // The mesh code takes its settings as preconditions: emulate_gemm, an entry point Python
    // reaches, checks them.
    auto mesh = quiet(MacArchitecture::coherent_mesh);
    mesh.mesh.thermal_crosstalk = 1.5;
    CHECK_THROWS_AS(emulate_gemm(weights(3, 3), inputs(3, 3), mesh), InputError);
    mesh = quiet(MacArchitecture::coherent_mesh);
    mesh.mesh.phase_dac_bits = 53;
    CHECK_THROWS_AS(emulate_gemm(weights(3, 3), inputs(3, 3), mesh), InputError);
}

TEST_CASE("energy per MAC: parts by hand, and they sum to the total") {
    MacEnergyParameters p;
    p.tile_rows = 64;
    p.tile_cols = 32;
    p.clock = gigahertz(5.0);
    p.laser_optical_power = milliwatts(100.0);
    p.laser_wall_plug_efficiency = 0.2;
    const ConverterModel flat{"flat", 1e-15, kInf, picojoules(2.0)};
    p.input_dac = p.weight_dac = p.adc = flat;
    p.input_dac_enob = p.weight_dac_enob = p.adc_enob = 4.0;  // the 2 pJ floor wins
    p.modulator_energy_per_sample = picojoules(0.45);
    p.tia_power = milliwatts(3.0);
    p.weight_holders = 64 * 32;
    p.holding_power = milliwatts(1.0);
    p.accumulation_energy = picojoules(0.1);
    p.weight_reuse = 100.0;
    p.utilization = 0.5;
    const auto b = mac_energy(p);
    // Laser: 0.1 W / 0.2 / 5 GHz = 100 pJ per cycle over 2048 MACs x 0.5 = 0.09766 pJ.
    CHECK(in_picojoules(b.part(MacEnergyPart::laser)) == doctest::Approx(100.0 / 1024.0));
    // ADC: 64 x 2 pJ per cycle / 2048 MACs = 0.0625 pJ (dynamic: not divided by utilization).
    CHECK(in_picojoules(b.part(MacEnergyPart::adc)) == doctest::Approx(0.0625));
    // Input DACs 32 x 2 pJ / 2048 = 0.03125; weight DACs 2048 x 2 pJ / 100 / 2048 = 0.02.
    CHECK(in_picojoules(b.part(MacEnergyPart::input_dac)) == doctest::Approx(0.03125));
    CHECK(in_picojoules(b.part(MacEnergyPart::weight_dac)) == doctest::Approx(0.02));
    // Holding: 2048 x 1 mW / 5 GHz / (2048 x 0.5) = 0.4 pJ.
    CHECK(in_picojoules(b.part(MacEnergyPart::weight_hold)) == doctest::Approx(0.4));
    double sum = 0.0;
    for (const auto& e : b.per_mac) sum += in_picojoules(e);
    CHECK(in_picojoules(b.total()) == doctest::Approx(sum));
    CHECK(macs_per_second(p) == doctest::Approx(64.0 * 32.0 * 5e9 * 0.5));
}

TEST_CASE("inverse: the laser power found for a target ENOB delivers it") {
    const auto w = weights(32, 32), x = inputs(32, 2048);
    auto c = quiet(MacArchitecture::dot_product_engine);
    c.tile_rows = c.tile_cols = 32;
    c.shot_noise = c.thermal_noise = c.rin_noise = true;
    c.adc_bits = 10;
    c.dac_bits = 10;
    c.weight_bits = 10;
    PhotonicCore core;
    core.emulator = c;
    const auto first = emulate_gemm(w, x, c);
    const auto answer = laser_power_for_enob(first, core, 6.0);
    REQUIRE(answer.laser_power_per_core.has_value());
    c.laser_power_per_core = *answer.laser_power_per_core;
    const auto check = emulate_gemm(w, x, c);
    CHECK(check.enob == doctest::Approx(6.0).epsilon(0.02));
    // Beyond the ceiling: no answer, and the ceiling is reported.
    const auto too_much = laser_power_for_enob(first, core, 11.0);
    CHECK_FALSE(too_much.laser_power_per_core.has_value());
    CHECK(too_much.ceiling_enob < 11.0);
}

TEST_CASE("1/f drift between calibrations costs accuracy, more with more drift, reproducibly") {
    const auto w = weights(32, 32), x = inputs(32, 1024);
    auto coherent = [&](double psd) {
        auto c = quiet(MacArchitecture::coherent_mesh);
        c.tile_rows = c.tile_cols = 32;
        c.drift.interval = seconds(1.0);
        c.drift.lo_phase_psd_rad2_per_hz = psd;
        return emulate_gemm(w, x, c);
    };
    const double none = coherent(0.0).rel_rms_error;
    const double small = coherent(1e-6).rel_rms_error;
    const double large = coherent(1e-3).rel_rms_error;
    CHECK(none < 1e-5);
    CHECK(small > none);
    CHECK(large > small);
    CHECK((coherent(1e-4).output - coherent(1e-4).output).cwiseAbs().maxCoeff() == 0.0);
    auto ring = [&](double psd_ghz2) {
        auto c = quiet(MacArchitecture::microring_bank);
        c.tile_rows = c.tile_cols = 32;
        c.microring.quality_factor = 6755.0;
        c.drift.interval = seconds(1.0);
        c.drift.ring_psd_hz2_per_hz = psd_ghz2 * 1e18;
        return emulate_gemm(w, x, c).rel_rms_error;
    };
    CHECK(ring(1.0) > ring(0.0));
    CHECK(ring(10.0) > ring(1.0));
}
