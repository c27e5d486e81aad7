#include "adc_column.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "lightwatt/core/fast_normal.hpp"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace lightwatt::photonics::detail {

namespace {

// The scalar reference: one lane at a time, the operations every vector path below runs in the
// same order (no fused multiply-add: the build keeps -ffp-contract=off, cmake/LightwattArch.cmake).
template <AdcColumnShape Shape>
std::size_t scalar_column(const AdcColumnTerms& t, const float* p, const float* offset, const float* a,
                          const ColumnNormals& z, float* out, std::ptrdiff_t rows) {
    std::size_t clips = 0;
    for (std::ptrdiff_t i = 0; i < rows; ++i) {
        const float off = Shape == AdcColumnShape::offset ? offset[i] : 0.0f;
        const bool uses_aux = Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated;
        const float ai = uses_aux ? a[i] : 0.0f;
        const float zi = column_normal(z.table, z.key, z.first_word, static_cast<std::uint64_t>(i));
        clips += digitise_partial<Shape>(t, p[i], off, ai, zi, out + i) ? 1 : 0;
    }
    return clips;
}

#if defined(__SSE2__)

// One vector width's operations, so that the kernel below is written once for all widths:
// Sse (4 lanes, every x86-64 CPU), Avx (8 lanes) and Avx512 (16 lanes) where the build targets
// them (-march=native). Comparisons give a mask M: all-ones lanes on SSE and AVX, a mask
// register on AVX-512.
struct Sse {
    using F = __m128;
    static constexpr int width = 4;
    static F set1(float x) { return _mm_set1_ps(x); }
    static F load(const float* x) { return _mm_loadu_ps(x); }
    static void store(float* x, F v) { _mm_storeu_ps(x, v); }
    static F add(F x, F y) { return _mm_add_ps(x, y); }
    static F sub(F x, F y) { return _mm_sub_ps(x, y); }
    static F mul(F x, F y) { return _mm_mul_ps(x, y); }
    static F sqrt(F x) { return _mm_sqrt_ps(x); }
    static F min(F x, F y) { return _mm_min_ps(x, y); }  // y where either is NaN
    static F max(F x, F y) { return _mm_max_ps(x, y); }
    // x rounded to the nearest integer, ties to even, for x in [below, above] (integers); outside
    // them, below or above (NaN: below), so the conversion never leaves int's range. SSE2 has only
    // the conversion, which rounds by the default rounding mode, to nearest even.
    static F nearest(F x, F below, F above) { return _mm_cvtepi32_ps(_mm_cvtps_epi32(min(max(x, below), above))); }
    using M = __m128;                                          // comparisons: all-ones lanes
    static M differ(F x, F y) { return _mm_cmpneq_ps(x, y); }  // true where either is NaN
    static F tally(F count, M m, F one) { return _mm_add_ps(count, _mm_and_ps(m, one)); }
    static double total(F count) {
        float lanes[width];
        _mm_storeu_ps(lanes, count);
        return static_cast<double>(lanes[0]) + lanes[1] + lanes[2] + lanes[3];
    }
};

// One lane through the 4-lane operations: the tail of every path.
struct SseOne : Sse {
    static constexpr int width = 1;
    static F load(const float* x) { return _mm_load_ss(x); }
    static void store(float* x, F v) { _mm_store_ss(x, v); }
    static F tally(F count, M m, F one) { return _mm_add_ss(count, _mm_and_ps(m, one)); }  // lane 0 only
};

#if defined(__AVX__)
struct Avx {
    using F = __m256;
    static constexpr int width = 8;
    static F set1(float x) { return _mm256_set1_ps(x); }
    static F load(const float* x) { return _mm256_loadu_ps(x); }
    static void store(float* x, F v) { _mm256_storeu_ps(x, v); }
    static F add(F x, F y) { return _mm256_add_ps(x, y); }
    static F sub(F x, F y) { return _mm256_sub_ps(x, y); }
    static F mul(F x, F y) { return _mm256_mul_ps(x, y); }
    static F sqrt(F x) { return _mm256_sqrt_ps(x); }
    static F min(F x, F y) { return _mm256_min_ps(x, y); }
    static F max(F x, F y) { return _mm256_max_ps(x, y); }
    // One rounding instruction on any float (NaN stays NaN): within [below, above] the same value
    // as SSE2's, outside it on the same side of the levels, which is all the kernel reads there.
    static F nearest(F x, F, F) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    using M = __m256;
    static M differ(F x, F y) { return _mm256_cmp_ps(x, y, _CMP_NEQ_UQ); }
    static F tally(F count, M m, F one) { return _mm256_add_ps(count, _mm256_and_ps(m, one)); }
    static double total(F count) {
        return Sse::total(_mm256_castps256_ps128(count)) + Sse::total(_mm256_extractf128_ps(count, 1));
    }
};
#endif

#if defined(__AVX512F__) && defined(__AVX512DQ__)
struct Avx512 {
    using F = __m512;
    static constexpr int width = 16;
    static F set1(float x) { return _mm512_set1_ps(x); }
    static F load(const float* x) { return _mm512_loadu_ps(x); }
    static void store(float* x, F v) { _mm512_storeu_ps(x, v); }
    static F add(F x, F y) { return _mm512_add_ps(x, y); }
    static F sub(F x, F y) { return _mm512_sub_ps(x, y); }
    static F mul(F x, F y) { return _mm512_mul_ps(x, y); }
    static F sqrt(F x) { return _mm512_sqrt_ps(x); }
    static F min(F x, F y) { return _mm512_min_ps(x, y); }
    static F max(F x, F y) { return _mm512_max_ps(x, y); }
    static F nearest(F x, F, F) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    using M = __mmask16;  // comparisons stay in mask registers
    static M differ(F x, F y) { return _mm512_cmp_ps_mask(x, y, _CMP_NEQ_UQ); }
    static F tally(F count, M m, F one) { return _mm512_mask_add_ps(count, m, count, one); }
    static double total(F count) {
        return Avx::total(_mm512_castps512_ps256(count)) +
               Avx::total(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(count), 1)));
    }
};
#endif

