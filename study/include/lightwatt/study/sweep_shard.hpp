// A shard of a sweep (`lightwatt sweep --shard I/N`, docs/sweep-file.md "Shards"): shard I of N
// takes a contiguous range of the sweep's chunks, chunks floor(I C / N) to floor((I + 1) C / N) - 1
// of C, so the shards' sizes differ by at most one chunk and each chunk file a shard writes is,
// name and bytes, the unsharded run's: merging shards is copying files.
#pragma once

#include <cstddef>
#include <string>

namespace lightwatt::study {

struct Shard {
    std::size_t index = 0, count = 1;  // I and N

    [[nodiscard]] std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
    bool operator==(const Shard&) const = default;
};

struct ChunkRange {
    std::size_t first = 0, end = 0;  // chunks first .. end - 1

    [[nodiscard]] std::size_t size() const { return end - first; }
};

// "I/N" with N >= 1 and 0 <= I < N, both plain decimal; InputError naming `option` (the flag or
// manifest key) and what is allowed otherwise.
Shard parse_shard(const std::string& text, const std::string& option);

// The chunks of `shard` among `chunks` in all.
ChunkRange shard_chunks(const Shard& shard, std::size_t chunks);

}  // namespace lightwatt::study
