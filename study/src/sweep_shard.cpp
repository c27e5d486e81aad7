#include "lightwatt/study/sweep_shard.hpp"

#include <charconv>

#include "lightwatt/core/error.hpp"

namespace lightwatt::study {

namespace {

// Up to 2^31 shards: a batch scheduler's array is far smaller, and I x chunks stays exact.
constexpr std::size_t kMaxShards = std::size_t{1} << 31;

bool parse_count(std::string_view digits, std::size_t& out) {
    if (digits.empty() || digits.size() > 10) return false;
    for (const char c : digits)
        if (c < '0' || c > '9') return false;
    return std::from_chars(digits.data(), digits.data() + digits.size(), out).ec == std::errc();
}

}  // namespace

Shard parse_shard(const std::string& text, const std::string& option) {
    const std::string allowed = "I/N: N shards from 1 to 2^31, I from 0 to N - 1 (e.g. 0/4 to 3/4)";
    const auto slash = text.find('/');
    Shard s;
    const std::string_view whole(text);
    if (slash == std::string::npos || !parse_count(whole.substr(0, slash), s.index) ||
        !parse_count(whole.substr(slash + 1), s.count))
        throw InputError::at(option, text, "not a shard I/N", allowed);
    if (s.count == 0 || s.count > kMaxShards)
        throw InputError::at(option, text, s.count == 0 ? "no shards (N = 0)" : "more than 2^31 shards", allowed);
    if (s.index >= s.count)
        throw InputError::at(
            option, text, "shard " + std::to_string(s.index) + " outside 0 .. " + std::to_string(s.count - 1), allowed);
    return s;
}

ChunkRange shard_chunks(const Shard& shard, std::size_t chunks) {
    // floor(i x chunks / N) without the product (up to 2^40 x 2^31): with chunks = q N + r it is
    // i q + floor(i r / N), and i r < 2^62.
    const std::size_t q = chunks / shard.count, r = chunks % shard.count;
    const auto bound = [&](std::size_t i) { return i * q + i * r / shard.count; };
    return {bound(shard.index), bound(shard.index + 1)};
}

}  // namespace lightwatt::study
