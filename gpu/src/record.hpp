// What a measurement produces, and its JSON: the calibration record of docs/calibration.md
// (schema "lightwatt.calibration" version 1), written with the standard library only so that gpu/
// builds on a bare GPU machine; its keys come from the schema's field table
// (lightwatt/gpu/calibration_schema.hpp), which interconnect/calibration_record.hpp's reader uses too.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lightwatt::gpu {

// Exit code 2: the user asked for something impossible.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// Exit code 3: no GPU, NVML or NCCL at run time.
struct MissingResource : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Energy figures are per iteration; the mean power (and its uncertainty) is the window's, of all
// its GPUs; `above_power_limit`: the window's mean power per GPU was above the enforced limit.
struct GemmMeasurement {
    long long m = 0, n = 0, k = 0;
    std::string dtype;
    double time_s = 0.0, tflop_per_s = 0.0;
    std::optional<double> energy_j, energy_above_idle_j, mean_power_w;
    std::string source;  // algorithm choice and window
    std::optional<double> mean_power_uncertainty_w = std::nullopt;
    bool above_power_limit = false;
};

struct MemoryMeasurement {
    double bytes = 0.0;  // bytes moved per copy: read plus written
    double time_s = 0.0, gbyte_per_s = 0.0;
    std::optional<double> energy_j, energy_above_idle_j;
    std::string source;
    std::optional<double> mean_power_w = std::nullopt, mean_power_uncertainty_w = std::nullopt;
    bool above_power_limit = false;
};

struct CollectiveRow {
    double bytes = 0.0, time_us = 0.0, algbw_gbyte_per_s = 0.0, busbw_gbyte_per_s = 0.0;
    std::optional<double> energy_j;
    std::optional<double> energy_uncertainty_j = std::nullopt;
    bool above_power_limit = false;
};

struct CollectiveMeasurement {
    std::string collective;
    int ranks = 0, nodes = 1;
    std::vector<CollectiveRow> rows;
    std::string source;
};

struct Record {
    std::string gpu_model, cuda_version, nccl_version;
    int gpu_count = 0;
    int nodes = 1;
    std::optional<double> sm_clock_mhz, memory_clock_mhz, power_limit_w;
    std::vector<GemmMeasurement> gemm;
    std::vector<MemoryMeasurement> memory;
    // Per GPU: no process on it (clocks down), and a CUDA context open with no kernel running.
    std::optional<double> device_idle_power_w, context_idle_power_w;
    std::optional<double> device_idle_sm_clock_mhz, context_idle_sm_clock_mhz;
    std::optional<double> memory_bound_power_w, compute_bound_power_w;
    bool energy_measured = false;  // the windows' power was measured (windows_above_power_limit is known)
    std::string power_source;      // how the power states were measured
    std::vector<CollectiveMeasurement> collectives;
    std::string command, date;
};

// One line per window of `r` flagged above the power limit ("gemm fp8 8192x8192x8192: 754.0 +-
// 1.2 W"), in the record's order: what stderr shows and windows_above_power_limit counts.
std::vector<std::string> windows_above_power_limit(const Record& r);

std::string record_json(const Record& r);

}  // namespace lightwatt::gpu
