#include "lightwatt/study/sweep_manifest.hpp"

#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "lightwatt/core/json_reader.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::study {

namespace {
constexpr const char* kSchema = "docs/sweep-file.md";
constexpr long long kMaxRecordedCount = std::numeric_limits<long long>::max();
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
    if (m.shard) {
        j["shard"] = m.shard->text();
        j["shard_chunks"] = {m.range().first, m.range().end};
    }
    j["chunks_done"] = m.chunks_done;
    j["complete"] = m.complete();
    j["columns"] = m.columns;
    return j.dump(2) + "\n";
}

namespace {

// The columns, a required list of names (the merged manifest of shards repeats them).
std::vector<std::string> column_names(const nlohmann::json& doc, const JsonReader& r) {
    if (r.size("columns") == 0) throw r.error("columns", "", "missing or empty", "the rows' columns, in order");
    std::vector<std::string> out;
    for (const auto& c : doc.at("columns")) {
        if (!c.is_string()) throw r.error("columns", c.dump(), "a column that is not a name", "a list of strings");
        out.push_back(c.get<std::string>());
    }
    return out;
}

// The shard and its chunk range, checked against the sweep's chunks.
void read_shard(const nlohmann::json& doc, const JsonReader& r, SweepManifest& m) {
    if (!r.has("shard") && !r.has("shard_chunks")) return;
    try {
        m.shard = parse_shard(r.text("shard", true), "shard");
    } catch (const InputError& e) {
        throw r.place(e);
    }
    const ChunkRange range = m.range();
    const std::string expected = "[" + std::to_string(range.first) + ", " + std::to_string(range.end) + "]";
    const nlohmann::json* given = doc.contains("shard_chunks") ? &doc.at("shard_chunks") : nullptr;
    const bool same = given != nullptr && given->is_array() && given->size() == 2 && (*given)[0].is_number_unsigned() &&
                      (*given)[1].is_number_unsigned() && (*given)[0].get<std::size_t>() == range.first &&
                      (*given)[1].get<std::size_t>() == range.end;
    if (!same)
        throw r.error("shard_chunks", given ? given->dump() : "", "not shard " + m.shard->text() + "'s chunks",
                      expected + " for " + std::to_string(m.chunks) + " chunks");
}

}  // namespace

SweepManifest parse_manifest(const std::string& text, const std::string& name) {
    const auto doc = parse_json_document(text, name, "a sweep manifest (" + std::string(kSchema) + ")");
    const JsonReader r(doc, name, "", kSchema);
    r.only({"sweep_file", "sweep_hash", "format", "points", "options", "rows", "chunk_points", "chunks", "shard",
            "shard_chunks", "chunks_done", "complete", "columns"});
    SweepManifest m;
    m.sweep_file = r.text("sweep_file", true);
    m.sweep_hash = r.text("sweep_hash", true);
    const std::string format = r.text("format", true);
    const auto parsed = enum_parse<RowFormat>(format);
    if (!parsed) throw r.place(InputError::unknown("format", format, enum_names<RowFormat>(), "unknown format"));
    m.format = *parsed;
    auto count = [&](const char* key, long long low) {
        return static_cast<std::size_t>(r.integer(key, low, kMaxRecordedCount));
    };
    m.points = count("points", 1);
    m.options = count("options", 1);
    m.chunk_points = count("chunk_points", 1);
    m.chunks = count("chunks", 1);
    m.chunks_done = count("chunks_done", 0);
    (void)r.integer("rows", 0, kMaxRecordedCount);
    (void)r.boolean("complete");
    m.columns = column_names(doc, r);
    if (m.chunks != (m.points + m.chunk_points - 1) / m.chunk_points)
        throw r.error("chunks", std::to_string(m.chunks), "not the chunks of " + std::to_string(m.points) + " points",
                      "ceil(points / chunk_points)");
    read_shard(doc, r, m);
    if (m.chunks_done > m.range().size())
        throw r.error("chunks_done", std::to_string(m.chunks_done), "more than the folder's chunks",
                      "0 to " + std::to_string(m.range().size()));
    return m;
}

SweepManifest read_manifest(const std::filesystem::path& file) {
    const std::string name = file.string();
    SweepManifest m = parse_manifest(read_input_file(file, "a sweep manifest (manifest.json)", 1 << 20), name);
    for (std::size_t c = m.range().first; c < m.next_chunk(); ++c) {
        const auto chunk = file.parent_path() / chunk_file_name(c, m.format);
        if (!std::filesystem::is_regular_file(chunk))
            throw InputError({name, 0, "chunks_done", std::to_string(m.chunks_done),
                              "counts " + chunk.string() + ", which is missing",
                              "the chunks present: a manifest of the sweep that wrote them"});
    }
    return m;
}

}  // namespace lightwatt::study
