#include "lightwatt/interconnect/calibration_record.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "calibration_fields.hpp"
#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/json_reader.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::interconnect {

namespace {

using nlohmann::json;
namespace schema = calibration_schema;
using detail::flag;
using detail::integer;
using detail::keys_of;
using detail::number;
using detail::quantity;
using detail::read_fields;
using detail::text;
using detail::write_fields;

constexpr const char* kSchemaDoc = "docs/calibration.md";
static_assert(kCalibrationSchemaVersion == schema::kVersion);

// Each part of the record bound to its schema table (lightwatt/gpu/calibration_schema.hpp), in the
// table's order.
auto machine_fields() {
    namespace f = schema::machine;
    return std::tuple{text(f::gpu_model, &Machine::gpu_model),
                      integer(f::gpu_count, &Machine::gpu_count),
                      integer(f::nodes, &Machine::nodes),
                      text(f::cuda_version, &Machine::cuda_version),
                      text(f::nccl_version, &Machine::nccl_version),
                      text(f::nccl_tests_version, &Machine::nccl_tests_version),
                      number(f::sm_clock_mhz, &Machine::sm_clock_mhz),
                      number(f::memory_clock_mhz, &Machine::memory_clock_mhz),
                      number(f::power_limit_w, &Machine::power_limit_w)};
}

auto gemm_fields() {
    namespace f = schema::gemm;
    return std::tuple{integer(f::m, &GemmRow::m),
                      integer(f::n, &GemmRow::n),
                      integer(f::k, &GemmRow::k),
                      text(f::dtype, &GemmRow::dtype),
                      quantity(f::time_s, &GemmRow::time, seconds, in_seconds),
                      quantity(f::tflop_per_s, &GemmRow::flop_rate, teraflops_per_second, in_teraflops_per_second),
                      quantity(f::energy_j, &GemmRow::energy, joules, in_joules),
                      quantity(f::energy_above_idle_j, &GemmRow::energy_above_idle, joules, in_joules),
                      quantity(f::mean_power_w, &GemmRow::mean_power, watts, in_watts),
                      quantity(f::mean_power_uncertainty_w, &GemmRow::mean_power_uncertainty, watts, in_watts),
                      flag(f::above_power_limit, &GemmRow::above_power_limit),
                      text(f::source, &GemmRow::source)};
}

auto memory_fields() {
    namespace f = schema::memory;
    return std::tuple{quantity(f::bytes, &MemoryRow::size, bytes, in_bytes),
                      quantity(f::time_s, &MemoryRow::time, seconds, in_seconds),
                      quantity(f::gbyte_per_s, &MemoryRow::bandwidth, gigabytes_per_second, in_gigabytes_per_second),
                      quantity(f::energy_j, &MemoryRow::energy, joules, in_joules),
                      quantity(f::energy_above_idle_j, &MemoryRow::energy_above_idle, joules, in_joules),
                      quantity(f::mean_power_w, &MemoryRow::mean_power, watts, in_watts),
                      quantity(f::mean_power_uncertainty_w, &MemoryRow::mean_power_uncertainty, watts, in_watts),
                      flag(f::above_power_limit, &MemoryRow::above_power_limit),
                      text(f::source, &MemoryRow::source)};
}

auto power_state_fields() {
    namespace f = schema::power_states;
    return std::tuple{quantity(f::device_idle_power_w, &PowerStates::device_idle, watts, in_watts),
                      quantity(f::context_idle_power_w, &PowerStates::context_idle, watts, in_watts),
                      number(f::device_idle_sm_clock_mhz, &PowerStates::device_idle_sm_clock_mhz),
                      number(f::context_idle_sm_clock_mhz, &PowerStates::context_idle_sm_clock_mhz),
                      quantity(f::memory_bound_power_w, &PowerStates::memory_bound, watts, in_watts),
                      quantity(f::compute_bound_power_w, &PowerStates::compute_bound, watts, in_watts),
                      integer(f::windows_above_power_limit, &PowerStates::windows_above_power_limit),
                      text(f::source, &PowerStates::source)};
}

auto collective_row_fields() {
    namespace f = schema::collective_row;
    return std::tuple{
        quantity(f::bytes, &CollectiveRow::size, bytes, in_bytes),
        quantity(f::time_us, &CollectiveRow::time, microseconds, in_microseconds),
        quantity(f::algbw_gbyte_per_s, &CollectiveRow::algbw, gigabytes_per_second, in_gigabytes_per_second),
        quantity(f::busbw_gbyte_per_s, &CollectiveRow::busbw, gigabytes_per_second, in_gigabytes_per_second),
        flag(f::in_place, &CollectiveRow::in_place),
        quantity(f::energy_j, &CollectiveRow::energy, joules, in_joules),
        quantity(f::energy_uncertainty_j, &CollectiveRow::energy_uncertainty, joules, in_joules),
        flag(f::above_power_limit, &CollectiveRow::above_power_limit)};
}

// A collective's scalars before its rows, and its bus-bandwidth summary after them (the reader's
// order); the collective's name, rows, fit and provenance are read by read_collective.
auto collective_head_fields() {
    namespace f = schema::collective;
    return std::tuple{integer(f::ranks, &CollectiveRecord::ranks), integer(f::nodes, &CollectiveRecord::nodes),
                      text(f::algorithm, &CollectiveRecord::algorithm), text(f::protocol, &CollectiveRecord::protocol)};
}

auto collective_summary_fields() {
    namespace f = schema::collective;
    return std::tuple{
        quantity(f::avg_busbw_gbyte_per_s, &CollectiveRecord::avg_busbw, gigabytes_per_second, in_gigabytes_per_second),
        quantity(f::peak_busbw_gbyte_per_s, &CollectiveRecord::peak_busbw, gigabytes_per_second,
                 in_gigabytes_per_second)};
}

auto provenance_fields() {
    namespace f = schema::provenance;
    return std::tuple{text(f::source, &Provenance::source), text(f::command, &Provenance::command),
                      text(f::date, &Provenance::date)};
}

template <class Row, class Bindings>
json row_json(const Bindings& bindings, const Row& row) {
    json j = json::object();
    write_fields(bindings, row, j);
    return j;
}

template <class Row, class Bindings, std::size_t N>
Row read_row(const Bindings& bindings, const std::array<schema::Field, N>& table, const JsonReader& r) {
    r.only(keys_of(table));
    Row row;
    read_fields(bindings, r, row);
    return row;
}

template <class Row, class Bindings>
json rows_json(const Bindings& bindings, const std::vector<Row>& rows) {
    json out = json::array();
    for (const Row& row : rows) out.push_back(row_json(bindings, row));
    return out;
}

}  // namespace

