// `lightwatt sweep` end to end once the catalogs are loaded: design points read through the
// scenario reader, estimated with every option, written as CSV chunks and a manifest to a folder,
// on the machine's threads (LIGHTWATT_THREADS to change); beside it the single-scenario path
// (mapping::estimate on the same points, already read, nothing written) on one thread, and the
// sweep on one thread. The sweep crosses batch 1..256 with output lengths 16..2048 on the default
// scenario (Llama 3.1 405B fp8, 8x H100, 5 options): 128 x 128 points, all of which fit. A second
// sweep sets a link figure on the catalogs: the pluggables' CW laser's wall-plug efficiency (16
// values, outermost) x batch (128) x output length (8), the evaluator built afresh in each run so
// that reading the catalog files and the 16 re-read link catalogs are timed too; beside it the same
// sweep with a scenario key (the facility's power budget, 16 values) in place of the catalog axis.
// A third sets a photonic-core figure with the offloaded GEMMs' accuracy in the rows: the
// dot-product core's ADC bits 4..10 (7 values, outermost) x batch 64..256 (128: every batch samples
// the same 64 token rows) x output length (8), evaluator afresh in each run, so each run emulates
// once per ADC value; its rate and the accuracy cache's hit rate are reported, with no target (the
// issue asks for the rate).
// Target (issue #14 item 6): >= 200,000 design-point x option evaluations per second with CSV written,
// timed on the wall clock.
//
// Status lines go to stderr; Google Benchmark's report to stdout. Exit 0 on PASS, 1 on FAIL.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/study/sweep_run.hpp"
#include "rate_reporter.hpp"

using namespace lightwatt;
using namespace lightwatt::study;

namespace {

constexpr double kTargetEvaluationsPerSecond = 200'000.0;

const std::string kSweep = "scenario = \"" LIGHTWATT_BENCH_DATA_DIR
                           "/scenarios/default.toml\"\n"
                           "[axes.batch]\nkey = \"workload.batch\"\nlinear = { from = 1, to = 256, count = 128 }\n"
                           "[axes.output_tokens]\nkey = \"workload.output_tokens\"\n"
                           "log = { from = 16, to = 2048, count = 128 }\n";

const std::string kLinkFigureSweep =
    "scenario = \"" LIGHTWATT_BENCH_DATA_DIR
    "/scenarios/default.toml\"\n"
    "[axes.laser_wpe]\nkey = \"catalog.lasers.cw_dfb_1310_uncooled.wall_plug_efficiency\"\n"
    "linear = { from = 0.1, to = 0.3, count = 16 }\n"
    "[axes.batch]\nkey = \"workload.batch\"\nlinear = { from = 1, to = 256, count = 128 }\n"
    "[axes.output_tokens]\nkey = \"workload.output_tokens\"\nlog = { from = 16, to = 2048, count = 8 }\n";

// The same shape with a scenario key in place of the catalog figure.
const std::string kScenarioKeySweep =
    "scenario = \"" LIGHTWATT_BENCH_DATA_DIR
    "/scenarios/default.toml\"\n"
    "[axes.power_budget]\nkey = \"facility.power_budget_mw\"\n"
    "linear = { from = 10.0, to = 30.0, count = 16 }\n"
    "[axes.batch]\nkey = \"workload.batch\"\nlinear = { from = 1, to = 256, count = 128 }\n"
    "[axes.output_tokens]\nkey = \"workload.output_tokens\"\nlog = { from = 16, to = 2048, count = 8 }\n";

const std::string kCoreFigureSweep =
    "scenario = \"" LIGHTWATT_BENCH_DATA_DIR
    "/scenarios/default.toml\"\n"
    "offload_accuracy = true\n"
    "[axes.adc_bits]\nkey = \"catalog.cores.dot_product_engine.adc_bits\"\n"
    "linear = { from = 4, to = 10, count = 7 }\n"
    "[axes.batch]\nkey = \"workload.batch\"\nlinear = { from = 64, to = 256, count = 128 }\n"
    "[axes.output_tokens]\nkey = \"workload.output_tokens\"\nlog = { from = 16, to = 2048, count = 8 }\n";

SweepFile sweep_of(const std::string& text) { return parse_sweep_file(text, "bench-sweep.toml", "."); }

struct Setup {
    mapping::Catalogs catalogs = mapping::load_catalogs(LIGHTWATT_BENCH_DATA_DIR);
    SweepFile sweep = sweep_of(kSweep);
    SweepFile link_figure_sweep = sweep_of(kLinkFigureSweep);
    SweepFile scenario_key_sweep = sweep_of(kScenarioKeySweep);
    SweepFile core_figure_sweep = sweep_of(kCoreFigureSweep);
    std::size_t emulations = 0, cache_lookups = 0;  // of the last run of the core-figure sweep
    PointEvaluator evaluator{sweep, catalogs, LIGHTWATT_BENCH_DATA_DIR};
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "lightwatt-sweep-bench";
};

Setup& setup() {
    static Setup s;
    return s;
}

std::size_t evaluations(const Setup& s) { return s.sweep.space.point_count() * s.evaluator.base().options.size(); }

void run_sweep_on(benchmark::State& state, int threads) {
    Setup& s = setup();
    SweepRunOptions o;
    o.out_dir = s.dir;
    o.threads = threads;
    for (auto _ : state) {
        state.PauseTiming();
        std::filesystem::remove_all(s.dir);
        state.ResumeTiming();
        const SweepOutcome r = run_sweep(s.evaluator, LIGHTWATT_BENCH_DATA_DIR, o);
        benchmark::DoNotOptimize(r.chunks_written);
    }
    std::filesystem::remove_all(s.dir);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * evaluations(s)));
}

