// The design points of a sweep: the Cartesian product of its list and range axes, each product
// point taken with every sample of its random axes. The random axes are drawn jointly: sample j
// draws one value of each random axis, in the file's order, from the counter-based stream
// (seed, j) (core/rng.hpp), so a point's values depend only on its index, never on the threads. A
// Latin hypercube axis places that draw inside the stratum its own permutation of the samples
// gives j (latin_hypercube.hpp), so over samples 0 .. samples-1 each of its strata is hit once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lightwatt/study/axis.hpp"

namespace lightwatt::study {

struct DesignSpace {
    std::vector<Axis> axes;  // in the file's order: the output's first columns
    long long samples = 1;   // draws of the random axes (1 and unused when there are none)
    std::uint64_t seed = 0;

    // Product points x samples.
    [[nodiscard]] std::size_t point_count() const;
    // The axes' values at `point`, in the axes' order. Points run as nested loops in the file's
    // order, the first axis outermost and the samples innermost: point = product_index x samples
    // + sample.
    void values_at(std::size_t point, std::vector<AxisValue>& out) const;
};

// The most points a sweep may have: 2^40 (a million points per second for 12 days).
inline constexpr std::size_t kMaxSweepPoints = std::size_t{1} << 40;

}  // namespace lightwatt::study
