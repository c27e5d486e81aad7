#include "record.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace lightwatt::gpu {

namespace {

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
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
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

std::string number(const std::optional<double>& v) { return v ? number(*v) : "null"; }

}  // namespace

std::string record_json(const Record& r) {
    std::ostringstream j;
    j << "{\n  \"schema\": \"lightwatt.calibration\",\n  \"schema_version\": 1,\n";
    j << "  \"machine\": {\"gpu_model\": " << quoted(r.gpu_model) << ", \"gpu_count\": " << r.gpu_count
      << ", \"nodes\": " << r.nodes << ", \"cuda_version\": " << quoted(r.cuda_version) << ", \"nccl_version\": " << quoted(r.nccl_version)
      << ", \"nccl_tests_version\": \"\", \"sm_clock_mhz\": " << number(r.sm_clock_mhz)
      << ", \"memory_clock_mhz\": " << number(r.memory_clock_mhz) << ", \"power_limit_w\": " << number(r.power_limit_w) << "},\n";
    j << "  \"gemm\": [";
    for (std::size_t i = 0; i < r.gemm.size(); ++i) {
        const auto& g = r.gemm[i];
        j << (i ? ",\n    " : "\n    ") << "{\"m\": " << g.m << ", \"n\": " << g.n << ", \"k\": " << g.k
          << ", \"dtype\": " << quoted(g.dtype) << ", \"time_s\": " << number(g.time_s) << ", \"tflop_per_s\": " << number(g.tflop_per_s)
          << ", \"energy_j\": " << number(g.energy_j) << ", \"energy_above_idle_j\": " << number(g.energy_above_idle_j)
          << ", \"mean_power_w\": " << number(g.mean_power_w) << ", \"source\": " << quoted(g.source) << "}";
    }
    j << (r.gemm.empty() ? "],\n" : "\n  ],\n");
    j << "  \"memory\": [";
    for (std::size_t i = 0; i < r.memory.size(); ++i) {
        const auto& m = r.memory[i];
        j << (i ? ",\n    " : "\n    ") << "{\"bytes\": " << number(m.bytes) << ", \"time_s\": " << number(m.time_s)
          << ", \"gbyte_per_s\": " << number(m.gbyte_per_s) << ", \"energy_j\": " << number(m.energy_j)
          << ", \"energy_above_idle_j\": " << number(m.energy_above_idle_j) << ", \"source\": " << quoted(m.source) << "}";
    }
    j << (r.memory.empty() ? "],\n" : "\n  ],\n");
    j << "  \"power_states\": {\"idle_power_w\": " << number(r.idle_power_w) << ", \"memory_bound_power_w\": "
      << number(r.memory_bound_power_w) << ", \"compute_bound_power_w\": " << number(r.compute_bound_power_w)
      << ", \"source\": \"measured: NVML total-energy counter over windows of at least 1 s\"},\n";
    j << "  \"collectives\": [";
    for (std::size_t i = 0; i < r.collectives.size(); ++i) {
        const auto& c = r.collectives[i];
        double sum = 0.0, peak = 0.0;
        for (const auto& row : c.rows) {
            sum += row.busbw_gbyte_per_s;
            peak = std::max(peak, row.busbw_gbyte_per_s);
        }
        j << (i ? ",\n    " : "\n    ") << "{\"collective\": " << quoted(c.collective) << ", \"ranks\": " << c.ranks
          << ", \"nodes\": " << c.nodes << ", \"algorithm\": \"\", \"protocol\": \"\", \"rows\": [";
        for (std::size_t k = 0; k < c.rows.size(); ++k) {
            const auto& row = c.rows[k];
            j << (k ? ", " : "") << "{\"bytes\": " << number(row.bytes) << ", \"time_us\": " << number(row.time_us)
              << ", \"algbw_gbyte_per_s\": " << number(row.algbw_gbyte_per_s) << ", \"busbw_gbyte_per_s\": "
              << number(row.busbw_gbyte_per_s) << ", \"in_place\": false, \"energy_j\": " << number(row.energy_j) << "}";
        }
        j << "], \"avg_busbw_gbyte_per_s\": " << number(c.rows.empty() ? 0.0 : sum / static_cast<double>(c.rows.size()))
          << ", \"peak_busbw_gbyte_per_s\": " << number(peak) << ", \"provenance\": {\"source\": " << quoted(c.source)
          << ", \"command\": " << quoted(r.command) << ", \"date\": " << quoted(r.date) << "}}";
    }
    j << (r.collectives.empty() ? "],\n" : "\n  ],\n");
    j << "  \"provenance\": {\"source\": \"measured by lightwatt-measure\", \"command\": " << quoted(r.command)
      << ", \"date\": " << quoted(r.date) << "}\n}\n";
    return j.str();
}

}  // namespace lightwatt::gpu
