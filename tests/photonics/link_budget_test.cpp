#include <doctest/doctest.h>

#include "lightwatt/photonics/link_budget.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

// IEEE 802.3bs 400GBASE-DR4 worst case, per lane (Tables 124-6/7 via the Edgecore ET7502-DR4
// datasheet): launch OMA minus TDECQ >= -2.2 dBm, so at TDECQ = 3.4 dB the OMA is 1.2 dBm;
// channel insertion loss <= 3.0 dB; stressed receiver sensitivity -1.9 dBm OMA at SECQ 3.4 dB,
// i.e. -5.3 dBm for an unstressed eye. -2.2 - 3.0 = -5.2 dBm against -5.3 dBm: 0.1 dB to spare;
// power budget 6.5 dB = 3.0 dB channel + 3.4 dB TDECQ allocation + 0.1 dB.
TEST_CASE("802.3 400GBASE-DR4 per-lane budget closes with 0.1 dB") {
    const LinkBudget dr4{DecibelMilliwatt(-2.2 + 3.4), Decibel(3.0), Decibel(3.4), DecibelMilliwatt(-1.9 - 3.4)};
    CHECK(dr4.margin().value() == doctest::Approx(0.1));
    CHECK(dr4.power_budget().value() == doctest::Approx(6.5));
    CHECK(dr4.received_oma().value() == doctest::Approx(-1.8));
    // Inverse: the OMA that leaves no margin, and the largest channel at zero margin.
    CHECK(required_tx_oma(dr4.rx_sensitivity_oma, Decibel(3.0), Decibel(3.4), Decibel(0.0)).value() ==
          doctest::Approx(1.1));
    CHECK(max_channel_loss(dr4.tx_oma, Decibel(3.4), dr4.rx_sensitivity_oma, Decibel(0.0)).value() ==
          doctest::Approx(3.1));
}

TEST_CASE("margin falls 1:1 with added channel loss") {
    const LinkBudget base{DecibelMilliwatt(1.0), Decibel(2.0), Decibel(3.0), DecibelMilliwatt(-6.0)};
    for (double extra = 0.0; extra <= 8.0; extra += 0.25) {
        LinkBudget b = base;
        b.channel_loss += Decibel(extra);
        CHECK(b.margin().value() == doctest::Approx(base.margin().value() - extra));
    }
}

TEST_CASE("channel loss and reach") {
    Channel c{{"smf", 0.5}, meters(500.0), {"conn", Decibel(0.5)}, 2, {"splice", Decibel(0.1)}, 1, Decibel(0.2)};
    // 0.25 (fibre) + 1.0 (connectors) + 0.1 (splice) + 0.2 (other) = 1.55 dB.
    CHECK(channel_loss(c).value() == doctest::Approx(1.55));
    CHECK(fixed_channel_loss(c).value() == doctest::Approx(1.3));
    // 3.0 dB allowed: (3.0 - 1.3) / 0.5 dB/km = 3.4 km.
    CHECK(in_meters(*max_reach(c, Decibel(3.0))) == doctest::Approx(3400.0));
    CHECK_FALSE(max_reach(c, Decibel(1.0)).has_value());
}

TEST_CASE("more channel loss never needs less transmit power") {
    double previous = -1e9;
    for (double loss = 0.0; loss <= 20.0; loss += 0.5) {
        const double oma = required_tx_oma(DecibelMilliwatt(-8.0), Decibel(loss), Decibel(2.0), Decibel(1.0)).value();
        CHECK(oma > previous);
        previous = oma;
    }
}

TEST_CASE("waveguide loss: dB/cm times length") {
    // 1 dB/cm (DSENT default) over 5 mm = 0.5 dB; 2.5 dB/cm over 12 mm = 3.0 dB.
    CHECK(waveguide_loss({"wg", 1.0}, millimeters(5.0)).value() == doctest::Approx(0.5));
    CHECK(waveguide_loss({"wg", 2.5}, millimeters(12.0)).value() == doctest::Approx(3.0));
}
