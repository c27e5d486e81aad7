#include "record.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lightwatt/gpu/calibration_schema.hpp"

namespace lightwatt::gpu {

namespace {

namespace schema = calibration_schema;

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x",
                                  static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buffer;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string number(double v) {
    if (!std::isfinite(v)) return "null";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return buffer;
}

// One JSON object on one line, its keys taken from the schema's fields.
class Object {
public:
    Object& put(const schema::Field& f, const std::string& v) {
        if (f.presence == schema::Presence::when_given && v.empty()) return *this;
        return raw(f, quoted(v));
    }
    Object& put(const schema::Field& f, double v) { return raw(f, number(v)); }
    Object& put(const schema::Field& f, const std::optional<double>& v) {
        if (f.presence == schema::Presence::when_given && !v) return *this;
        return raw(f, v ? number(*v) : "null");
    }
    Object& put(const schema::Field& f, long long v) { return raw(f, std::to_string(v)); }
    Object& put(const schema::Field& f, int v) { return raw(f, std::to_string(v)); }
    Object& put(const schema::Field& f, bool v) {
        if (f.presence == schema::Presence::when_given && !v) return *this;
        return raw(f, v ? "true" : "false");
    }
    // A string literal would otherwise take the bool overload (a standard conversion).
    Object& put(const schema::Field& f, const char* v) { return put(f, std::string(v)); }
    // A value already written as JSON (a nested object or list).
    Object& raw(const schema::Field& f, const std::string& json) {
        text_ += (text_.empty() ? "" : ", ") + quoted(std::string(f.key)) + ": " + json;
        return *this;
    }
    [[nodiscard]] std::string str() const { return "{" + text_ + "}"; }

private:
    std::string text_;
};

// A list of objects, one per line under the record's top-level key.
template <class Row, class Write>
std::string list(const std::vector<Row>& rows, Write write) {
    std::string out = "[";
    for (std::size_t i = 0; i < rows.size(); ++i) out += (i ? ",\n    " : "\n    ") + write(rows[i]).str();
    return out + (rows.empty() ? "]" : "\n  ]");
}

Object gemm_json(const GemmMeasurement& g) {
    namespace f = schema::gemm;
    Object o;
    o.put(f::m, g.m)
        .put(f::n, g.n)
        .put(f::k, g.k)
        .put(f::dtype, g.dtype)
        .put(f::time_s, g.time_s)
        .put(f::tflop_per_s, g.tflop_per_s);
    o.put(f::energy_j, g.energy_j)
        .put(f::energy_above_idle_j, g.energy_above_idle_j)
        .put(f::mean_power_w, g.mean_power_w)
        .put(f::mean_power_uncertainty_w, g.mean_power_uncertainty_w)
        .put(f::above_power_limit, g.above_power_limit);
    return o.put(f::source, g.source);
}

Object memory_json(const MemoryMeasurement& m) {
    namespace f = schema::memory;
    Object o;
    o.put(f::bytes, m.bytes).put(f::time_s, m.time_s).put(f::gbyte_per_s, m.gbyte_per_s);
    o.put(f::energy_j, m.energy_j).put(f::energy_above_idle_j, m.energy_above_idle_j);
    o.put(f::mean_power_w, m.mean_power_w).put(f::mean_power_uncertainty_w, m.mean_power_uncertainty_w);
    return o.put(f::above_power_limit, m.above_power_limit).put(f::source, m.source);
}

Object provenance_json(const std::string& source, const Record& r) {
    namespace f = schema::provenance;
    Object o;
    return o.put(f::source, source).put(f::command, r.command).put(f::date, r.date);
}

// nccl-tests' summary figures of a sweep: the mean and the peak bus bandwidth of its rows.
Object collective_json(const CollectiveMeasurement& c, const Record& r) {
    namespace f = schema::collective;
    namespace fr = schema::collective_row;
    double sum = 0.0, peak = 0.0;
    std::string rows = "[";
    for (std::size_t k = 0; k < c.rows.size(); ++k) {
        const auto& row = c.rows[k];
        sum += row.busbw_gbyte_per_s;
        peak = std::max(peak, row.busbw_gbyte_per_s);
        Object x;
        x.put(fr::bytes, row.bytes).put(fr::time_us, row.time_us).put(fr::algbw_gbyte_per_s, row.algbw_gbyte_per_s);
        x.put(fr::busbw_gbyte_per_s, row.busbw_gbyte_per_s).put(fr::in_place, false).put(fr::energy_j, row.energy_j);
        x.put(fr::energy_uncertainty_j, row.energy_uncertainty_j).put(fr::above_power_limit, row.above_power_limit);
        rows += (k ? ", " : "") + x.str();
    }
    Object o;
    o.put(f::collective, c.collective).put(f::ranks, c.ranks).put(f::nodes, c.nodes);
    o.put(f::algorithm, std::string()).put(f::protocol, std::string()).raw(f::rows, rows + "]");
    o.put(f::avg_busbw_gbyte_per_s, c.rows.empty() ? 0.0 : sum / static_cast<double>(c.rows.size()));
    return o.put(f::peak_busbw_gbyte_per_s, peak).raw(f::provenance, provenance_json(c.source, r).str());
}

Object machine_json(const Record& r) {
    namespace f = schema::machine;
    Object o;
    o.put(f::gpu_model, r.gpu_model)
        .put(f::gpu_count, r.gpu_count)
        .put(f::nodes, r.nodes)
        .put(f::cuda_version, r.cuda_version);
    o.put(f::nccl_version, r.nccl_version).put(f::nccl_tests_version, std::string());
    return o.put(f::sm_clock_mhz, r.sm_clock_mhz)
        .put(f::memory_clock_mhz, r.memory_clock_mhz)
        .put(f::power_limit_w, r.power_limit_w);
}

Object power_states_json(const Record& r) {
    namespace f = schema::power_states;
    Object o;
    o.put(f::device_idle_power_w, r.device_idle_power_w).put(f::context_idle_power_w, r.context_idle_power_w);
    o.put(f::device_idle_sm_clock_mhz, r.device_idle_sm_clock_mhz)
        .put(f::context_idle_sm_clock_mhz, r.context_idle_sm_clock_mhz);
    o.put(f::memory_bound_power_w, r.memory_bound_power_w).put(f::compute_bound_power_w, r.compute_bound_power_w);
    if (r.energy_measured) o.put(f::windows_above_power_limit, static_cast<int>(windows_above_power_limit(r).size()));
    return o.put(f::source, r.power_source);
}

// "  \"key\": value" of the record's top level.
std::string member(const schema::Field& f, const std::string& json) {
    return "  " + quoted(std::string(f.key)) + ": " + json;
}

std::string flagged(const char* what, double mean_power_w, std::optional<double> uncertainty_w) {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "%s: %.1f +- %.1f W", what, mean_power_w, uncertainty_w.value_or(0.0));
    return buffer;
}

}  // namespace

