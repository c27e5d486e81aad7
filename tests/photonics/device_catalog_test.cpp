#include <doctest/doctest.h>

#include <string>

#include "lightwatt/photonics/device_catalog.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {
InputErrorDetails catalog_error(const std::string& text) {
    return testing::input_error_of(
        [&] { (void)read_device_catalog(TomlDocument::parse_string(text, "devices.toml").root()); }, text);
}
const std::string kLaser =
    "[lasers.l]\nwall_plug_efficiency = 0.2\nmax_output_power_mw = 100\nrin_db_per_hz = -145\nsource = \"s\"\n";
}  // namespace

TEST_CASE("the shipped device catalog loads and every entry has a source") {
    const auto c = load_device_catalog(LIGHTWATT_TEST_DATA_DIR);
    CHECK_FALSE(c.lasers.empty());
    CHECK_FALSE(c.fec.empty());
    const std::size_t entries = c.lasers.size() + c.microring_modulators.size() + c.mach_zehnder_modulators.size() +
                                c.photodetectors.size() + c.tias.size() + c.fibres.size() + c.waveguides.size() +
                                c.loss_elements.size() + c.fec.size();
    const auto sources = c.sources();
    CHECK(sources.size() == entries);
    for (const auto& entry : sources) CHECK_MESSAGE(!entry.second.empty(), entry.first);
    CHECK(c.fec.at("kp4").code_rate * c.fec.at("kp4").line_coding_efficiency * 106.25 == doctest::Approx(100.0));
}

TEST_CASE("physically impossible values are rejected, naming the key") {
    SUBCASE("efficiency above 1") {
        auto d = catalog_error(
            "[lasers.l]\nwall_plug_efficiency = 1.2\nmax_output_power_mw = 100\nrin_db_per_hz = -145\nsource = "
            "\"s\"\n");
        CHECK(d.key == "lasers.l.wall_plug_efficiency");
        CHECK(d.line == 2);
        CHECK(d.allowed == "a number in (0, 1]");
    }
    SUBCASE("efficiency of zero") {
        CHECK(catalog_error("[lasers.l]\nwall_plug_efficiency = 0\nmax_output_power_mw = 100\nrin_db_per_hz = "
                            "-145\nsource = \"s\"\n")
                  .key == "lasers.l.wall_plug_efficiency");
    }
    SUBCASE("responsivity <= 0") {
        auto d = catalog_error(
            "[photodetectors.p]\nresponsivity_a_per_w = 0\ndark_current_na = 1\ncapacitance_ff = 20\nsource = \"s\"\n");
        CHECK(d.key == "photodetectors.p.responsivity_a_per_w");
    }
    SUBCASE("negative loss") {
        auto d = catalog_error("[loss_elements.c]\ninsertion_loss_db = -0.5\nsource = \"s\"\n");
        CHECK(d.key == "loss_elements.c.insertion_loss_db");
        CHECK(d.value == "-0.5");
    }
    SUBCASE("negative fibre attenuation") {
        CHECK(catalog_error("[fibres.f]\nattenuation_db_per_km = -1\nsource = \"s\"\n").key ==
              "fibres.f.attenuation_db_per_km");
    }
    SUBCASE("MZM driven beyond V_pi") {
        auto d = catalog_error(
            "[mach_zehnder_modulators.m]\nvpi_length_v_cm = 2.0\nphase_shifter_length_mm = 2.0\n"
            "drive_swing_vpp = 12\ntermination_ohm = 50\ninsertion_loss_db = 3\nsource = \"s\"\n");
        CHECK(d.key == "mach_zehnder_modulators.m.drive_swing_vpp");
    }
    SUBCASE("pre-FEC BER must be a plausible code threshold") {
        CHECK(catalog_error(
                  "[fec.f]\npre_fec_ber_threshold = 0.7\ncode_rate = 1\nline_coding_efficiency = 1\nsource = \"s\"\n")
                  .key == "fec.f.pre_fec_ber_threshold");
    }
}

TEST_CASE("every entry needs a source") {
    auto d = catalog_error("[lasers.l]\nwall_plug_efficiency = 0.2\nmax_output_power_mw = 100\nrin_db_per_hz = -145\n");
    CHECK(d.key == "lasers.l.source");
    CHECK(d.problem == "required key is missing");
}

TEST_CASE("unknown keys and sections are rejected with a suggestion") {
    auto d = catalog_error(kLaser + "wall_plug_eficiency = 0.3\n");
    CHECK(d.problem == "unknown key (did you mean \"wall_plug_efficiency\"?)");
    auto s = catalog_error("[laser.l]\nx = 1\n");
    CHECK(s.key == "laser");
    CHECK(s.problem == "unknown key (did you mean \"lasers\"?)");
}
