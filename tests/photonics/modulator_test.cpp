#include <doctest/doctest.h>

#include <cmath>

#include "lightwatt/photonics/laser.hpp"
#include "lightwatt/photonics/modulator.hpp"
#include "lightwatt/photonics/transmitter.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {
MicroringModulator ring() {
    return {"ring",
            femtofarads(20.0),
            volts(1.0),
            Decibel(2.0),
            Decibel(6.0),
            nanometers(2.85),
            nanometers_per_milliwatt(0.073)};
}
MachZehnderModulator mzm() { return {"mzm", 2.2, micrometers(2580.0), volts(3.0), ohms(50.0), Decibel(3.5)}; }
}  // namespace

TEST_CASE("ring switching energy: C V^2 / 4 for NRZ") {
    // 20 fF x (1 V)^2 / 4 = 5 fJ/bit (Miller, Opt. Express 2012; reference sec. 3.7).
    CHECK(in_femtojoules_per_bit(ring_switching_energy_per_bit(ring(), Modulation::nrz)) == doctest::Approx(5.0));
    // PAM4, i.i.d. levels: E[max(0, dk)] = (3*1 + 2*2 + 1*3)/16 = 10/16; per symbol
    // C V^2 (10/16)/3, per bit half that: 20 fF * 0.10417 = 2.083 fJ/bit.
    CHECK(in_femtojoules_per_bit(ring_switching_energy_per_bit(ring(), Modulation::pam4)) ==
          doctest::Approx(2.0833).epsilon(1e-4));
}

TEST_CASE("ring transfer and tuning") {
    // OMA/P_in = (1 - 1/r)/IL: r = 3.981 (6 dB), IL 2 dB = 1.585 -> 0.7488/1.585 = 0.4725.
    const auto t = modulator_transfer(ring());
    CHECK(t.oma_per_input_power == doctest::Approx(0.4725).epsilon(1e-3));
    CHECK(t.extinction_ratio.value() == doctest::Approx(6.0));
    // 2.85 nm / 0.073 nm/mW = 39.04 mW.
    CHECK(in_milliwatts(ring_tuning_power(ring())) == doctest::Approx(39.04).epsilon(1e-3));
}

TEST_CASE("MZM at quadrature") {
    // V_pi = 2.2 V cm / 0.258 cm = 8.527 V; s = sin(pi 3 / (2 * 8.527)) = 0.5249;
    // ER = (1+s)/(1-s) = 3.210 -> 5.065 dB; OMA/P_in = s / 10^(0.35) = 0.2343.
    CHECK(in_volts(half_wave_voltage(mzm())) == doctest::Approx(8.527).epsilon(1e-3));
    const auto t = modulator_transfer(mzm());
    CHECK(t.extinction_ratio.value() == doctest::Approx(5.065).epsilon(1e-3));
    CHECK(t.oma_per_input_power == doctest::Approx(0.2343).epsilon(1e-3));
    // Termination: NRZ (3 V)^2/4/50 = 45 mW; PAM4 5 (3 V)^2/36/50 = 25 mW.
    CHECK(in_milliwatts(mzm_termination_power(mzm(), Modulation::nrz)) == doctest::Approx(45.0));
    CHECK(in_milliwatts(mzm_termination_power(mzm(), Modulation::pam4)) == doctest::Approx(25.0));
}

TEST_CASE("a larger MZM swing (up to V_pi) gives more OMA and more extinction") {
    double previous_oma = 0.0, previous_er = 0.0;
    for (double v = 0.5; v <= 8.5; v += 0.5) {
        auto m = mzm();
        m.drive_swing = volts(v);
        const auto t = modulator_transfer(m);
        CHECK(t.oma_per_input_power > previous_oma);
        CHECK(t.extinction_ratio.value() > previous_er);
        previous_oma = t.oma_per_input_power;
        previous_er = t.extinction_ratio.value();
    }
}

TEST_CASE("transmitter chain: forward and inverse agree, by hand") {
    TransmitterOptics tx{LaserFeed{4, Decibel(2.0)}, ring(), Decibel(1.5)};
    // OMA/P_laser = 0.4725 / (4 * 10^0.2 * 10^0.15) = 0.4725 / 8.963 = 0.05272.
    CHECK(tx_oma_per_laser_output(tx) == doctest::Approx(0.05272).epsilon(1e-3));
    const Power laser = laser_output_for_tx_oma(tx, DecibelMilliwatt(1.2));
    CHECK(tx_oma_from_laser_output(tx, laser).value() == doctest::Approx(1.2));
    // 1.2 dBm = 1.318 mW -> 25.0 mW of laser output.
    CHECK(in_milliwatts(laser) == doctest::Approx(25.0).epsilon(2e-3));
    const Laser l{"l", 0.2, milliwatts(200.0), -145.0, watts(0.1)};
    // 25 mW / 0.2 + 0.1 W = 0.225 W.
    CHECK(in_watts(laser_electrical_power(l, laser)) == doctest::Approx(0.225).epsilon(2e-3));
}

TEST_CASE("more loss in the laser feed never needs less laser power") {
    double previous = 0.0;
    for (double loss = 0.0; loss <= 10.0; loss += 0.5) {
        TransmitterOptics tx{LaserFeed{2, Decibel(loss)}, mzm(), Decibel(1.5)};
        const double p = in_watts(laser_output_for_tx_oma(tx, DecibelMilliwatt(0.0)));
        CHECK(p > previous);
        previous = p;
    }
}