// Whether V's lanes run in passes over groups of columns (staged_columns below): where their
// draws are vector code of their own (Normals' specialisations).
#if defined(__AVX2__)
template <typename V>
inline constexpr bool kStaged = false;
template <>
inline constexpr bool kStaged<Avx> = true;
#endif
#if defined(__AVX512F__) && defined(__AVX512DQ__)
template <>
inline constexpr bool kStaged<Avx512> = true;
#endif

// The normal draws of rows [i, i + V::width): lane by lane through the scalar function
// (core/fast_normal.hpp), loaded as a vector.
template <typename V>
struct Normals {
    ColumnNormals z;
    explicit Normals(const ColumnNormals& draws) : z(draws) {}
    void start(const ColumnNormals& draws) { z = draws; }
    typename V::F operator()(std::ptrdiff_t i) const {
        float lanes[V::width];
        for (int l = 0; l < V::width; ++l)
            lanes[l] = column_normal(z.table, z.key, z.first_word, static_cast<std::uint64_t>(i + l));
        return V::load(lanes);
    }
};

#if defined(__AVX2__)
// On 8 lanes (AVX2, the AVX path's integer half): the 4 words of rows [i, i + 8) (i even) as in
// the AVX-512 path below, but mixed on the scalar integer units and inserted into a vector: AVX2
// has no 64-bit multiply (one takes three 32-bit multiplies, two shifts and two adds), while the
// scalar units multiply in one instruction and are otherwise idle here (on AMD Zen they are not
// the vector pipes). So the vector pipes do 5 operations per 4 words instead of 21: 1.40 -> 0.95
// ns per partial sum on one core of the project's machine (docs/performance.md). The
// coefficients: n is uniform over the odd numbers below 2^24, so a lane's n is below 2^16 with
// probability 2^-8 and all 8 lanes are in the top 8 octaves (segments 15-22) 97 % of the time;
// then each coefficient is one permute of a register holding those 8 segments' values, otherwise
// the full look-up (Segment). Both read the same table entries, so the draws are the same bits
// either way.
template <>
struct Normals<Avx> {
    std::uint64_t state = 0;  // key + (first_word + 1) gamma: mix64's state before word first_word
    const float* table;
    __m256i top_octaves;  // the float bits of n = 2^16: the top 8 octaves are n >= 2^16
    __m256 top[4];        // coefficient k of those octaves' segments, 15..22

    static constexpr std::uint64_t gamma = 0x9e3779b97f4a7c15ULL;

    explicit Normals(const ColumnNormals& z) : table(z.table) {
        top_octaves = _mm256_set1_epi32((127 + 16) << 23);
        for (int k = 0; k < 4; ++k) top[k] = _mm256_loadu_ps(z.table + k * kNormalSegments + 15);
        start(z);
    }
    void start(const ColumnNormals& z) { state = z.key + (z.first_word + 1) * gamma; }

    // Word `state` of mix64's sequence, finalised on the scalar units (core/rng.hpp's mix64 after
    // its add). The empty asms keep the value in a general register at each step, so that the
    // compiler does not vectorise the four words back into the three-multiply form (Clang does,
    // given only the first).
    static long long finalise(std::uint64_t z) {
        asm("" : "+r"(z));
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        asm("" : "+r"(z));
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        asm("" : "+r"(z));
        return static_cast<long long>(z ^ (z >> 31));
    }

