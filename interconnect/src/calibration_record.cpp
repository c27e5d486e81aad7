#include "lightwatt/interconnect/calibration_record.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::interconnect {

namespace {

using nlohmann::json;

constexpr const char* kSchemaName = "lightwatt.calibration";

json provenance_json(const Provenance& p) { return {{"source", p.source}, {"command", p.command}, {"date", p.date}}; }

template <class T>
void put_optional(json& j, const char* key, const std::optional<T>& v, double (*read)(T)) {
    j[key] = v ? json(read(*v)) : json(nullptr);
}

// A JSON value as a message quotes it: scalars as written (strings cut by the message), containers
// only by their kind, never dumped whole.
std::string preview(const json& v) {
    if (v.is_object()) return "{...}";
    if (v.is_array()) return "[...]";
    if (v.is_string()) return "\"" + v.get<std::string>() + "\"";
    return v.dump();
}

// A JSON object read with validation: every error names the file, the value's JSON path, the
// value and what is allowed; keys that are not known are errors (with the closest known key).
class JsonReader {
public:
    JsonReader(const json& j, std::string file, std::string path) : j_(j), file_(std::move(file)), path_(std::move(path)) {
        if (!j_.is_object()) fail("", preview(j_), "not an object", "a JSON object");
    }

    [[noreturn]] void fail(const std::string& key, const std::string& value, const std::string& problem,
                           const std::string& allowed) const {
        throw place(InputError::at(key, value, problem, allowed));
    }
    // `e`, an error about a key of this object, placed at the object's path in the file.
    [[nodiscard]] InputError place(const InputError& e) const { return relocate(e, file_, 0, path_); }

    void only(const std::vector<std::string>& known) const {
        for (const auto& item : j_.items()) {
            if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
            fail(item.key(), preview(item.value()), "unknown key" + did_you_mean(item.key(), known),
                 "one of the schema's keys (docs/calibration.md)");
        }
    }

    [[nodiscard]] const json* find(const std::string& key) const {
        const auto it = j_.find(key);
        return it == j_.end() || it->is_null() ? nullptr : &*it;
    }
    [[nodiscard]] const json& need(const std::string& key) const {
        const json* v = find(key);
        if (v == nullptr) fail(key, "(missing)", "required key missing", "see docs/calibration.md");
        return *v;
    }

