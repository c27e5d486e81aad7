// `lightwatt sweep --merge -o OUT SHARD_DIR...` (docs/sweep-file.md, "Shards"): the folders of a
// sweep's N shards joined into the folder the unsharded run writes. Every shard's chunk files are
// already the unsharded run's (sweep_shard.hpp), so merging checks the shards and copies them; the
// merged manifest is the unsharded run's, byte for byte.
#pragma once

#include <filesystem>
#include <vector>

#include "lightwatt/study/sweep_manifest.hpp"

namespace lightwatt::study {

// Checks every folder before writing anything: InputError (exit 2) when a folder holds no
// manifest or a bad one, is not a shard, is incomplete, repeats a shard, or is of another sweep
// (sweep_hash), another N or another format than the first, or when a shard of 0 .. N-1 is
// missing, or `out_dir` is not a new or empty folder. Then copies the chunks in order, each
// atomically, and writes the manifest last: an interrupted merge leaves no manifest, never a
// folder that looks complete. OutputError (exit 3) when a file cannot be written.
SweepManifest merge_shards(const std::vector<std::filesystem::path>& shard_dirs, const std::filesystem::path& out_dir);

}  // namespace lightwatt::study
