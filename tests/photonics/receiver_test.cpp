#include <doctest/doctest.h>

#include <cmath>

#include "lightwatt/photonics/receiver.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {
Photodetector pd(double responsivity) {
    return {"pd", amperes_per_watt(responsivity), nanoamperes(0.0), femtofarads(20.0)};
}
Tia tia(double pa_per_rthz, double bandwidth_per_baud) {
    return {"tia", picoamperes_per_root_hertz(pa_per_rthz), bandwidth_per_baud, milliwatts(100.0)};
}
ReceiverConditions conditions(double gbaud, Modulation m, double ber) {
    // ER 20 dB and no RIN: the thermal-noise-limited case of the worked examples.
    return {gigabaud(gbaud), m, ber, Decibel(20.0), -1000.0};
}
}  // namespace

// Worked examples, reference optical-interconnect.md sec. 3.5: R = 0.8 A/W, B_n = 0.75 baud,
// BER 2.4e-4. sigma = i_n sqrt(B_n): 15 pA/rtHz at 53.125 GBd -> 2.99 uA;
// NRZ OMA = 2 Q sigma / R = 2 (3.49)(2.99 uA)/0.8 = 26.1 uW = -15.8 dBm;
// PAM4 OMA = 3 * 2 Q_eye sigma / R = 6 (3.41)(2.99 uA)/0.8 = 76.5 uW = -11.2 dBm.
// Those are thermal-only; the model always adds shot noise, 2 q I B. At the PAM4 sensitivity
// the top level's photocurrent is ~60 uA, so shot adds 2q(60 uA) / (15 pA)^2 = 8.5 % to the
// noise variance (+0.2 dB); for NRZ about 3 % (+0.05 dB). Hence 0.1 dB (NRZ), 0.3 dB (PAM4).
TEST_CASE("thermal-limited sensitivity reproduces the worked examples") {
    struct Row {
        double gbaud, noise, nrz_dbm, pam4_dbm;
    };
    for (const Row r :
         {Row{53.125, 15.0, -15.8, -11.2}, Row{53.125, 20.0, -14.6, -9.9}, Row{106.25, 15.0, -14.3, -9.7}}) {
        CAPTURE(r.gbaud);
        CAPTURE(r.noise);
        const auto nrz = receiver_sensitivity(pd(0.8), tia(r.noise, 0.75), conditions(r.gbaud, Modulation::nrz, 2.4e-4),
                                              Decibel(0.0));
        const auto pam4 = receiver_sensitivity(pd(0.8), tia(r.noise, 0.75),
                                               conditions(r.gbaud, Modulation::pam4, 2.4e-4), Decibel(0.0));
        REQUIRE(nrz.oma.has_value());
        REQUIRE(pam4.oma.has_value());
        CHECK(nrz.oma->value() == doctest::Approx(r.nrz_dbm).epsilon(0.1 / 15.0));
        CHECK(pam4.oma->value() == doctest::Approx(r.pam4_dbm).epsilon(0.3 / 10.0));
        CHECK(pam4.oma->value() > r.pam4_dbm);  // shot noise only ever costs sensitivity
    }
}

TEST_CASE("where thermal noise dominates, sensitivity is 2 (M-1) Q sigma / R exactly") {
    // i_n = 1500 pA/rtHz makes the shot term 10^4 times smaller relative to thermal than above.
    const double sigma = 1500e-12 * std::sqrt(0.75 * 53.125e9);
    const double q_nrz = 3.48957;  // Q_G(q) = 2.4e-4
    const auto nrz =
        receiver_sensitivity(pd(0.8), tia(1500.0, 0.75), conditions(53.125, Modulation::nrz, 2.4e-4), Decibel(0.0));
    CHECK(in_milliwatts(to_power(*nrz.oma)) * 1e-3 == doctest::Approx(2.0 * q_nrz * sigma / 0.8).epsilon(2e-3));
    const double q_pam4 = 3.4141;  // (3/4) Q_G(q) = 2.4e-4
    const auto pam4 =
        receiver_sensitivity(pd(0.8), tia(1500.0, 0.75), conditions(53.125, Modulation::pam4, 2.4e-4), Decibel(0.0));
    CHECK(in_milliwatts(to_power(*pam4.oma)) * 1e-3 == doctest::Approx(6.0 * q_pam4 * sigma / 0.8).epsilon(2e-3));
}

