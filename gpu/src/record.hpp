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

struct GemmMeasurement {
    long long m = 0, n = 0, k = 0;
    std::string dtype;
    double time_s = 0.0, tflop_per_s = 0.0;
    std::optional<double> energy_j, energy_above_idle_j, mean_power_w;
    std::string source;  // algorithm choice and window
};

struct MemoryMeasurement {
    double bytes = 0.0;  // bytes moved per copy: read plus written
    double time_s = 0.0, gbyte_per_s = 0.0;
    std::optional<double> energy_j, energy_above_idle_j;
    std::string source;
};

struct CollectiveRow {
    double bytes = 0.0, time_us = 0.0, algbw_gbyte_per_s = 0.0, busbw_gbyte_per_s = 0.0;
    std::optional<double> energy_j;
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
    std::optional<double> idle_power_w, memory_bound_power_w, compute_bound_power_w;
    std::vector<CollectiveMeasurement> collectives;
    std::string command, date;
};

std::string record_json(const Record& r);

}  // namespace lightwatt::gpu