CollectiveRecord collective_record(const NcclTestsRun& run, Information max_fit_size, const std::string& command) {
    CollectiveRecord c;
    c.collective = *run.collective;
    c.ranks = run.ranks;
    c.nodes = run.nodes;
    for (const auto& row : run.rows) {
        c.rows.push_back(
            {row.size, row.out_of_place.time, row.out_of_place.algbw, row.out_of_place.busbw, false, std::nullopt});
        c.rows.push_back({row.size, row.in_place.time, row.in_place.algbw, row.in_place.busbw, true, std::nullopt});
    }
    const NcclTestsCheck check = check_run(run);
    c.avg_busbw = check.avg_busbw;
    c.peak_busbw = check.peak_busbw;
    c.fit = fit_collective(run, max_fit_size);
    c.provenance = {run.file + ":" + std::to_string(run.first_line), command, ""};
    return c;
}

json fit_json(const CollectiveFit& f) {
    json held = json::array();
    for (const auto& h : f.held_out)
        held.push_back({{"bytes", in_bytes(h.size)},
                        {"time_us", in_microseconds(h.measured)},
                        {"predicted_time_us", in_microseconds(h.predicted)},
                        {"error_pct", 100.0 * h.relative_error()}});
    return {
        {"model", "t = latency + bytes * busbw_factor / busbw"},
        {std::string(schema::fit::latency_us.key), in_microseconds(f.latency)},
        {"latency_source", "fit to the log's rows (absorbs the ramp to the bandwidth plateau)"},
        {std::string(schema::fit::busbw_gbyte_per_s.key), in_gigabytes_per_second(f.bus_bandwidth)},
        {"busbw_factor", bus_bandwidth_factor(f.collective, f.ranks)},
        {"max_fitted_bytes", in_bytes(f.max_fitted_size)},
        {"halves_fitted", f.halves_fitted},
        {"fit_rms_error_pct", 100.0 * f.fit_rms_relative_error},
        {"held_out", held},
        {"median_held_out_error_pct", f.median_held_out_error ? json(100.0 * *f.median_held_out_error) : json(nullptr)},
        {"nccl_model_latency_ll_us", in_microseconds(f.nccl_latency_ll)},
        {"nccl_model_latency_simple_us", in_microseconds(f.nccl_latency_simple)},
        {"nccl_model_source", "NCCL src/graph/tuning.cc (NVIDIA/nccl 5067397c), ring algorithm"}};
}

