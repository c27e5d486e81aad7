// `lightwatt estimate [SCENARIO.toml] [--calibration FILE] [--json|--csv] [--plot FILE.svg]
// [--monte-carlo N [--seed S] [--tornado FILE.svg]]`: energy per token of each optical option for a serving scenario
// (docs/scenario-file.md); with --monte-carlo, its uncertainty from the catalog's published ranges
// (docs/models/uncertainty.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "output.hpp"

namespace lightwatt::cli {

struct EstimateOptions {
    std::optional<std::string> file;         // default: data/scenarios/default.toml
    std::optional<std::string> calibration;  // overrides the scenario's profile
    bool csv = false;
    std::optional<std::string> plot;       // SVG of the breakdown per option
    std::optional<long long> monte_carlo;  // draws
    std::optional<long long> seed;         // of the draws
    std::optional<std::string> tornado;    // SVG of what moves each option's saving
};

void estimate(const std::filesystem::path& data_dir, const EstimateOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
