// Precision anchor (issue #15 item 2): the emulator configured as Lightelligence's PACE (64 x 64,
// 1 GHz; Hua et al., Nature 2025) as far as public parameters go, its ENOB against the measured
// 7.61 bits (data/validation/pace.toml; docs/validation-photonic.md, "Precision anchor: PACE").
//
// Assumed (not public): PACE as the generic dot-product engine (intensity-modulated inputs,
// transmission weights, balanced detection), 8-bit DACs, weights and ADC, and every optical and
// receiver parameter of that preset (6 dB path loss, 16 pA/rtHz TIA, 0.91 A/W detector, the
// laser's 20 % wall-plug efficiency); uniform random weights and inputs in [-1, 1].
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "lightwatt/photonics/emulation_request.hpp"
#include "lightwatt/photonics/mac_emulator.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

struct Pace {
    int rows = 0, cols = 0;
    double clock_ghz = 0.0, tops = 0.0, tops_per_watt_without_lasers = 0.0, tops_per_watt_with_lasers = 0.0;
    double measured_enob = 0.0;
};

Pace read_pace() {
    const auto doc = TomlDocument::parse_file(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/pace.toml");
    TableReader r = doc.root();
    Pace p;
    (void)r.string("source");
    p.rows = static_cast<int>(r.integer("matrix_rows", 1, 4096));
    p.cols = static_cast<int>(r.integer("matrix_cols", 1, 4096));
    p.clock_ghz = r.number("clock_ghz", Range::positive());
    p.tops = r.number("tops", Range::positive());
    p.tops_per_watt_without_lasers = r.number("tops_per_watt_without_lasers", Range::positive());
    p.tops_per_watt_with_lasers = r.number("tops_per_watt_with_lasers", Range::positive());
    p.measured_enob = r.number("measured_enob", Range::positive());
    r.finish();
    return p;
}

}  // namespace

TEST_CASE("PACE precision anchor: the emulator's ENOB at PACE's published light against the measured 7.61 bits") {
    const Pace pace = read_pace();
    // Laser electrical power from the two efficiencies: 8.19 / 2.38 - 8.19 / 4.21 = 3.4412 - 1.9454
    // = 1.4958 W; 64 x 64 x 2 x 1 GHz = 8.19 TOPS, so the core is the whole throughput.
    const double laser_electrical_w =
        pace.tops / pace.tops_per_watt_with_lasers - pace.tops / pace.tops_per_watt_without_lasers;
    CHECK(laser_electrical_w == doctest::Approx(1.4958).epsilon(1e-3));
    CHECK(2.0 * pace.rows * pace.cols * pace.clock_ghz * 1e-3 == doctest::Approx(pace.tops).epsilon(1e-3));

    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    const PhotonicCore& preset = catalog.cores.at("dot_product_engine");
    CoreOverrides o;
    o.tile_rows = pace.rows;
    o.tile_cols = pace.cols;
    o.clock_ghz = pace.clock_ghz;
    // Optical = electrical x WPE (0.20, an assumption): 1.4958 x 0.2 = 299.2 mW.
    o.laser_power_mw = 1e3 * laser_electrical_w * preset.emulator.laser.wall_plug_efficiency;
    PhotonicCore core = apply_overrides(preset, o);
    core.emulator.seed = 7;
    const Eigen::MatrixXd weights = random_matrix(pace.rows, pace.cols, 7, 1);
    const Eigen::MatrixXd inputs = random_matrix(pace.cols, 4096, 7, 2);
    const MacEmulationResult run = emulate_gemm(weights, inputs, core.emulator);
    const PowerForEnob needed = laser_power_for_enob(run, core, pace.measured_enob);
    MESSAGE("PACE-like core at " << *o.laser_power_mw << " mW optical: ENOB " << run.enob << " bits (measured "
                                 << pace.measured_enob << ", gap " << pace.measured_enob - run.enob
                                 << " bit); ceiling with unlimited light " << needed.ceiling_enob << " bits");
    if (needed.laser_power_per_core)
        MESSAGE("light for ENOB " << pace.measured_enob << ": " << in_milliwatts(*needed.laser_power_per_core)
                                  << " mW optical per core");
    // What is met: with 8-bit converters and unlimited light the emulated core reaches the measured
    // precision (an ideal 8-bit quantiser alone gives 8.0 bits; the 8-bit weights and inputs take
    // a little), so PACE's 7.61 bits is consistent with 8-bit converters near their limit.
    CHECK(needed.ceiling_enob >= pace.measured_enob);
    CHECK(needed.ceiling_enob - pace.measured_enob <= 1.0);
    // What is not: at the published laser power and the preset's assumed optics the emulator
    // falls about 1 bit short, a light budget short of PACE's; the light that closes it is above
    // what the published laser delivers through the assumed 6 dB and 20 %.
    CHECK(run.enob < pace.measured_enob);
    REQUIRE(needed.laser_power_per_core);
    CHECK(in_milliwatts(*needed.laser_power_per_core) > *o.laser_power_mw);
    // The gap is the light at the detector: 3 dB less path loss (an assumption, not PACE's)
    // doubles it and moves the ENOB toward the ceiling.
    CoreOverrides lower_loss = o;
    lower_loss.path_loss_db = core.emulator.path_loss.value() - 3.0;
    const PhotonicCore brighter = apply_overrides(core, lower_loss);
    const MacEmulationResult brighter_run = emulate_gemm(weights, inputs, brighter.emulator);
    MESSAGE("with " << brighter.emulator.path_loss.value() << " dB path loss: ENOB " << brighter_run.enob << " bits");
    CHECK(brighter_run.enob > run.enob);
    CHECK(brighter_run.enob <= needed.ceiling_enob);
}

