// One scenario evaluation (all its options) once catalogs and calibration are loaded: the serving
// estimate (prefill and decode steps, their times and GPU energy) and the system energy of every
// option, on varied scenarios drawn with a seeded counter RNG (model, batch, lengths, tensor and
// pipeline parallelism, overlap). It calls mapping::estimate(), what `lightwatt estimate` runs.
// Target (issue #5): <= 50 microseconds per evaluation, so 10^5 designs take seconds on two cores.
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
    Catalogs catalogs = Catalogs::load(LIGHTWATT_BENCH_DATA_DIR);
    Scenario base = load_scenario(std::string(LIGHTWATT_BENCH_DATA_DIR) + "/scenarios/default.toml", catalogs);
    EstimateInputs inputs = load_estimate_inputs(base, catalogs, LIGHTWATT_BENCH_DATA_DIR, std::nullopt);
    std::vector<Scenario> scenarios;
};

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
            validate(x.catalogs.llms.llms.at(v.model), v.parallelism, v.point, "bench");
            x.scenarios.push_back(v);
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


}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    lightwatt::bench::RateReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    const double seconds = reporter.median_rate > 0.0 ? 1.0 / reporter.median_rate : 1.0;
    const bool pass = seconds <= kTargetSeconds;
    std::fprintf(stderr, "scenario evaluations: %.2f us each, all options, one thread (target <= %.0f us): %s\n", seconds * 1e6,
                 kTargetSeconds * 1e6, pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
