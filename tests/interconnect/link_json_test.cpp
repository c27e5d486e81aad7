// Link reports as JSON (`lightwatt link --json`; docs/contract.md): keys carry their unit, the
// breakdown sums to pj_per_bit, the per-end powers to half the link's, and the optical budget and
// the published-range check are the quantities they are named after.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "interconnect/shipped_links.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/interconnect/link_json.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;
using namespace lightwatt::testing::shipped_links;

namespace {

nlohmann::json report_json(const std::string& name) {
    return link_report_json(evaluate(catalog().find(name)), catalog());
}

double sum_of(const nlohmann::json& object) {
    double sum = 0.0;
    for (const auto& item : object.items()) sum += item.value().get<double>();
    return sum;
}

}  // namespace

TEST_CASE("link JSON: the 800G AEC's rates, powers and energy per bit, by hand") {
    const nlohmann::json j = report_json("aec_800g");
    CHECK(j["name"] == "aec_800g");
    CHECK(j["kind"] == "aec");
    CHECK(j["modulation"] == "pam4");
    CHECK(j["lanes"] == 8);
    // 8 lanes x 53.125 GBd x 2 bits (PAM4) = 850 Gb/s on the line; 800 Gb/s of payload.
    CHECK(j["symbol_rate_gbaud"].get<double>() == doctest::Approx(53.125));
    CHECK(j["line_rate_gbit_per_s"].get<double>() == doctest::Approx(8 * 53.125 * 2));
    CHECK(j["payload_rate_gbit_per_s"].get<double>() == doctest::Approx(800.0));
    // One plug: (7.0 pJ/b x 850 Gb/s + 0.088 W) / 0.88 = 6.8614 W; the host's LR SerDes
    // 4.1 pJ/b x 1.645 x 850 Gb/s = 5.7328 W; both ends: 2 x 12.5942 = 25.188 W; over both
    // directions' 2 x 800 Gb/s: 15.743 pJ/b.
    CHECK(j["module_power_w"].get<double>() == doctest::Approx(6.8614).epsilon(1e-4));
    CHECK(j["end_power_breakdown"]["host_serdes_w"].get<double>() == doctest::Approx(5.7328).epsilon(1e-4));
    CHECK(j["link_power_w"].get<double>() == doctest::Approx(25.188).epsilon(1e-4));
    CHECK(j["pj_per_bit"].get<double>() == doctest::Approx(15.743).epsilon(1e-4));
    // idle_fill: the retimers run whether or not there is payload, so all of it is static.
    CHECK(j["static_power_w"].get<double>() == doctest::Approx(j["link_power_w"].get<double>()));
    // An electrical link has no optical budget, modulator or laser.
    CHECK_FALSE(j.contains("budget"));
    CHECK_FALSE(j.contains("laser"));
    CHECK_FALSE(j["sources"].empty());
}

TEST_CASE("link JSON: for every catalog link, the parts sum to the totals") {
    for (const auto& a : catalog().links()) {
        CAPTURE(a.name);
        const nlohmann::json j = link_report_json(evaluate(a), catalog());
        const double link_w = j["link_power_w"].get<double>();
        const double payload_gbps = j["payload_rate_gbit_per_s"].get<double>();
        const double pj = j["pj_per_bit"].get<double>();
        // pJ/bit = both ends' power / both directions' payload: W / (2 x Gb/s) x 1e3.
        CHECK(pj == doctest::Approx(link_w / (2.0 * payload_gbps) * 1e3).epsilon(1e-12));
        // breakdown_pj_per_bit sums to the headline; end_power_breakdown is one end: half the link.
        CHECK(sum_of(j["breakdown_pj_per_bit"]) == doctest::Approx(pj).epsilon(1e-12));
        CHECK(sum_of(j["end_power_breakdown"]) == doctest::Approx(link_w / 2.0).epsilon(1e-12));
        // Each part's pJ/bit is its power at one end over one direction's payload.
        for (const auto& part : j["breakdown_pj_per_bit"].items())
            CHECK(part.value().get<double>() ==
                  doctest::Approx(j["end_power_breakdown"][part.key() + "_w"].get<double>() / payload_gbps * 1e3)
                      .epsilon(1e-12));
        // The module is one end less its host SerDes.
        const double host_w = j["end_power_breakdown"].value("host_serdes_w", 0.0);
        CHECK(j["module_power_w"].get<double>() + host_w == doctest::Approx(link_w / 2.0).epsilon(1e-12));
        CHECK(j["static_power_w"].get<double>() <= link_w * (1.0 + 1e-12));
        CHECK(j["payload_rate_gbit_per_s"].get<double>() <= j["line_rate_gbit_per_s"].get<double>());
        // The summary is the report's first three keys.
        CHECK(link_summary_json(a) ==
              nlohmann::json{{"name", j["name"]}, {"kind", j["kind"]}, {"description", j["description"]}});
    }
}

