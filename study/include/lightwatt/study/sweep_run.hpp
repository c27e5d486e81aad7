// The sweep driver (`lightwatt sweep`): design points in chunks of a fixed number of points, each
// chunk evaluated in blocks on the threads and written atomically as one file, then the manifest
// rewritten; memory holds one chunk at a time. The blocks' boundaries and every row depend only on
// the point's index, so the files are the same bytes on any thread count.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lightwatt/study/sweep_manifest.hpp"
#include "lightwatt/study/sweep_rows.hpp"

namespace lightwatt::study {

// 4096 points per chunk: at 5 options about a megabyte of CSV, a tenth of a second of work on
// two cores, so an interrupt is honoured quickly and a directory of 10^6 points holds 245 files.
inline constexpr std::size_t kChunkPoints = 4096;

struct SweepRunOptions {
    std::filesystem::path out_dir;
    RowFormat format = RowFormat::csv;
    int threads = 1;
    bool resume = false;
    std::size_t chunk_points = kChunkPoints;
    std::optional<Shard> shard;  // evaluate only this shard's chunks (sweep_shard.hpp)
    // Set (by a SIGINT handler): the run stops after the chunk in progress.
    const std::atomic<bool>* stop = nullptr;
    // Called after each chunk with the points written and the total, of the shard when sharded.
    std::function<void(std::size_t points_done, std::size_t points_total)> progress;
};

struct SweepOutcome {
    bool complete = false;
    std::size_t chunks_written = 0;  // by this run
    SweepManifest manifest;
};

// The sweep's identity, "fnv1a64:" and 16 hex digits: FNV-1a over the sweep file's bytes, the base
// scenario's, every catalog data_dir/*.toml and the files the base scenario's [calibration] names,
// the row format and the chunk size. A resumed run must match it.
// The rows of design points first .. first + count - 1 (after the CSV header line for csv): a chunk
// file's text when they are a chunk's points. The points are cut into blocks of 64 evaluated on
// `threads` threads and joined in order, so the text is the same on any thread count.
std::string point_rows(const PointEvaluator& evaluator, std::size_t first, std::size_t count, RowFormat format,
                       int threads);
// Text buffers that successive calls of point_rows_into reuse: each block's rows and the joined
// text, kept at their largest size. A chunk's text (megabytes) written into fresh memory pays
// for the kernel zeroing each new page, a sixth of a sweep's time before they were reused.
struct RowBuffers {
    std::vector<std::string> blocks;
    std::string text;
};
// point_rows into buffers.text.
void point_rows_into(const PointEvaluator& evaluator, std::size_t first, std::size_t count, RowFormat format,
                     int threads, RowBuffers& buffers);

// Makes `dir` ready for a run's output: creates it when missing; InputError naming `-o` when it
// exists and is not empty, OutputError when it cannot be created.
void prepare_fresh_folder(const std::filesystem::path& dir);

std::string sweep_hash(const PointEvaluator& evaluator, const std::filesystem::path& data_dir, RowFormat format,
                       std::size_t chunk_points);

// Runs the sweep, or its shard, into options.out_dir. InputError (exit 2) when out_dir is not a
// directory, is not empty without `resume`, or with `resume` holds no manifest, a bad one or one of
// another sweep or shard; OutputError (exit 3) when a chunk or the manifest cannot be written (the
// manifest then still counts only the chunks before it).
SweepOutcome run_sweep(const PointEvaluator& evaluator, const std::filesystem::path& data_dir,
                       const SweepRunOptions& options);

}  // namespace lightwatt::study