    // A coefficient of each lane's segment (0-31) from the 32 of one table row: four in-register
    // permutes by the segment's low 3 bits and two blend levels by bits 3 and 4. Gathers do the
    // same in one instruction but are microcoded on AMD Zen (about 2.5x slower per draw here); the
    // values are the same.
    struct Segment {
        __m256i index;
        __m256 bit3, bit4;  // bits 3 and 4 in each lane's sign bit, as blendv reads them
        explicit Segment(__m256i segment)
            : index(segment),
              bit3(_mm256_castsi256_ps(_mm256_slli_epi32(segment, 28))),
              bit4(_mm256_castsi256_ps(_mm256_slli_epi32(segment, 27))) {}
        __m256 coefficient(const float* row) const {
            const __m256 a = _mm256_permutevar8x32_ps(_mm256_loadu_ps(row), index);
            const __m256 b = _mm256_permutevar8x32_ps(_mm256_loadu_ps(row + 8), index);
            const __m256 c = _mm256_permutevar8x32_ps(_mm256_loadu_ps(row + 16), index);
            const __m256 d = _mm256_permutevar8x32_ps(_mm256_loadu_ps(row + 24), index);
            return _mm256_blendv_ps(_mm256_blendv_ps(a, b, bit3), _mm256_blendv_ps(c, d, bit3), bit4);
        }
    };
    static_assert(kNormalSegments == 32, "Segment selects among 32 coefficients");

    // Inlined always: as a call (GCC's choice once the words moved to the scalar units) it costs
    // more than the words save.
    using Word = __m256i;

    // The 4 words of rows [i, i + 8).
    [[gnu::always_inline]] Word word(std::ptrdiff_t i) const {
        const std::uint64_t first = state + static_cast<std::uint64_t>(i / 2) * gamma;
        const __m128i low = _mm_insert_epi64(_mm_cvtsi64_si128(finalise(first)), finalise(first + gamma), 1);
        const __m128i high =
            _mm_insert_epi64(_mm_cvtsi64_si128(finalise(first + 2 * gamma)), finalise(first + 3 * gamma), 1);
        return _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
    }

    // The 8 draws of those words.
    [[gnu::always_inline]] __m256 normal(Word w) const {
        const __m256i mantissa = _mm256_set1_epi32(0x7fffff);
        const __m256i odd = _mm256_or_si256(_mm256_slli_epi32(_mm256_and_si256(w, mantissa), 1), _mm256_set1_epi32(1));
        const __m256i n = _mm256_castps_si256(_mm256_cvtepi32_ps(odd));
        const __m256i segment = _mm256_and_si256(_mm256_srli_epi32(n, 23), _mm256_set1_epi32(kNormalSegments - 1));
        const __m256 x =
            _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(n, mantissa), _mm256_set1_epi32(0x3f800000)));
        __m256 z;
        if (_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(top_octaves, n))) == 0) {
            // Every lane in the top 8 octaves (n >= 2^16, segments 15-22): one permute per
            // coefficient from the registers, by segment - 15 (low 3 bits of segment + 1).
            const __m256i index = _mm256_add_epi32(segment, _mm256_set1_epi32(1));
            z = _mm256_permutevar8x32_ps(top[3], index);
            z = _mm256_add_ps(_mm256_mul_ps(z, x), _mm256_permutevar8x32_ps(top[2], index));
            z = _mm256_add_ps(_mm256_mul_ps(z, x), _mm256_permutevar8x32_ps(top[1], index));
            z = _mm256_add_ps(_mm256_mul_ps(z, x), _mm256_permutevar8x32_ps(top[0], index));
        } else {
            const Segment at(segment);
            z = at.coefficient(table + 3 * kNormalSegments);
            z = _mm256_add_ps(_mm256_mul_ps(z, x), at.coefficient(table + 2 * kNormalSegments));
            z = _mm256_add_ps(_mm256_mul_ps(z, x), at.coefficient(table + kNormalSegments));
            z = _mm256_add_ps(_mm256_mul_ps(z, x), at.coefficient(table));
        }
        const __m256i sign = _mm256_and_si256(w, _mm256_set1_epi32(static_cast<int>(0x80000000U)));
        return _mm256_castsi256_ps(_mm256_xor_si256(_mm256_castps_si256(z), sign));
    }

    [[gnu::always_inline]] __m256 operator()(std::ptrdiff_t i) const { return normal(word(i)); }
};
#endif

#if defined(__AVX512F__) && defined(__AVX512DQ__)
// On 16 lanes, in registers: the 8 words of rows [i, i + 16) (i even) are 8 SplitMix64 outputs
// whose 16 halves are the lanes in order; the cubics' 32 segments fit two registers per
// coefficient, so each coefficient is one two-register permute. The scalar function's operations.
template <>
struct Normals<Avx512> {
    std::uint64_t state = 0;  // key + (first_word + 1) gamma: mix64's state before word first_word
    __m512i lane_steps;       // l gamma for word l of the vector
    __m512 lo[4], hi[4];      // coefficient k of segments 0..15 and 16..31

    static constexpr std::uint64_t gamma = 0x9e3779b97f4a7c15ULL;

    explicit Normals(const ColumnNormals& z) {
        start(z);
        lane_steps = _mm512_set_epi64(static_cast<long long>(7 * gamma), static_cast<long long>(6 * gamma),
                                      static_cast<long long>(5 * gamma), static_cast<long long>(4 * gamma),
                                      static_cast<long long>(3 * gamma), static_cast<long long>(2 * gamma),
                                      static_cast<long long>(gamma), 0);
        for (int k = 0; k < 4; ++k) {
            lo[k] = _mm512_loadu_ps(z.table + k * kNormalSegments);
            hi[k] = _mm512_loadu_ps(z.table + k * kNormalSegments + 16);
        }
    }
    void start(const ColumnNormals& z) { state = z.key + (z.first_word + 1) * gamma; }

