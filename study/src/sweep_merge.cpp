#include "lightwatt/study/sweep_merge.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "lightwatt/core/atomic_file.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/study/sweep_run.hpp"

namespace lightwatt::study {

namespace {

struct ShardFolder {
    std::filesystem::path dir;
    SweepManifest manifest;
};

InputError refuse(const std::filesystem::path& dir, const std::string& key, std::string value, std::string problem,
                  std::string allowed) {
    return InputError(
        {(dir / "manifest.json").string(), 0, key, std::move(value), std::move(problem), std::move(allowed)});
}

ShardFolder read_shard_folder(const std::filesystem::path& dir) {
    const auto file = dir / "manifest.json";
    if (!std::filesystem::is_regular_file(file))
        throw InputError::at("SHARD_DIR", dir.string(), "no manifest.json there: not a sweep's folder",
                             "the -o folders of lightwatt sweep --shard I/N");
    ShardFolder f{dir, read_manifest(file)};
    if (!f.manifest.shard)
        throw refuse(dir, "shard", "", "an unsharded sweep's folder, which needs no merge",
                     "the -o folders of lightwatt sweep --shard I/N");
    if (!f.manifest.complete())
        throw refuse(dir, "chunks_done", std::to_string(f.manifest.chunks_done),
                     "shard " + f.manifest.shard->text() + " is incomplete: " + std::to_string(f.manifest.chunks_done) +
                         " of its " + std::to_string(f.manifest.range().size()) + " chunks",
                     "a complete shard: finish it with lightwatt sweep SWEEP --shard " + f.manifest.shard->text() +
                         " -o " + dir.string() + " --resume");
    return f;
}

// Every folder against the first: the same format (checked first: the hash covers it too, with a
// vaguer message), sweep and number of shards.
void check_same_sweep(const ShardFolder& first, const ShardFolder& f) {
    const SweepManifest &a = first.manifest, &b = f.manifest;
    const std::string of_first = " (" + (first.dir / "manifest.json").string() + ")";
    if (b.format != a.format)
        throw refuse(f.dir, "format", "\"" + std::string(enum_name(b.format)) + "\"",
                     "another format than " + std::string(enum_name(a.format)) + of_first, "one format for all shards");
    if (b.sweep_hash != a.sweep_hash)
        throw refuse(f.dir, "sweep_hash", "\"" + b.sweep_hash + "\"", "another sweep's than " + a.sweep_hash + of_first,
                     "the shards of one sweep file, base scenario and catalogs");
    if (b.shard->count != a.shard->count)
        throw refuse(
            f.dir, "shard", "\"" + b.shard->text() + "\"",
            "one of " + std::to_string(b.shard->count) + " shards, not of " + std::to_string(a.shard->count) + of_first,
            "the shards of one --shard I/N split");
}

// The folders by shard index, each once, none missing.
std::vector<ShardFolder> shards_in_order(const std::vector<std::filesystem::path>& dirs) {
    if (dirs.empty()) throw InputError::at("SHARD_DIR", "", "no folder to merge", "the folders of every shard");
    std::map<std::size_t, ShardFolder> by_index;
    std::optional<ShardFolder> first;
    for (const auto& dir : dirs) {
        ShardFolder f = read_shard_folder(dir);
        if (!first) first = f;
        check_same_sweep(*first, f);
        const std::size_t i = f.manifest.shard->index;
        if (const auto seen = by_index.find(i); seen != by_index.end())
            throw refuse(dir, "shard", "\"" + f.manifest.shard->text() + "\"",
                         "shard " + f.manifest.shard->text() + " again: also in " + seen->second.dir.string(),
                         "each shard once");
        by_index.emplace(i, std::move(f));
    }
    const std::size_t n = first->manifest.shard->count;
    std::string missing;
    for (std::size_t i = 0; i < n; ++i)
        if (!by_index.contains(i)) missing += (missing.empty() ? "" : ", ") + Shard{i, n}.text();
    if (!missing.empty())
        throw InputError::at("SHARD_DIR", std::to_string(dirs.size()) + (dirs.size() == 1 ? " folder" : " folders"),
                             "missing shard(s) " + missing,
                             "the folders of all " + std::to_string(n) + " shards, 0/" + std::to_string(n) + " to " +
                                 std::to_string(n - 1) + "/" + std::to_string(n));
    std::vector<ShardFolder> out;
    for (auto& [i, f] : by_index) out.push_back(std::move(f));
    return out;
}

}  // namespace

SweepManifest merge_shards(const std::vector<std::filesystem::path>& shard_dirs, const std::filesystem::path& out_dir) {
    const std::vector<ShardFolder> shards = shards_in_order(shard_dirs);
    std::error_code ec;
    if (std::filesystem::exists(out_dir, ec) && !std::filesystem::is_directory(out_dir, ec))
        throw InputError::at("-o", out_dir.string(), "not a folder", "a new or empty folder for the merged sweep");
    prepare_fresh_folder(out_dir);
    SweepManifest merged = shards.front().manifest;
    for (const ShardFolder& f : shards) {
        const ChunkRange range = f.manifest.range();
        for (std::size_t c = range.first; c < range.end; ++c) {
            const std::string name = chunk_file_name(c, merged.format);
            write_file_atomically(out_dir / name,
                                  read_input_file(f.dir / name, "a sweep's chunk file", ~std::uintmax_t{0}));
        }
    }
    merged.shard.reset();
    merged.chunks_done = merged.chunks;
    write_file_atomically(out_dir / "manifest.json", manifest_json(merged));
    return merged;
}

}  // namespace lightwatt::study
