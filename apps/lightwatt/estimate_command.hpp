// `lightwatt estimate [SCENARIO.toml] [--calibration FILE] [--json|--csv] [--plot FILE.svg]`:
// energy per token of each optical option for a serving scenario (docs/scenario-file.md).
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
    std::optional<std::string> plot;  // SVG of the breakdown per option
};

void estimate(const std::filesystem::path& data_dir, const EstimateOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
