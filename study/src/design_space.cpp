#include "lightwatt/study/design_space.hpp"

#include "lightwatt/core/rng.hpp"
#include "lightwatt/study/latin_hypercube.hpp"

namespace lightwatt::study {

std::size_t DesignSpace::point_count() const {
    std::size_t n = static_cast<std::size_t>(samples);
    for (const Axis& a : axes)
        if (!a.random()) n *= a.values.size();
    return n;
}

void DesignSpace::values_at(std::size_t point, std::vector<AxisValue>& out) const {
    out.resize(axes.size());
    const auto sample = static_cast<std::uint64_t>(point % static_cast<std::size_t>(samples));
    std::size_t rest = point / static_cast<std::size_t>(samples);
    // The last list axis varies fastest: peel the indices from the back.
    for (std::size_t i = axes.size(); i-- > 0;) {
        const Axis& a = axes[i];
        if (a.random()) continue;
        out[i] = a.values[rest % a.values.size()];
        rest /= a.values.size();
    }
    // One uniform draw per random axis, in the file's order; a Latin hypercube axis uses its draw
    // as the point inside the stratum its permutation gives sample `sample`.
    CounterRng rng(seed, sample);
    const auto n = static_cast<std::uint64_t>(samples);
    for (std::size_t i = 0; i < axes.size(); ++i) {
        if (!axes[i].random()) continue;
        const double u = rng.uniform();
        out[i] = drawn_value(axes[i], axes[i].kind != AxisKind::latin_hypercube
                                          ? u
                                          : latin_hypercube_draw(latin_hypercube_key(seed, i), n, sample, u));
    }
}

}  // namespace lightwatt::study