    using Word = __m512i;

    // The 8 mixed words of rows [i, i + 16): integer work only (staged_columns' first pass).
    Word word(std::ptrdiff_t i) const {
        const std::uint64_t first = state + static_cast<std::uint64_t>(i / 2) * gamma;
        __m512i w = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first)), lane_steps);
        w = _mm512_xor_si512(w, _mm512_srli_epi64(w, 30));
        w = _mm512_mullo_epi64(w, _mm512_set1_epi64(static_cast<long long>(0xbf58476d1ce4e5b9ULL)));
        w = _mm512_xor_si512(w, _mm512_srli_epi64(w, 27));
        w = _mm512_mullo_epi64(w, _mm512_set1_epi64(static_cast<long long>(0x94d049bb133111ebULL)));
        return _mm512_xor_si512(w, _mm512_srli_epi64(w, 31));
    }

    // The 16 draws of those words.
    __m512 normal(Word w) const {
        // n = 2 (bits & 0x7fffff) + 1 and x = 1.mantissa(n), each AND-then-OR one ternary-logic
        // operation (0xea: (a & b) | c).
        const __m512i odd =
            _mm512_ternarylogic_epi32(_mm512_add_epi32(w, w), _mm512_set1_epi32(0xfffffe), _mm512_set1_epi32(1), 0xea);
        const __m512i n = _mm512_castps_si512(_mm512_cvtepi32_ps(odd));
        const __m512i segment = _mm512_srli_epi32(n, 23);  // the permutes read its low 5 bits
        const __m512 x = _mm512_castsi512_ps(
            _mm512_ternarylogic_epi32(n, _mm512_set1_epi32(0x7fffff), _mm512_set1_epi32(0x3f800000), 0xea));
        __m512 z = _mm512_permutex2var_ps(lo[3], segment, hi[3]);
        z = _mm512_add_ps(_mm512_mul_ps(z, x), _mm512_permutex2var_ps(lo[2], segment, hi[2]));
        z = _mm512_add_ps(_mm512_mul_ps(z, x), _mm512_permutex2var_ps(lo[1], segment, hi[1]));
        z = _mm512_add_ps(_mm512_mul_ps(z, x), _mm512_permutex2var_ps(lo[0], segment, hi[0]));
        const __m512i sign = _mm512_and_si512(w, _mm512_set1_epi32(static_cast<int>(0x80000000U)));
        return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(z), sign));
    }

    __m512 operator()(std::ptrdiff_t i) const { return normal(word(i)); }
};
#endif

// The kernel on V::width lanes, term for term the scalar reference's operations. Clips are
// tallied per lane in `clipped` (whole numbers in floats, exact to 2^24 per lane: columns()
// empties it before any lane could pass that) and summed once.
template <AdcColumnShape Shape, typename V>
struct Lanes {
    using F = typename V::F;
    F base, c_pp, c_aa, c_a, cos_phi, sin_phi, step, low, high, below, above;
    F one = V::set1(1.0f);
    F clipped = V::set1(0.0f);
    Normals<V> normals;
    bool clear_sums = false;  // TileColumns::clear_sums

    Lanes(const AdcColumnTerms& t, const ColumnNormals& z)
        : base(V::set1(t.base)),
          c_pp(V::set1(t.c_pp)),
          c_aa(V::set1(t.c_aa)),
          c_a(V::set1(t.c_a)),
          cos_phi(V::set1(t.cos_phi)),
          sin_phi(V::set1(t.sin_phi)),
          step(V::set1(t.step)),
          low(V::set1(-t.top - 1.0f)),
          high(V::set1(t.top)),
          below(V::set1(-t.top - 2.0f)),
          above(V::set1(t.top + 1.0f)),
          normals(z) {}

    // The next column: its base, its LO rotation and its draws.
    void start(float column_base, float column_cos, float column_sin, const ColumnNormals& z) {
        terms_of(column_base, column_cos, column_sin);
        normals.start(z);
    }
    void terms_of(float column_base, float column_cos, float column_sin) {
        base = V::set1(column_base);
        cos_phi = V::set1(column_cos);
        sin_phi = V::set1(column_sin);
    }

