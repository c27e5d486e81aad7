#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include "lightwatt/photonics/converter.hpp"
#include "input_error_of.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

ConverterModel model(double walden_fj, double schreier_db, double floor_pj) {
    ConverterModel m;
    m.name = "m";
    m.walden_fom_j_per_step = walden_fj * 1e-15;
    m.schreier_fom_db = schreier_db;
    m.floor_energy = picojoules(floor_pj);
    return m;
}

// The survey's best of the 1-5 GS/s band, as in data/converters.toml.
const ConverterModel kBest = model(5.0, 173.3, 1.0);

const ConverterCatalog& shipped() {
    static const ConverterCatalog c = load_converter_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

InputErrorDetails converter_catalog_error(const std::string& text) {
    return testing::input_error_of(
        [&] { (void)read_converter_catalog(TomlDocument::parse_string(text, "converters.toml").root()); }, text);
}

const std::string kAdc = "[adcs.a]\nwalden_fom_fj_per_step = 5\nfloor_pj = 1\nsource = \"s\"\n";

}  // namespace

TEST_CASE("Walden energy by hand: 8 bits at 5 fJ/conversion-step is 5e-15 x 256 = 1.28 pJ") {
    const ConverterModel m = model(5.0, kInf, 1e-6);  // no Schreier term, negligible floor
    CHECK(in_picojoules(energy_per_conversion(m, 8.0)) == doctest::Approx(1.28));
    CHECK(converter_limit(m, 8.0) == ConverterLimit::walden);
    CHECK(in_joules(schreier_energy(m, 8.0)) == 0.0);
}

TEST_CASE("Schreier energy: FOM_S = SNDR + 10 log10((f_s/2)/P) inverts to P/f_s") {
    // A converter drawing 1 mW at 100 MS/s with SNDR 74 dB (ENOB 12): FOM_S = 74 + 10 log10(50e6 / 1e-3)
    // = 180.99 dB, and the energy per conversion must come back as P / f_s = 10 pJ.
    const double fom_s = 74.0 + 10.0 * std::log10(50e6 / 1e-3);
    const ConverterModel m = model(1e-6, fom_s, 1e-6);
    CHECK(enob_from_sndr_db(74.0) == doctest::Approx(12.0));
    CHECK(in_picojoules(schreier_energy(m, 12.0)) == doctest::Approx(10.0));
    // The survey's best (1-5 GS/s) at ENOB 12: SNDR 74.0 dB, E_S = 1 / (2 10^(99.3/10)) = 58.74 pJ.
    CHECK(in_picojoules(schreier_energy(kBest, 12.0)) == doctest::Approx(58.745).epsilon(1e-4));
}

TEST_CASE("the floor wins at low ENOB, Walden at moderate ENOB, Schreier at high ENOB") {
    // Floor: 5 fJ x 2^4 = 0.08 pJ and E_S ~ 1e-4 pJ are below 1 pJ.
    CHECK(in_picojoules(energy_per_conversion(kBest, 4.0)) == doctest::Approx(1.0));
    CHECK(converter_limit(kBest, 4.0) == ConverterLimit::floor);
    CHECK(in_picojoules(energy_per_conversion(kBest, 6.0)) == doctest::Approx(1.0));

    // Walden: 8 and 9 bits, 2x per bit.
    CHECK(converter_limit(kBest, 8.0) == ConverterLimit::walden);
    CHECK(converter_limit(kBest, 9.0) == ConverterLimit::walden);
    CHECK(in_picojoules(energy_per_conversion(kBest, 8.0)) == doctest::Approx(1.28));
    CHECK(energy_per_conversion(kBest, 9.0) / energy_per_conversion(kBest, 8.0) == doctest::Approx(2.0));

    // Schreier: 12 and 13 bits, 10^(6.02/10) = 3.999 per bit.
    CHECK(converter_limit(kBest, 12.0) == ConverterLimit::schreier);
    CHECK(converter_limit(kBest, 13.0) == ConverterLimit::schreier);
    CHECK(energy_per_conversion(kBest, 13.0) / energy_per_conversion(kBest, 12.0) ==
          doctest::Approx(3.999).epsilon(1e-3));

    // The energy never falls as ENOB rises.
    for (double enob = 0.0; enob < 16.0; enob += 0.25)
        CHECK(energy_per_conversion(kBest, enob + 0.25) >= energy_per_conversion(kBest, enob));
}

