// The calibration record (docs/calibration.md, "The calibration record"): one JSON document,
// schema "lightwatt.calibration" version 1, written by every producer (nccl-tests import, the
// GPU harness, the embedded public profiles) and read by the estimate. Keys carry their unit as
// a suffix (docs/contract.md). Every part carries its provenance.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lightwatt/interconnect/collective_fit.hpp"
#include "lightwatt/interconnect/nccl_tests.hpp"

namespace lightwatt::interconnect {

inline constexpr int kCalibrationSchemaVersion = 1;

struct Provenance {
    std::string source;   // a file, a URL or "measured"
    std::string command;  // what produced it
    std::string date;     // ISO 8601
};

struct Machine {
    std::string gpu_model;
    int gpu_count = 0;
    int nodes = 0;
    std::string cuda_version, nccl_version, nccl_tests_version;
    std::optional<double> sm_clock_mhz, memory_clock_mhz, power_limit_w;
};

// A measured window's power: its mean over the window's GPUs together, within +- its uncertainty
// (the energy counter's timing and resolution), and whether its mean per GPU was above the
// machine's enforced power limit (flagged, never clamped). The members added with the uncertainty
// have defaults, so that a row listing only the older figures stays complete.
struct GemmRow {
    long long m = 0, n = 0, k = 0;
    std::string dtype;
    Time time{};
    FlopRate flop_rate{};
    std::optional<Energy> energy, energy_above_idle;
    std::optional<Power> mean_power;
    std::string source;  // where the row comes from, when not from the record's own provenance
    std::optional<Power> mean_power_uncertainty = std::nullopt;
    bool above_power_limit = false;
};

struct MemoryRow {
    Information size{};
    Time time{};
    DataRate bandwidth{};
    std::optional<Energy> energy, energy_above_idle;
    std::string source;
    std::optional<Power> mean_power = std::nullopt, mean_power_uncertainty = std::nullopt;
    bool above_power_limit = false;
};

// Per GPU. Device idle: no process on the GPU (clocks down); context idle: a CUDA context open, no
// kernel running (clocks up), the state energy_above_idle subtracts. The estimate uses neither
// (docs/calibration.md, "Which idle power is used where").
struct PowerStates {
    std::optional<Power> device_idle, context_idle, memory_bound, compute_bound;
    std::optional<double> device_idle_sm_clock_mhz, context_idle_sm_clock_mhz;
    std::optional<int> windows_above_power_limit;  // of the record's windows; empty when not measured
    std::string source;
};

struct CollectiveRow {
    Information size{};
    Time time{};
    DataRate algbw{}, busbw{};
    bool in_place = false;
    std::optional<Energy> energy;
    std::optional<Energy> energy_uncertainty = std::nullopt;  // of `energy`, per call
    bool above_power_limit = false;
};

struct CollectiveRecord {
    Collective collective = Collective::all_reduce;
    int ranks = 0, nodes = 0;
    std::string algorithm, protocol;  // when known
    std::vector<CollectiveRow> rows;
    DataRate avg_busbw{}, peak_busbw{};
    std::optional<CollectiveFit> fit;
    Provenance provenance;
};

struct CalibrationRecord {
    Machine machine;
    std::vector<GemmRow> gemm;
    std::vector<MemoryRow> memory;
    PowerStates power;
    std::vector<CollectiveRecord> collectives;
    Provenance provenance;
};

// Rows up to this size enter a collective's fit unless the user says otherwise (the command line's
// --max-fit-bytes, Python's max_fit_bytes): 1 GiB; larger rows are predicted, the held-out check
// of docs/calibration.md.
inline constexpr double kDefaultMaxFitBytes = 1073741824.0;

// A collective record from an nccl-tests run, with its model fitted on rows up to max_fit_size.
CollectiveRecord collective_record(const NcclTestsRun& run, Information max_fit_size, const std::string& command);

// A record of nccl-tests logs (`lightwatt calibrate nccl-tests`, lightwatt.calibrate_nccl_tests):
// one collective per run, each fitted on rows up to max_fit_size; the machine from the runs' device
// lists. `given` names the collective of logs that do not print it. `runs`, when given, receives
// the runs in the record's order. InputError for a run without a collective (when none is given)
// or a device list.
CalibrationRecord calibration_from_nccl_tests(const std::vector<std::string>& logs, std::optional<Collective> given,
                                              Information max_fit_size, const std::string& command,
                                              std::vector<NcclTestsRun>* runs = nullptr);

nlohmann::json calibration_json(const CalibrationRecord& record);
nlohmann::json fit_json(const CollectiveFit& fit);
// Reads a record; InputError names the file, the JSON path of the bad value, the value and what
// is allowed (parse errors: the line).
CalibrationRecord read_calibration(std::string_view text, const std::string& file);
CalibrationRecord load_calibration(const std::filesystem::path& path);

}  // namespace lightwatt::interconnect