std::vector<std::string> windows_above_power_limit(const Record& r) {
    std::vector<std::string> out;
    char what[160];
    for (const auto& g : r.gemm) {
        if (!g.above_power_limit) continue;
        std::snprintf(what, sizeof what, "gemm %s %lldx%lldx%lld", g.dtype.c_str(), g.m, g.n, g.k);
        out.push_back(flagged(what, g.mean_power_w.value_or(0.0), g.mean_power_uncertainty_w));
    }
    for (const auto& m : r.memory) {
        if (!m.above_power_limit) continue;
        std::snprintf(what, sizeof what, "copy of %.0f B", m.bytes);
        out.push_back(flagged(what, m.mean_power_w.value_or(0.0), m.mean_power_uncertainty_w));
    }
    for (const auto& c : r.collectives) {
        for (const auto& row : c.rows) {
            if (!row.above_power_limit) continue;
            std::snprintf(what, sizeof what, "%s of %.0f B on %d GPUs", c.collective.c_str(), row.bytes, c.ranks);
            // A collective row keeps its energy per call: its window's mean power is that over a call's time.
            const double call_s = row.time_us * 1e-6;
            const auto uncertainty =
                row.energy_uncertainty_j ? std::optional(*row.energy_uncertainty_j / call_s) : std::nullopt;
            out.push_back(flagged(what, row.energy_j.value_or(0.0) / call_s, uncertainty));
        }
    }
    return out;
}

std::string record_json(const Record& r) {
    namespace f = schema::record;
    const std::vector<std::string> members = {
        member(f::schema, quoted(std::string(schema::kName))),
        member(f::schema_version, std::to_string(schema::kVersion)),
        member(f::machine, machine_json(r).str()),
        member(f::gemm, list(r.gemm, gemm_json)),
        member(f::memory, list(r.memory, memory_json)),
        member(f::power_states, power_states_json(r).str()),
        member(f::collectives,
               list(r.collectives, [&r](const CollectiveMeasurement& c) { return collective_json(c, r); })),
        member(f::provenance, provenance_json("measured by lightwatt-measure", r).str())};
    std::string out = "{\n";
    for (std::size_t i = 0; i < members.size(); ++i) out += members[i] + (i + 1 < members.size() ? ",\n" : "\n");
    return out + "}\n";
}

}  // namespace lightwatt::gpu