TEST_CASE("power is energy per conversion times the sample rate") {
    CHECK(in_milliwatts(converter_power(kBest, 8.0, gigahertz(10.0))) == doctest::Approx(12.8));
}

TEST_CASE("ENOB outside [0, 24] is an InputError at key enob") {
    for (double bad : {-1.0, 25.0, std::nan("")}) {
        try {
            (void)energy_per_conversion(kBest, bad);
            FAIL("expected an InputError for enob " << bad);
        } catch (const InputError& e) {
            CHECK(e.details().key == "enob");
        }
    }
}

TEST_CASE("the shipped converter catalog loads, every entry has a source, the spread is complete") {
    const auto& c = shipped();
    for (const char* name :
         {"survey_best", "survey_best_5_20gsps", "survey_best_20_200gsps", "survey_median", "survey_median_5gsps"})
        CHECK_MESSAGE(c.adcs.contains(name), name);
    for (const char* name :
         {"albireo_conservative", "albireo_moderate", "albireo_aggressive", "lightning_8b", "simphony_lt_8b"})
        CHECK_MESSAGE(c.dacs.contains(name), name);
    std::map<std::string, std::string> sources;
    c.adcs.add_sources_to(sources);
    c.dacs.add_sources_to(sources);
    CHECK(sources.size() == c.adcs.size() + c.dacs.size());
    for (const auto& entry : sources) {
        CHECK_MESSAGE(!entry.second.empty(), entry.first);
        if (entry.first.rfind("adcs.survey", 0) == 0)
            CHECK_MESSAGE(entry.second.find("bmurmann/ADC-survey @ddf3c1b") != std::string::npos, entry.first);
    }
    CHECK_FALSE(c.adc_spread.low.empty());
    CHECK_FALSE(c.adc_spread.typical.empty());
    CHECK_FALSE(c.adc_spread.high.empty());
    CHECK_FALSE(c.dac_spread.low.empty());

    const auto& best = c.adcs.at("survey_best");
    CHECK(best.walden_fom_j_per_step * 1e15 == doctest::Approx(5.0));
    CHECK(in_picojoules(best.floor_energy) == doctest::Approx(1.0));
    CHECK(best.schreier_fom_db == doctest::Approx(173.3));
    const auto& median = c.adcs.at("survey_median");
    CHECK(median.walden_fom_j_per_step * 1e15 == doctest::Approx(30.5));
    CHECK(in_picojoules(median.floor_energy) == doctest::Approx(5.5));

    // Published-point DACs: floor = the published energy, FOM_W = energy / 2^8.
    const auto& lightning = c.dacs.at("lightning_8b");
    CHECK(in_picojoules(energy_per_conversion(lightning, 8.0)) == doctest::Approx(0.793));
    CHECK(in_picojoules(energy_per_conversion(lightning, 4.0)) == doctest::Approx(0.793));
    CHECK(in_picojoules(energy_per_conversion(lightning, 9.0)) == doctest::Approx(1.586));
    CHECK(in_picojoules(energy_per_conversion(c.dacs.at("simphony_lt_8b"), 8.0)) ==
          doctest::Approx(50.0 / 14.0).epsilon(1e-4));
}

