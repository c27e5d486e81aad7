// `lightwatt solve [SCENARIO.toml] --parameter PATH --option A [--versus B] --saving-pct X
// [--range LO,HI] [--json]`: the value of a catalog figure at which option A saves X % of J/token
// over option B (study/saving_solve.hpp); a saving no value in the range gives is reported, exit 0.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "output.hpp"

namespace lightwatt::cli {

struct SolveOptions {
    std::optional<std::string> file;  // default: data/scenarios/default.toml
    std::string parameter;            // a catalog figure's path (catalog_figure.hpp)
    std::string option;
    std::string versus = "baseline";
    double saving_pct = 0.0;
    std::vector<double> range;  // empty, or LO and HI
};

void solve(const std::filesystem::path& data_dir, const SolveOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
