// Fast standard-normal draws for noise emulation, computed in registers: each draw takes 32 random
// bits, one half of a 64-bit word of a counter-based stream, and maps them through a piecewise-
// cubic inverse normal CDF on dyadic intervals (Giles and Sheridan-Methven, "Approximating inverse
// cumulative distribution functions to produce approximate random variables", ACM TOMS 49(3),
// 2023): bit 31 is the sign; bits 0-22 give the odd integer n = 2 m + 1 < 2^24 and the tail
// probability t = n 2^-25 in (0, 1/2), the midpoints of 2^23 equal bins; the draw is
// sign * Phi^-1(1 - t), so the magnitudes are 2^24 equal-probability quantiles of N(0, 1) (to
// 2^-24 in probability). The cubic's segment is the float exponent of n (24 octaves of t, the
// dyadic intervals); its variable the mantissa x in [1, 2). Its coefficients interpolate Phi^-1 at
// four Chebyshev nodes per octave; the largest error is 2.3e-4 (in units of sigma, near t = 1/2),
// the variance 1 + 2.3e-5 and the kurtosis 3 + 9e-5 (docs/models/photonic-mac.md, "Noise draws").
// The largest draw is Phi^-1(1 - 2^-25) = 5.42: a two-sided tail of 6e-8 is missing.
//
// The words: word w of the stream with key K is the SplitMix64 output mix64(K + w gamma) (Steele,
// Lea, Flood, OOPSLA 2014; one 64-bit mix per two draws), its low half first. Every step is an
// integer operation, an exact conversion, a table look-up or a float multiply and add without
// fusion, so a vector path (adc_column.cpp) and a GPU thread (photonics/cuda) give the same bits.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
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

// The cubics' coefficients: entry [c * kNormalSegments + (e & 31)] is coefficient c (of x^c) of the
// octave whose n has biased float exponent e (127 + floor(log2 n), 127..150). The draws read it
// through a pointer, so that a GPU kernel reads the same numbers from its own memory.
inline constexpr int kNormalSegments = 32;

inline const std::vector<float>& normal_polynomial_table() {
    static const std::vector<float> table = [] {
        std::vector<float> t(4 * kNormalSegments, 0.0f);
        constexpr double pi = 3.14159265358979323846;
        for (int octave = 0; octave < 24; ++octave) {
            // n in [2^octave, 2^(octave + 1)): t = x 2^(octave - 25), x in [1, 2). Newton's divided
            // differences through four Chebyshev nodes, then the monomial coefficients.
            double x[4], y[4];
            for (int i = 0; i < 4; ++i) {
                x[i] = 1.5 + 0.5 * std::cos((2 * i + 1) * pi / 8.0);
                y[i] = -detail::inverse_normal_cdf(std::ldexp(x[i], octave - 25));
            }
            for (int level = 1; level < 4; ++level)
                for (int i = 3; i >= level; --i) y[i] = (y[i] - y[i - 1]) / (x[i] - x[i - level]);
            double c[4] = {y[3], 0.0, 0.0, 0.0};  // Horner on the Newton form, highest first
            for (int i = 2; i >= 0; --i) {
                for (int k = 3; k >= 1; --k) c[k] = c[k - 1] - x[i] * c[k];
                c[0] = y[i] - x[i] * c[0];
            }
            const int index = (127 + octave) & (kNormalSegments - 1);
            for (int k = 0; k < 4; ++k)
                t[static_cast<std::size_t>(k * kNormalSegments + index)] = static_cast<float>(c[k]);
        }
        return t;
    }();
    return table;
}

// Word w of the normal stream with key K (counter_key(seed, block)): SplitMix64's output.
LIGHTWATT_HOST_DEVICE constexpr std::uint64_t normal_word(std::uint64_t key, std::uint64_t word) {
    return mix64(key + word * 0x9e3779b97f4a7c15ULL);
}

// The standard normal draw of 32 random bits (the header comment's steps, in its order).
LIGHTWATT_HOST_DEVICE inline float normal_from_bits(const float* table, std::uint32_t bits) {
    const auto n = static_cast<float>(static_cast<std::int32_t>(((bits & 0x7fffffU) << 1) | 1U));  // exact
    std::uint32_t n_bits;
    std::memcpy(&n_bits, &n, sizeof n_bits);
    const std::uint32_t segment = (n_bits >> 23) & (kNormalSegments - 1);
    const std::uint32_t x_bits = (n_bits & 0x7fffffU) | 0x3f800000U;
    float x;
    std::memcpy(&x, &x_bits, sizeof x);
    float z = table[3 * kNormalSegments + segment];
    z = z * x + table[2 * kNormalSegments + segment];
    z = z * x + table[kNormalSegments + segment];
    z = z * x + table[segment];
    std::uint32_t z_bits;
    std::memcpy(&z_bits, &z, sizeof z_bits);
    z_bits ^= bits & 0x80000000U;
    std::memcpy(&z, &z_bits, sizeof z);
    return z;
}

// Draw i of a column of partial sums whose draws start at word `first_word` of the stream: the
// low half of word first_word + i / 2 for even i, its high half for odd i. The emulator gives each
// column of a tile ceil(rows / 2) words, so a vector of 2 L rows takes L whole words.
LIGHTWATT_HOST_DEVICE inline float column_normal(const float* table, std::uint64_t key, std::uint64_t first_word,
                                                 std::uint64_t i) {
    const std::uint64_t word = normal_word(key, first_word + i / 2);
    return normal_from_bits(table, static_cast<std::uint32_t>(word >> (32 * (i % 2))));
}

}  // namespace lightwatt
