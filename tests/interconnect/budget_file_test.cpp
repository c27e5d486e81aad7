#include <doctest/doctest.h>

#include <string>

#include "lightwatt/interconnect/budget_file.hpp"
#include "input_error_of.hpp"
#include "shipped_links.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;
using namespace lightwatt::testing::shipped_links;

namespace {
const std::string kDataDir = LIGHTWATT_TEST_DATA_DIR;
BudgetStudy study(const std::string& text) {
    const auto doc = TomlDocument::parse_string(text, "budget.toml");
    return read_budget_study(doc.root(), catalog());
}
InputErrorDetails study_error(const std::string& text) {
    return testing::input_error_of([&] { (void)study(text); }, text);
}
}  // namespace

TEST_CASE("the shipped 400GBASE-DR4 example closes with 0.1 dB and a 6.5 dB power budget") {
    const auto s = load_budget_study(kDataDir + "/budgets/400gbase-dr4.toml", catalog());
    CHECK(s.budget.margin().value() == doctest::Approx(0.1));
    CHECK(s.budget.power_budget().value() == doctest::Approx(6.5));
    CHECK_FALSE(s.link.has_value());
}

TEST_CASE("explicit numbers, with channel parts and the inverse answers") {
    const auto s = study(R"(
target_margin_db = 1.0
penalties_db = 3.4
[transmitter]
oma_dbm = 1.2
[channel]
attenuation_db_per_km = 0.5
length_m = 2000
connectors = 2
connector_loss_db = 0.5
[receiver]
sensitivity_oma_dbm = -5.3
)");
    // Loss 1.0 + 1.0 = 2.0 dB; margin = 1.2 - 2.0 - 3.4 + 5.3 = 1.1 dB.
    CHECK(s.budget.margin().value() == doctest::Approx(1.1));
    // Required OMA for 1 dB margin: -5.3 + 2.0 + 3.4 + 1.0 = 1.1 dBm.
    CHECK(s.required_tx_oma.value() == doctest::Approx(1.1));
    // Largest loss at 1 dB margin: 1.2 + 5.3 - 3.4 - 1.0 = 2.1 dB -> (2.1 - 1.0)/0.5 = 2.2 km.
    CHECK(s.max_channel_loss.value() == doctest::Approx(2.1));
    CHECK(in_meters(*s.max_reach) == doctest::Approx(2200.0));
}

TEST_CASE("a negative margin is a result, not an error") {
    const auto s =
        study("[transmitter]\noma_dbm = -3\n[channel]\ninsertion_loss_db = 6\n[receiver]\nsensitivity_oma_dbm = -5\n");
    CHECK(s.budget.margin().value() == doctest::Approx(-4.0));
}

TEST_CASE("starting from a link: longer fibre lowers the margin 1:1 and raises the laser needed") {
    const auto base = study("link = \"cpo_1600g\"\n");
    const auto longer = study("link = \"cpo_1600g\"\n[channel]\nlength_m = 2500\n");
    // 2 km more at 0.5 dB/km: 1.0 dB less margin.
    CHECK((base.budget.margin() - longer.budget.margin()).value() == doctest::Approx(1.0));
    REQUIRE(base.required_laser_output.has_value());
    CHECK(*longer.required_laser_output > *base.required_laser_output);
    // Laser power through the link's optics reproduces its designed OMA.
    const auto from_laser = study("link = \"cpo_1600g\"\n[transmitter]\nlaser_output_mw = " +
                                  std::to_string(in_watts(*base.required_laser_output) * 1e3) + "\n");
    CHECK(from_laser.budget.tx_oma.value() == doctest::Approx(base.required_tx_oma.value()).epsilon(1e-6));
}

TEST_CASE("with a link, the receiver's input coupling stays in the channel whatever the file says") {
    // cpo_1600g: receiver edge coupler 1.5 dB. A plant of 3.0 dB total gives 4.5 dB; a plant given
    // by parts with other_loss_db = 0.2 keeps the coupler too.
    const auto total = study("link = \"cpo_1600g\"\n[channel]\ninsertion_loss_db = 3.0\n");
    CHECK(total.budget.channel_loss.value() == doctest::Approx(4.5));
    const auto parts = study("link = \"cpo_1600g\"\n[channel]\nother_loss_db = 0.2\n");
    // 500 m (0.25) + 2 connectors (1.0) + 0.2 + 1.5 = 2.95 dB.
    CHECK(parts.budget.channel_loss.value() == doctest::Approx(2.95));
}

TEST_CASE("budget file errors") {
    const std::string tail = "[transmitter]\noma_dbm = 1\n[receiver]\nsensitivity_oma_dbm = -5\n";
    CHECK(study_error("[channel]\nconnectors = 2\n" + tail).key == "channel.connectors");
    CHECK(study_error("[channel]\nsplices = 1\n" + tail).key == "channel.splices");
    CHECK(study_error("link = \"cpo_1600g\"\n[channel]\nsplices = 2\n").key == "channel.splices");
    CHECK(
        study_error("[channel]\nconnectors = 2\nconnector = \"sm_connector\"\nconnector_loss_db = 0.3\n" + tail).key ==
        "channel.connector_loss_db");
    CHECK(study_error("[channel]\nfibre = \"smf_o_band\"\nattenuation_db_per_km = 0.3\n" + tail).key ==
          "channel.attenuation_db_per_km");
    CHECK(study_error("[channel]\ninsertion_loss_db = 3\n[receiver]\nsensitivity_oma_dbm = -5\n").key == "transmitter");
    CHECK(study_error("link = \"lpo_80g\"\n").problem ==
          "no entry of that name in [links with optics] (did you mean \"lpo_800g\"?)");
    CHECK(study_error("link = \"copper_nvlink\"\n").key == "link");
    CHECK(study_error("[transmitter]\nlaser_output_mw = 10\n[channel]\ninsertion_loss_db = "
                      "3\n[receiver]\nsensitivity_oma_dbm = -5\n")
              .key == "transmitter.laser_output_mw");
    CHECK(study_error("[transmitter]\noma_dbm = 1\n[channel]\ninsertion_loss_db = 3\nlength_m = "
                      "5\n[receiver]\nsensitivity_oma_dbm = -5\n")
              .key == "channel.length_m");
    CHECK(study_error(
              "[transmitter]\noma_dbm = 1\n[channel]\ninsertion_loss_db = -3\n[receiver]\nsensitivity_oma_dbm = -5\n")
              .key == "channel.insertion_loss_db");
    CHECK(study_error("[transmitter]\noma_dbm = 1\n[channel]\ninsertion_loss_db = 3\n[receiver]\nsensitivity = -5\n")
              .problem == "required key is missing (the table has \"sensitivity\": a misspelling?)");
}