    // The noisy analog values v of rows [i, i + width), given their draws z; leaves their partial
    // sums zero where clear_sums.
    F analog(float* p, const float* offset, float* a, std::ptrdiff_t i, F z) const {
        const F pi = V::load(p + i);
        if (clear_sums) V::store(p + i, V::set1(0.0f));
        F variance = base;
        F signal = pi;
        if constexpr (Shape == AdcColumnShape::offset) {
            const F s = V::add(pi, V::load(offset + i));
            variance = V::add(variance, V::mul(c_pp, V::mul(s, s)));
        } else {
            variance = V::add(variance, V::mul(c_pp, V::mul(pi, pi)));
        }
        if constexpr (Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated) {
            const F ai = V::load(a + i);
            if (clear_sums) V::store(a + i, V::set1(0.0f));
            variance = V::add(variance, V::mul(c_aa, V::mul(ai, ai)));
            variance = V::add(variance, V::mul(c_a, ai));
            if constexpr (Shape == AdcColumnShape::aux_rotated)
                signal = V::sub(V::mul(cos_phi, pi), V::mul(sin_phi, ai));
        }
        return V::add(signal, V::mul(V::sqrt(variance), z));
    }

    // v of rows [i, i + width) through the ADC, added into out; tallies their clips.
    void digitise(F v, float* out, std::ptrdiff_t i) {
        const F r = V::nearest(v, below, above);
        const F level = V::min(V::max(r, low), high);  // NaN -> low
        clipped = V::tally(clipped, V::differ(r, level), one);
        V::store(out + i, V::add(V::load(out + i), V::mul(level, step)));
    }

    // Rows [i, i + width) from partial sums to out.
    void operator()(float* p, const float* offset, float* a, float* out, std::ptrdiff_t i) {
        digitise(analog(p, offset, a, i, normals(i)), out, i);
    }

    // The clips tallied so far; empties the tally.
    std::size_t take_clips() {
        const double n = V::total(clipped);
        clipped = V::set1(0.0f);
        return static_cast<std::size_t>(n);
    }
};

// Column j's partial sums (and auxiliary ones) and digital sums, their first lines, towards L1 a
// few columns ahead: the columns lie a block's height apart (2 KiB in the emulator), a stride the
// hardware prefetchers follow late. In the emulator at 4096^3 on the project's Intel machine the
// kernel took 5 % less time with it (0.80 -> 0.76 ns per partial sum).
constexpr std::ptrdiff_t kPrefetchColumns = 4;

void prefetch_column(const TileColumns& c, std::ptrdiff_t j) {
    constexpr std::ptrdiff_t kLineFloats = 64 / sizeof(float), kLines = 16;
    const std::ptrdiff_t rows = std::min(c.rows, kLines * kLineFloats);
    for (std::ptrdiff_t r = 0; r < rows; r += kLineFloats) {
        __builtin_prefetch(c.p + j * c.stride + r, 1, 3);
        __builtin_prefetch(c.out + j * c.stride + r, 1, 3);
        if (c.a != nullptr) __builtin_prefetch(c.a + j * c.stride + r, 1, 3);
    }
}

// Column j's draws.
ColumnNormals column_of_normals(const TileColumns& c, const ColumnNormals& z, std::ptrdiff_t j) {
    ColumnNormals zj = z;
    zj.first_word = z.first_word + static_cast<std::uint64_t>(j) * c.words_per_column;
    return zj;
}

// Column j of a tile: where its sums lie, its terms and its draws.
struct Column {
    float *p, *a, *out;
    float base, cos_phi, sin_phi;
    ColumnNormals z;
};

Column column_of(const AdcColumnTerms& terms, const TileColumns& c, const ColumnNormals& z, std::ptrdiff_t j) {
    Column col;
    col.p = c.p + j * c.stride;
    col.a = c.a != nullptr ? c.a + j * c.stride : nullptr;
    col.out = c.out + j * c.stride;
    col.base = c.base[j];
    col.cos_phi = c.cos_phi != nullptr ? c.cos_phi[j] : terms.cos_phi;
    col.sin_phi = c.sin_phi != nullptr ? c.sin_phi[j] : terms.sin_phi;
    col.z = column_of_normals(c, z, j);
    return col;
}

// Rows [*i, rows) of a column in whole chunks of lanes' width, all of them where width is 1; *i is
// left at the first row not done.
template <typename L>
void chunks(L& lanes, int width, const Column& col, const float* offset, std::ptrdiff_t* i, std::ptrdiff_t rows) {
    std::ptrdiff_t k = *i;
    if (k + width > rows) return;
    lanes.start(col.base, col.cos_phi, col.sin_phi, col.z);
    for (; k + width <= rows; k += width) lanes(col.p, offset, col.a, col.out, k);
    *i = k;
}

// The kernel's lanes: V's, then 4 and one for the rows below V's width, so every element gets the
// same operations. Set up once per tile; per column only its own terms change.
template <AdcColumnShape Shape, typename V>
struct TileLanes {
    Lanes<Shape, V> wide;
    Lanes<Shape, Sse> four;
    Lanes<Shape, SseOne> one;
    TileLanes(const AdcColumnTerms& terms, const ColumnNormals& z, bool clear_sums)
        : wide(terms, z), four(terms, z), one(terms, z) {
        wide.clear_sums = four.clear_sums = one.clear_sums = clear_sums;
    }
    // Rows [from, rows) of a column on the narrow lanes.
    void narrow(const Column& col, const float* offset, std::ptrdiff_t from, std::ptrdiff_t rows) {
        if (V::width > 4) chunks(four, 4, col, offset, &from, rows);
        chunks(one, 1, col, offset, &from, rows);
    }
    std::size_t take_clips() { return wide.take_clips() + four.take_clips() + one.take_clips(); }
};