// Precision anchor (issue #15 item 2): the emulator configured as one of Lightmatter's photonic
// tensor cores (Ahmed et al., Nature 2025) as far as public parameters go, its error against the
// measured one (data/validation/lightmatter.toml; docs/validation-photonic.md, "Precision anchor:
// Lightmatter").
//
// Public: 128 x 128 at 500 MHz, 10-bit inputs, 7-bit weights, an 11-bit ADC, the over-
// amplification G = 1.86, 1.6 W of light for four cores, and the measured error (sigma 2.294 ADC
// codes) at a measured signal level (the expected outputs' sigma, 8.08 codes).
// Assumed (not public): the dot-product engine's optics and receiver (6 dB path loss, 16 pA/rtHz
// TIA, 0.91 A/W detector, balanced detection), the light shared equally by the four cores, and
// Gaussian test tensors, each scaled by its largest magnitude as block floating point does.
namespace {

struct Lightmatter {
    int cores = 0, rows = 0, cols = 0, input_bits = 0, weight_bits = 0, adc_bits = 0;
    double clock_ghz = 0.0, overamplification = 0.0, optical_power_w = 0.0;
    double measured_error_sigma_codes = 0.0, expected_output_sigma_codes = 0.0;
};

Lightmatter read_lightmatter() {
    const auto doc = TomlDocument::parse_file(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/lightmatter.toml");
    TableReader r = doc.root();
    Lightmatter l;
    (void)r.string("source");
    l.cores = static_cast<int>(r.integer("cores", 1, 64));
    l.rows = static_cast<int>(r.integer("matrix_rows", 1, 4096));
    l.cols = static_cast<int>(r.integer("matrix_cols", 1, 4096));
    l.clock_ghz = r.number("clock_ghz", Range::positive());
    l.input_bits = static_cast<int>(r.integer("input_bits", 1, 16));
    l.weight_bits = static_cast<int>(r.integer("weight_bits", 1, 16));
    l.adc_bits = static_cast<int>(r.integer("adc_bits", 1, 16));
    l.overamplification = r.number("overamplification", Range::positive());
    l.optical_power_w = r.number("optical_power_w", Range::positive());
    l.measured_error_sigma_codes = r.number("measured_error_sigma_codes", Range::positive());
    l.expected_output_sigma_codes = r.number("expected_output_sigma_codes", Range::positive());
    r.finish();
    return l;
}

// Standard normal draws by Box-Muller from two uniform test matrices: z = sqrt(-2 ln u1) cos(2 pi u2)
// with u in (0, 1].
Eigen::MatrixXd gaussian_matrix(long long rows, long long cols, std::uint64_t seed, std::uint64_t stream) {
    const Eigen::MatrixXd a = random_matrix(rows, cols, seed, stream);
    const Eigen::MatrixXd b = random_matrix(rows, cols, seed, stream + 1000);
    const double pi = std::acos(-1.0);
    return a.binaryExpr(b, [pi](double x, double y) {
        const double u1 = std::max(0.5 * (x + 1.0), 1e-12), u2 = 0.5 * (y + 1.0);
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * u2);
    });
}

// ENOB as the emulator defines it (MacEmulationResult::enob): a full-scale sine against the error,
// SNR = (FS^2 / 2) / sigma^2 = 6.02 ENOB + 1.76 dB, with FS the ADC's half range.
double enob_of(double full_scale, double error_sigma) {
    return (10.0 * std::log10(full_scale * full_scale / 2.0 / (error_sigma * error_sigma)) - 1.76) / 6.02;
}

}  // namespace

