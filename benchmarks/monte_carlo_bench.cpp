// `lightwatt estimate --monte-carlo 10000` once the scenario and its inputs are loaded: 10,000
// draws of the default scenario's ranged catalog figures (study/monte_carlo.hpp), each estimated
// with every option, on the machine's threads (LIGHTWATT_THREADS to change), then the medians,
// intervals and the saving's standardised regression coefficients; beside it the single estimate
// (mapping::estimate, one thread) in the same run. Target (issue #14 item 6): 10,000 draws in at
// most 2 s, timed on the wall clock.
//
// Status lines go to stderr; Google Benchmark's report to stdout. Exit 0 on PASS, 1 on FAIL.
#include <benchmark/benchmark.h>

#include <cstdio>

#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/sensitivity.hpp"
#include "rate_reporter.hpp"

using namespace lightwatt;
using namespace lightwatt::study;

namespace {

constexpr std::size_t kDraws = 10'000;
constexpr double kTargetSeconds = 2.0;

struct Setup {
    mapping::Catalogs catalogs = mapping::load_catalogs(LIGHTWATT_BENCH_DATA_DIR);
    mapping::Scenario scenario =
        mapping::load_scenario(std::string(LIGHTWATT_BENCH_DATA_DIR) + "/scenarios/default.toml", catalogs);
    mapping::EstimateInputs inputs =
        mapping::load_estimate_inputs(scenario, catalogs, LIGHTWATT_BENCH_DATA_DIR, std::nullopt, false);
};

Setup& setup() {
    static Setup s;
    return s;
}

void BM_MonteCarlo(benchmark::State& state) {
    Setup& s = setup();
    for (auto _ : state) {
        const MonteCarloResult r = monte_carlo(s.scenario, s.inputs, kDraws, 20261125, default_thread_count());
        std::vector<double> y(r.draws);
        for (std::size_t d = 0; d < r.draws; ++d) y[d] = r.saving_vs_baseline_pct[d * r.options.size() + 1];
        benchmark::DoNotOptimize(standardised_regression(r.drawn, r.figures.size(), y).r_squared);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kDraws));
}
BENCHMARK(BM_MonteCarlo)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

void BM_SingleEstimate(benchmark::State& state) {
    Setup& s = setup();
    for (auto _ : state) {
        const auto e = mapping::estimate(s.scenario, s.inputs);
        benchmark::DoNotOptimize(e.options.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SingleEstimate)->MinTime(1.0)->Repetitions(3)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
    lightwatt::bench::RateReporter reporter;
    lightwatt::bench::run_benchmarks(argc, argv, reporter);
    const double draws_per_s = reporter.rate_of("BM_MonteCarlo");
    const double seconds = draws_per_s > 0.0 ? static_cast<double>(kDraws) / draws_per_s : 0.0;
    const bool pass = draws_per_s > 0.0 && seconds <= kTargetSeconds;
    std::fprintf(stderr,
                 "monte carlo: %zu draws of the default scenario in %.3f s, %d threads (target <= %.1f s): %s\n",
                 kDraws, seconds, default_thread_count(), kTargetSeconds, pass ? "PASS" : "FAIL");
    std::fprintf(stderr, "the single estimate (one thread): %.1f us; a draw costs %.1f us of wall time\n",
                 1e6 / reporter.rate_of("BM_SingleEstimate"), 1e6 / draws_per_s);
    return pass ? 0 : 1;
}
