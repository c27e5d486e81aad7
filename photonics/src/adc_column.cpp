#include "adc_column.hpp"

#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lightwatt::photonics::detail {

namespace {

#if defined(__SSE2__)

// Four lanes of the kernel; `load`/`store` decide how many of them are real (4, or 1 in the tail).
template <AdcColumnShape Shape>
struct Lanes {
    __m128 base, c_pp, c_aa, c_a, cos_phi, sin_phi, step, low, high, low_clip, high_clip;
    __m128 half = _mm_set1_ps(0.5f);
    __m128 one = _mm_set1_ps(1.0f);
    __m128 sign_bit = _mm_set1_ps(-0.0f);

    explicit Lanes(const AdcColumnTerms& t)
        : base(_mm_set1_ps(t.base)),
          c_pp(_mm_set1_ps(t.c_pp)),
          c_aa(_mm_set1_ps(t.c_aa)),
          c_a(_mm_set1_ps(t.c_a)),
          cos_phi(_mm_set1_ps(t.cos_phi)),
          sin_phi(_mm_set1_ps(t.sin_phi)),
          step(_mm_set1_ps(t.step)),
          low(_mm_set1_ps(-t.top - 1.0f)),
          high(_mm_set1_ps(t.top)),
          low_clip(_mm_set1_ps(-t.top - 1.5f)),
          high_clip(_mm_set1_ps(t.top + 0.5f)) {}

    // Returns the digitised values times step; *clipped gets the lanes' clip mask.
    __m128 operator()(__m128 p, __m128 offset, __m128 a, __m128 z, __m128* clipped) const {
        __m128 variance = base;
        __m128 signal = p;
        if constexpr (Shape == AdcColumnShape::offset) {
            const __m128 t = _mm_add_ps(p, offset);
            variance = _mm_add_ps(variance, _mm_mul_ps(c_pp, _mm_mul_ps(t, t)));
        } else {
            variance = _mm_add_ps(variance, _mm_mul_ps(c_pp, _mm_mul_ps(p, p)));
        }
        if constexpr (Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated) {
            variance = _mm_add_ps(variance, _mm_mul_ps(c_aa, _mm_mul_ps(a, a)));
            variance = _mm_add_ps(variance, _mm_mul_ps(c_a, a));
        }
        if constexpr (Shape == AdcColumnShape::aux_rotated)
            signal = _mm_sub_ps(_mm_mul_ps(cos_phi, p), _mm_mul_ps(sin_phi, a));
        __m128 v = _mm_add_ps(signal, _mm_mul_ps(_mm_sqrt_ps(variance), z));
        v = _mm_and_ps(v, _mm_cmpord_ps(v, v));  // NaN -> 0
        *clipped = _mm_or_ps(_mm_cmpge_ps(v, high_clip), _mm_cmplt_ps(v, low_clip));
        const __m128 bounded = _mm_min_ps(_mm_max_ps(v, low), high);
        const __m128 sign = _mm_and_ps(bounded, sign_bit);
        const __m128 magnitude = _mm_andnot_ps(sign_bit, bounded);
        // |v| + 1/2 truncated would round the float just below 1/2 up (the sum rounds to 1):
        // compare the fraction instead, exact below 2^23.
        const __m128 whole = _mm_cvtepi32_ps(_mm_cvttps_epi32(magnitude));
        const __m128 round_up = _mm_cmpge_ps(_mm_sub_ps(magnitude, whole), half);
        const __m128 level = _mm_add_ps(whole, _mm_and_ps(round_up, one));
        return _mm_mul_ps(_mm_or_ps(level, sign), step);
    }
};

template <AdcColumnShape Shape>
std::size_t column(const AdcColumnTerms& terms, const float* p, const float* offset, const float* a, const float* z,
                   float* out, std::ptrdiff_t rows) {
    constexpr bool uses_offset = Shape == AdcColumnShape::offset;
    constexpr bool uses_aux = Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated;
    const Lanes<Shape> lanes(terms);
    const __m128 zero = _mm_setzero_ps();
    __m128i clip_count = _mm_setzero_si128();
    std::ptrdiff_t i = 0;
    for (; i + 4 <= rows; i += 4) {
        __m128 clipped;
        const __m128 d = lanes(_mm_loadu_ps(p + i), uses_offset ? _mm_loadu_ps(offset + i) : zero,
                               uses_aux ? _mm_loadu_ps(a + i) : zero, _mm_loadu_ps(z + i), &clipped);
        _mm_storeu_ps(out + i, _mm_add_ps(_mm_loadu_ps(out + i), d));
        clip_count = _mm_sub_epi32(clip_count, _mm_castps_si128(clipped));  // a set lane is -1
    }
    alignas(16) int counts[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(counts), clip_count);
    std::size_t clips = static_cast<std::size_t>(counts[0]) + counts[1] + counts[2] + counts[3];
    for (; i < rows; ++i) {
        __m128 clipped;
        const __m128 d = lanes(_mm_load_ss(p + i), uses_offset ? _mm_load_ss(offset + i) : zero,
                               uses_aux ? _mm_load_ss(a + i) : zero, _mm_load_ss(z + i), &clipped);
        _mm_store_ss(out + i, _mm_add_ss(_mm_load_ss(out + i), d));
        clips += static_cast<std::size_t>(_mm_movemask_ps(clipped) & 1);
    }
    return clips;
}

#else  // portable scalar path: the same operations, one lane at a time

template <AdcColumnShape Shape>
std::size_t column(const AdcColumnTerms& t, const float* p, const float* offset, const float* a, const float* z,
                   float* out, std::ptrdiff_t rows) {
    std::size_t clips = 0;
    for (std::ptrdiff_t i = 0; i < rows; ++i) {
        float variance = t.base;
        float signal = p[i];
        if constexpr (Shape == AdcColumnShape::offset) {
            const float s = p[i] + offset[i];
            variance += t.c_pp * (s * s);
        } else {
            variance += t.c_pp * (p[i] * p[i]);
        }
        if constexpr (Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated) {
            variance += t.c_aa * (a[i] * a[i]);
            variance += t.c_a * a[i];
        }
        if constexpr (Shape == AdcColumnShape::aux_rotated) signal = t.cos_phi * p[i] - t.sin_phi * a[i];
        float v = signal + std::sqrt(variance) * z[i];
        if (v != v) v = 0.0f;
        if (v >= t.top + 0.5f || v < -t.top - 1.5f) ++clips;
        const float bounded = std::fmin(std::fmax(v, -t.top - 1.0f), t.top);
        const float magnitude = std::fabs(bounded);
        const float whole = static_cast<float>(static_cast<int>(magnitude));
        const float level = magnitude - whole >= 0.5f ? whole + 1.0f : whole;
        out[i] += std::copysign(level, bounded) * t.step;
    }
    return clips;
}

#endif

}  // namespace

std::size_t digitise_column(AdcColumnShape shape, const AdcColumnTerms& terms, const float* p, const float* offset,
                            const float* a, const float* z, float* out, std::ptrdiff_t rows) {
    switch (shape) {
        case AdcColumnShape::plain: return column<AdcColumnShape::plain>(terms, p, offset, a, z, out, rows);
        case AdcColumnShape::offset: return column<AdcColumnShape::offset>(terms, p, offset, a, z, out, rows);
        case AdcColumnShape::aux: return column<AdcColumnShape::aux>(terms, p, offset, a, z, out, rows);
        case AdcColumnShape::aux_rotated: return column<AdcColumnShape::aux_rotated>(terms, p, offset, a, z, out, rows);
    }
    return 0;
}

}  // namespace lightwatt::photonics::detail
