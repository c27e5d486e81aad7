// Latin hypercube sampling (McKay, Beckman, Conover, Technometrics 21(2), 1979): over `samples`
// draws, each axis's [0, 1) is cut into `samples` equal strata and every stratum is hit exactly
// once, by a random permutation of the strata per axis with a random point inside each stratum.
// The permutation is computed, not stored: a keyed Feistel network on the next even number of bits,
// walked back into 0 .. samples-1 (cycle walking: Black and Rogaway, "Ciphers with arbitrary
// finite domains", CT-RSA 2002), so sample j's stratum is a pure function of (key, samples, j):
// O(1) memory at any sample count, the same on any thread and in any order.
#pragma once

#include <cstdint>

namespace lightwatt::study {

// The stratum, in 0 .. samples-1, of sample `j` (< samples) of the axis keyed `key`: a bijection
// of 0 .. samples-1 for each key.
std::uint64_t latin_hypercube_stratum(std::uint64_t key, std::uint64_t samples, std::uint64_t j);

// The draw in [0, 1) of sample `j`: (stratum + jitter) / samples, `jitter` a uniform draw in
// [0, 1) placing it inside its stratum, kept below the stratum's upper edge after rounding.
double latin_hypercube_draw(std::uint64_t key, std::uint64_t samples, std::uint64_t j, double jitter);

// The key of the axis at `axis_index` (in the file's order) of a sweep seeded `seed`: each axis
// its own permutation.
std::uint64_t latin_hypercube_key(std::uint64_t seed, std::uint64_t axis_index);

}  // namespace lightwatt::study