// A lane's tally grows by at most a column's rows a column; below this many rows since it was
// last emptied it is exact.
constexpr std::ptrdiff_t kExactTally = std::ptrdiff_t{1} << 24;

// Every column of the tile, one after the other (the paths whose V is not staged).
template <AdcColumnShape Shape, typename V>
std::size_t column_by_column(const AdcColumnTerms& terms, const TileColumns& c, const float* offset,
                             const ColumnNormals& z) {
    TileLanes<Shape, V> lanes(terms, z, c.clear_sums);
    std::size_t clips = 0;
    std::ptrdiff_t tallied_rows = 0;
    for (std::ptrdiff_t j = 0; j < c.cols; ++j) {
        if (j + kPrefetchColumns < c.cols) prefetch_column(c, j + kPrefetchColumns);
        const Column col = column_of(terms, c, z, j);
        std::ptrdiff_t i = 0;
        chunks(lanes.wide, V::width, col, offset, &i, c.rows);
        lanes.narrow(col, offset, i, c.rows);
        tallied_rows += c.rows;
        if (tallied_rows > kExactTally - c.rows) {
            clips += lanes.take_clips();
            tallied_rows = 0;
        }
    }
    return clips + lanes.take_clips();
}

#if defined(__AVX2__)
// Where kStaged<V> (AVX-512, AVX2), the widest lanes take up to kStagedRows rows at a time (a
// group: whole columns where they fit, else runs of one column) in three passes: the draws'
// 64-bit words (the multiplies: 15 cycles each on AVX-512, scalar ones on AVX2), then the draws
// and the noisy analog values v (the cubic, and the square root on its divider beside it), then
// the ADC. As one loop per row, each row's long chain of dependent operations left the scheduler
// full of waiting ones; per column of 64 rows (the emulator's tiles) the passes are too short for
// the same reason. The words of the next group are made in the second pass, beside the draws, so
// that their integer work (the scalar units on AVX2, which on AMD Zen are not the vector pipes)
// overlaps the draws' floating-point work. The words and the v stay in L1. On the project's
// Intel machine the kernel alone took 0.66 -> 0.57 ns per partial sum on AVX-512 and 1.15 -> 1.11
// on AVX2, and the emulator at 4096^3 5 % less time on either path (docs/performance.md).
constexpr std::ptrdiff_t kStagedRows = 1024;

// Rows [from, to) of columns [j0, j1): to - from is a multiple of the widest lanes' width, and
// (to - from) (j1 - j0) <= kStagedRows.
struct StagedGroup {
    std::ptrdiff_t j0 = 0, j1 = 0, from = 0, to = 0;
};

// The first lines of a group's columns, towards L1 while the group before it runs (once per
// column, with its first run).
void prefetch_group(const TileColumns& c, const StagedGroup& g) {
    if (g.from != 0) return;
    for (std::ptrdiff_t j = g.j0; j < g.j1; ++j) prefetch_column(c, j);
}

bool same_shape(const StagedGroup& a, const StagedGroup& b) {
    return a.j1 - a.j0 == b.j1 - b.j0 && a.from == b.from && a.to == b.to;
}

// The buffers of the passes: the words of two groups (this one's, and the next one's, made
// beside this one's draws) and this group's analog values.
template <typename V>
struct StagedBuffers {
    using Word = typename Normals<V>::Word;
    alignas(64) Word words[2][kStagedRows / V::width];
    alignas(64) float v[kStagedRows];
};

// Pass 1 alone: group g's words.
template <AdcColumnShape Shape, typename V>
void staged_words(Lanes<Shape, V>& lanes, const TileColumns& c, const ColumnNormals& z, const StagedGroup& g,
                  typename Normals<V>::Word* words) {
    Normals<V> normals = lanes.normals;  // a local copy the compiler keeps in registers
    std::ptrdiff_t n = 0;
    for (std::ptrdiff_t j = g.j0; j < g.j1; ++j) {
        normals.start(column_of_normals(c, z, j));
        for (std::ptrdiff_t k = g.from; k < g.to; k += V::width) words[n++] = normals.word(k);
    }
}

