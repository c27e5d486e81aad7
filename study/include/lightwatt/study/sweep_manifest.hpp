// A sweep's manifest (docs/sweep-file.md, "Output"): manifest.json beside the chunks, rewritten
// atomically after each chunk, so it never counts a chunk that is not complete on disk. `--resume`
// reads it back and continues after its last complete chunk. A shard's manifest (sweep_shard.hpp)
// describes the whole sweep and counts the chunks of its own range.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lightwatt/study/sweep_rows.hpp"
#include "lightwatt/study/sweep_shard.hpp"

namespace lightwatt::study {

struct SweepManifest {
    std::string sweep_file;
    std::string sweep_hash;  // sweep_hash() of the run that wrote it
    RowFormat format = RowFormat::csv;
    std::size_t points = 0, options = 0;
    std::size_t chunk_points = 0;  // design points per chunk (the last may hold fewer)
    std::size_t chunks = 0;        // the sweep's, in all
    std::optional<Shard> shard;    // set for a shard's folder
    std::size_t chunks_done = 0;   // of this folder's range, from its first chunk
    std::vector<std::string> columns;

    // The chunks this folder holds when complete: all of them, or the shard's.
    [[nodiscard]] ChunkRange range() const { return shard ? shard_chunks(*shard, chunks) : ChunkRange{0, chunks}; }
    // The chunk to write next.
    [[nodiscard]] std::size_t next_chunk() const { return range().first + chunks_done; }
    [[nodiscard]] bool complete() const { return chunks_done == range().size(); }
};

// The chunk file of chunk `index`: part-00000.csv, part-00001.jsonl, ...
std::string chunk_file_name(std::size_t index, RowFormat format);

std::string manifest_json(const SweepManifest& m);
// The manifest in `text`; InputError (`name`, the key) for one that is not one: malformed JSON,
// unknown or missing keys, counts out of range (chunks_done above the folder's chunks, chunks not
// covering the points), a malformed shard or a shard_chunks that is not the shard's.
SweepManifest parse_manifest(const std::string& text, const std::string& name);
// parse_manifest of the file, and InputError when a chunk it counts complete is missing beside it.
SweepManifest read_manifest(const std::filesystem::path& file);

}  // namespace lightwatt::study