CalibrationRecord calibration_from_nccl_tests(const std::vector<std::string>& logs, std::optional<Collective> given,
                                              Information max_fit_size, const std::string& command,
                                              std::vector<NcclTestsRun>* runs) {
    CalibrationRecord record;
    std::set<std::string> gpu_models;
    for (const auto& log : logs) {
        for (auto& run : read_nccl_tests_file(log, given)) {
            if (!run.collective)
                throw InputError({run.file, run.first_line, "collective", "(not printed)",
                                  "the log does not say which collective this is",
                                  "a log that names it, or the collective given with the logs: " +
                                      join_alternatives(enum_names<Collective>())});
            if (run.ranks < 1)
                throw InputError({run.file, run.first_line, "ranks", "(not printed)",
                                  "the log has no device list (\"# Using devices\")",
                                  "the full nccl-tests output, including its device list"});
            for (const auto& d : run.devices) gpu_models.insert(d);
            record.machine.gpu_count = std::max(record.machine.gpu_count, run.ranks);
            record.machine.nodes = std::max(record.machine.nodes, run.nodes);
            if (record.machine.nccl_tests_version.empty()) record.machine.nccl_tests_version = run.version;
            record.collectives.push_back(collective_record(run, max_fit_size, command));
            if (runs != nullptr) runs->push_back(std::move(run));
        }
    }
    for (const auto& g : gpu_models) record.machine.gpu_model += (record.machine.gpu_model.empty() ? "" : ", ") + g;
    record.provenance = {"nccl-tests logs", command, ""};
    return record;
}

json calibration_json(const CalibrationRecord& r) {
    namespace f = schema::record;
    json j;
    j[std::string(f::schema.key)] = schema::kName;
    j[std::string(f::schema_version.key)] = schema::kVersion;
    j[std::string(f::machine.key)] = row_json(machine_fields(), r.machine);
    j[std::string(f::gemm.key)] = rows_json(gemm_fields(), r.gemm);
    j[std::string(f::memory.key)] = rows_json(memory_fields(), r.memory);
    j[std::string(f::power_states.key)] = row_json(power_state_fields(), r.power);
    json collectives = json::array();
    for (const auto& c : r.collectives) {
        namespace fc = schema::collective;
        json x = row_json(collective_head_fields(), c);
        write_fields(collective_summary_fields(), c, x);
        x[std::string(fc::collective.key)] = enum_name(c.collective);
        x[std::string(fc::rows.key)] = rows_json(collective_row_fields(), c.rows);
        x[std::string(fc::fit.key)] = c.fit ? fit_json(*c.fit) : json(nullptr);
        x[std::string(fc::provenance.key)] = row_json(provenance_fields(), c.provenance);
        collectives.push_back(x);
    }
    j[std::string(f::collectives.key)] = collectives;
    j[std::string(f::provenance.key)] = row_json(provenance_fields(), r.provenance);
    return j;
}

