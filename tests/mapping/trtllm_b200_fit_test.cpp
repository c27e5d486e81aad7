// The fit of TensorRT-LLM's B200 FP4 throughput terms on its published maximum-load rows
// (data/validation/trtllm-b200-fp4.toml; tests/mapping/trtllm_b200_fit.hpp), every row's residual
// printed; the whole-node validation then predicts the MLPerf rows with the terms found.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "b200_profile.hpp"
#include "trtllm_b200_fit.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using namespace lightwatt::testing;

namespace {

struct FitFixture {
    LlmCatalog llms = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    GpuCatalog gpus = load_gpu_catalog(LIGHTWATT_TEST_DATA_DIR);
    const GpuSpec& b200 = gpus.at("b200");
    interconnect::CalibrationRecord profile = b200_calibration(gpus.at("h100_sxm"), b200);
    TrtllmRuns runs = load_trtllm_runs(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/trtllm-b200-fp4.toml");
    std::vector<FitRow> rows = fit_rows(runs, llms, b200);
    // Time does not depend on the power model; any serving calibration carries the overheads.
    ServingCalibration power;
};

const FitRow& row_named(const std::vector<FitRow>& rows, const std::string& name) {
    return *std::find_if(rows.begin(), rows.end(), [&](const FitRow& r) { return r.run->name == name; });
}

}  // namespace

TEST_CASE("TensorRT-LLM B200 FP4 fit: trtllm-bench's batch is what fits 90 % of HBM, at most 4,096") {
    // By hand (data/llms.toml): Llama-3.1-70B has 80 x (2 x 8,192^2 + 2 x 8,192 x 1,024 + 2 x 8,192
    // + 3 x 8,192 x 28,672) + 2 x 128,256 x 8,192 + 8,192 = 70,553,706,496 parameters, 35.277 GB
    // at half a byte. 0.9 x 180 GB leaves 126.723 GB for a KV cache of 80 x 2 x 8 x 128 = 163,840
    // bytes a token (FP8), 671.09 MB a sequence of 2,048 + 2,048 tokens: 188.8, so 188.
    // Llama-3.1-405B on four GPUs: 405,853,388,800 parameters, 50.732 GB a GPU; 111.268 GB for
    // 126 x 2 x 8 x 128 / 4 = 64,512 bytes a token a GPU, 16.515 MB at 128 + 128: 6,737, over the
    // cap of 4,096.
    const FitFixture f;
    CHECK(f.rows.size() == 20);
    CHECK(row_named(f.rows, "llama_70b_tp1_2048_2048").point.batch == 188);
    CHECK(row_named(f.rows, "llama_405b_tp4_128_128").point.batch == 4096);
    // The measured cycle of that row: 188 x 2,048 / 4,783 tokens/s = 80.50 s.
    CHECK(row_named(f.rows, "llama_70b_tp1_2048_2048").measured_cycle_s == doctest::Approx(80.498).epsilon(1e-4));
}

TEST_CASE("TensorRT-LLM B200 FP4 fit: GEMM scale and per-step overhead, least squares on relative tokens/s") {
    const FitFixture f;
    const TrtllmFit fit = fit_trtllm_terms(f.rows, f.power, f.b200, f.profile);
    MESSAGE("fit | " << f.runs.source);
    MESSAGE("fit | GEMM scale " << fit.terms.gemm_scale << " | " << in_microseconds(fit.terms.per_layer)
                                << " us per layer | " << in_microseconds(fit.terms.per_sequence)
                                << " us per sequence | sum of squares " << fit.sum_of_squares());
    double unfitted_squares = 0.0;
    for (std::size_t i = 0; i < f.rows.size(); ++i) {
        const FitRow& r = f.rows[i];
        const double fitted = predicted_cycle(r, fit.terms, f.power, f.b200, f.profile).tokens_per_s();
        const double unfitted = predicted_cycle(r, {}, f.power, f.b200, f.profile).tokens_per_s();
        const double unfitted_error = unfitted / r.run->tokens_per_s - 1.0;
        unfitted_squares += unfitted_error * unfitted_error;
        MESSAGE("fit row | " << r.run->name << " | batch " << r.point.batch << " | measured " << r.run->tokens_per_s
                             << " | fitted " << std::lround(fitted) << " | " << std::lround(100.0 * fit.residuals[i])
                             << " % | unfitted " << std::lround(unfitted) << " | "
                             << std::lround(100.0 * unfitted_error) << " %");
        CAPTURE(r.run->name);
        // The fit's residual is the estimate's own: the overheads enter every step linearly.
        CHECK(fitted / r.run->tokens_per_s - 1.0 == doctest::Approx(fit.residuals[i]).epsilon(1e-9));
        // Every row within 20 % (the largest is Llama-3.1-405B at 1,000 / 2,000 tokens, +18 %):
        // held so that a change shows.
        CHECK(std::abs(fit.residuals[i]) <= 0.20);
    }
    CHECK(fit.terms.gemm_scale > 0.2);
    CHECK(fit.terms.gemm_scale < 1.2);
    CHECK(in_seconds(fit.terms.per_layer) >= 0.0);
    CHECK(in_seconds(fit.terms.per_sequence) >= 0.0);
    CHECK(fit.sum_of_squares() < unfitted_squares);
    // A least-squares minimum: moving the scale either way costs more.
    for (const double step : {-0.01, 0.01}) {
        const double scale = fit.terms.gemm_scale + step;
        CHECK(trtllm_detail::best_at_scale(f.rows, scale, f.power, f.b200, f.profile).sum_of_squares >=
              fit.sum_of_squares());
    }
}
