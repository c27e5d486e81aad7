// A sweep's manifest (docs/sweep-file.md, "Output"): manifest.json beside the chunks, rewritten
// atomically after each chunk, so it never counts a chunk that is not complete on disk. `--resume`
// reads it back and continues after its last complete chunk.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "lightwatt/study/sweep_rows.hpp"

namespace lightwatt::study {

struct SweepManifest {
    std::string sweep_file;
    std::string sweep_hash;  // sweep_hash() of the run that wrote it
    RowFormat format = RowFormat::csv;
    std::size_t points = 0, options = 0;
    std::size_t chunk_points = 0;  // design points per chunk (the last may hold fewer)
    std::size_t chunks = 0, chunks_done = 0;
    std::vector<std::string> columns;

    [[nodiscard]] bool complete() const { return chunks_done == chunks; }
};

// The chunk file of chunk `index`: part-00000.csv, part-00001.jsonl, ...
std::string chunk_file_name(std::size_t index, RowFormat format);

std::string manifest_json(const SweepManifest& m);
// InputError (the file, the key) for a manifest that is not one: unknown or missing keys, counts
// out of range (chunks_done above chunks, chunks not covering the points), or a completed chunk
// whose file is missing beside it.
SweepManifest read_manifest(const std::filesystem::path& file);

}  // namespace lightwatt::study
