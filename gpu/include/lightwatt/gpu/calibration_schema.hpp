// The calibration record's schema ("lightwatt.calibration" version 1, docs/calibration.md): one
// field table per part of the record (the machine, a GEMM row, a memory row, the power states, a
// collective and its rows, the fit's figures that are read back, a provenance), each field with
// its key, kind, whether it must be given and its allowed range in the key's unit. Keys carry that
// unit as a suffix (docs/contract.md). Both sides of the record derive from these tables: the
// writer of lightwatt-measure (gpu/src/record.cpp) and interconnect's writer, reader and its lists
// of allowed keys (interconnect/src/calibration_record.cpp), so a key exists in one place.
//
// Why here, and with the standard library only: gpu/ builds alone on a bare GPU machine
// (`cmake -S gpu`: CUDA, NCCL, MPI, the standard library), so the table cannot live in a module
// that needs Boost, nlohmann/json or lightwatt::core. It is plain data that depends on nothing;
// interconnect includes it privately (never from its public headers), so the layering stays
// acyclic: gpu/ depends on no module, and no module's interface exposes gpu/.
#pragma once

#include <array>
#include <string_view>

namespace lightwatt::calibration_schema {

inline constexpr std::string_view kName = "lightwatt.calibration";
inline constexpr int kVersion = 1;

enum class Kind { integer, number, text, boolean, object, list };

enum class Presence {
    required,    // a reader refuses the record without it
    optional,    // absent or null: not known (numbers are written as null, strings as "")
    when_given,  // written only when known: a string when not empty, a number when measured, a flag
                 // when true; absent reads as "", unknown, false
};

struct Field {
    std::string_view key;  // the JSON key, its unit as a suffix
    Kind kind = Kind::number;
    Presence presence = Presence::optional;
    double low = 0.0, high = 0.0;  // the allowed range of an integer or a number, in the key's unit
};

// A key's former name: still read, as `field`, with a deprecation warning; never written.
struct Alias {
    std::string_view deprecated;
    const Field* field;
};

// No energy or size bound of its own: any finite figure up to this.
inline constexpr double kHuge = 1e30;
// Dimensions of a GEMM: up to 2^40.
inline constexpr double kMaxDimension = 1099511627776.0;

namespace record {
inline constexpr Field schema{"schema", Kind::text, Presence::required};
inline constexpr Field schema_version{"schema_version", Kind::integer, Presence::required, 1, 1000};
inline constexpr Field machine{"machine", Kind::object};
inline constexpr Field gemm{"gemm", Kind::list};
inline constexpr Field memory{"memory", Kind::list};
inline constexpr Field power_states{"power_states", Kind::object};
inline constexpr Field collectives{"collectives", Kind::list};
inline constexpr Field provenance{"provenance", Kind::object};
inline constexpr std::array fields{schema, schema_version, machine,     gemm,
                                   memory, power_states,   collectives, provenance};
}  // namespace record

namespace machine {
inline constexpr Field gpu_model{"gpu_model", Kind::text};
inline constexpr Field gpu_count{"gpu_count", Kind::integer, Presence::optional, 0, 1e6};
inline constexpr Field nodes{"nodes", Kind::integer, Presence::optional, 0, 1e6};
inline constexpr Field cuda_version{"cuda_version", Kind::text};
inline constexpr Field nccl_version{"nccl_version", Kind::text};
inline constexpr Field nccl_tests_version{"nccl_tests_version", Kind::text};
inline constexpr Field sm_clock_mhz{"sm_clock_mhz", Kind::number, Presence::optional, 0, 1e5};
inline constexpr Field memory_clock_mhz{"memory_clock_mhz", Kind::number, Presence::optional, 0, 1e5};
inline constexpr Field power_limit_w{"power_limit_w", Kind::number, Presence::optional, 0, 1e5};
inline constexpr std::array fields{gpu_model,    gpu_count,        nodes,
                                   cuda_version, nccl_version,     nccl_tests_version,
                                   sm_clock_mhz, memory_clock_mhz, power_limit_w};
}  // namespace machine

// One GEMM; tflop_per_s must equal 2 m n k / time_s within 1 %.
namespace gemm {
inline constexpr Field m{"m", Kind::integer, Presence::required, 1, kMaxDimension};
inline constexpr Field n{"n", Kind::integer, Presence::required, 1, kMaxDimension};
inline constexpr Field k{"k", Kind::integer, Presence::required, 1, kMaxDimension};
inline constexpr Field dtype{"dtype", Kind::text, Presence::required};
inline constexpr Field time_s{"time_s", Kind::number, Presence::required, 1e-12, 1e6};
inline constexpr Field tflop_per_s{"tflop_per_s", Kind::number, Presence::required, 0, 1e6};
inline constexpr Field energy_j{"energy_j", Kind::number, Presence::optional, 0, kHuge};
inline constexpr Field energy_above_idle_j{"energy_above_idle_j", Kind::number, Presence::optional, -kHuge, kHuge};
inline constexpr Field mean_power_w{"mean_power_w", Kind::number, Presence::optional, 0, 1e5};
// +- on mean_power_w (and, in proportion, on energy_j): the energy counter's timing and resolution.
inline constexpr Field mean_power_uncertainty_w{"mean_power_uncertainty_w", Kind::number, Presence::when_given, 0, 1e5};
// The window's mean power per GPU was above machine.power_limit_w (reported, never clamped).
inline constexpr Field above_power_limit{"above_power_limit", Kind::boolean, Presence::when_given};
inline constexpr Field source{"source", Kind::text, Presence::when_given};
inline constexpr std::array fields{m,
                                   n,
                                   k,
                                   dtype,
                                   time_s,
                                   tflop_per_s,
                                   energy_j,
                                   energy_above_idle_j,
                                   mean_power_w,
                                   mean_power_uncertainty_w,
                                   above_power_limit,
                                   source};
}  // namespace gemm

// One bandwidth-bound kernel; bytes moved per copy: read plus written.
namespace memory {
inline constexpr Field bytes{"bytes", Kind::number, Presence::required, 1, kHuge};
inline constexpr Field time_s{"time_s", Kind::number, Presence::required, 1e-12, 1e6};
inline constexpr Field gbyte_per_s{"gbyte_per_s", Kind::number, Presence::required, 0, 1e6};
inline constexpr Field energy_j{"energy_j", Kind::number, Presence::optional, 0, kHuge};
inline constexpr Field energy_above_idle_j{"energy_above_idle_j", Kind::number, Presence::optional, -kHuge, kHuge};
inline constexpr Field mean_power_w{"mean_power_w", Kind::number, Presence::when_given, 0, 1e5};
inline constexpr Field mean_power_uncertainty_w{"mean_power_uncertainty_w", Kind::number, Presence::when_given, 0, 1e5};
inline constexpr Field above_power_limit{"above_power_limit", Kind::boolean, Presence::when_given};
inline constexpr Field source{"source", Kind::text, Presence::when_given};
inline constexpr std::array fields{bytes,
                                   time_s,
                                   gbyte_per_s,
                                   energy_j,
                                   energy_above_idle_j,
                                   mean_power_w,
                                   mean_power_uncertainty_w,
                                   above_power_limit,
                                   source};
}  // namespace memory

// Per GPU. Two idle states: the device with no process on it (clocks down), and with a CUDA
// context open but no kernel running (clocks up); energy_above_idle_j subtracts the second.
namespace power_states {
inline constexpr Field device_idle_power_w{"device_idle_power_w", Kind::number, Presence::optional, 0, 1e5};
inline constexpr Field context_idle_power_w{"context_idle_power_w", Kind::number, Presence::optional, 0, 1e5};
inline constexpr Field device_idle_sm_clock_mhz{"device_idle_sm_clock_mhz", Kind::number, Presence::when_given, 0, 1e5};
inline constexpr Field context_idle_sm_clock_mhz{"context_idle_sm_clock_mhz", Kind::number, Presence::when_given, 0,
                                                 1e5};
inline constexpr Field memory_bound_power_w{"memory_bound_power_w", Kind::number, Presence::optional, 0, 1e5};
inline constexpr Field compute_bound_power_w{"compute_bound_power_w", Kind::number, Presence::optional, 0, 1e5};
// How many windows of the record (GEMMs, copies, collective rows) had a mean power per GPU above
// machine.power_limit_w.
inline constexpr Field windows_above_power_limit{"windows_above_power_limit", Kind::integer, Presence::when_given, 0,
                                                 1e9};
inline constexpr Field source{"source", Kind::text, Presence::when_given};
inline constexpr std::array fields{
    device_idle_power_w,  context_idle_power_w,  device_idle_sm_clock_mhz,  context_idle_sm_clock_mhz,
    memory_bound_power_w, compute_bound_power_w, windows_above_power_limit, source};
// The record's one idle power before the two states were told apart: it was measured with the
// context open.
inline constexpr std::array aliases{Alias{"idle_power_w", &context_idle_power_w}};
}  // namespace power_states

// One collective over a message-size sweep.
namespace collective {
inline constexpr Field collective{"collective", Kind::text, Presence::required};
inline constexpr Field ranks{"ranks", Kind::integer, Presence::required, 1, 1e7};
inline constexpr Field nodes{"nodes", Kind::integer, Presence::required, 0, 1e7};
inline constexpr Field algorithm{"algorithm", Kind::text};
inline constexpr Field protocol{"protocol", Kind::text};
inline constexpr Field rows{"rows", Kind::list};
inline constexpr Field avg_busbw_gbyte_per_s{"avg_busbw_gbyte_per_s", Kind::number, Presence::optional, 0, 1e7};
inline constexpr Field peak_busbw_gbyte_per_s{"peak_busbw_gbyte_per_s", Kind::number, Presence::optional, 0, 1e7};
inline constexpr Field fit{"fit", Kind::object};
inline constexpr Field provenance{"provenance", Kind::object};
inline constexpr std::array fields{
    collective, ranks,     nodes, algorithm, protocol, rows, avg_busbw_gbyte_per_s, peak_busbw_gbyte_per_s,
    fit,        provenance};
}  // namespace collective

// One message size of a collective (nccl-tests' columns).
namespace collective_row {
inline constexpr Field bytes{"bytes", Kind::number, Presence::required, 1, kHuge};
inline constexpr Field time_us{"time_us", Kind::number, Presence::required, 1e-6, 1e12};
inline constexpr Field algbw_gbyte_per_s{"algbw_gbyte_per_s", Kind::number, Presence::required, 0, 1e7};
inline constexpr Field busbw_gbyte_per_s{"busbw_gbyte_per_s", Kind::number, Presence::required, 0, 1e7};
inline constexpr Field in_place{"in_place", Kind::boolean};
inline constexpr Field energy_j{"energy_j", Kind::number, Presence::optional, 0, kHuge};
inline constexpr Field energy_uncertainty_j{"energy_uncertainty_j", Kind::number, Presence::when_given, 0, kHuge};
inline constexpr Field above_power_limit{"above_power_limit", Kind::boolean, Presence::when_given};
inline constexpr std::array fields{bytes,    time_us,  algbw_gbyte_per_s,    busbw_gbyte_per_s,
                                   in_place, energy_j, energy_uncertainty_j, above_power_limit};
}  // namespace collective_row

// The fitted model's figures a reader takes back; the fit's other keys are a report, re-derived
// from the rows by whoever needs them (docs/calibration.md, section 2).
namespace fit {
inline constexpr Field latency_us{"latency_us", Kind::number, Presence::required, 0, 1e12};
inline constexpr Field busbw_gbyte_per_s{"busbw_gbyte_per_s", Kind::number, Presence::required, 1e-9, 1e7};
}  // namespace fit

namespace provenance {
inline constexpr Field source{"source", Kind::text, Presence::required};
inline constexpr Field command{"command", Kind::text};
inline constexpr Field date{"date", Kind::text};
inline constexpr std::array fields{source, command, date};
}  // namespace provenance

}  // namespace lightwatt::calibration_schema
