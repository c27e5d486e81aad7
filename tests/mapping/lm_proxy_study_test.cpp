// The small-model proxy study the estimate reports beside the offloaded GEMMs' accuracy: read from
// a hand-made study, the lookup picks the point at the core's preset and precision with the laser
// power nearest on a logarithmic scale, says "not in the study" otherwise, and a bad file is an
// InputError naming the file and the key.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "input_error_of.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/mapping/lm_proxy_study.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;

namespace {

// Float perplexity 10; the dot-product engine at 8 bits at three laser powers, at 4 bits at one;
// the coherent mesh at 8 bits at one.
const char* const kStudy = R"({
  "label": "small-model proxy: a hand-made study",
  "source": "tests/mapping/lm_proxy_study_test.cpp",
  "float_perplexity": 10.0,
  "points": [
    {"core": "dot_product_engine", "bits": 8, "laser_power_mw": 100.0, "mean": 20.0, "spread": 1.0},
    {"core": "dot_product_engine", "bits": 8, "laser_power_mw": 1000.0, "mean": 11.0, "spread": 0.2},
    {"core": "dot_product_engine", "bits": 8, "laser_power_mw": 10000.0, "mean": 10.1, "spread": 0.05},
    {"core": "dot_product_engine", "bits": 4, "laser_power_mw": 1000.0, "mean": 30.0, "spread": 2.0,
     "perplexities": [28.0, 32.0, 30.0], "pj_per_mac": 0.4},
    {"core": "coherent_mesh", "bits": 8, "laser_power_mw": 1000.0, "mean": 12.0, "spread": 0.3}
  ]
})";

std::shared_ptr<const LmProxyStudy> study() {
    static const auto s = std::make_shared<const LmProxyStudy>(read_lm_proxy_study(kStudy, "study.json"));
    return s;
}

photonics::MacEmulatorConfig core(int bits, double laser_power_mw) {
    photonics::MacEmulatorConfig c;
    c.dac_bits = c.weight_bits = c.adc_bits = bits;
    c.laser_power_per_core = milliwatts(laser_power_mw);
    return c;
}

std::string with(std::string text, const std::string& from, const std::string& to) {
    return text.replace(text.find(from), from.size(), to);
}

}  // namespace

TEST_CASE("lm proxy study: the point at the core's preset, precision and nearest laser power") {
    REQUIRE(study()->points.size() == 5);
    CHECK(study()->label == "small-model proxy: a hand-made study");
    // The preset's own 100 mW: that point; (20 - 10) / 10 = +100 %, spread 1 / 10 = 10 %.
    const LmProxyLookup at_preset = lm_proxy_lookup(study(), "dot_product_engine", core(8, 100.0));
    REQUIRE(at_preset.point != nullptr);
    CHECK(at_preset.bits == 8);
    CHECK(in_milliwatts(at_preset.point->laser_power) == doctest::Approx(100.0));
    CHECK(at_preset.perplexity_change_pct() == doctest::Approx(100.0));
    CHECK(at_preset.seed_spread_pct() == doctest::Approx(10.0));
    // 400 mW: ln(400/100) = 1.39 against ln(1000/400) = 0.92, so 1 W (a linear distance, 300 against
    // 600 mW, would pick 100 mW): (11 - 10) / 10 = +10 %.
    const LmProxyLookup between = lm_proxy_lookup(study(), "dot_product_engine", core(8, 400.0));
    REQUIRE(between.point != nullptr);
    CHECK(in_milliwatts(between.point->laser_power) == doctest::Approx(1000.0));
    CHECK(between.perplexity_change_pct() == doctest::Approx(10.0));
    // 50 W, above the grid: its top, 10 W; (10.1 - 10) / 10 = +1 %.
    const LmProxyLookup above = lm_proxy_lookup(study(), "dot_product_engine", core(8, 50000.0));
    REQUIRE(above.point != nullptr);
    CHECK(above.perplexity_change_pct() == doctest::Approx(1.0));
    // 4 bits has one power, 1 W, whatever the core's: +200 %.
    const LmProxyLookup coarse = lm_proxy_lookup(study(), "dot_product_engine", core(4, 100.0));
    REQUIRE(coarse.point != nullptr);
    CHECK(coarse.perplexity_change_pct() == doctest::Approx(200.0));
    // Another preset: its own points (12 at 1 W: +20 %).
    const LmProxyLookup mesh = lm_proxy_lookup(study(), "coherent_mesh", core(8, 100.0));
    REQUIRE(mesh.point != nullptr);
    CHECK(mesh.perplexity_change_pct() == doctest::Approx(20.0));
}

