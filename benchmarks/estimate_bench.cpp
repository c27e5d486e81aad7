// One scenario evaluation (all its options) once catalogs and calibration are loaded: the serving
// estimate (prefill and decode steps, their times and GPU energy) and the system energy of every
// option, on varied scenarios drawn with a seeded counter RNG (model, batch, lengths, tensor and
// pipeline parallelism, overlap); and the same for training steps (model, tp, pp, dp, tokens per
// step, sequence length, interleaving). It calls mapping::estimate(), what `lightwatt estimate` runs.
// Target (issue #5): <= 50 microseconds per evaluation in both modes, so 10^5 designs take seconds
// on two cores; and (issue #13) the same on the rack-scale systems (GB200 NVL72, Rubin Ultra
// NVL576) with every option of data/options.toml their GPU's NVLink domain admits. The
// parallelism search (many estimates per option) is timed for information.
//
// Status lines go to stderr; Google Benchmark's report to stdout. Exit 0 on PASS, 1 on FAIL.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

#include "lightwatt/core/rng.hpp"
#include "rate_reporter.hpp"
#include "lightwatt/mapping/scenario.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;

namespace {

constexpr double kTargetSeconds = 50e-6;

struct Setup {
    Catalogs catalogs = load_catalogs(LIGHTWATT_BENCH_DATA_DIR);
    Scenario base = load_scenario(std::string(LIGHTWATT_BENCH_DATA_DIR) + "/scenarios/default.toml", catalogs);
    EstimateInputs inputs = load_estimate_inputs(base, catalogs, LIGHTWATT_BENCH_DATA_DIR, std::nullopt);
    Scenario training_base =
        load_scenario(std::string(LIGHTWATT_BENCH_DATA_DIR) + "/scenarios/llama3-405b-training.toml", catalogs);
    Scenario search =
        load_scenario(std::string(LIGHTWATT_BENCH_DATA_DIR) + "/scenarios/405b-latency-target.toml", catalogs);
    std::vector<Scenario> scenarios, training;
    // Rack scale: each with its own inputs (no calibration record; serving terms carried to its GPU).
    std::vector<Scenario> racks;
    std::vector<EstimateInputs> rack_inputs;
};

// Every option of the catalog whose scale-up domain the scenario's GPU admits, the baseline first.
std::vector<std::string> all_options(const Catalogs& c, const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& name : c.systems.options.names())
        if (c.systems.options.at(name).scale_up_domain_gpus <= c.gpus.at(s.gpu).nvlink_max_domain_gpus)
            out.push_back(name);
    return out;
}

Setup& setup() {
    static Setup s = [] {
        Setup x;
        CounterRng rng(20261125, 5);
        const std::vector<std::pair<std::string, std::vector<int>>> models = {
            {"llama_3_1_8b", {1, 2, 4, 8}}, {"llama_3_1_70b", {2, 4, 8}}, {"llama_3_1_405b", {8, 16}}};
        for (int i = 0; i < 512; ++i) {
            Scenario v = x.base;
            const auto& [model, tps] = models[static_cast<std::size_t>(i) % models.size()];
            v.model = model;
            v.parallelism.tp = tps[static_cast<std::size_t>(rng.uniform(0.0, static_cast<double>(tps.size()) - 1e-9))];
            v.parallelism.pp = rng.uniform() < 0.3 ? 2 : 1;
            v.point.batch = static_cast<int>(rng.log_uniform(1.0, 512.0));
            v.point.prompt_tokens = static_cast<int>(rng.log_uniform(16.0, 8192.0));
            v.point.output_tokens = static_cast<int>(rng.log_uniform(16.0, 2048.0));
            v.point.bytes_per_weight = rng.uniform() < 0.5 ? 1.0 : 2.0;
            v.communication_overlap = rng.uniform(0.0, 0.5);
            validate(x.catalogs.llms.at(v.model), v.parallelism, v.point);
            x.scenarios.push_back(v);
        }
        const std::vector<std::pair<std::string, int>> trained = {
            {"llama_3_1_8b", 1}, {"llama_3_1_70b", 4}, {"llama_3_1_405b", 8}};
        for (int i = 0; i < 512; ++i) {
            Scenario v = x.training_base;
            const auto& [model, tp] = trained[static_cast<std::size_t>(i) % trained.size()];
            v.model = model;
            v.parallelism.tp = tp;
            v.parallelism.pp = 1 << static_cast<int>(rng.uniform(0.0, 4.999));  // 1 to 16
            v.parallelism.dp = 1 << static_cast<int>(rng.uniform(0.0, 7.999));  // 1 to 128
            v.parallelism.virtual_stages = rng.uniform() < 0.5 ? 1 : 2;
            v.training.sequence_length = 1 << static_cast<int>(rng.uniform(11.0, 13.999));  // 2K to 8K
            const double micro_batches = static_cast<double>(1 << static_cast<int>(rng.uniform(0.0, 6.999)));
            v.training.tokens_per_step = micro_batches * v.parallelism.dp * v.training.sequence_length;
            v.communication_overlap = rng.uniform(0.0, 0.5);
            validate(x.catalogs.llms.at(v.model), v.parallelism, v.training);
            x.training.push_back(v);
        }
        for (const char* file : {"gb200-nvl72-405b-fp4.toml", "rubin-ultra-nvl576-405b.toml"}) {
            Scenario rack = load_scenario(std::string(LIGHTWATT_BENCH_DATA_DIR) + "/scenarios/" + file, x.catalogs);
            rack.options = all_options(x.catalogs, rack);
            x.rack_inputs.push_back(load_estimate_inputs(rack, x.catalogs, LIGHTWATT_BENCH_DATA_DIR, std::nullopt));
            for (int i = 0; i < 64; ++i) {
                Scenario v = rack;
                v.point.batch = static_cast<int>(rng.log_uniform(1.0, 512.0));
                v.point.prompt_tokens = static_cast<int>(rng.log_uniform(16.0, 8192.0));
                v.point.output_tokens = static_cast<int>(rng.log_uniform(16.0, 2048.0));
                x.racks.push_back(v);
            }
        }
        return x;
    }();
    return s;
}