// Pass 2: group g's draws and analog values into v; with `next`, the next group's words beside
// them (pass 1 of `next`, of g's shape), so that the words' integer work runs beside the draws'
// floating-point work.
template <bool kWithNext, AdcColumnShape Shape, typename V>
void staged_analog(Lanes<Shape, V>& lanes, const AdcColumnTerms& terms, const TileColumns& c, const float* offset,
                   const ColumnNormals& z, const StagedGroup& g, const typename Normals<V>::Word* words, float* v,
                   const StagedGroup& next, typename Normals<V>::Word* next_words) {
    // Local copies the compiler keeps in registers: through the reference it would reload the
    // constants after every store.
    Lanes<Shape, V> wide = lanes;
    Normals<V> ahead = lanes.normals;
    std::ptrdiff_t n = 0;
    for (std::ptrdiff_t j = g.j0; j < g.j1; ++j) {
        wide.terms_of(c.base[j], c.cos_phi != nullptr ? c.cos_phi[j] : terms.cos_phi,
                      c.sin_phi != nullptr ? c.sin_phi[j] : terms.sin_phi);
        if constexpr (kWithNext) ahead.start(column_of_normals(c, z, next.j0 + (j - g.j0)));
        float* p = c.p + j * c.stride;
        float* a = c.a != nullptr ? c.a + j * c.stride : nullptr;
        for (std::ptrdiff_t k = g.from; k < g.to; k += V::width, ++n) {
            if constexpr (kWithNext) next_words[n] = ahead.word(k);
            V::store(v + n * V::width, wide.analog(p, offset, a, k, wide.normals.normal(words[n])));
        }
    }
}

// Pass 3: group g's analog values through the ADC into out.
template <AdcColumnShape Shape, typename V>
void staged_adc(Lanes<Shape, V>& lanes, const TileColumns& c, const StagedGroup& g, const float* v) {
    Lanes<Shape, V> wide = lanes;
    std::ptrdiff_t n = 0;
    for (std::ptrdiff_t j = g.j0; j < g.j1; ++j) {
        float* out = c.out + j * c.stride;
        for (std::ptrdiff_t k = g.from; k < g.to; k += V::width, ++n) wide.digitise(V::load(v + n * V::width), out, k);
    }
    lanes.clipped = wide.clipped;
}

template <AdcColumnShape Shape, typename V>
std::size_t staged_columns(const AdcColumnTerms& terms, const TileColumns& c, const float* offset,
                           const ColumnNormals& z) {
    TileLanes<Shape, V> lanes(terms, z, c.clear_sums);
    const std::ptrdiff_t wide_rows = c.rows / V::width * V::width;
    if (wide_rows == 0) return column_by_column<Shape, V>(terms, c, offset, z);
    // Columns per group: as many whole columns as fit, else one column in runs.
    const std::ptrdiff_t group_columns = std::max<std::ptrdiff_t>(1, kStagedRows / wide_rows);
    const auto group_after = [&](const StagedGroup& g) {
        if (g.to < wide_rows) return StagedGroup{g.j0, g.j1, g.to, std::min(wide_rows, g.to + kStagedRows)};
        return StagedGroup{g.j1, std::min(c.cols, g.j1 + group_columns), 0, std::min(wide_rows, kStagedRows)};
    };
    StagedBuffers<V> buffers;
    std::size_t clips = 0;
    std::ptrdiff_t tallied_rows = 0;
    StagedGroup g{0, std::min(c.cols, group_columns), 0, std::min(wide_rows, kStagedRows)};
    int current = 0;  // which of the two word buffers holds g's words
    staged_words(lanes.wide, c, z, g, buffers.words[current]);
    while (g.j0 < c.cols) {
        const StagedGroup next = group_after(g);
        if (next.j0 < c.cols) prefetch_group(c, next);
        typename Normals<V>::Word* next_words = buffers.words[1 - current];
        if (next.j0 < c.cols && same_shape(g, next)) {
            staged_analog<true>(lanes.wide, terms, c, offset, z, g, buffers.words[current], buffers.v, next,
                                next_words);
        } else {
            staged_analog<false>(lanes.wide, terms, c, offset, z, g, buffers.words[current], buffers.v, next, nullptr);
            if (next.j0 < c.cols) staged_words(lanes.wide, c, z, next, next_words);
        }
        staged_adc(lanes.wide, c, g, buffers.v);
        if (g.to == wide_rows) {  // g ends its columns: their rows below the widest lanes' width
            for (std::ptrdiff_t j = g.j0; j < g.j1 && wide_rows < c.rows; ++j)
                lanes.narrow(column_of(terms, c, z, j), offset, wide_rows, c.rows);
            tallied_rows += (g.j1 - g.j0) * c.rows;
            if (tallied_rows > kExactTally - group_columns * c.rows) {
                clips += lanes.take_clips();
                tallied_rows = 0;
            }
        }
        g = next;
        current = 1 - current;
    }
    return clips + lanes.take_clips();
}
#endif

// Every column of the tile on V's lanes.
template <AdcColumnShape Shape, typename V>
std::size_t columns(const AdcColumnTerms& terms, const TileColumns& c, const float* offset, const ColumnNormals& z) {
#if defined(__AVX2__)
    if constexpr (kStaged<V>) return staged_columns<Shape, V>(terms, c, offset, z);
#endif
    return column_by_column<Shape, V>(terms, c, offset, z);
}

#endif

// The scalar reference as a path.
struct Scalar {};

