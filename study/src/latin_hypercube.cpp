#include "lightwatt/study/latin_hypercube.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "lightwatt/core/rng.hpp"

namespace lightwatt::study {

namespace {

// Four rounds: Luby and Rackoff's bound for a pseudo-random permutation from a balanced Feistel
// network (SIAM J. Comput. 17(2), 1988); the round function is the SplitMix64 finaliser, keyed.
constexpr int kRounds = 4;

std::uint64_t feistel(std::uint64_t key, int half_bits, std::uint64_t x) {
    const std::uint64_t mask = (std::uint64_t{1} << half_bits) - 1;
    std::uint64_t left = x >> half_bits, right = x & mask;
    for (int r = 0; r < kRounds; ++r) {
        const std::uint64_t f = mix64(key ^ mix64((right << 8) | static_cast<std::uint64_t>(r))) & mask;
        const std::uint64_t next = left ^ f;
        left = right;
        right = next;
    }
    return (left << half_bits) | right;
}

}  // namespace

std::uint64_t latin_hypercube_stratum(std::uint64_t key, std::uint64_t samples, std::uint64_t j) {
    // The smallest even number of bits, at least 2, that holds samples - 1: the domain is below
    // 4 x samples, so the walk takes under four steps on average.
    int bits = static_cast<int>(std::bit_width(samples - 1));
    bits = std::max(2, bits + (bits & 1));
    std::uint64_t y = feistel(key, bits / 2, j);
    while (y >= samples) y = feistel(key, bits / 2, y);
    return y;
}

double latin_hypercube_draw(std::uint64_t key, std::uint64_t samples, std::uint64_t j, double jitter) {
    const auto stratum = static_cast<double>(latin_hypercube_stratum(key, samples, j));
    const double n = static_cast<double>(samples);
    // stratum + jitter can round up to stratum + 1 when stratum is large; keep the draw in its stratum.
    const double inside = std::min(stratum + jitter, std::nextafter(stratum + 1.0, 0.0));
    return std::min(inside / n, std::nextafter(1.0, 0.0));
}

std::uint64_t latin_hypercube_key(std::uint64_t seed, std::uint64_t axis_index) {
    return mix64(seed ^ mix64(axis_index + 0x4c6174696e487970ULL));  // "LatinHyp"
}

}  // namespace lightwatt::study
