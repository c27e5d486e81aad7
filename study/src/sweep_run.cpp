#include "lightwatt/study/sweep_run.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <system_error>

#include "lightwatt/core/atomic_file.hpp"
#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::study {

namespace {

// Points per block inside a chunk: a thread's unit of work, with its own copy of the scenario tree.
constexpr std::size_t kBlockPoints = 64;

// FNV-1a, 64 bits (Fowler, Noll, Vo; IETF draft-eastlake-fnv): a checksum that tells one sweep
// from another, not a defence against a crafted collision.
class Fnv1a {
public:
    // Each part with its length first, so that moving bytes between parts changes the hash.
    void add(std::string_view bytes) {
        const std::uint64_t n = bytes.size();
        for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(n >> (8 * i)));
        for (const char c : bytes) byte(static_cast<unsigned char>(c));
    }
    [[nodiscard]] std::string hex() const {
        char digits[17];
        std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(h_));
        return "fnv1a64:" + std::string(digits);
    }

private:
    void byte(unsigned char b) {
        h_ ^= b;
        h_ *= 0x100000001b3ULL;
    }
    std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

std::string file_bytes(const std::filesystem::path& p) {
    return read_input_file(p, "a readable catalog file", kMaxTextFileBytes);
}

std::filesystem::path in_data_dir(const std::filesystem::path& data_dir, const std::string& path) {
    const std::filesystem::path p(path);
    return p.is_absolute() ? p : data_dir / p;
}

bool empty_directory(const std::filesystem::path& dir) {
    return std::filesystem::directory_iterator(dir) == std::filesystem::directory_iterator();
}

std::string shard_text(const std::optional<Shard>& s) { return s ? s->text() : "none"; }

// The manifest of the run to continue, checked against this sweep and shard.
SweepManifest resumed_manifest(const std::filesystem::path& dir, const std::string& hash, RowFormat format,
                               const std::optional<Shard>& shard) {
    const auto file = dir / "manifest.json";
    if (!std::filesystem::exists(file))
        throw InputError::at("--resume", dir.string(), "no manifest.json there: no sweep to resume",
                             "the -o folder of an interrupted sweep");
    SweepManifest m = read_manifest(file);
    if (m.format != format)
        throw InputError({file.string(), 0, "format", "\"" + std::string(enum_name(m.format)) + "\"",
                          "the sweep to resume wrote " + std::string(enum_name(m.format)) + ", not " +
                              std::string(enum_name(format)),
                          "--format " + std::string(enum_name(m.format))});
    if (m.sweep_hash != hash)
        throw InputError(
            {file.string(), 0, "sweep_hash", "\"" + m.sweep_hash + "\"",
             "another sweep's: the sweep file, its base scenario or the catalogs changed (now " + hash + ")",
             "the sweep that wrote this folder, or a new folder without --resume"});
    if (m.shard != shard)
        throw InputError({file.string(), 0, "shard", "\"" + shard_text(m.shard) + "\"",
                          "the folder holds " + (m.shard ? "shard " + m.shard->text() : "the unsharded sweep") +
                              ", not " + (shard ? "shard " + shard->text() : "the unsharded sweep"),
                          m.shard ? "--shard " + m.shard->text() : "no --shard"});
    return m;
}

// The rows of chunk `chunk`, into buffers.text.
void chunk_rows(const PointEvaluator& evaluator, std::size_t chunk, const SweepRunOptions& o, std::size_t points,
                RowBuffers& buffers) {
    const std::size_t first = chunk * o.chunk_points;
    point_rows_into(evaluator, first, std::min(o.chunk_points, points - first), o.format, o.threads, buffers);
}

}  // namespace

std::string point_rows(const PointEvaluator& evaluator, std::size_t first, std::size_t count, RowFormat format,
                       int threads) {
    RowBuffers buffers;
    point_rows_into(evaluator, first, count, format, threads, buffers);
    return std::move(buffers.text);
}