TEST_CASE(
    "Lightmatter precision anchor: the emulator's error at the measured operating point against the measured one") {
    const Lightmatter lm = read_lightmatter();
    // 11-bit ADC: FS = 2^10 = 1024 codes; sigma 2.294 codes -> SNR = 1024^2 / 2 / 2.294^2 =
    // 99,630 = 49.98 dB -> ENOB (49.98 - 1.76) / 6.02 = 8.01 bits.
    const double full_scale_codes = std::ldexp(1.0, lm.adc_bits - 1);
    const double measured_enob = enob_of(full_scale_codes, lm.measured_error_sigma_codes);
    CHECK(measured_enob == doctest::Approx(8.01).epsilon(2e-3));

    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    const PhotonicCore& preset = catalog.cores.at("dot_product_engine");
    CoreOverrides o;
    o.tile_rows = lm.rows;
    o.tile_cols = lm.cols;
    o.clock_ghz = lm.clock_ghz;
    o.dac_bits = lm.input_bits;
    o.weight_bits = lm.weight_bits;
    o.adc_bits = lm.adc_bits;
    o.laser_power_mw = 1e3 * lm.optical_power_w / lm.cores;  // 1.6 W / 4 = 400 mW per core
    // The measured operating point: the outputs' sigma is 8.08 codes of the ADC's 1024, so the ADC
    // clips at 1024 / 8.08 = 126.7 times the partial sums' RMS.
    o.adc_clip_sigmas = full_scale_codes / lm.expected_output_sigma_codes;
    o.seed = 11;
    const PhotonicCore core = apply_overrides(preset, o);
    const Eigen::MatrixXd weights = gaussian_matrix(lm.rows, lm.cols, 11, 1);
    const Eigen::MatrixXd inputs = gaussian_matrix(lm.cols, 4096, 11, 2);
    const MacEmulationResult run = emulate_gemm(weights, inputs, core.emulator);

    // A check of the assumed tensors, not a fit: the ADC's full scale in units of the largest
    // possible dot product (128 with weights and inputs at +-1) is 1 / G. Gaussian tensors scaled
    // by their largest magnitude give partial sums of RMS about sqrt(128) / (4.4 x 5.1) = 0.50
    // (the largest of 16,384 and 524,288 normal draws: about 4.4 and 5.1 sigma), so a range of
    // 126.7 RMS is 128 / (126.7 x 0.50) = 2.0 times below the largest: the measured G = 1.86
    // within 15 %. Uniform tensors (RMS sqrt(128) / 3 = 3.8) would need G = 0.27.
    const double implied_overamplification = lm.cols / run.adc_full_scale;
    MESSAGE("Lightmatter-like core: partial-sum RMS " << run.partial_sum_rms << ", implied over-amplification "
                                                      << implied_overamplification << " (measured "
                                                      << lm.overamplification << ")");
    CHECK(implied_overamplification == doctest::Approx(lm.overamplification).epsilon(0.15));

    const double error_sigma_codes = std::sqrt(run.partial_error_variance) / run.adc_full_scale * full_scale_codes;
    const double noise_codes = std::sqrt(run.predicted.total()) / run.adc_full_scale * full_scale_codes;
    const double static_codes = std::sqrt(run.static_error) / run.adc_full_scale * full_scale_codes;
    MESSAGE("emulated error sigma " << error_sigma_codes << " codes (measured " << lm.measured_error_sigma_codes
                                    << "): noise " << noise_codes << ", static (weights, inputs) " << static_codes
                                    << "; ENOB " << run.enob << " bits (measured " << measured_enob << ")");
    // The emulator's ENOB is the same quantity computed the same way.
    CHECK(run.enob == doctest::Approx(enob_of(full_scale_codes, error_sigma_codes)).epsilon(1e-9));
    const auto codes = [&](double variance) { return std::sqrt(variance) / run.adc_full_scale * full_scale_codes; };
    MESSAGE("noise by source, codes RMS: shot " << codes(run.predicted.shot) << ", thermal "
                                                << codes(run.predicted.thermal) << ", RIN " << codes(run.predicted.rin)
                                                << ", ADC " << codes(run.predicted.adc));
    const PowerForEnob needed = laser_power_for_enob(run, core, measured_enob);
    MESSAGE("ceiling with unlimited light " << needed.ceiling_enob << " bits");
    // The bound of the issue: within 1 bit of the measured precision. The emulator is 0.4 bit
    // above it: its error holds the noise and converters it models, not the measured core's
    // calibration residuals or the nonlinear absorption that caps G (docs/validation-photonic.md).
    CHECK(std::abs(run.enob - measured_enob) <= 1.0);
    // At this signal level the analog noise, not the converters, sets the error: an ideal 11-bit
    // ADC alone would give 1/sqrt(12) = 0.29 codes, and unlimited light well above 8 bits.
    CHECK(noise_codes > 4.0 * static_codes);
    CHECK(needed.ceiling_enob > measured_enob + 1.0);
}