// photonic-compute.md section 7 item 3 (from 6.3 #17-20): "8b at 10 GS/s returns a best estimate of
// 1.1-1.5 pJ and a median of about 5 pJ". Assumption: an 8-bit converter at these rates reaches
// ENOB about 6.5, as the survey's row for the ISSCC 2022 8b ADC does (SNDR 40.8 dB -> ENOB 6.49).
TEST_CASE("8b at 10 GS/s: best 1.1-1.5 pJ, median about 5 pJ") {
    const double enob_8b = 6.5;
    const auto s = energy_spread(shipped(), ConverterKind::adc, enob_8b, gigahertz(10.0));
    CHECK(s.low_name == "survey_best_5_20gsps");
    CHECK(in_picojoules(s.low) >= 1.1);
    CHECK(in_picojoules(s.low) <= 1.5);
    CHECK(in_picojoules(s.low) == doctest::Approx(16.5e-3 * std::exp2(6.5)));  // Walden-limited: 1.49 pJ
    CHECK(s.typical_name == "survey_median");
    CHECK(in_picojoules(s.typical) == doctest::Approx(5.5));  // the median's floor
    CHECK(s.high_name == "survey_median_5gsps");
    CHECK(in_picojoules(s.high) == doctest::Approx(6.75));

    // The survey row itself (SNDR 40.8 dB at FOM_W 16.5 fJ/c-s) measured 1.48 pJ/sample.
    const auto& best = select_converter(shipped(), ConverterKind::adc, SpreadPoint::low, gigahertz(10.0));
    CHECK(std::abs(in_picojoules(energy_per_conversion(best, enob_from_sndr_db(40.8))) / 1.48 - 1.0) < 0.01);

    // At ENOB 7 the best 5-20 GS/s design would cost 16.5 fJ x 2^7 = 2.1 pJ and the median 30.5 fJ x 128
    // = 3.9 pJ < its 5.5 pJ floor: the median stays at about 5 pJ over the 8-bit ENOB range.
    const auto s7 = energy_spread(shipped(), ConverterKind::adc, 7.0, gigahertz(10.0));
    CHECK(in_picojoules(s7.typical) == doctest::Approx(5.5));
}

TEST_CASE("the survey's best 8b design at 2.7 GS/s (1.1 pJ, #17) is reproduced by the 1-5 GS/s band to 10 %") {
    // FOM_W 6.9 fJ/c-s and 1.1 pJ -> ENOB = log2(1.1 pJ / 6.9 fJ) = 7.3.
    const auto s = energy_spread(shipped(), ConverterKind::adc, std::log2(1.1e-12 / 6.9e-15), gigahertz(2.7));
    CHECK(s.low_name == "survey_best");
    CHECK(std::abs(in_picojoules(s.low) / 1.1 - 1.0) < 0.1);
    CHECK(s.high_name == "survey_median");  // below 5 GS/s the high point falls back to the median
}

TEST_CASE("the spread is ordered low <= typical <= high at every ENOB and rate") {
    for (double gsps : {1.0, 3.0, 5.0, 10.0, 20.0, 56.0, 112.0, 200.0})
        for (double enob = 0.0; enob <= 16.0; enob += 0.5)
            for (ConverterKind kind : {ConverterKind::adc, ConverterKind::dac}) {
                const auto s = energy_spread(shipped(), kind, enob, gigahertz(gsps));
                CHECK(s.low <= s.typical);
                CHECK(s.typical <= s.high);
            }
    const auto d = energy_spread(shipped(), ConverterKind::dac, 8.0, gigahertz(5.0));
    CHECK(in_picojoules(d.low) == doctest::Approx(0.793));
    CHECK(in_picojoules(d.typical) == doctest::Approx(2.6));
    CHECK(in_picojoules(d.high) == doctest::Approx(5.2));
}

TEST_CASE("a sample rate outside every candidate's band is an InputError at key sample_rate") {
    try {
        (void)select_converter(shipped(), ConverterKind::adc, SpreadPoint::low, gigahertz(0.5));
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.details().key == "sample_rate");
        CHECK(e.details().value == "0.5 GS/s");
        CHECK(e.details().allowed.find("survey_best (1-5 GS/s)") != std::string::npos);
    }
    ConverterCatalog empty;
    CHECK_THROWS_AS((void)select_converter(empty, ConverterKind::dac, SpreadPoint::typical, gigahertz(1.0)),
                    InputError);
}