TEST_CASE("lm proxy study: a core or precision outside the grid is not in the study") {
    CHECK(lm_proxy_lookup(study(), "dot_product_engine", core(6, 100.0)).point == nullptr);
    CHECK(lm_proxy_lookup(study(), "microring_bank", core(8, 100.0)).point == nullptr);
    // An ADC of 6 bits behind 8-bit DACs: no single precision, so no point of the study.
    photonics::MacEmulatorConfig mixed = core(8, 100.0);
    mixed.adc_bits = 6;
    const LmProxyLookup m = lm_proxy_lookup(study(), "dot_product_engine", mixed);
    CHECK(!m.bits);
    CHECK(m.point == nullptr);
    const auto record = lm_proxy_record(m);
    CHECK(record["in_study"] == false);
    CHECK(record["bits"].is_null());
    CHECK(!record.contains("perplexity_change_pct"));
}

TEST_CASE("lm proxy study: the record of a point in the study") {
    const auto r = lm_proxy_record(lm_proxy_lookup(study(), "dot_product_engine", core(8, 100.0)));
    CHECK(r["label"] == "small-model proxy: a hand-made study");
    CHECK(r["core"] == "dot_product_engine");
    CHECK(r["bits"] == 8);
    CHECK(r["in_study"] == true);
    CHECK(r["study_laser_power_mw"].get<double>() == doctest::Approx(100.0));
    CHECK(r["perplexity"].get<double>() == doctest::Approx(20.0));
    CHECK(r["float_perplexity"].get<double>() == doctest::Approx(10.0));
    CHECK(r["perplexity_change_pct"].get<double>() == doctest::Approx(100.0));
}

TEST_CASE("lm proxy study: a bad file is an InputError with the file and the key") {
    const std::string good = kStudy;
    auto error_of = [](const std::string& text) {
        return input_error_of([&] { (void)read_lm_proxy_study(text, "study.json"); }, text);
    };
    const auto no_source =
        error_of(with(good, R"("source": "tests/mapping/lm_proxy_study_test.cpp")", R"("source": "")"));
    CHECK(no_source.file == "study.json");
    CHECK(no_source.key == "source");
    const auto bits = error_of(with(good, R"("bits": 4)", R"("bits": 0)"));
    CHECK(bits.key == "points[3].bits");
    CHECK(bits.value == "0");
    const auto typo = error_of(with(good, R"("bits": 4)", R"("bit": 4)"));
    CHECK(typo.key == "points[3].bit");
    CHECK(typo.problem.find("did you mean \"bits\"") != std::string::npos);
    const auto twice = error_of(with(good, R"("mean": 12.0, "spread": 0.3})",
                                     R"("mean": 12.0, "spread": 0.3}, {"core": "coherent_mesh", "bits": 8,
        "laser_power_mw": 1000.0, "mean": 13.0, "spread": 0.3})"));
    CHECK(twice.key == "points[5].core");
    CHECK(twice.problem.find("given twice") != std::string::npos);
    const auto below_one = error_of(with(good, R"("float_perplexity": 10.0)", R"("float_perplexity": 0.5)"));
    CHECK(below_one.key == "float_perplexity");
    CHECK(error_of(R"({"label": "x", "source": "y", "float_perplexity": 2.0, "points": []})").key == "points");
    const auto not_json = error_of("{\n\"label\": \n");
    CHECK(not_json.file == "study.json");
    CHECK(not_json.line >= 2);
}
