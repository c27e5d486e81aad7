// Test helper: a sweep's rows as the tests read them, the design points' JSON lines from the
// evaluator and a chunk file's text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lightwatt/study/sweep_file.hpp"
#include "lightwatt/study/sweep_rows.hpp"

namespace lightwatt::testing {

// A sweep file from its text, relative paths against the working directory.
inline study::SweepFile sweep_of(const std::string& text) { return study::parse_sweep_file(text, "sweep.toml", "."); }

// The JSON-lines rows of the sweep's first `points` design points, parsed.
inline std::vector<nlohmann::json> jsonl_rows(const study::PointEvaluator& e, std::size_t points) {
    study::PointWorkspace w = e.workspace();
    std::string rows;
    for (std::size_t p = 0; p < points; ++p) e.append_rows(p, study::RowFormat::jsonl, w, rows);
    std::istringstream lines(rows);
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

inline std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace lightwatt::testing