namespace {

// The schema name and version, which say the document is a record this reader knows.
void check_schema(const JsonReader& root) {
    namespace f = schema::record;
    const std::string name = root.text(f::schema.key, true);
    if (name != schema::kName)
        throw root.error(f::schema.key, name, "not a calibration record", "\"" + std::string(schema::kName) + "\"");
    const long long version = root.integer(f::schema_version.key, static_cast<long long>(f::schema_version.low),
                                           static_cast<long long>(f::schema_version.high));
    if (version != schema::kVersion)
        throw root.error(f::schema_version.key, std::to_string(version), "unsupported schema version",
                         std::to_string(schema::kVersion));
}

// The two figures of a GEMM row must agree: 2 m n k flops in time_s.
void check_gemm_rate(const JsonReader& r, const GemmRow& row) {
    const double tflop_per_s = in_teraflops_per_second(row.flop_rate);
    const double implied = in_teraflops_per_second(
        flops(2.0 * static_cast<double>(row.m) * static_cast<double>(row.n) * static_cast<double>(row.k)) / row.time);
    if (std::abs(implied - tflop_per_s) > 0.01 * tflop_per_s + 1e-9)
        throw r.error(schema::gemm::tflop_per_s.key, format_number(tflop_per_s),
                      "disagrees with 2 m n k / time_s = " + format_number(implied), "the two within 1 %");
}

GemmRow read_gemm(const JsonReader& r) {
    GemmRow row = read_row<GemmRow>(gemm_fields(), schema::gemm::fields, r);
    check_gemm_rate(r, row);
    return row;
}

// The power states, with the record's former single idle power read as the context idle it was
// measured in (a deprecation warning says so; written together with its new key, an InputError).
PowerStates read_power_states(const JsonReader& r) {
    namespace f = schema::power_states;
    r.only(keys_of(f::fields, f::aliases));
    PowerStates p;
    read_fields(power_state_fields(), r, p);
    static_assert(f::aliases.size() == 1 && f::aliases[0].field == &f::context_idle_power_w);
    const schema::Alias& idle = f::aliases[0];
    if (r.spelling(idle.field->key, idle.deprecated) == idle.deprecated)
        p.context_idle = watts(r.number(idle.deprecated, idle.field->low, idle.field->high));
    return p;
}

// The fit is re-derived from the rows by whoever needs it; only the figures it is used for are read.
CollectiveFit read_fit(const JsonReader& r, const CollectiveRecord& rec) {
    namespace f = schema::fit;
    CollectiveFit fit;
    fit.collective = rec.collective;
    fit.ranks = rec.ranks;
    fit.nodes = std::max(1, rec.nodes);
    fit.latency = microseconds(r.number(f::latency_us.key, f::latency_us.low, f::latency_us.high));
    fit.bus_bandwidth =
        gigabytes_per_second(r.number(f::busbw_gbyte_per_s.key, f::busbw_gbyte_per_s.low, f::busbw_gbyte_per_s.high));
    return fit;
}

Collective read_collective_name(const JsonReader& r) {
    const std::string_view key = schema::collective::collective.key;
    const std::string name = r.text(key, true);
    const auto collective = enum_parse<Collective>(name);
    if (!collective) throw r.place(unknown_enum<Collective>(std::string(key), name));
    return *collective;
}

CollectiveRecord read_collective(const JsonReader& r) {
    namespace f = schema::collective;
    r.only(keys_of(f::fields));
    CollectiveRecord rec;
    rec.collective = read_collective_name(r);
    read_fields(collective_head_fields(), r, rec);
    for (std::size_t k = 0; k < r.size(f::rows.key); ++k)
        rec.rows.push_back(read_row<CollectiveRow>(collective_row_fields(), schema::collective_row::fields,
                                                   r.element(f::rows.key, k)));
    read_fields(collective_summary_fields(), r, rec);
    if (r.has(f::fit.key)) rec.fit = read_fit(r.child(f::fit.key), rec);
    if (r.has(f::provenance.key))
        rec.provenance =
            read_row<Provenance>(provenance_fields(), schema::provenance::fields, r.child(f::provenance.key));
    return rec;
}

// Each element of the list at `key`, read by `read`.
template <class Read>
auto read_list(const JsonReader& root, std::string_view key, Read read) {
    std::vector<decltype(read(root))> out;
    for (std::size_t i = 0; i < root.size(key); ++i) out.push_back(read(root.element(key, i)));
    return out;
}

}  // namespace

CalibrationRecord read_calibration(std::string_view text, const std::string& file) {
    namespace f = schema::record;
    const json doc = parse_json_document(text, file, "a calibration record (docs/calibration.md)");
    const JsonReader root(doc, file, "", kSchemaDoc);
    root.only(keys_of(f::fields));
    check_schema(root);
    CalibrationRecord r;
    if (root.has(f::machine.key))
        r.machine = read_row<Machine>(machine_fields(), schema::machine::fields, root.child(f::machine.key));
    r.gemm = read_list(root, f::gemm.key, read_gemm);
    r.memory = read_list(root, f::memory.key, [](const JsonReader& m) {
        return read_row<MemoryRow>(memory_fields(), schema::memory::fields, m);
    });
    if (root.has(f::power_states.key)) r.power = read_power_states(root.child(f::power_states.key));
    r.collectives = read_list(root, f::collectives.key, read_collective);
    if (root.has(f::provenance.key))
        r.provenance =
            read_row<Provenance>(provenance_fields(), schema::provenance::fields, root.child(f::provenance.key));
    return r;
}

CalibrationRecord load_calibration(const std::filesystem::path& path) {
    return read_calibration(read_input_file(path, "a calibration record (JSON)", kMaxTextFileBytes), path.string());
}

}  // namespace lightwatt::interconnect
