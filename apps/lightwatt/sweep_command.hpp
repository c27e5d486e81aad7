// `lightwatt sweep SWEEP.toml -o DIR [--format csv|jsonl] [--threads N] [--resume] [--quiet] [--json]`:
// every design point of a sweep file (docs/sweep-file.md) with every option of its base scenario,
// written as chunks and a manifest into DIR.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "output.hpp"

namespace lightwatt::cli {

struct SweepOptions {
    std::string file;
    std::string out_dir;
    std::string format = "csv";
    std::optional<int> threads;  // default: LIGHTWATT_THREADS, then the hardware's
    bool resume = false;
    bool quiet = false;
};

// The exit code: 0 when every chunk is written, 130 when SIGINT stopped the run after a chunk.
int sweep(const std::filesystem::path& data_dir, const SweepOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