void point_rows_into(const PointEvaluator& evaluator, std::size_t first, std::size_t count, RowFormat format,
                     int threads, RowBuffers& buffers) {
    const std::size_t blocks = (count + kBlockPoints - 1) / kBlockPoints;
    if (buffers.blocks.size() < blocks) buffers.blocks.resize(blocks);
    parallel_for_blocks(blocks, threads, [&](std::size_t b) {
        std::string& part = buffers.blocks[b];
        part.clear();
        PointWorkspace w = evaluator.workspace();
        const std::size_t end = std::min(count, (b + 1) * kBlockPoints);
        for (std::size_t p = b * kBlockPoints; p < end; ++p) evaluator.append_rows(first + p, format, w, part);
    });
    std::string& out = buffers.text;
    out.clear();
    if (format == RowFormat::csv) out += evaluator.csv_header();  // into the kept capacity
    std::size_t size = out.size();
    for (std::size_t b = 0; b < blocks; ++b) size += buffers.blocks[b].size();
    out.reserve(size);
    for (std::size_t b = 0; b < blocks; ++b) out += buffers.blocks[b];
}

void prepare_fresh_folder(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::exists(dir, ec)) {
        if (!empty_directory(dir))
            throw InputError::at("-o", dir.string(), "a folder that is not empty",
                                 "a new or empty folder, or --resume to continue the sweep written there");
        return;
    }
    if (!std::filesystem::create_directories(dir, ec) && ec)
        throw OutputError("cannot create " + escape_text(dir.string()) + ": " + ec.message());
}

std::string sweep_hash(const PointEvaluator& evaluator, const std::filesystem::path& data_dir, RowFormat format,
                       std::size_t chunk_points) {
    Fnv1a h;
    h.add(evaluator.sweep().text);
    h.add(evaluator.base_text());
    std::vector<std::filesystem::path> catalogs;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir))
        if (entry.is_regular_file() && entry.path().extension() == ".toml") catalogs.push_back(entry.path());
    std::sort(catalogs.begin(), catalogs.end());
    for (const auto& c : catalogs) {
        h.add(c.filename().string());
        h.add(file_bytes(c));
    }
    const auto& base = evaluator.base();
    if (!base.calibration_profile.empty()) h.add(file_bytes(in_data_dir(data_dir, base.calibration_profile)));
    h.add(file_bytes(in_data_dir(data_dir, base.serving_runs)));
    h.add(enum_name(format));
    h.add(std::to_string(chunk_points));
    return h.hex();
}

SweepOutcome run_sweep(const PointEvaluator& evaluator, const std::filesystem::path& data_dir,
                       const SweepRunOptions& o) {
    const auto& dir = o.out_dir;
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
        throw InputError::at("-o", dir.string(), "not a folder", "a folder for the chunks and manifest.json");
    const std::string hash = sweep_hash(evaluator, data_dir, o.format, o.chunk_points);
    SweepOutcome out;
    SweepManifest& m = out.manifest;
    if (o.resume) {
        m = resumed_manifest(dir, hash, o.format, o.shard);
    } else {
        prepare_fresh_folder(dir);
        m.sweep_file = evaluator.sweep().file;
        m.sweep_hash = hash;
        m.format = o.format;
        m.points = evaluator.sweep().space.point_count();
        m.options = evaluator.base().options.size();
        m.chunk_points = o.chunk_points;
        m.chunks = (m.points + o.chunk_points - 1) / o.chunk_points;
        m.shard = o.shard;
    }
    m.columns = evaluator.columns();
    const auto manifest_file = dir / "manifest.json";
    if (!o.resume) write_file_atomically(manifest_file, manifest_json(m));
    // The points of this folder's chunks: first_point .. end_point - 1.
    const std::size_t first_point = m.range().first * m.chunk_points;
    const std::size_t end_point = std::min(m.points, m.range().end * m.chunk_points);
    RowBuffers buffers;
    while (!m.complete()) {
        if (o.stop && o.stop->load()) return out;
        const std::size_t chunk = m.next_chunk();
        chunk_rows(evaluator, chunk, o, m.points, buffers);
        write_file_atomically(dir / chunk_file_name(chunk, o.format), buffers.text);
        ++m.chunks_done;
        write_file_atomically(manifest_file, manifest_json(m));
        ++out.chunks_written;
        if (o.progress)
            o.progress(std::min(end_point, (chunk + 1) * m.chunk_points) - first_point, end_point - first_point);
    }
    out.complete = true;
    return out;
}

}  // namespace lightwatt::study
