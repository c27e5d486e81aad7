// `lightwatt sweep SWEEP.toml -o DIR [--format csv|jsonl] [--threads N] [--shard I/N] [--resume]
// [--quiet] [--json]`: every design point of a sweep file (docs/sweep-file.md) with every option of
// its base scenario, or a shard's part of them, written as chunks and a manifest into DIR.
// `lightwatt sweep --merge -o DIR SHARD_DIR...` joins the folders of every shard into DIR.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "output.hpp"

namespace lightwatt::cli {

struct SweepOptions {
    std::vector<std::string> inputs;  // the sweep file; with `merge`, the shards' folders
    std::string out_dir;
    std::string format = "csv";
    std::optional<int> threads;        // default: LIGHTWATT_THREADS, then the hardware's
    std::optional<std::string> shard;  // "I/N"
    bool resume = false;
    bool merge = false;
    bool quiet = false;
};

// The exit code: 0 when every chunk (of the shard) is written or the merge is done, 130 when
// SIGINT stopped the run after a chunk.
int sweep(const std::filesystem::path& data_dir, const SweepOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
