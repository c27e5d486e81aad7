// Complete link evaluations per second on one thread: receiver sensitivity, laser sizing from
// the budget, power of every component, static/dynamic split and pJ/bit, for varied designs drawn
// with a seeded counter RNG from the catalog's optical archetypes. It calls evaluate(), the same
// function `lightwatt link show/compare` runs. Target (issue #2): >= 1 million per second.
//
// Status lines go to stderr; Google Benchmark's report (JSON with --benchmark_format=json) to
// stdout. Exit 0 on PASS, 1 on FAIL.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

#include "lightwatt/core/rng.hpp"
#include "rate_reporter.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;

namespace {

constexpr double kTargetPerSecond = 1e6;
constexpr std::uint64_t kSeed = 20261125;

// Each design perturbs one catalog archetype: laser efficiency and feed, TIA noise, modulator
// loss and drive, design channel, deployed reach, DSP and driver energies.
std::vector<LinkArchetype> varied_designs(std::size_t count) {
    static const LinkCatalog catalog = load_link_catalog(LIGHTWATT_BENCH_DATA_DIR);
    std::vector<const LinkArchetype*> optical;
    for (const auto& a : catalog.links())
        if (a.optics) optical.push_back(&a);
    std::vector<LinkArchetype> designs;
    designs.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        CounterRng rng(kSeed, i);
        LinkArchetype a = *optical[rng.next_u64() % optical.size()];
        auto& o = *a.optics;
        o.laser.wall_plug_efficiency = rng.uniform(0.05, 0.35);
        o.transmitter.feed.feed_loss = Decibel(rng.uniform(0.5, 5.0));
        o.tia.input_noise_psd = picoamperes_per_root_hertz(rng.uniform(8.0, 30.0));
        o.design_channel_loss = Decibel(rng.uniform(1.0, 6.0));
        o.channel.length = meters(rng.log_uniform(2.0, 2000.0));
        o.rx_implementation_penalty = Decibel(rng.uniform(2.0, 6.0));
        if (auto* ring = std::get_if<photonics::MicroringModulator>(&o.transmitter.modulator)) {
            ring->extinction_ratio = Decibel(rng.uniform(3.0, 8.0));
            ring->insertion_loss = Decibel(rng.uniform(1.0, 4.0));
        } else if (auto* mzm = std::get_if<photonics::MachZehnderModulator>(&o.transmitter.modulator)) {
            mzm->drive_swing = volts(rng.uniform(1.5, 4.0));
            mzm->insertion_loss = Decibel(rng.uniform(2.0, 6.0));
        }
        if (a.dsp) a.dsp->energy_per_bit = picojoules_per_bit(rng.uniform(4.0, 12.0));
        if (a.driver) a.driver->energy_per_bit = picojoules_per_bit(rng.uniform(0.5, 4.0));
        designs.push_back(std::move(a));
    }
    return designs;
}

void BM_LinkEvaluation(benchmark::State& state) {
    static const std::vector<LinkArchetype> designs = varied_designs(4096);
    std::size_t i = 0;
    for (auto _ : state) {
        const LinkReport r = evaluate(designs[i]);
        benchmark::DoNotOptimize(r.energy_per_bit);
        benchmark::DoNotOptimize(r.optical);
        i = (i + 1) % designs.size();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_LinkEvaluation)->MinTime(2.0)->Repetitions(3)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    lightwatt::bench::RateReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    const bool pass = reporter.median_rate >= kTargetPerSecond;
    std::fprintf(stderr, "link evaluations: %.3g per second on one thread (target >= %.0f): %s\n", reporter.median_rate,
                 kTargetPerSecond, pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
