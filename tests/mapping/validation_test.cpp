// The validation of issues #5 and #13: GPU-only energy per output token against ML.ENERGY's
// measured runs. The serving overhead and the activity power model are fitted to the
// Llama-3.1-8B runs on one H100 only (data/validation/ml-energy-h100.toml); every
// Llama-3.1-405B-FP8 run on 8 H100 (TP 8) of the shared file (validation/ml-energy-v3-runs.tsv
// beside the checkout, never copied here; skipped, saying so, when absent) must then land within
// 15 % (docs/validation.md).
#include <doctest/doctest.h>

#include <cmath>

#include "lightwatt/mapping/serving_time.hpp"
#include "input_error_of.hpp"
#include "ml_energy_runs.hpp"
#include "shared_data.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;

namespace {

struct Fixture {
    LlmCatalog llms = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    GpuCatalog gpus = load_gpu_catalog(LIGHTWATT_TEST_DATA_DIR);
    interconnect::CalibrationRecord cal =
        interconnect::load_calibration(std::string(LIGHTWATT_TEST_DATA_DIR) + "/calibration/h100-sxm-8gpu.json");
    ServingMeasurements runs =
        load_serving_measurements(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/ml-energy-h100.toml");
    const GpuSpec& gpu() const { return gpus.at("h100_sxm"); }
    // A shared row of 405B FP8 on 8 H100: its mean batch, and the 370-token mean output of these
    // runs in ml-energy/leaderboard @0ea52b6a (avg_output_len 360-380; the file has none).
    double relative_error(const lightwatt::testing::MlEnergyRun& r, const ServingCalibration& sc) const {
        TimingOptions o;
        o.serving = &sc;
        const ServingPoint s{static_cast<int>(std::lround(r.mean_batch)), runs.prompt_tokens, 370, 1.0, 2.0, 2.0};
        const CycleEstimate e = estimate_serving(llms.at("llama_3_1_405b"), {r.tp, 1, 1, 8}, s, gpu(), cal, o);
        return in_joules(e.gpu_only_energy_per_token()) / r.joules_per_token - 1.0;
    }
    double relative_error(const ServingMeasurement& x, const ServingCalibration& sc) const {
        LlmSpec m = llms.at(x.model);
        TimingOptions o;
        o.serving = &sc;
        const ServingPoint s{x.batch, runs.prompt_tokens, x.output_tokens, x.bytes_per_weight, 2.0, 2.0};
        const CycleEstimate e = estimate_serving(m, {x.tp, 1, 1, 8}, s, gpu(), cal, o);
        return in_joules(e.gpu_only_energy_per_token()) / in_joules(x.energy_per_token) - 1.0;
    }
};

}  // namespace

TEST_CASE("validation: every Llama-3.1-405B-FP8 run on 8x H100 within 15 % of ML.ENERGY, calibrated on 8B only") {
    const Fixture f;
    // Calibration and validation are kept apart: every calibration run is the 8B model.
    for (const auto& x : f.runs.calibration) CHECK(x.model == "llama_3_1_8b");
    const ServingCalibration sc = fit_serving_calibration(f.runs, f.llms, f.gpu(), f.cal);
    MESSAGE("fitted on 8B: overhead " << in_seconds(sc.per_layer) * 1e6 << " us per layer + "
                                      << in_seconds(sc.per_sequence) * 1e6 << " us per sequence; power "
                                      << in_watts(sc.static_power) << " W + "
                                      << in_picojoules_per_flop(sc.energy_per_flop) << " W per TFLOP/s + "
                                      << in_picojoules_per_byte(sc.hbm_energy_per_bit) << " W per TB/s, at most "
                                      << in_watts(sc.max_power) << " W");
    // The overheads and the power model are physical: non-negative, power rising with activity.
    CHECK(sc.per_layer >= seconds(0.0));
    CHECK(sc.per_sequence >= seconds(0.0));
    CHECK(in_picojoules_per_flop(sc.energy_per_flop) > 0.0);
    CHECK(in_watts(sc.max_power) <= in_watts(f.gpu().tdp));
    if (const auto path = lightwatt::testing::shared_data_file("validation/ml-energy-v3-runs.tsv")) {
        int rows = 0;
        for (const auto& r : lightwatt::testing::read_ml_energy_runs(*path, "H100")) {
            if (r.file != "meta-llama__Llama-3.1-405B-Instruct-FP8__lm-arena-chat") continue;
            ++rows;
            const double e = f.relative_error(r, sc);
            MESSAGE("405B FP8, 8x H100, mean batch " << r.mean_batch << ": " << std::string(e >= 0 ? "+" : "")
                                                     << 100.0 * e << " % against " << r.joules_per_token << " J/token");
            CHECK(std::abs(e) < 0.15);
        }
        CHECK(rows == 8);
    }
    // The calibration runs themselves are reproduced (a check of the fit, not a validation).
    for (const auto& x : f.runs.calibration) {
        MESSAGE("fit run " << x.name << ": " << 100.0 * f.relative_error(x, sc) << " %");
        CHECK(std::abs(f.relative_error(x, sc)) < 0.15);
    }
}

TEST_CASE("serving calibration: a record without GEMM rows or power states still fits a physical power model") {
    // Regression: with roofline step times the unconstrained least squares gave a negative watt
    // per TFLOP/s and, on the 405B steps, negative GPU power. The fit is non-negative least squares.
    Fixture f;
    f.cal.gemm.clear();
    f.cal.power = {};
    const ServingCalibration sc = fit_serving_calibration(f.runs, f.llms, f.gpu(), f.cal);
    CHECK(in_watts(sc.static_power) >= 0.0);
    CHECK(in_picojoules_per_flop(sc.energy_per_flop) >= 0.0);
    CHECK(in_picojoules_per_byte(sc.hbm_energy_per_bit) >= 0.0);
    TimingOptions o;
    o.serving = &sc;
    for (const int batch : {8, 64, 256}) {
        CAPTURE(batch);
        const ServingPoint s{batch, f.runs.prompt_tokens, 370, 1.0, 2.0, 2.0};
        const CycleEstimate e = estimate_serving(f.llms.at("llama_3_1_405b"), {8, 1, 1, 8}, s, f.gpu(), f.cal, o);
        CHECK(in_joules(e.gpu_only_energy_per_token()) > 0.0);  // positive energy per token on the 405B steps
    }
}

TEST_CASE("serving calibration: runs that never approach the GPU's limit show no plateau; the cap is the limit") {
    // The H100 runs peak at 690.5 W of 700 (above 97 % of it): the plateau is theirs. The 8B runs
    // on a B200 peak at 691.1 W of 1,000 (below 970): no plateau, the cap is the B200's 1,000 W.
    const Fixture f;
    CHECK(in_watts(fit_serving_calibration(f.runs, f.llms, f.gpu(), f.cal).max_power) == 690.5);
    const ServingMeasurements b200_runs =
        load_serving_measurements(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/ml-energy-b200.toml");
    interconnect::CalibrationRecord roofline = f.cal;
    roofline.gemm.clear();
    roofline.collectives.clear();
    const ServingCalibration b200 = fit_serving_calibration(b200_runs, f.llms, f.gpus.at("b200"), roofline);
    CHECK(in_watts(b200.max_power) == 1000.0);
    CHECK(in_watts(b200.static_power) >= 0.0);
}

TEST_CASE("serving calibration: the power terms come from the runs' measured steps, whatever the overhead fits") {
    // Synthetic 8B runs on a B200 whose power is made, by hand, from known terms at their
    // *measured* steps: P = 300 W + 1.5 W per TFLOP/s + 80 W per TB/s, each rate the decode step's
    // BF16 FLOPs (GEMMs + attention) and HBM bytes (weights + KV read + KV written) over the ITL.
    // The ITLs jump (batch 128 slower than 512 per sequence) so that the overhead's least squares
    // cannot reproduce them: the power fit must still give the three terms back.
    const Fixture f;
    const GpuSpec& b200 = f.gpus.at("b200");
    interconnect::CalibrationRecord roofline = f.cal;
    roofline.gemm.clear();
    roofline.collectives.clear();
    const LlmSpec& m = f.llms.at("llama_3_1_8b");
    ServingMeasurements runs;
    runs.source = "synthetic";
    runs.gpu = "b200";
    runs.prompt_tokens = 200;
    const std::pair<int, double> batch_itl_ms[] = {{8, 4.0}, {32, 9.0}, {128, 40.0}, {512, 45.0}, {2048, 130.0}};
    for (const auto& [batch, itl_ms] : batch_itl_ms) {
        const ServingPoint s{batch, 200, 400, 2.0, 2.0, 2.0};
        const StepWork w = decode_step(m, {1, 1, 1, 8}, s);
        const double tflop_per_s = (w.gemm_flops() + w.attention_flops) / (itl_ms * 1e-3) / 1e12;
        const double tb_per_s = in_bytes(w.weights_read + w.kv_read + w.kv_written) / (itl_ms * 1e-3) / 1e12;
        const double power_w = 300.0 + 1.5 * tflop_per_s + 80.0 * tb_per_s;
        REQUIRE(power_w < 970.0);  // below 97 % of the B200's limit: no plateau, every run fits
        ServingMeasurement x;
        x.name = "batch_" + std::to_string(batch);
        x.model = "llama_3_1_8b";
        x.batch = batch;
        x.output_tokens = 400;
        x.inter_token_latency = seconds(itl_ms * 1e-3);
        x.power = watts(power_w);
        x.energy_per_token = joules(power_w * itl_ms * 1e-3 / batch);
        runs.calibration.push_back(x);
    }
    const ServingCalibration c = fit_serving_calibration(runs, f.llms, b200, roofline);
    CHECK(in_watts(c.static_power) == doctest::Approx(300.0).epsilon(1e-9));
    CHECK(in_picojoules_per_flop(c.energy_per_flop) == doctest::Approx(1.5).epsilon(1e-9));
    CHECK(in_picojoules_per_byte(c.hbm_energy_per_bit) == doctest::Approx(80.0).epsilon(1e-9));
}

TEST_CASE("serving runs: a median ITL outside 1 us to 10^7 ms is an input error naming the line and key") {
    // The power fit divides each run's work by its ITL; a value near zero would overflow the rates.
    const std::string text = R"(source = "hand"
gpu = "h100_sxm"
prompt_tokens = 200
[calibration.tiny]
model = "llama_3_1_8b"
tp = 1
bytes_per_weight = 2
batch = 8
output_tokens = 400
median_itl_ms = 1e-300
power_w = 500
energy_per_token_j = 0.5
)";
    const auto e = lightwatt::testing::input_error_of(
        [&] { (void)read_serving_measurements(TomlDocument::parse_string(text, "runs.toml").root()); }, text);
    CHECK(e.file == "runs.toml");
    CHECK(e.line == 10);
    CHECK(e.key == "calibration.tiny.median_itl_ms");
    CHECK(e.allowed.find("0.001") != std::string::npos);
}