TEST_CASE("link JSON: the optical budget's margin and the laser's output are what their names say") {
    int optical = 0;
    for (const auto& a : catalog().links()) {
        const nlohmann::json j = link_report_json(evaluate(a), catalog());
        if (!j.contains("budget")) continue;
        CAPTURE(a.name);
        ++optical;
        const nlohmann::json& b = j["budget"];
        // received = tx OMA - channel loss; budget = tx OMA - sensitivity;
        // margin = budget - channel loss - penalties (all in dB / dBm).
        CHECK(b["received_oma_dbm"].get<double>() ==
              doctest::Approx(b["tx_oma_dbm"].get<double>() - b["channel_loss_db"].get<double>()));
        if (!b["rx_sensitivity_oma_dbm"].is_null()) {
            CHECK(b["power_budget_db"].get<double>() ==
                  doctest::Approx(b["tx_oma_dbm"].get<double>() - b["rx_sensitivity_oma_dbm"].get<double>()));
            CHECK(b["margin_db"].get<double>() ==
                  doctest::Approx(b["power_budget_db"].get<double>() - b["channel_loss_db"].get<double>() -
                                  b["penalties_db"].get<double>()));
            // A link that closes: its laser is within rating when its output is at most the rating.
            const nlohmann::json& laser = j["laser"];
            CHECK(laser["within_rating"] ==
                  (laser["output_per_laser_w"].get<double>() <= laser["max_output_per_laser_w"].get<double>()));
        }
        // dBm to W: 10^(dBm / 10) mW.
        const nlohmann::json& laser = j["laser"];
        CHECK(laser["output_per_laser_w"].get<double>() ==
              doctest::Approx(std::pow(10.0, laser["output_per_laser_dbm"].get<double>() / 10.0) * 1e-3).epsilon(1e-9));
        CHECK(j.contains("modulator"));
    }
    CHECK(optical >= 4);
}

TEST_CASE("link JSON: the published range check widens the range by 15 % on both sides") {
    int checked = 0;
    for (const auto& a : catalog().links()) {
        const nlohmann::json j = link_report_json(evaluate(a), catalog());
        if (!j["published"].contains("module_power")) continue;
        CAPTURE(a.name);
        ++checked;
        const nlohmann::json& p = j["published"]["module_power"];
        CHECK(p["tolerance_pct"].get<double>() == doctest::Approx(15.0));
        CHECK(p["modelled_module_power_w"] == j["module_power_w"]);
        const double low = p["module_power_w_low"].get<double>(), high = p["module_power_w_high"].get<double>();
        const double modelled = p["modelled_module_power_w"].get<double>();
        CHECK(p["within_widened_range"] == (modelled >= 0.85 * low && modelled <= 1.15 * high));
        CHECK_FALSE(p["source"].get<std::string>().empty());
    }
    CHECK(checked >= 5);  // the five modules with a published power (data/links.toml)
    // 10-12 W published, widened: 8.5-13.8 W.
    CHECK_FALSE(PublishedCheck{8.4, 10.0, 12.0}.within_widened_range());
    CHECK(PublishedCheck{8.6, 10.0, 12.0}.within_widened_range());
    CHECK(PublishedCheck{13.7, 10.0, 12.0}.within_widened_range());
    CHECK_FALSE(PublishedCheck{13.9, 10.0, 12.0}.within_widened_range());
}
