#include <doctest/doctest.h>

#include <string>

#include "interconnect/shipped_links.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/interconnect/link_json.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;
using namespace lightwatt::testing::shipped_links;

namespace {
double sum_components_pj(const LinkReport& r) {
    double sum = 0.0;
    for (const Component c : enum_values<Component>()) sum += in_picojoules_per_bit(r.component_energy_per_bit(c));
    return sum;
}
}  // namespace

TEST_CASE("the catalog has one archetype of every kind") {
    for (const auto& kind : enum_names<LinkKind>()) {
        bool found = false;
        for (const auto& a : catalog().links()) found = found || enum_name(a.kind) == kind;
        CHECK_MESSAGE(found, kind);
    }
}

TEST_CASE("breakdown sums to the total; static never exceeds it; module excludes host SerDes") {
    for (const auto& a : catalog().links()) {
        CAPTURE(a.name);
        const auto r = evaluate(a);
        CHECK(sum_components_pj(r) == doctest::Approx(in_picojoules_per_bit(r.energy_per_bit)).epsilon(1e-12));
        CHECK(r.static_power <= r.link_power * (1.0 + 1e-12));
        const Power host = r.end_power[Component::host_serdes];
        CHECK(in_watts(r.module_power + host) == doctest::Approx(in_watts(r.link_power) / 2.0).epsilon(1e-12));
        if (a.idle_fill) CHECK(in_watts(r.static_power) == doctest::Approx(in_watts(r.link_power)));
        CHECK(r.payload_rate <= r.line_rate);
    }
}

TEST_CASE("rates: 800G DR8 carries 8 x 106.25 Gb/s on the line and 800 Gb/s of payload") {
    const auto r = evaluate(catalog().find("dsp_pluggable_800g"));
    CHECK(in_gigabits_per_second(r.line_rate) == doctest::Approx(850.0));
    CHECK(in_gigabits_per_second(r.payload_rate) == doctest::Approx(800.0));
    CHECK(in_gigabits_per_second(evaluate(catalog().find("cpo_1600g")).payload_rate) == doctest::Approx(1600.0));
}

TEST_CASE("AEC by hand: retimers, housekeeping and conversion in the plug, LR SerDes at the host") {
    // Module (product figures, no block scaling): (7.0 pJ/b x 850 Gb/s + 0.088 W) / 0.88 = 6.8614 W.
    // Host SerDes (a research block): 4.1 pJ/b x 1.645 x 850 Gb/s = 5.7328 W.
    // pJ/bit = (6.8614 + 5.7328) W / 800 Gb/s = 15.743.
    const auto r = evaluate(catalog().find("aec_800g"));
    CHECK(in_watts(r.module_power) == doctest::Approx(6.8614).epsilon(1e-4));
    CHECK(in_picojoules_per_bit(r.energy_per_bit) == doctest::Approx(15.743).epsilon(1e-4));
}

TEST_CASE("passive copper: no module power, all of it in host SerDes") {
    // 3.0 pJ/b x 1.645 x 212.5 Gb/s x 2 lanes = 2.0973 W per end; / 400 Gb/s = 5.2434 pJ/bit.
    const auto r = evaluate(catalog().find("copper_nvlink"));
    CHECK(in_watts(r.module_power) == 0.0);
    CHECK(in_picojoules_per_bit(r.energy_per_bit) == doctest::Approx(5.2434).epsilon(1e-4));
}

TEST_CASE("an external laser source is not charged the engine's DC-DC loss") {
    const auto& base = catalog().find("cpo_1600g");
    REQUIRE(base.optics->laser.external_source);
    LinkArchetype internal = base;
    internal.optics->laser.external_source = false;
    const auto ext = evaluate(base);
    const auto in = evaluate(internal);
    const Power laser = ext.end_power[Component::laser];
    // The only difference is the conversion loss on the laser: P_laser (1/0.88 - 1).
    CHECK(in_watts(in.module_power - ext.module_power) == doctest::Approx(in_watts(laser) * (1.0 / 0.88 - 1.0)));
}

TEST_CASE("the laser is sized for the design channel: 802.3 DR8 launches the minimum OMA at max TDECQ") {
    const auto r = evaluate(catalog().find("dsp_pluggable_800g"));
    REQUIRE(r.optical.has_value());
    // -5.3 dBm sensitivity at the module input + 3.0 dB channel + 3.4 dB TDECQ + 0.1 dB = 1.2 dBm.
    CHECK(r.optical->budget.tx_oma.value() == doctest::Approx(1.2).epsilon(0.002));
    // The fitted receiver meets 802.3's stressed-equivalent sensitivity at the module input.
    const auto& optics = *catalog().find("dsp_pluggable_800g").optics;
    CHECK((*r.optical->sensitivity.oma + optics.rx_coupling_loss).value() == doctest::Approx(-5.3).epsilon(0.01));
    // Deployed 500 m + 2 connectors = 1.25 dB against 3.0 dB designed: margin 0.1 + 1.75.
    CHECK(r.optical->budget.margin().value() == doctest::Approx(1.85).epsilon(0.002));
}

TEST_CASE("property: a worse design channel never needs less laser power") {
    for (const auto& base : catalog().links()) {
        if (!base.optics) continue;
        CAPTURE(base.name);
        double previous_laser = 0.0, previous_total = 0.0;
        for (double loss = 0.0; loss <= 8.0; loss += 0.5) {
            LinkArchetype a = base;
            a.optics->design_channel_loss = Decibel(loss);
            const auto r = evaluate(a);
            const double laser = in_watts(r.end_power[Component::laser]);
            CHECK(laser > previous_laser);
            CHECK(in_watts(r.link_power) >= previous_total);
            previous_laser = laser;
            previous_total = in_watts(r.link_power);
        }
    }
}

TEST_CASE("property: margin falls 1:1 with deployed channel loss") {
    const auto& base = catalog().find("cpo_1600g");
    const double m0 = evaluate(base).optical->budget.margin().value();
    for (double extra = 0.0; extra <= 5.0; extra += 0.5) {
        LinkArchetype a = base;
        a.optics->channel.other_loss += Decibel(extra);
        CHECK(evaluate(a).optical->budget.margin().value() == doctest::Approx(m0 - extra));
    }
}

TEST_CASE("without idle fill, only switching energy is dynamic") {
    const auto r = evaluate(catalog().find("optical_io_chiplet"));
    const Power modulator = r.end_power[Component::modulator];
    CHECK(modulator.value() > 0.0);
    // All other circuits carry static_fraction 1; conversion (none here) would scale with load.
    CHECK(in_watts(r.link_power - r.static_power) == doctest::Approx(2.0 * in_watts(modulator)));
}

TEST_CASE("published module figures: the model lands within the published range widened by 15 %") {
    int checked = 0;
    for (const auto& a : catalog().links()) {
        if (!a.published_module_power_w) continue;
        const auto r = evaluate(a);
        const auto& p = *a.published_module_power_w;
        const PublishedCheck check{in_watts(r.module_power), p.low, p.high};
        CHECK_MESSAGE(check.within_widened_range(), a.name << ": modelled " << check.modelled << " W vs published "
                                                           << p.low << "-" << p.high << " W");
        ++checked;
    }
    CHECK(checked >= 5);
}
