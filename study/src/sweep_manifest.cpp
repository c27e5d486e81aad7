#include "lightwatt/study/sweep_manifest.hpp"

#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "lightwatt/core/json_reader.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::study {

namespace {
constexpr const char* kSchema = "docs/sweep-file.md";
constexpr long long kMaxCount = std::numeric_limits<long long>::max();
}  // namespace

std::string chunk_file_name(std::size_t index, RowFormat format) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "%05zu", index);
    return "part-" + std::string(digits) + "." + std::string(enum_name(format));
}

std::string manifest_json(const SweepManifest& m) {
    nlohmann::ordered_json j;
    j["sweep_file"] = m.sweep_file;
    j["sweep_hash"] = m.sweep_hash;
    j["format"] = std::string(enum_name(m.format));
    j["points"] = m.points;
    j["options"] = m.options;
    j["rows"] = m.points * m.options;
    j["chunk_points"] = m.chunk_points;
    j["chunks"] = m.chunks;
    j["chunks_done"] = m.chunks_done;
    j["complete"] = m.complete();
    j["columns"] = m.columns;
    return j.dump(2) + "\n";
}

SweepManifest read_manifest(const std::filesystem::path& file) {
    const std::string name = file.string();
    const auto doc = parse_json_document(read_input_file(file, "a sweep manifest (manifest.json)", 1 << 20), name,
                                         "a sweep manifest (" + std::string(kSchema) + ")");
    const JsonReader r(doc, name, "", kSchema);
    r.only({"sweep_file", "sweep_hash", "format", "points", "options", "rows", "chunk_points", "chunks", "chunks_done",
            "complete", "columns"});
    SweepManifest m;
    m.sweep_file = r.text("sweep_file", true);
    m.sweep_hash = r.text("sweep_hash", true);
    const std::string format = r.text("format", true);
    const auto parsed = enum_parse<RowFormat>(format);
    if (!parsed) throw r.place(InputError::unknown("format", format, enum_names<RowFormat>(), "unknown format"));
    m.format = *parsed;
    auto count = [&](const char* key, long long low) {
        return static_cast<std::size_t>(r.integer(key, low, kMaxCount));
    };
    m.points = count("points", 1);
    m.options = count("options", 1);
    m.chunk_points = count("chunk_points", 1);
    m.chunks = count("chunks", 1);
    m.chunks_done = count("chunks_done", 0);
    (void)r.integer("rows", 0, kMaxCount);
    (void)r.boolean("complete");
    // The columns are the run's to write; the hash stands for them on reading.
    (void)r.size("columns");
    if (m.chunks != (m.points + m.chunk_points - 1) / m.chunk_points)
        throw r.error("chunks", std::to_string(m.chunks), "not the chunks of " + std::to_string(m.points) + " points",
                      "ceil(points / chunk_points)");
    if (m.chunks_done > m.chunks)
        throw r.error("chunks_done", std::to_string(m.chunks_done), "more than the sweep's chunks",
                      "0 to " + std::to_string(m.chunks));
    for (std::size_t c = 0; c < m.chunks_done; ++c) {
        const auto chunk = file.parent_path() / chunk_file_name(c, m.format);
        if (!std::filesystem::is_regular_file(chunk))
            throw r.error("chunks_done", std::to_string(m.chunks_done),
                          "counts " + chunk.string() + ", which is missing",
                          "the chunks present: a manifest of the sweep that wrote them");
    }
    return m;
}

}  // namespace lightwatt::study
