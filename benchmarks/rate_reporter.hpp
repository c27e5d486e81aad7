// The console reporter of the rate benchmarks, capturing the median items per second of the
// repetitions while it prints, for the PASS/FAIL line.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace lightwatt::bench {

class RateReporter : public benchmark::ConsoleReporter {
public:
    double median_rate = 0.0;                    // of the last benchmark reported
    std::map<std::string, double> median_rates;  // by benchmark function name
    // The median items per second of benchmark function `name`; 0 when it did not run.
    [[nodiscard]] double rate_of(const std::string& name) const {
        const auto it = median_rates.find(name);
        return it != median_rates.end() ? it->second : 0.0;
    }
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) {
            if (run.aggregate_name == "median") {
                const auto it = run.counters.find("items_per_second");
                if (it != run.counters.end()) {
                    median_rate = it->second;
                    median_rates[run.run_name.function_name] = it->second;
                }
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

// Runs the benchmarks the command line selects (Google Benchmark's flags) through `reporter`.
inline void run_benchmarks(int argc, char** argv, RateReporter& reporter) {
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
}

}  // namespace lightwatt::bench
