// `lightwatt frontier RESULTS... [--x KEY] [--y KEY] [--by option|system] [--plot FILE.svg] [--json]`:
// the Pareto frontier of sweep results per option or system (study/pareto.hpp), by default tokens/s
// per MW of facility power against tokens/s per user: what each option's best design points are.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "output.hpp"

namespace lightwatt::cli {

struct FrontierOptions {
    std::vector<std::string> results;  // sweep folders, .csv or .jsonl files of rows
    std::string x = "tokens_per_s_per_user";
    std::string y = "tokens_per_s_per_megawatt";
    std::string by = "option";
    std::optional<std::string> plot;  // SVG: one curve per group
};

void frontier(const FrontierOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
