// The validation of issue #13 item 6 on B200, GPU-only energy per output token: the serving terms
// fitted on the Llama-3.1-8B runs on one B200 only (data/validation/ml-energy-b200.toml) predict
// every B200 run of Llama-3.1-405B (bf16, FP8), Qwen3-235B-A22B, Qwen3-30B-A3B, DeepSeek-V3.1 and
// gpt-oss of the ML.ENERGY benchmark v3 (validation/ml-energy-v3-runs.tsv beside the checkout,
// $LIGHTWATT_SHARED_DATA; skipped, saying so, when absent). Nothing is fitted to those runs. The
// tables and what the residual points to: docs/validation.md, "B200".
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lightwatt/mapping/serving_time.hpp"
#include "b200_profile.hpp"
#include "ml_energy_runs.hpp"
#include "shared_data.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;

namespace {

using Run = lightwatt::testing::MlEnergyRun;

std::vector<Run> read_b200_runs(const std::string& path) {
    return lightwatt::testing::read_ml_energy_runs(path, "B200");
}

// What the file does not say, per model file: the prompt and the mean output length. Output
// length is the model's on the workload's prompts, not the GPU's: the means of the H100 runs of
// the same file in ml-energy/leaderboard @0ea52b6a (public/data/models/*.json, avg_output_len),
// rounded. No H100 run of DeepSeek-V3.1 is published; it takes its workload's middle: the median
// of the four chat files' means (370, 400, 870, 925: 635 -> 630) and of the four gpqa files'
// (1,750, 2,200, 8,200, 9,200: 5,200). Prompts: LM-Arena chat about 200 tokens (the 8B runs'
// prefill share, docs/models/serving-time.md); GPQA, a question with four choices in the
// benchmark's template, about 300 (not published; with outputs of thousands of tokens its prefill
// is under 1 % of a cycle).
struct FileWorkload {
    const char* file;
    const char* model;
    int prompt_tokens, output_tokens;
};
constexpr FileWorkload kFiles[] = {
    {"meta-llama__Llama-3.1-405B-Instruct__lm-arena-chat", "llama_3_1_405b", 200, 370},       // as FP8's
    {"meta-llama__Llama-3.1-405B-Instruct-FP8__lm-arena-chat", "llama_3_1_405b", 200, 370},   // 360-380
    {"Qwen__Qwen3-235B-A22B-Instruct-2507__lm-arena-chat", "qwen3_235b_a22b", 200, 870},      // 863-880
    {"Qwen__Qwen3-235B-A22B-Instruct-2507-FP8__lm-arena-chat", "qwen3_235b_a22b", 200, 870},  // as bf16's
    {"Qwen__Qwen3-235B-A22B-Thinking-2507__gpqa", "qwen3_235b_a22b", 300, 9200},              // 8,955-9,199
    {"Qwen__Qwen3-235B-A22B-Thinking-2507-FP8__gpqa", "qwen3_235b_a22b", 300, 9200},          // 8,934-9,551
    {"Qwen__Qwen3-30B-A3B-Instruct-2507__lm-arena-chat", "qwen3_30b_a3b", 200, 925},          // 918-931
    {"Qwen__Qwen3-30B-A3B-Thinking-2507__gpqa", "qwen3_30b_a3b", 300, 8200},                  // 8,162-8,243
    {"deepseek-ai__DeepSeek-V3.1__lm-arena-chat", "deepseek_v3_1", 200, 630},                 // workload's
    {"deepseek-ai__DeepSeek-V3.1__gpqa", "deepseek_v3_1", 300, 5200},                         // workload's
    {"openai__gpt-oss-120b__gpqa", "gpt_oss_120b", 300, 1750},                                // 1,680-1,781
    {"openai__gpt-oss-20b__gpqa", "gpt_oss_20b", 300, 2200},                                  // 2,102-2,428
};

const FileWorkload* workload_of(const std::string& file) {
    for (const auto& w : kFiles)
        if (file == w.file) return &w;
    return nullptr;
}

// The row's weights: bf16 2 bytes, FP8 1, and gpt-oss's MXFP4 experts 4.25 bits with bf16 for the
// rest; activations and KV cache bf16 (vLLM's default KV dtype is the model's).
ServingPoint point_of(const Run& r, const FileWorkload& w) {
    ServingPoint s{static_cast<int>(std::lround(r.mean_batch)), w.prompt_tokens, w.output_tokens, 2.0, 2.0, 2.0};
    if (r.precision == "fp8") s.bytes_per_weight = 1.0;
    if (r.precision == "mxfp4") s.bytes_per_expert_weight = 4.25 / 8.0;
    return s;
}

// How the runs were served: the benchmark starts vLLM with --tensor-parallel-size set to the
// run's GPUs and, for the MoE models, enable-expert-parallel in the model's configuration
// (ml-energy/benchmark, mlenergy/llm/benchmark.py and configs/vllm/*/*/B200): attention tensor-
// parallel over all n GPUs, experts spread whole over the same n (the file's ep), no data
// parallelism. The alternative reading of the file's tp = 1, ep = n, data-parallel attention over
// the n GPUs, is computed beside it for comparison.
enum class Layout { tensor_parallel_attention, data_parallel_attention };
Parallelism parallelism_of(const Run& r, Layout layout) {
    Parallelism p{r.gpus, 1, r.ep, 8};
    if (r.ep > 1 && layout == Layout::data_parallel_attention) {
        p.tp = 1;
        p.attention_dp = r.gpus;
    }
    return p;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The GEMMs at the H100 profile's efficiencies (the choice), or at the roofline's e = 1 (shown
// beside it).
enum class Gemms { h100_efficiencies, roofline };
// The serving terms: fitted on the 8B B200 runs (the validation), or fitted on the 8B H100
// runs and carried to the B200 by transfer_serving_calibration without any B200 data (a check of
// that rule, which scenarios on unmeasured GPUs rely on).
enum class Terms { fitted_on_b200, carried_from_h100 };

struct B200Fixture {
    explicit B200Fixture(Gemms gemms, Terms terms = Terms::fitted_on_b200) {
        if (gemms == Gemms::roofline) cal.gemm.clear();
        if (terms == Terms::fitted_on_b200) {
            serving = fit_serving_calibration(fit_runs, llms, b200, cal);
            return;
        }
        const std::string data = LIGHTWATT_TEST_DATA_DIR;
        const GpuSpec& h100 = gpus.at("h100_sxm");
        const ServingCalibration on_h100 =
            fit_serving_calibration(load_serving_measurements(data + "/validation/ml-energy-h100.toml"), llms, h100,
                                    interconnect::load_calibration(data + "/calibration/h100-sxm-8gpu.json"));
        serving = transfer_serving_calibration(on_h100, h100, b200);
    }
    LlmCatalog llms = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    GpuCatalog gpus = load_gpu_catalog(LIGHTWATT_TEST_DATA_DIR);
    const GpuSpec& b200 = gpus.at("b200");
    interconnect::CalibrationRecord cal = lightwatt::testing::b200_calibration(gpus.at("h100_sxm"), b200);
    ServingMeasurements fit_runs =
        load_serving_measurements(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/ml-energy-b200.toml");
    ServingCalibration serving;

    // The estimate of a run: its energy per token's relative error, and the two factors of it,
    // estimated over measured GPU power and measured over estimated tokens per second.
    struct Comparison {
        double error = 0, power_ratio = 0, slowness = 0;
    };
    Comparison compare(const Run& r, const FileWorkload& w, Layout layout) const {
        const LlmSpec& m = llms.at(w.model);
        const Parallelism p = parallelism_of(r, layout);
        const ServingPoint s = point_of(r, w);
        validate(m, p, s);
        TimingOptions o;
        o.serving = &serving;
        const CycleEstimate e = estimate_serving(m, p, s, b200, cal, o);
        const double power = in_watts(e.gpu_energy / e.cycle) / e.gpus;
        return {in_joules(e.gpu_only_energy_per_token()) / r.joules_per_token - 1.0, power / r.power_per_gpu_w,
                r.tokens_per_s / e.tokens_per_s()};
    }
};

std::string percent(double e) {
    std::ostringstream out;
    out << (e >= 0 ? "+" : "") << std::lround(100.0 * e) << " %";
    return out.str();
}

std::string magnitude(double e) { return std::to_string(std::lround(100.0 * e)) + " %"; }

}  // namespace

// Files whose median |error| meets the bound (20 %) today; the others do not, for the
// reason docs/validation.md ("B200") gives, and are held at 50 % so that a change shows.
constexpr const char* kGroupsWithinBound[] = {
    "Qwen__Qwen3-235B-A22B-Thinking-2507__gpqa (bfloat16)",
    "Qwen__Qwen3-30B-A3B-Instruct-2507__lm-arena-chat (bfloat16)", "Qwen__Qwen3-30B-A3B-Thinking-2507__gpqa (bfloat16)",
    "meta-llama__Llama-3.1-405B-Instruct-FP8__lm-arena-chat (fp8)", "openai__gpt-oss-20b__gpqa (mxfp4)"};

bool within_bound(const std::string& group) {
    return std::any_of(std::begin(kGroupsWithinBound), std::end(kGroupsWithinBound),
                       [&](const char* g) { return group == g; });
}

TEST_CASE("B200 validation: every named B200 run from the serving terms of the 8B runs alone") {
    const auto path = lightwatt::testing::shared_data_file("validation/ml-energy-v3-runs.tsv");
    if (!path) return;
    const B200Fixture f(Gemms::h100_efficiencies);
    for (const auto& x : f.fit_runs.calibration) CHECK(x.model == "llama_3_1_8b");
    MESSAGE("fitted on the 8B B200 runs: overhead "
            << in_seconds(f.serving.per_layer) * 1e6 << " us per layer + " << in_seconds(f.serving.per_sequence) * 1e6
            << " us per sequence; power " << in_watts(f.serving.static_power) << " W + "
            << in_picojoules_per_flop(f.serving.energy_per_flop) << " W per TFLOP/s + "
            << in_picojoules_per_byte(f.serving.hbm_energy_per_bit) << " W per TB/s, at most "
            << in_watts(f.serving.max_power) << " W");
    // The fitted terms are physical; no fit run reaches 97 % of the B200's 1,000 W, so the cap is it.
    CHECK(f.serving.per_layer >= seconds(0.0));
    CHECK(f.serving.per_sequence >= seconds(0.0));
    CHECK(f.serving.max_power == f.b200.tdp);
    // The fit's own runs, reproduced (a check of the fit, not a validation).
    for (const auto& x : f.fit_runs.calibration) {
        TimingOptions o;
        o.serving = &f.serving;
        const ServingPoint s{x.batch, f.fit_runs.prompt_tokens, x.output_tokens, 2.0, 2.0, 2.0};
        const CycleEstimate e = estimate_serving(f.llms.at(x.model), {1, 1, 1, 8}, s, f.b200, f.cal, o);
        const StepTime& d = e.phase(Phase::decode);
        MESSAGE("fit run " << x.name << ": "
                           << percent(in_joules(e.gpu_only_energy_per_token()) / in_joules(x.energy_per_token) - 1.0)
                           << "; decode step " << in_seconds(d.total) * 1e3 << " ms (roofline "
                           << in_seconds(d.total - d.overhead) * 1e3 << ") against a median ITL of "
                           << in_seconds(x.inter_token_latency) * 1e3 << " ms; " << in_watts(d.gpu_power)
                           << " W against " << in_watts(x.power) << " W");
    }
    // Every row of the named models' files, grouped by file and precision: the error, and the
    // estimated over measured power per GPU and measured over estimated tokens per second.
    const B200Fixture roofline(Gemms::roofline);
    const B200Fixture carried(Gemms::h100_efficiencies, Terms::carried_from_h100);
    std::map<std::string, std::vector<double>> groups, data_parallel, at_roofline, from_h100;
    std::vector<double> all, all_from_h100;
    for (const Run& r : read_b200_runs(*path)) {
        const FileWorkload* w = workload_of(r.file);
        if (w == nullptr) continue;  // models the issue does not name (Qwen3-8B, -32B, DeepSeek-R1, ...)
        const auto c = f.compare(r, *w, Layout::tensor_parallel_attention);
        const std::string group = r.file + " (" + r.precision + ")";
        MESSAGE("row | " << group << " | " << r.gpus << " | " << r.mean_batch << " | " << percent(c.error) << " | "
                         << std::round(100.0 * c.power_ratio) / 100.0 << " | "
                         << std::round(100.0 * c.slowness) / 100.0);
        groups[group].push_back(std::abs(c.error));
        all.push_back(std::abs(c.error));
        at_roofline[group].push_back(std::abs(roofline.compare(r, *w, Layout::tensor_parallel_attention).error));
        const double carried_error = std::abs(carried.compare(r, *w, Layout::tensor_parallel_attention).error);
        from_h100[group].push_back(carried_error);
        all_from_h100.push_back(carried_error);
        if (r.ep > 1) data_parallel[group].push_back(std::abs(f.compare(r, *w, Layout::data_parallel_attention).error));
    }
    // The named files are all there: 12 groups, 144 rows in the file of 0cd52da.
    CHECK(groups.size() == 12);
    CHECK(all.size() == 144);
    for (const auto& [group, errors] : groups)
        MESSAGE("group | " << group << " | " << errors.size() << " | " << magnitude(median(errors)) << " | "
                           << magnitude(median(at_roofline[group])) << " | "
                           << (data_parallel.count(group) != 0 ? magnitude(median(data_parallel[group])) : "-") << " | "
                           << magnitude(median(from_h100[group])));
    const auto within_35 = [](const std::vector<double>& v) {
        return static_cast<double>(std::count_if(v.begin(), v.end(), [](double e) { return e <= 0.35; }));
    };
    const double within = within_35(all);
    MESSAGE(within << " of " << all.size() << " rows within 35 % (the issue asks 90 %); median |error| of all "
                   << magnitude(median(all)));
    MESSAGE("carried from the H100 fit, no B200 data: " << within_35(all_from_h100) << " of " << all.size()
                                                        << " rows within 35 %; median |error| of all "
                                                        << magnitude(median(all_from_h100)));
    MESSAGE(
        "at the roofline: overhead " << in_seconds(roofline.serving.per_layer) * 1e6 << " us per layer + "
                                     << in_seconds(roofline.serving.per_sequence) * 1e6 << " us per sequence; power "
                                     << in_watts(roofline.serving.static_power) << " W + "
                                     << in_picojoules_per_flop(roofline.serving.energy_per_flop) << " W per TFLOP/s + "
                                     << in_picojoules_per_byte(roofline.serving.hbm_energy_per_bit) << " W per TB/s");
    for (const auto& [name, errors] : groups) {
        const auto& group = name;  // Clang before 16 cannot capture a structured binding in CAPTURE's lambda (C++20)
        CAPTURE(group);
        if (within_bound(group)) {
            CHECK(median(errors) <= 0.20);
        } else {
            MESSAGE("NOT MET: median |error| " << magnitude(median(errors)) << " > 20 % for " << group);
            CHECK(median(errors) <= 0.50);
        }
    }
    // The 90 % within 35 % is not met (docs/validation.md); 75 % is held, and 70 % by the
    // terms carried from H100.
    CHECK(within >= 0.75 * static_cast<double>(all.size()));
    CHECK(within_35(all_from_h100) >= 0.70 * static_cast<double>(all.size()));
}