void BM_ScenarioEvaluation(benchmark::State& state) {
    Setup& s = setup();
    std::size_t i = 0;
    for (auto _ : state) {
        const Estimate e = estimate(s.scenarios[i], s.inputs);
        benchmark::DoNotOptimize(e.options.data());
        i = (i + 1) % s.scenarios.size();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ScenarioEvaluation)->MinTime(2.0)->Repetitions(3)->ReportAggregatesOnly(true);

void BM_TrainingEvaluation(benchmark::State& state) {
    Setup& s = setup();
    std::size_t i = 0;
    for (auto _ : state) {
        const Estimate e = estimate(s.training[i], s.inputs);
        benchmark::DoNotOptimize(e.options.data());
        i = (i + 1) % s.training.size();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_TrainingEvaluation)->MinTime(2.0)->Repetitions(3)->ReportAggregatesOnly(true);

void BM_RackScaleEvaluation(benchmark::State& state) {
    Setup& s = setup();
    std::size_t i = 0;
    const std::size_t per_rack = s.racks.size() / s.rack_inputs.size();
    for (auto _ : state) {
        const Estimate e = estimate(s.racks[i], s.rack_inputs[i / per_rack]);
        benchmark::DoNotOptimize(e.options.data());
        i = (i + 1) % s.racks.size();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RackScaleEvaluation)->MinTime(2.0)->Repetitions(3)->ReportAggregatesOnly(true);

// Information, no target: every tp x pp of up to 64 GPUs per option (data/scenarios/405b-latency-target.toml).
void BM_ParallelismSearch(benchmark::State& state) {
    Setup& s = setup();
    for (auto _ : state) {
        const Estimate e = estimate(s.search, s.inputs);
        benchmark::DoNotOptimize(e.options.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParallelismSearch)->MinTime(1.0)->Repetitions(3)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    lightwatt::bench::RateReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    auto seconds_of = [&](const char* name) {
        const double rate = reporter.rate_of(name);
        return rate > 0.0 ? 1.0 / rate : 1.0;
    };
    const double serving = seconds_of("BM_ScenarioEvaluation");
    const double training = seconds_of("BM_TrainingEvaluation");
    const double rack = seconds_of("BM_RackScaleEvaluation");
    const bool pass = serving <= kTargetSeconds && training <= kTargetSeconds && rack <= kTargetSeconds;
    std::fprintf(stderr,
                 "scenario evaluations: serving %.2f us, training %.2f us each, all options, one thread (target <= "
                 "%.0f us): %s\n",
                 serving * 1e6, training * 1e6, kTargetSeconds * 1e6, pass ? "PASS" : "FAIL");
    std::fprintf(stderr,
                 "rack scale (GB200 NVL72, Rubin Ultra NVL576; every option their NVLink domain admits): %.2f us per "
                 "scenario (target <= %.0f us)\n",
                 rack * 1e6, kTargetSeconds * 1e6);
    std::fprintf(stderr,
                 "parallelism search (information): %.0f us per scenario, every tp x pp of up to 64 GPUs per option\n",
                 seconds_of("BM_ParallelismSearch") * 1e6);
    return pass ? 0 : 1;
}