TEST_CASE("bad catalog values are InputErrors naming the key") {
    SUBCASE("negative Walden FOM") {
        auto d = converter_catalog_error("[adcs.a]\nwalden_fom_fj_per_step = -5\nfloor_pj = 1\nsource = \"s\"\n");
        CHECK(d.key == "adcs.a.walden_fom_fj_per_step");
        CHECK(d.line == 2);
        CHECK(d.value == "-5");
    }
    SUBCASE("zero floor") {
        auto d = converter_catalog_error("[adcs.a]\nwalden_fom_fj_per_step = 5\nfloor_pj = 0\nsource = \"s\"\n");
        CHECK(d.key == "adcs.a.floor_pj");
        CHECK(d.allowed == "a finite number > 0");
    }
    SUBCASE("negative floor of a DAC") {
        CHECK(converter_catalog_error("[dacs.d]\nwalden_fom_fj_per_step = 5\nfloor_pj = -1\nsource = \"s\"\n").key ==
              "dacs.d.floor_pj");
    }
    SUBCASE("negative Schreier FOM") {
        CHECK(converter_catalog_error(kAdc + "schreier_fom_db = -170\n").key == "adcs.a.schreier_fom_db");
    }
    SUBCASE("non-positive published energy") {
        CHECK(converter_catalog_error("[dacs.d]\nenergy_per_conversion_pj = 0\nresolution_bits = 8\nsource = \"s\"\n")
                  .key == "dacs.d.energy_per_conversion_pj");
    }
    SUBCASE("resolution out of range") {
        CHECK(converter_catalog_error("[dacs.d]\nenergy_per_conversion_pj = 1\nresolution_bits = 0\nsource = \"s\"\n")
                  .key == "dacs.d.resolution_bits");
    }
    SUBCASE("the two forms mixed") {
        auto d = converter_catalog_error(
            "[dacs.d]\nenergy_per_conversion_pj = 1\nresolution_bits = 8\nfloor_pj = 1\nsource = \"s\"\n");
        CHECK(d.key == "dacs.d.floor_pj");
    }
    SUBCASE("a band that ends below its start") {
        auto d = converter_catalog_error(kAdc + "min_sample_rate_gsps = 5\nmax_sample_rate_gsps = 1\n");
        CHECK(d.key == "adcs.a.max_sample_rate_gsps");
    }
    SUBCASE("unknown key, with a suggestion") {
        auto d = converter_catalog_error(kAdc + "walden_fom_fj_per_stp = 3\n");
        CHECK(d.key == "adcs.a.walden_fom_fj_per_stp");
        CHECK(d.problem == "unknown key (did you mean \"walden_fom_fj_per_step\"?)");
    }
    SUBCASE("unknown section") { CHECK(converter_catalog_error("[adc.a]\nx = 1\n").key == "adc"); }
    SUBCASE("missing source") {
        auto d = converter_catalog_error("[adcs.a]\nwalden_fom_fj_per_step = 5\nfloor_pj = 1\n");
        CHECK(d.key == "adcs.a.source");
        CHECK(d.problem == "required key is missing");
    }
    SUBCASE("a spread naming no entry") {
        auto d = converter_catalog_error(kAdc +
                                         "[spread]\nadc_low = \"a\"\nadc_typical = [\"a\", \"b\"]\nadc_high = \"a\"\n"
                                         "dac_low = \"x\"\ndac_typical = \"x\"\ndac_high = \"x\"\n");
        CHECK(d.key == "spread.adc_typical");
        CHECK(d.value == "\"b\"");
    }
    SUBCASE("a spread point missing") {
        auto d = converter_catalog_error(kAdc + "[spread]\nadc_low = \"a\"\nadc_high = \"a\"\n");
        CHECK(d.key == "spread.adc_typical");
    }
}