TEST_CASE("PAM4 needs 10 log10(3) = 4.77 dB more OMA than NRZ at equal baud and per-eye Q") {
    // Same per-eye Q for both: use the PAM4 BER for PAM4 and the NRZ BER giving the same Q.
    const double q_ber_pam4 = 2.4e-4;
    const auto pam4 =
        receiver_sensitivity(pd(1.0), tia(15.0, 0.5), conditions(53.125, Modulation::pam4, q_ber_pam4), Decibel(0.0));
    const double nrz_ber_same_q = q_ber_pam4 / 0.75;
    const auto nrz = receiver_sensitivity(pd(1.0), tia(15.0, 0.5), conditions(53.125, Modulation::nrz, nrz_ber_same_q),
                                          Decibel(0.0));
    CHECK((*pam4.oma - *nrz.oma).value() == doctest::Approx(4.771).epsilon(0.02));
}

TEST_CASE("sensitivity meets the target BER exactly, and BER falls as received power rises") {
    const auto c = ReceiverConditions{gigabaud(53.125), Modulation::pam4, 2.4e-4, Decibel(5.0), -145.0};
    const auto s = receiver_sensitivity(pd(0.9), tia(14.0, 0.7), c, Decibel(0.0));
    REQUIRE(s.ideal_oma.has_value());
    CHECK(bit_error_ratio(pd(0.9), tia(14.0, 0.7), c, to_power(*s.ideal_oma)) == doctest::Approx(2.4e-4).epsilon(1e-6));
    double previous = 1.0;
    for (double dbm = -20.0; dbm <= 5.0; dbm += 0.5) {
        const double ber = bit_error_ratio(pd(0.9), tia(14.0, 0.7), c, to_power(DecibelMilliwatt(dbm)));
        CHECK(ber <= previous);
        previous = ber;
    }
}

TEST_CASE("more noise never gives a better sensitivity") {
    double previous = -1e9;
    for (double noise = 5.0; noise <= 40.0; noise += 5.0) {
        const auto s =
            receiver_sensitivity(pd(0.9), tia(noise, 0.7), conditions(53.125, Modulation::pam4, 2.4e-4), Decibel(0.0));
        CHECK(s.oma->value() > previous);
        previous = s.oma->value();
    }
}

TEST_CASE("implementation penalty adds in dB on top of the noise limit") {
    const auto s =
        receiver_sensitivity(pd(0.9), tia(14.0, 0.7), conditions(53.125, Modulation::pam4, 2.4e-4), Decibel(4.9));
    CHECK((*s.oma - *s.ideal_oma).value() == doctest::Approx(4.9));
}

TEST_CASE("RIN sets an error floor: above it no power reaches the target") {
    // Q ceiling = (1/(M-1)) / (sqrt(RIN B)(p_top + p_below)); with RIN -120 dB/Hz, B = 37 GHz,
    // r = 5 dB (3.162): p_top = 1/(r-1) + 1 = 1.4625, p_below = 0.4625 + 2/3 = 1.1292,
    // sqrt(1e-12 * 3.7e10) = 0.1924 -> Q_inf = 0.3333 / (0.1924 * 2.5917) = 0.668 < 3.41.
    const auto c = ReceiverConditions{gigabaud(53.125), Modulation::pam4, 2.4e-4, Decibel(5.0), -120.0};
    CHECK(eye_q_ceiling(c, gigahertz(53.125 * 0.6965)) == doctest::Approx(0.668).epsilon(0.01));
    const auto s = receiver_sensitivity(pd(0.9), tia(14.0, 0.6965), c, Decibel(0.0));
    CHECK_FALSE(s.oma.has_value());
    // Just below the floor a solution exists and the BER there equals the target.
    const auto ok = ReceiverConditions{gigabaud(53.125), Modulation::pam4, 2.4e-4, Decibel(5.0), -140.0};
    const auto s2 = receiver_sensitivity(pd(0.9), tia(14.0, 0.6965), ok, Decibel(0.0));
    REQUIRE(s2.ideal_oma.has_value());
    CHECK(bit_error_ratio(pd(0.9), tia(14.0, 0.6965), ok, to_power(*s2.ideal_oma)) ==
          doctest::Approx(2.4e-4).epsilon(1e-6));
}
