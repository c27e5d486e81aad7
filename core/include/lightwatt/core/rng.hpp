// Counter-based seeded random numbers (docs/contract.md, "Determinism"): the n-th draw of stream
// (seed, block) is a pure function of (seed, block, n), so results do not depend on how work
// is split across threads.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "lightwatt/core/host_device.hpp"

namespace lightwatt {

// SplitMix64 finaliser (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014): a bijective 64-bit mix with full avalanche.
LIGHTWATT_HOST_DEVICE constexpr std::uint64_t mix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// The key of stream (seed, block), and its word number `counter`: what CounterRng draws, as pure
// functions that a GPU thread computes for its own element.
LIGHTWATT_HOST_DEVICE constexpr std::uint64_t counter_key(std::uint64_t seed, std::uint64_t block) {
    return mix64(seed ^ mix64(block + 0x632be59bd9b4e019ULL));
}
LIGHTWATT_HOST_DEVICE constexpr std::uint64_t counter_word(std::uint64_t key, std::uint64_t counter) {
    return mix64(key ^ mix64(counter));
}

class CounterRng {
public:
    constexpr CounterRng(std::uint64_t seed, std::uint64_t block) : key_(counter_key(seed, block)) {}

    // The next 64 random bits of this stream.
    constexpr std::uint64_t next_u64() { return counter_word(key_, counter_++); }
    // The next `count` words at once, as `count` calls of next_u64() give them: the words do not
    // depend on each other, so the compiler computes several per vector instruction.
    constexpr void next_u64(std::uint64_t* words, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) words[i] = counter_word(key_, counter_ + i);
        counter_ += count;
    }
    // Uniform in [0, 1) with 53 bits of resolution.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Log-uniform in [lo, hi], lo > 0: for parameters that span decades.
    double log_uniform(double lo, double hi) { return lo * std::exp(uniform() * std::log(hi / lo)); }

private:
    std::uint64_t key_;
    std::uint64_t counter_ = 0;
};

}  // namespace lightwatt

namespace lightwatt {

// Standard normal draws from a CounterRng (Box-Muller, both values used).
class GaussianSource {
public:
    explicit GaussianSource(CounterRng rng) : rng_(rng) {}
    double next() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u1 = rng_.uniform();
        while (u1 <= 0.0) u1 = rng_.uniform();
        const double u2 = rng_.uniform();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const double angle = 6.283185307179586476925 * u2;
        spare_ = radius * std::sin(angle);
        has_spare_ = true;
        return radius * std::cos(angle);
    }

private:
    CounterRng rng_;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace lightwatt