template <AdcColumnShape Shape, typename V>
std::size_t path_columns(const AdcColumnTerms& terms, const TileColumns& c, const float* offset,
                         const ColumnNormals& z) {
#if defined(__SSE2__)
    if constexpr (!std::is_same_v<V, Scalar>) return columns<Shape, V>(terms, c, offset, z);
#endif
    std::size_t clips = 0;
    for (std::ptrdiff_t j = 0; j < c.cols; ++j) {
        AdcColumnTerms t = terms;
        t.base = c.base[j];
        if (c.cos_phi != nullptr) t.cos_phi = c.cos_phi[j];
        if (c.sin_phi != nullptr) t.sin_phi = c.sin_phi[j];
        ColumnNormals zj = z;
        zj.first_word = z.first_word + static_cast<std::uint64_t>(j) * c.words_per_column;
        clips += scalar_column<Shape>(t, c.p + j * c.stride, offset, c.a != nullptr ? c.a + j * c.stride : nullptr, zj,
                                      c.out + j * c.stride, c.rows);
        if (c.clear_sums) {
            std::fill_n(c.p + j * c.stride, c.rows, 0.0f);
            if (Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated)
                std::fill_n(c.a + j * c.stride, c.rows, 0.0f);
        }
    }
    return clips;
}

template <typename V>
std::size_t on_shape(AdcColumnShape shape, const AdcColumnTerms& terms, const TileColumns& c, const float* offset,
                     const ColumnNormals& z) {
    switch (shape) {
        case AdcColumnShape::plain: return path_columns<AdcColumnShape::plain, V>(terms, c, offset, z);
        case AdcColumnShape::offset: return path_columns<AdcColumnShape::offset, V>(terms, c, offset, z);
        case AdcColumnShape::aux: return path_columns<AdcColumnShape::aux, V>(terms, c, offset, z);
        case AdcColumnShape::aux_rotated: return path_columns<AdcColumnShape::aux_rotated, V>(terms, c, offset, z);
    }
    return 0;
}

// One column as a tile of one, its terms from `terms`.
// clear_sums stays false, so p and a are only read.
TileColumns one_column(const AdcColumnTerms& terms, const float* p, const float* a, float* out, std::ptrdiff_t rows) {
    TileColumns c;
    c.p = const_cast<float*>(p);
    c.a = const_cast<float*>(a);
    c.out = out;
    c.stride = rows;
    c.rows = rows;
    c.cols = 1;
    c.base = &terms.base;
    c.cos_phi = &terms.cos_phi;
    c.sin_phi = &terms.sin_phi;
    return c;
}

constexpr ColumnPath widest_path() {
#if defined(__AVX512F__) && defined(__AVX512DQ__)
    return ColumnPath::avx512;
#elif defined(__AVX__)
    return ColumnPath::avx;
#elif defined(__SSE2__)
    return ColumnPath::sse2;
#else
    return ColumnPath::scalar;
#endif
}

}  // namespace

bool column_path_compiled(ColumnPath path) {
    switch (path) {
        case ColumnPath::avx512:
#if defined(__AVX512F__) && defined(__AVX512DQ__)
            return true;
#else
            return false;
#endif
        case ColumnPath::avx:
#if defined(__AVX__)
            return true;
#else
            return false;
#endif
        case ColumnPath::sse2:
#if defined(__SSE2__)
            return true;
#else
            return false;
#endif
        case ColumnPath::scalar: return true;
    }
    return false;
}

std::size_t digitise_tile_on(ColumnPath path, AdcColumnShape shape, const AdcColumnTerms& terms,
                             const TileColumns& tile, const float* offset, const ColumnNormals& z) {
    switch (path) {
#if defined(__AVX512F__) && defined(__AVX512DQ__)
        case ColumnPath::avx512: return on_shape<Avx512>(shape, terms, tile, offset, z);
#endif
#if defined(__AVX__)
        case ColumnPath::avx: return on_shape<Avx>(shape, terms, tile, offset, z);
#endif
#if defined(__SSE2__)
        case ColumnPath::sse2: return on_shape<Sse>(shape, terms, tile, offset, z);
#endif
        case ColumnPath::scalar: return on_shape<Scalar>(shape, terms, tile, offset, z);
        default: break;
    }
    return 0;  // a path this build does not have (column_path_compiled)
}

std::size_t digitise_tile(AdcColumnShape shape, const AdcColumnTerms& terms, const TileColumns& tile,
                          const float* offset, const ColumnNormals& z) {
    return digitise_tile_on(widest_path(), shape, terms, tile, offset, z);
}

std::size_t digitise_column_on(ColumnPath path, AdcColumnShape shape, const AdcColumnTerms& terms, const float* p,
                               const float* offset, const float* a, const ColumnNormals& z, float* out,
                               std::ptrdiff_t rows) {
    return digitise_tile_on(path, shape, terms, one_column(terms, p, a, out, rows), offset, z);
}

std::size_t digitise_column(AdcColumnShape shape, const AdcColumnTerms& terms, const float* p, const float* offset,
                            const float* a, const ColumnNormals& z, float* out, std::ptrdiff_t rows) {
    return digitise_column_on(widest_path(), shape, terms, p, offset, a, z, out, rows);
}

}  // namespace lightwatt::photonics::detail
