#include <doctest/doctest.h>

#include <string>

#include "lightwatt/interconnect/link_catalog.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;

namespace {
const std::string kData = LIGHTWATT_TEST_DATA_DIR;

InputErrorDetails links_error(const std::string& links_text) {
    const auto devices = TomlDocument::parse_file(kData + "/devices.toml");
    const auto electronics = TomlDocument::parse_file(kData + "/electronics.toml");
    return testing::input_error_of(
        [&] {
            const auto links = TomlDocument::parse_string(links_text, "links.toml");
            (void)read_link_catalog(devices.root(), electronics.root(), links.root());
        },
        links_text);
}

const std::string kCopper = R"([links.c]
kind = "copper"
description = "d"
source = "s"
lanes = 2
symbol_rate_gbaud = 106.25
modulation = "pam4"
fec = "kp4"
idle_fill = true
host_serdes = "serdes_224g_lr"
)";
}  // namespace

TEST_CASE("a minimal valid link loads") {
    const auto devices = TomlDocument::parse_file(kData + "/devices.toml");
    const auto electronics = TomlDocument::parse_file(kData + "/electronics.toml");
    const auto links = TomlDocument::parse_string(kCopper, "links.toml");
    const auto c = read_link_catalog(devices.root(), electronics.root(), links.root());
    CHECK(c.links().size() == 1);
    CHECK(c.sources_of(*c.links().begin()).count("serdes.serdes_224g_lr") == 1);
}

TEST_CASE("unknown references name the section and the closest entry") {
    std::string text = kCopper;
    text.replace(text.find("serdes_224g_lr"), 14, "serdes_224g_rl");
    const auto d = links_error(text);
    CHECK(d.key == "links.c.host_serdes");
    CHECK(d.line == 10);
    CHECK(d.problem == "no entry of that name in [serdes] (did you mean \"serdes_224g_lr\"?)");
}

TEST_CASE("unknown kind lists the allowed kinds") {
    std::string text = kCopper;
    text.replace(text.find("\"copper\""), 8, "\"coper\"");
    const auto d = links_error(text);
    CHECK(d.key == "links.c.kind");
    CHECK(d.allowed == "copper, aec, dsp-pluggable, lpo, cpo or optical-io");
}

TEST_CASE("an optical kind needs optics; an electrical one must not have them") {
    std::string text = kCopper;
    text.replace(text.find("\"copper\""), 8, "\"lpo\"");
    CHECK(links_error(text).key == "links.c.optics");
}

TEST_CASE("impossible numbers in a link") {
    std::string lanes = kCopper;
    lanes.replace(lanes.find("lanes = 2"), 9, "lanes = 0");
    CHECK(links_error(lanes).key == "links.c.lanes");
    std::string baud = kCopper;
    baud.replace(baud.find("106.25"), 6, "-106.25");
    CHECK(links_error(baud).key == "links.c.symbol_rate_gbaud");
}

TEST_CASE("a driver weaker than the MZM termination is rejected") {
    const std::string text = R"([links.p]
kind = "lpo"
description = "d"
source = "s"
lanes = 8
symbol_rate_gbaud = 53.125
modulation = "pam4"
fec = "kp4"
idle_fill = true
driver = "weak"
[links.p.optics]
laser = "cw_dfb_1310_uncooled"
lanes_per_laser = 4
modulator = "mzm_siph_o_band_100g"
photodetector = "ge_wg_pd_o_band"
tia = "tia_linear_53gbd"
rx_implementation_penalty_db = 4.9
penalties_db = 3.4
design_channel_loss_db = 3.0
design_margin_db = 0.1
source = "s"
[links.p.optics.channel]
fibre = "smf_o_band"
length_m = 500
)";
    const auto devices = TomlDocument::parse_file(kData + "/devices.toml");
    const auto electronics = TomlDocument::parse_string(
        "[drivers.weak]\npower_per_lane_mw = 5\nstatic_fraction = 1\nbasis = \"product\"\nsource = \"s\"\n"
        "[calibration.block_to_product]\nfactor = 1.5\nsource = \"s\"\n",
        "electronics.toml");
    try {
        const auto links = TomlDocument::parse_string(text, "links.toml");
        (void)read_link_catalog(devices.root(), electronics.root(), links.root());
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.details().key == "links.p.driver");
        CHECK(e.details().problem.find("termination") != std::string::npos);
    }
}

TEST_CASE("finding a link by name suggests the closest") {
    const auto c = load_link_catalog(kData);
    try {
        (void)c.find("lpo_80g");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.details().problem == "unknown link (did you mean \"lpo_800g\"?)");
    }
}
