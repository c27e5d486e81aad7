// Fast standard-normal draws for noise emulation: a table of 2^16 equal-probability quantiles of
// N(0, 1) (bin midpoints, z_i = Phi^-1((i + 1/2) / 2^16)), scaled to unit variance, indexed by
// 16-bit slices of a counter-based random stream: four draws per 64 random bits and no
// transcendental function per draw. The distribution is exact to 1/2^16 in probability; it has no
// mass beyond |z| = 4.33 (the largest quantile; a 1.5e-5 two-sided tail), which noise statistics at
// the 1e-3 level never see.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "lightwatt/core/host_device.hpp"
#include "lightwatt/core/rng.hpp"

namespace lightwatt {

namespace detail {
// Phi^-1 by Acklam's rational approximation refined with one Halley step on erfc (|error| < 1e-15).
inline double inverse_normal_cdf(double p) {
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                   1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                   6.680131188771972e+01, -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                   -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                   3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
        const double q = std::sqrt(-2.0 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else if (p > 1.0 - 0.02425) {
        const double q = std::sqrt(-2.0 * std::log(1.0 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
    const double u = e * std::sqrt(2.0 * 3.14159265358979323846) * std::exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}
}  // namespace detail

inline const std::vector<float>& normal_quantile_table() {
    static const std::vector<float> table = [] {
        constexpr int size = 1 << 16;
        std::vector<double> z(size);
        double sum_square = 0.0;
        for (int i = 0; i < size; ++i) {
            z[static_cast<std::size_t>(i)] = detail::inverse_normal_cdf((i + 0.5) / size);
            sum_square += z[static_cast<std::size_t>(i)] * z[static_cast<std::size_t>(i)];
        }
        const double scale = 1.0 / std::sqrt(sum_square / size);
        std::vector<float> t(size);
        for (int i = 0; i < size; ++i)
            t[static_cast<std::size_t>(i)] = static_cast<float>(z[static_cast<std::size_t>(i)] * scale);
        return t;
    }();
    return table;
}

// Draw number `index` of the stream whose key is counter_key(seed, block), as FastNormal gives it:
// word index / 4 of the stream, its 16-bit slice index % 4, lowest first. A GPU thread computes
// its own element's draw with it (photonics/cuda).
LIGHTWATT_HOST_DEVICE inline float fast_normal_draw(const float* table, std::uint64_t key, std::uint64_t index) {
    const std::uint64_t word = counter_word(key, index / 4);
    return table[(word >> (16 * (index % 4))) & 0xffffU];
}

// Draws from one counter-based stream (seed, block), four per 64 random bits.
class FastNormal {
public:
    FastNormal(std::uint64_t seed, std::uint64_t block) : rng_(seed, block), table_(normal_quantile_table().data()) {}
    float next() {
        if (left_ == 0) {
            bits_ = rng_.next_u64();
            left_ = 4;
        }
        const float z = table_[bits_ & 0xffffU];
        bits_ >>= 16;
        --left_;
        return z;
    }

    // Fills out[0..count) with the same draws `count` calls of next() would give, four per
    // random word without a branch per draw.
    void fill(float* out, std::size_t count) {
        std::size_t e = 0;
        for (; left_ > 0 && e < count; ++e) out[e] = next();
        // Words a batch at a time (vectorised, CounterRng::next_u64), then the table lookups.
        constexpr std::size_t batch = 16;
        std::uint64_t words[batch];
        while (count - e >= 4) {
            const std::size_t n = std::min(batch, (count - e) / 4);
            rng_.next_u64(words, n);
            for (std::size_t w = 0; w < n; ++w, e += 4) {
                const std::uint64_t b = words[w];
                out[e] = table_[b & 0xffffU];
                out[e + 1] = table_[(b >> 16) & 0xffffU];
                out[e + 2] = table_[(b >> 32) & 0xffffU];
                out[e + 3] = table_[(b >> 48) & 0xffffU];
            }
        }
        for (; e < count; ++e) out[e] = next();
    }

private:
    CounterRng rng_;
    const float* table_;
    std::uint64_t bits_ = 0;
    int left_ = 0;
};

}  // namespace lightwatt