    [[nodiscard]] std::string text(const std::string& key, bool required = false) const {
        const json* v = required ? &need(key) : find(key);
        if (v == nullptr) return "";
        if (!v->is_string()) fail(key, preview(*v), "not a string", "a string");
        return v->get<std::string>();
    }
    [[nodiscard]] double number(const std::string& key, double low, double high) const {
        return number_at(need(key), key, low, high);
    }
    [[nodiscard]] std::optional<double> optional_number(const std::string& key, double low, double high) const {
        const json* v = find(key);
        if (v == nullptr) return std::nullopt;
        return number_at(*v, key, low, high);
    }
    [[nodiscard]] long long integer(const std::string& key, long long low, long long high) const {
        const json& v = need(key);
        if (!v.is_number_integer()) fail(key, preview(v), "not a whole number", "an integer");
        const long long x = v.get<long long>();
        if (x < low || x > high) fail(key, preview(v), "out of range", "an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
        return x;
    }
    [[nodiscard]] bool boolean(const std::string& key) const {
        const json* v = find(key);
        if (v == nullptr) return false;
        if (!v->is_boolean()) fail(key, preview(*v), "not a boolean", "true or false");
        return v->get<bool>();
    }
    [[nodiscard]] const json& array(const std::string& key) const {
        static const json empty = json::array();
        const json* v = find(key);
        if (v == nullptr) return empty;
        if (!v->is_array()) fail(key, preview(*v), "not a list", "a JSON array");
        return *v;
    }
    [[nodiscard]] JsonReader child(const std::string& key) const { return JsonReader(need(key), file_, join(key)); }
    [[nodiscard]] JsonReader element(const std::string& key, std::size_t i) const {
        return JsonReader(array(key)[i], file_, join(key) + "[" + std::to_string(i) + "]");
    }
    [[nodiscard]] bool has(const std::string& key) const { return find(key) != nullptr; }
    [[nodiscard]] std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

private:
    double number_at(const json& v, const std::string& key, double low, double high) const {
        if (!v.is_number()) fail(key, preview(v), "not a number", "a number");
        const double x = v.get<double>();
        if (!std::isfinite(x) || x < low || x > high)
            fail(key, preview(v), "out of range", "a number in [" + format_number(low) + ", " + format_number(high) + "]");
        return x;
    }

    const json& j_;
    std::string file_, path_;
};

constexpr double kHuge = 1e30;

Provenance read_provenance(const JsonReader& r) {
    r.only({"source", "command", "date"});
    return {r.text("source", true), r.text("command"), r.text("date")};
}

}  // namespace

CollectiveRecord collective_record(const NcclTestsRun& run, Information max_fit_size, const std::string& command) {
    CollectiveRecord c;
    c.collective = *run.collective;
    c.ranks = run.ranks;
    c.nodes = run.nodes;
    for (const auto& row : run.rows) {
        c.rows.push_back({row.size, row.out_of_place.time, row.out_of_place.algbw, row.out_of_place.busbw, false, std::nullopt});
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
        held.push_back({{"bytes", in_bytes(h.size)}, {"time_us", in_microseconds(h.measured)},
                        {"predicted_time_us", in_microseconds(h.predicted)}, {"error_pct", 100.0 * h.relative_error()}});
    return {{"model", "t = latency + bytes * busbw_factor / busbw"},
            {"latency_us", in_microseconds(f.latency)},
            {"latency_source", "fit to the log's rows (absorbs the ramp to the bandwidth plateau)"},
            {"busbw_gbyte_per_s", in_gigabytes_per_second(f.bus_bandwidth)},
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
                throw InputError({run.file, run.first_line, "collective", "(not printed)", "the log does not say which collective this is",
                                  "a log that names it, or the collective given with the logs: " +
                                      join_alternatives(enum_names<Collective>())});
            if (run.ranks < 1)
                throw InputError({run.file, run.first_line, "ranks", "(not printed)", "the log has no device list (\"# Using devices\")",
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
    json j;
    j["schema"] = kSchemaName;
    j["schema_version"] = kCalibrationSchemaVersion;
    const Machine& m = r.machine;
    j["machine"] = {{"gpu_model", m.gpu_model},         {"gpu_count", m.gpu_count},       {"nodes", m.nodes},
                    {"cuda_version", m.cuda_version},   {"nccl_version", m.nccl_version}, {"nccl_tests_version", m.nccl_tests_version},
                    {"sm_clock_mhz", m.sm_clock_mhz ? json(*m.sm_clock_mhz) : json(nullptr)},
                    {"memory_clock_mhz", m.memory_clock_mhz ? json(*m.memory_clock_mhz) : json(nullptr)},
                    {"power_limit_w", m.power_limit_w ? json(*m.power_limit_w) : json(nullptr)}};
    j["gemm"] = json::array();
    for (const auto& g : r.gemm) {
        json row = {{"m", g.m}, {"n", g.n}, {"k", g.k}, {"dtype", g.dtype}, {"time_s", in_seconds(g.time)}, {"tflop_per_s", in_teraflops_per_second(g.flop_rate)}};
        put_optional(row, "energy_j", g.energy, &in_joules);
        put_optional(row, "energy_above_idle_j", g.energy_above_idle, &in_joules);
        put_optional(row, "mean_power_w", g.mean_power, &in_watts);
        if (!g.source.empty()) row["source"] = g.source;
        j["gemm"].push_back(row);
    }
    j["memory"] = json::array();
    for (const auto& mem : r.memory) {
        json row = {{"bytes", in_bytes(mem.size)}, {"time_s", in_seconds(mem.time)}, {"gbyte_per_s", in_gigabytes_per_second(mem.bandwidth)}};
        put_optional(row, "energy_j", mem.energy, &in_joules);
        put_optional(row, "energy_above_idle_j", mem.energy_above_idle, &in_joules);
        if (!mem.source.empty()) row["source"] = mem.source;
        j["memory"].push_back(row);
    }
    j["power_states"] = json::object();
    put_optional(j["power_states"], "idle_power_w", r.power.idle, &in_watts);
    put_optional(j["power_states"], "memory_bound_power_w", r.power.memory_bound, &in_watts);
    put_optional(j["power_states"], "compute_bound_power_w", r.power.compute_bound, &in_watts);
    if (!r.power.source.empty()) j["power_states"]["source"] = r.power.source;
    j["collectives"] = json::array();
    for (const auto& c : r.collectives) {
        json rows = json::array();
        for (const auto& row : c.rows) {
            json x = {{"bytes", in_bytes(row.size)},
                      {"time_us", in_microseconds(row.time)},
                      {"algbw_gbyte_per_s", in_gigabytes_per_second(row.algbw)},
                      {"busbw_gbyte_per_s", in_gigabytes_per_second(row.busbw)},
                      {"in_place", row.in_place}};
            put_optional(x, "energy_j", row.energy, &in_joules);
            rows.push_back(x);
        }
        j["collectives"].push_back({{"collective", enum_name(c.collective)},
                                    {"ranks", c.ranks},
                                    {"nodes", c.nodes},
                                    {"algorithm", c.algorithm},
                                    {"protocol", c.protocol},
                                    {"rows", rows},
                                    {"avg_busbw_gbyte_per_s", in_gigabytes_per_second(c.avg_busbw)},
                                    {"peak_busbw_gbyte_per_s", in_gigabytes_per_second(c.peak_busbw)},
                                    {"fit", c.fit ? fit_json(*c.fit) : json(nullptr)},
                                    {"provenance", provenance_json(c.provenance)}});
    }
    j["provenance"] = provenance_json(r.provenance);
    return j;
}

CalibrationRecord read_calibration(std::string_view text, const std::string& file) {
    check_nesting(text, file, Syntax::json);  // nlohmann's dump and destructor recurse
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // Byte offset -> line.
        const std::size_t offset = std::min<std::size_t>(e.byte, text.size());
        const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
        throw InputError({file, line, "", "", "not valid JSON", "a calibration record (docs/calibration.md)"});
    } catch (const json::exception&) {
        // A number beyond double range (the fuzzer's "1e65723612619"), or another value the
        // parser refuses after reading it.
        throw InputError({file, 0, "", "", "a number out of range or an unreadable value", "finite numbers within double range"});
    }
    const JsonReader root(doc, file, "");
    root.only({"schema", "schema_version", "machine", "gemm", "memory", "power_states", "collectives", "provenance"});
    if (root.text("schema", true) != kSchemaName)
        root.fail("schema", root.text("schema"), "not a calibration record", std::string("\"") + kSchemaName + "\"");
    const long long version = root.integer("schema_version", 1, 1000);
    if (version != kCalibrationSchemaVersion)
        root.fail("schema_version", std::to_string(version), "unsupported schema version",
                  std::to_string(kCalibrationSchemaVersion));
    CalibrationRecord r;
    if (root.has("machine")) {
        const JsonReader m = root.child("machine");
        m.only({"gpu_model", "gpu_count", "nodes", "cuda_version", "nccl_version", "nccl_tests_version", "sm_clock_mhz",
                "memory_clock_mhz", "power_limit_w"});
        r.machine.gpu_model = m.text("gpu_model");
        r.machine.gpu_count = m.has("gpu_count") ? static_cast<int>(m.integer("gpu_count", 0, 1000000)) : 0;
        r.machine.nodes = m.has("nodes") ? static_cast<int>(m.integer("nodes", 0, 1000000)) : 0;
        r.machine.cuda_version = m.text("cuda_version");
        r.machine.nccl_version = m.text("nccl_version");
        r.machine.nccl_tests_version = m.text("nccl_tests_version");
        r.machine.sm_clock_mhz = m.optional_number("sm_clock_mhz", 0.0, 1e5);
        r.machine.memory_clock_mhz = m.optional_number("memory_clock_mhz", 0.0, 1e5);
        r.machine.power_limit_w = m.optional_number("power_limit_w", 0.0, 1e5);
    }
    auto joules_of = [](std::optional<double> v) { return v ? std::optional<Energy>(joules(*v)) : std::nullopt; };
    for (std::size_t i = 0; i < root.array("gemm").size(); ++i) {
        const JsonReader g = root.element("gemm", i);
        g.only({"m", "n", "k", "dtype", "time_s", "tflop_per_s", "energy_j", "energy_above_idle_j", "mean_power_w", "source"});
        GemmRow row;
        row.m = g.integer("m", 1, 1LL << 40);
        row.n = g.integer("n", 1, 1LL << 40);
        row.k = g.integer("k", 1, 1LL << 40);
        row.dtype = g.text("dtype", true);
        row.time = seconds(g.number("time_s", 1e-12, 1e6));
        const double tflop_per_s = g.number("tflop_per_s", 0.0, 1e6);
        row.flop_rate = teraflops_per_second(tflop_per_s);
        row.energy = joules_of(g.optional_number("energy_j", 0.0, kHuge));
        row.energy_above_idle = joules_of(g.optional_number("energy_above_idle_j", -kHuge, kHuge));
        if (const auto p = g.optional_number("mean_power_w", 0.0, 1e5)) row.mean_power = watts(*p);
        row.source = g.text("source");
        // The two figures of a row must agree: 2 m n k flops in time_s.
        const double implied = in_teraflops_per_second(
            flops(2.0 * static_cast<double>(row.m) * static_cast<double>(row.n) * static_cast<double>(row.k)) / row.time);
        if (std::abs(implied - tflop_per_s) > 0.01 * tflop_per_s + 1e-9)
            g.fail("tflop_per_s", format_number(tflop_per_s), "disagrees with 2 m n k / time_s = " + format_number(implied),
                   "the two within 1 %");
        r.gemm.push_back(row);
    }
    for (std::size_t i = 0; i < root.array("memory").size(); ++i) {
        const JsonReader mm = root.element("memory", i);
        mm.only({"bytes", "time_s", "gbyte_per_s", "energy_j", "energy_above_idle_j", "source"});
        MemoryRow row;
        row.size = bytes(mm.number("bytes", 1.0, kHuge));
        row.time = seconds(mm.number("time_s", 1e-12, 1e6));
        row.bandwidth = gigabytes_per_second(mm.number("gbyte_per_s", 0.0, 1e6));
        row.energy = joules_of(mm.optional_number("energy_j", 0.0, kHuge));
        row.energy_above_idle = joules_of(mm.optional_number("energy_above_idle_j", -kHuge, kHuge));
        row.source = mm.text("source");
        r.memory.push_back(row);
    }
    if (root.has("power_states")) {
        const JsonReader p = root.child("power_states");
        p.only({"idle_power_w", "memory_bound_power_w", "compute_bound_power_w", "source"});
        r.power.source = p.text("source");
        if (const auto v = p.optional_number("idle_power_w", 0.0, 1e5)) r.power.idle = watts(*v);
        if (const auto v = p.optional_number("memory_bound_power_w", 0.0, 1e5)) r.power.memory_bound = watts(*v);
        if (const auto v = p.optional_number("compute_bound_power_w", 0.0, 1e5)) r.power.compute_bound = watts(*v);
    }
    for (std::size_t i = 0; i < root.array("collectives").size(); ++i) {
        const JsonReader c = root.element("collectives", i);
        c.only({"collective", "ranks", "nodes", "algorithm", "protocol", "rows", "avg_busbw_gbyte_per_s", "peak_busbw_gbyte_per_s",
                "fit", "provenance"});
        CollectiveRecord rec;
        const std::string name = c.text("collective", true);
        const auto collective = enum_parse<Collective>(name);
        if (!collective) throw c.place(unknown_enum<Collective>("collective", name));
        rec.collective = *collective;
        rec.ranks = static_cast<int>(c.integer("ranks", 1, 10000000));
        rec.nodes = static_cast<int>(c.integer("nodes", 0, 10000000));
        rec.algorithm = c.text("algorithm");
        rec.protocol = c.text("protocol");
        for (std::size_t k = 0; k < c.array("rows").size(); ++k) {
            const JsonReader row = c.element("rows", k);
            row.only({"bytes", "time_us", "algbw_gbyte_per_s", "busbw_gbyte_per_s", "in_place", "energy_j"});
            CollectiveRow x;
            x.size = bytes(row.number("bytes", 1.0, kHuge));
            x.time = microseconds(row.number("time_us", 1e-6, 1e12));
            x.algbw = gigabytes_per_second(row.number("algbw_gbyte_per_s", 0.0, 1e7));
            x.busbw = gigabytes_per_second(row.number("busbw_gbyte_per_s", 0.0, 1e7));
            x.in_place = row.boolean("in_place");
            x.energy = joules_of(row.optional_number("energy_j", 0.0, kHuge));
            rec.rows.push_back(x);
        }
        if (const auto v = c.optional_number("avg_busbw_gbyte_per_s", 0.0, 1e7)) rec.avg_busbw = gigabytes_per_second(*v);
        if (const auto v = c.optional_number("peak_busbw_gbyte_per_s", 0.0, 1e7)) rec.peak_busbw = gigabytes_per_second(*v);
        if (c.has("fit")) {
            // The fit is re-derived from the rows by whoever needs it; only its shape is checked.
            const JsonReader f = c.child("fit");
            CollectiveFit fit;
            fit.collective = rec.collective;
            fit.ranks = rec.ranks;
            fit.nodes = std::max(1, rec.nodes);
            fit.latency = microseconds(f.number("latency_us", 0.0, 1e12));
            fit.bus_bandwidth = gigabytes_per_second(f.number("busbw_gbyte_per_s", 1e-9, 1e7));
            rec.fit = fit;
        }
        if (c.has("provenance")) rec.provenance = read_provenance(c.child("provenance"));
        r.collectives.push_back(std::move(rec));
    }
    if (root.has("provenance")) r.provenance = read_provenance(root.child("provenance"));
    return r;
}

CalibrationRecord load_calibration(const std::string& path) {
    return read_calibration(read_input_file(path, "a calibration record (JSON)", kMaxTextFileBytes), path);
}

}  // namespace lightwatt::interconnect
