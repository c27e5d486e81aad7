#include <doctest/doctest.h>

#include "lightwatt/photonics/ber.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

// Values: reference optical-interconnect.md sec. 3.4 (Q_G tail tables), checked by hand with
// erfc: Q_G(3.49) = 2.42e-4, Q_G(7.03) = 1.03e-12; PAM4 Gray BER = (3/4) Q_G(q).
TEST_CASE("NRZ: Q factor for the usual BER targets") {
    CHECK(eye_q_for_ber(1e-3, Modulation::nrz) == doctest::Approx(3.090).epsilon(1e-3));
    CHECK(eye_q_for_ber(2.4e-4, Modulation::nrz) == doctest::Approx(3.49).epsilon(2e-3));
    CHECK(eye_q_for_ber(1e-6, Modulation::nrz) == doctest::Approx(4.753).epsilon(1e-3));
    CHECK(eye_q_for_ber(1e-9, Modulation::nrz) == doctest::Approx(5.998).epsilon(1e-3));
    CHECK(eye_q_for_ber(1e-12, Modulation::nrz) == doctest::Approx(7.034).epsilon(1e-3));
    CHECK(eye_q_for_ber(1e-15, Modulation::nrz) == doctest::Approx(7.941).epsilon(1e-3));
}

TEST_CASE("PAM4: per-eye Q for the usual BER targets") {
    CHECK(eye_q_for_ber(2.4e-4, Modulation::pam4) == doctest::Approx(3.41).epsilon(2e-3));
    CHECK(eye_q_for_ber(1e-6, Modulation::pam4) == doctest::Approx(4.70).epsilon(2e-3));
    CHECK(eye_q_for_ber(1e-12, Modulation::pam4) == doctest::Approx(6.99).epsilon(2e-3));
}

TEST_CASE("BER and Q are inverse to each other") {
    for (double ber : {1e-2, 2.4e-4, 1e-8, 1e-13}) {
        for (auto m : {Modulation::nrz, Modulation::pam4}) {
            CHECK(ber_from_eye_q(eye_q_for_ber(ber, m), m) == doctest::Approx(ber).epsilon(1e-9));
        }
    }
    CHECK(ber_from_eye_q(0.0, Modulation::nrz) == doctest::Approx(0.5));
}

TEST_CASE("extinction-ratio penalties, table of reference sec. 3.3") {
    struct Row {
        double er_db, average_db, peak_db;
    };
    for (const Row r : {Row{3.5, 4.17, 2.57}, Row{5.0, 2.84, 1.65}, Row{6.0, 2.23, 1.26}, Row{10.0, 0.87, 0.46}}) {
        CAPTURE(r.er_db);
        CHECK(extinction_ratio_penalty_average_limited(Decibel(r.er_db)).value() ==
              doctest::Approx(r.average_db).epsilon(0.005));
        CHECK(extinction_ratio_penalty_peak_limited(Decibel(r.er_db)).value() ==
              doctest::Approx(r.peak_db).epsilon(0.005));
    }
}

TEST_CASE("OMA and average power") {
    // ER 3.5 dB (r = 2.239): OMA = 2 P (r-1)/(r+1) = 0.765 P, i.e. P_avg - 1.16 dB.
    const Power oma = oma_from_average_power(milliwatts(1.0), Decibel(3.5));
    CHECK(to_dbm(oma).value() == doctest::Approx(-1.164).epsilon(1e-3));
    CHECK(in_milliwatts(average_power_from_oma(oma, Decibel(3.5))) == doctest::Approx(1.0));
    // The average-limited ER penalty is exactly the OMA-to-average ratio's deficit vs 2x.
    const double deficit = 10.0 * std::log10(2.0 * 1.0 / in_milliwatts(oma));
    CHECK(deficit == doctest::Approx(extinction_ratio_penalty_average_limited(Decibel(3.5)).value()));
}