void BM_Sweep(benchmark::State& state) { run_sweep_on(state, default_thread_count()); }
BENCHMARK(BM_Sweep)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

void BM_SweepOneThread(benchmark::State& state) { run_sweep_on(state, 1); }
BENCHMARK(BM_SweepOneThread)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// A sweep of 16 x 128 x 8 points whose evaluator is built in each run.
void run_fresh_sweep(benchmark::State& state, const SweepFile& sweep) {
    Setup& s = setup();
    SweepRunOptions o;
    o.out_dir = s.dir;
    o.threads = default_thread_count();
    std::size_t rows = 0;
    for (auto _ : state) {
        state.PauseTiming();
        std::filesystem::remove_all(s.dir);
        state.ResumeTiming();
        const PointEvaluator evaluator{sweep, s.catalogs, LIGHTWATT_BENCH_DATA_DIR};
        const SweepOutcome r = run_sweep(evaluator, LIGHTWATT_BENCH_DATA_DIR, o);
        rows = r.manifest.points * r.manifest.options;
        benchmark::DoNotOptimize(r.chunks_written);
        const OffloadAccuracyCache& cache = evaluator.offload_accuracy_cache();
        s.emulations = cache.emulations();
        s.cache_lookups = cache.emulations() + cache.hits();
    }
    std::filesystem::remove_all(s.dir);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
void BM_SweepLinkFigure(benchmark::State& state) { run_fresh_sweep(state, setup().link_figure_sweep); }
BENCHMARK(BM_SweepLinkFigure)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

void BM_SweepScenarioKey(benchmark::State& state) { run_fresh_sweep(state, setup().scenario_key_sweep); }
BENCHMARK(BM_SweepScenarioKey)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

void BM_SweepCoreFigure(benchmark::State& state) { run_fresh_sweep(state, setup().core_figure_sweep); }
BENCHMARK(BM_SweepCoreFigure)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3.0)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// The single-scenario path on the same points: the base scenario with batch and output length set
// in the struct, estimated; no reading, no rows, one thread.
void BM_EstimateOnly(benchmark::State& state) {
    Setup& s = setup();
    const auto inputs =
        mapping::load_estimate_inputs(s.evaluator.base(), s.catalogs, LIGHTWATT_BENCH_DATA_DIR, std::nullopt, false);
    std::vector<AxisValue> v;
    std::size_t point = 0;
    mapping::Scenario scenario = s.evaluator.base();
    for (auto _ : state) {
        s.sweep.space.values_at(point, v);
        scenario.point.batch = static_cast<int>(std::get<long long>(v[0]));
        scenario.point.output_tokens = static_cast<int>(std::get<long long>(v[1]));
        const auto e = mapping::estimate(scenario, inputs);
        benchmark::DoNotOptimize(e.options.data());
        point = (point + 1) % s.sweep.space.point_count();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.evaluator.base().options.size()));
}
BENCHMARK(BM_EstimateOnly)->MinTime(2.0)->Repetitions(3)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
    lightwatt::bench::RateReporter reporter;
    lightwatt::bench::run_benchmarks(argc, argv, reporter);
    auto rate = [&](const char* name) { return reporter.rate_of(name); };
    const double sweep = rate("BM_Sweep");
    const double link_figure = rate("BM_SweepLinkFigure");
    const bool pass = sweep >= kTargetEvaluationsPerSecond && link_figure >= kTargetEvaluationsPerSecond;
    std::fprintf(stderr,
                 "sweep: %.0f design-point x option evaluations per second with CSV written, %d threads (target >= "
                 "%.0f): %s\n",
                 sweep, default_thread_count(), kTargetEvaluationsPerSecond,
                 sweep >= kTargetEvaluationsPerSecond ? "PASS" : "FAIL");
    std::fprintf(stderr,
                 "sweep with a link-figure axis (a laser's wall-plug efficiency): %.0f evaluations per second, %d "
                 "threads (target >= %.0f): %s; the same sweep over a scenario key: %.0f\n",
                 link_figure, default_thread_count(), kTargetEvaluationsPerSecond,
                 link_figure >= kTargetEvaluationsPerSecond ? "PASS" : "FAIL", rate("BM_SweepScenarioKey"));
    const Setup& s = setup();
    std::fprintf(stderr,
                 "sweep with a photonic-core axis (ADC bits) and the offloaded GEMMs' accuracy: %.0f evaluations per "
                 "second, %d threads, %zu emulations in %zu look-ups per run (hit rate %.2f %%); the sweep over a "
                 "scenario key above: %.0f\n",
                 rate("BM_SweepCoreFigure"), default_thread_count(), s.emulations, s.cache_lookups,
                 s.cache_lookups ? 100.0 * static_cast<double>(s.cache_lookups - s.emulations) /
                                       static_cast<double>(s.cache_lookups)
                                 : 0.0,
                 rate("BM_SweepScenarioKey"));
    std::fprintf(stderr,
                 "one thread: the sweep %.0f evaluations/s, the single-scenario path (estimate only, nothing read or "
                 "written) %.0f\n",
                 rate("BM_SweepOneThread"), rate("BM_EstimateOnly"));
    return pass ? 0 : 1;
}
