// The emulator's fused ADC kernel (photonics/src/adc_column.hpp): rounding, clipping and NaN
// handling worked out by hand, each row's noise draw against column_normal, every vector path the
// build has (AVX-512, AVX, SSE2, one lane) against the scalar reference bit for bit, and the noise
// it adds against sigma^2 = base + c_pp (p + offset)^2.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "adc_column.hpp"
#include "lightwatt/core/fast_normal.hpp"
#include "lightwatt/photonics/quantizer.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;
using lightwatt::photonics::detail::AdcColumnShape;
using lightwatt::photonics::detail::AdcColumnTerms;
namespace adc = lightwatt::photonics::detail;

namespace {

AdcColumnTerms noiseless(int bits, float step) {
    AdcColumnTerms t;
    t.top = static_cast<float>(std::ldexp(1.0, bits - 1) - 1.0);
    t.step = step;
    return t;
}

// The draws of a column starting at word `first_word` of stream (seed, block).
adc::ColumnNormals normals(std::uint64_t seed, std::uint64_t block, std::uint64_t first_word) {
    adc::ColumnNormals z;
    z.table = normal_polynomial_table().data();
    z.key = counter_key(seed, block);
    z.first_word = first_word;
    return z;
}

}  // namespace

TEST_CASE("adc column: noiseless levels round to nearest, ties to even, and clip to [-2^(b-1), 2^(b-1) - 1]") {
    // 4 bits: levels -8 .. 7. Inputs in steps; z = 0 so v = p.
    const AdcColumnTerms t = noiseless(4, 0.25f);
    const std::vector<float> p = {0.0f,  0.49999997f, 0.5f,  -0.5f, 2.5f,   -2.5f,
                                  3.5f,  6.6f,        7.4f,  7.5f,  7.6f,   100.0f,
                                  -7.6f, -8.4f,       -8.5f, -8.6f, -1e15f, std::numeric_limits<float>::quiet_NaN()};
    // Expected levels: ties go to the even neighbour (0.5 -> 0, 2.5 -> 2, 3.5 -> 4), as the DACs
    // round; 0.49999997, the float just below 1/2, rounds to 0. 7.5 rounds to 8 and so clips;
    // -8.5 rounds to -8 and does not. NaN reads as the lowest level. No noise terms: sigma = 0,
    // whatever the draws.
    const std::vector<float> level = {0, 0, 0, 0, 2, -2, 4, 7, 7, 7, 7, 7, -8, -8, -8, -8, -8, -8};
    std::vector<float> out(p.size(), 0.0f);
    const std::size_t clips = adc::digitise_column(AdcColumnShape::plain, t, p.data(), nullptr, nullptr,
                                                   normals(1, 0, 0), out.data(), static_cast<std::ptrdiff_t>(p.size()));
    for (std::size_t i = 0; i < p.size(); ++i) {
        CAPTURE(i);
        CHECK(out[i] == level[i] * 0.25f);
    }
    // 7.5, 7.6 and 100 clip high; -8.6, -1e15 and NaN clip low; 7.4, -8.4 and -8.5 round onto the
    // end levels.
    CHECK(clips == 6);
}

TEST_CASE("adc column: adds into the running sum; row i draws column_normal(key, first word, i)") {
    AdcColumnTerms t = noiseless(8, 0.1f);
    t.base = 0.7f;
    t.c_pp = 0.01f;
    std::vector<float> p(37), offset(37);
    for (std::size_t i = 0; i < p.size(); ++i) {
        p[i] = 3.0f * static_cast<float>(i) - 54.3f;
        offset[i] = 0.5f * static_cast<float>(i);
    }
    const adc::ColumnNormals z = normals(7, 0, 12);
    std::vector<float> whole(37, 1.0f);
    adc::digitise_column(AdcColumnShape::offset, t, p.data(), offset.data(), nullptr, z, whole.data(), 37);
    // Row i one at a time through the element function with its draw: the half i % 2 of word
    // 12 + i / 2 (rows 0-31 on the widest path's whole vectors, 32-35 on 4 lanes, 36 on one).
    for (std::size_t i = 0; i < p.size(); ++i) {
        float one = 1.0f;
        const float zi = column_normal(z.table, z.key, z.first_word, i);
        CHECK(zi ==
              normal_from_bits(z.table, static_cast<std::uint32_t>(normal_word(z.key, 12 + i / 2) >> (32 * (i % 2)))));
        adc::digitise_partial<AdcColumnShape::offset>(t, p[i], offset[i], 0.0f, zi, &one);
        CAPTURE(i);
        CHECK(std::bit_cast<std::uint32_t>(one) == std::bit_cast<std::uint32_t>(whole[i]));
    }
    // The running sum: 1.0 plus a whole number of steps.
    for (const float v : whole) CHECK(std::abs((v - 1.0f) / 0.1f - std::round((v - 1.0f) / 0.1f)) < 1e-3);
}

TEST_CASE("adc column: every vector path gives the scalar reference's bits and clip count, in every shape") {
    // Tolerance: none. The vector paths run the scalar reference's operations in its order with no
    // fused multiply-add (the normal draws' included), and square root, rounding and comparisons
    // are exact in IEEE arithmetic, so a build for AVX-512, AVX2 or SSE2 digitises to the same
    // bits. Lengths 0..70 from an odd start cover whole 16-, 8- and 4-lane chunks and every tail;
    // values include exact half steps (the rounding ties, reached without noise terms), clipping on
    // both sides, noise of both signs and NaN.
    AdcColumnTerms noisy = noiseless(6, 0.03f);  // levels -32 .. 31
    noisy.base = 0.4f;
    noisy.c_pp = 0.002f;
    noisy.c_aa = 0.001f;
    noisy.c_a = 0.05f;
    noisy.cos_phi = 0.8f;
    noisy.sin_phi = 0.6f;
    AdcColumnTerms quiet = noiseless(6, 0.03f);
    quiet.cos_phi = 0.8f;
    quiet.sin_phi = 0.6f;
    const std::size_t count = 80;
    std::mt19937 engine(15);
    std::uniform_real_distribution<float> spread(-36.0f, 36.0f);
    std::vector<float> p(count), offset(count), a(count);
    for (std::size_t i = 0; i < count; ++i) {
        p[i] = i % 5 == 0 ? std::round(spread(engine)) + 0.5f : spread(engine);
        offset[i] = 0.25f * spread(engine);
        a[i] = std::abs(spread(engine));
    }
    p[41] = std::numeric_limits<float>::quiet_NaN();
    // A 1-bit ADC (levels -1 and 0) puts the ties 0.5 and -1.5 on its clipping edges: 0.5 rounds
    // to 0 (kept), -1.5 to -2 (clipped). Floats far beyond int's range must clip, not wrap.
    const AdcColumnTerms one_bit = noiseless(1, 0.03f);
    p[7] = 0.5f;
    p[12] = -1.5f;
    p[13] = 1e30f;
    p[17] = -1e30f;
    const adc::ColumnNormals z = normals(15, 1, 1000);
    using adc::ColumnPath;
    for (const ColumnPath path : {ColumnPath::avx512, ColumnPath::avx, ColumnPath::sse2})
        for (const AdcColumnTerms& t : {noisy, quiet, one_bit}) {
            if (!adc::column_path_compiled(path)) continue;
            for (const AdcColumnShape shape :
                 {AdcColumnShape::plain, AdcColumnShape::offset, AdcColumnShape::aux, AdcColumnShape::aux_rotated}) {
                for (std::ptrdiff_t rows = 0; rows <= 70; ++rows) {
                    std::vector<float> vector_out(count, 0.125f), scalar_out(count, 0.125f);
                    const std::size_t vector_clips =
                        adc::digitise_column_on(path, shape, t, &p[3], &offset[3], &a[3], z, &vector_out[3], rows);
                    const std::size_t scalar_clips = adc::digitise_column_on(
                        ColumnPath::scalar, shape, t, &p[3], &offset[3], &a[3], z, &scalar_out[3], rows);
                    CAPTURE(static_cast<int>(path));
                    CAPTURE(t.base);
                    CAPTURE(static_cast<int>(shape));
                    CAPTURE(rows);
                    CHECK(vector_clips == scalar_clips);
                    std::size_t differing = 0;
                    for (std::size_t i = 0; i < count; ++i)
                        differing +=
                            std::bit_cast<std::uint32_t>(vector_out[i]) != std::bit_cast<std::uint32_t>(scalar_out[i]);
                    CHECK(differing == 0);
                }
            }
        }
    // digitise_column is the widest path the build has: the same bits again.
    std::vector<float> widest(count, 0.0f), scalar(count, 0.0f);
    adc::digitise_column(AdcColumnShape::aux_rotated, noisy, p.data(), offset.data(), a.data(), z, widest.data(),
                         static_cast<std::ptrdiff_t>(count));
    adc::digitise_column_on(ColumnPath::scalar, AdcColumnShape::aux_rotated, noisy, p.data(), offset.data(), a.data(),
                            z, scalar.data(), static_cast<std::ptrdiff_t>(count));
    for (std::size_t i = 0; i < count; ++i)
        CHECK(std::bit_cast<std::uint32_t>(widest[i]) == std::bit_cast<std::uint32_t>(scalar[i]));
        // SSE2 is part of x86-64; AVX-512 and AVX where the build targets them (LIGHTWATT_NATIVE).
#if defined(__x86_64__)
    CHECK(adc::column_path_compiled(ColumnPath::sse2));
#endif
}

TEST_CASE("adc column: every vector path draws the scalar reference's normals over 4096 rows, deep tail included") {
    // The AVX2 path looks a lane's cubic up in registers that hold the top 8 octaves of n (n >=
    // 2^16, |z| < Phi^-1(1 - 2^-9) = 2.886) when all 8 lanes lie there, and takes the full look-up
    // otherwise (3 % of 8-lane chunks). The test above sees too few chunks to be sure of meeting the
    // second case, so here 4096 rows (512 chunks of 8) with sigma = 100 ADC codes on p = 0 and a
    // 12-bit ADC (top 2047 codes, above the largest draw's 542): the output is round(100 z), so a
    // wrong coefficient would show. The rows' draws are checked to include the deep tail.
    AdcColumnTerms t = noiseless(12, 1.0f);
    t.base = 100.0f * 100.0f;
    const std::ptrdiff_t rows = 4096;
    const std::vector<float> zero(rows, 0.0f);
    const adc::ColumnNormals z = normals(21, 3, 77);
    std::size_t deep = 0;
    for (std::ptrdiff_t i = 0; i < rows; ++i)
        deep += std::abs(column_normal(z.table, z.key, z.first_word, static_cast<std::uint64_t>(i))) > 2.886f;
    CHECK(deep >= 8);  // expected 4096 x 2^-8 = 16
    std::vector<float> scalar_out(rows, 0.0f);
    adc::digitise_column_on(adc::ColumnPath::scalar, AdcColumnShape::plain, t, zero.data(), zero.data(), zero.data(), z,
                            scalar_out.data(), rows);
    using adc::ColumnPath;
    for (const ColumnPath path : {ColumnPath::avx512, ColumnPath::avx, ColumnPath::sse2}) {
        if (!adc::column_path_compiled(path)) continue;
        CAPTURE(static_cast<int>(path));
        std::vector<float> out(rows, 0.0f);
        adc::digitise_column_on(path, AdcColumnShape::plain, t, zero.data(), zero.data(), zero.data(), z, out.data(),
                                rows);
        std::size_t differing = 0;
        for (std::ptrdiff_t i = 0; i < rows; ++i)
            differing += std::bit_cast<std::uint32_t>(out[i]) != std::bit_cast<std::uint32_t>(scalar_out[i]);
        CHECK(differing == 0);
    }
}

TEST_CASE("adc column: the added noise has variance base + c_pp (p + offset)^2 (10^5 samples, 2 %)") {
    // 16 bits so the ADC step adds only 1/12 step^2; p = 0.3 steps, offset 1.7: (p + o)^2 = 4.
    // sigma^2 = 9 + 4 x 4 = 25 steps^2, plus 1/12 from rounding: 25.083.
    AdcColumnTerms t = noiseless(16, 1.0f);
    t.base = 9.0f;
    t.c_pp = 4.0f;
    const std::size_t count = 100000;
    std::vector<float> p(count, 0.3f), offset(count, 1.7f), out(count, 0.0f);
    adc::digitise_column(AdcColumnShape::offset, t, p.data(), offset.data(), nullptr, normals(2026, 3, 0), out.data(),
                         static_cast<std::ptrdiff_t>(count));
    double sum = 0.0, sum_square = 0.0;
    for (const float v : out) {
        sum += v;
        sum_square += (static_cast<double>(v) - 0.3) * (static_cast<double>(v) - 0.3);
    }
    CHECK(sum / count == doctest::Approx(0.3).epsilon(0.2));  // mean error of 5/sqrt(1e5) = 0.016
    CHECK(sum_square / count == doctest::Approx(25.0 + 1.0 / 12.0).epsilon(0.02));
}

TEST_CASE("adc column: the rotated LO mixes the quadrature in: v = cos(phi) p - sin(phi) a") {
    // phi = 90 degrees: the output is -a, whatever p is.
    AdcColumnTerms t = noiseless(8, 1.0f);
    t.cos_phi = 0.0f;
    t.sin_phi = 1.0f;
    const std::vector<float> p = {5.0f, -3.0f, 10.0f, 0.0f, 1.0f}, a = {2.0f, 4.0f, -6.0f, 1.0f, -1.0f};
    std::vector<float> out(5, 0.0f);
    adc::digitise_column(AdcColumnShape::aux_rotated, t, p.data(), nullptr, a.data(), normals(1, 0, 0), out.data(), 5);
    for (std::size_t i = 0; i < p.size(); ++i) CHECK(out[i] == -a[i]);
}

TEST_CASE("quantizer: the library-free rounding is nearbyint's, ties to even, at any size") {
    for (const double v : {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 1e15 + 0.5, 0x1.0p51 + 1.0,
                           0x1.0p52 + 1.0, -0x1.0p60, 3.7, -3.7, 0.0, -0.0, 1e300})
        CHECK(round_to_nearest_even(v) == std::nearbyint(v));
}

namespace {
// A tile's shape: rows per column, their stride, columns and stream words per column.
struct TileShape {
    std::ptrdiff_t rows, stride, cols;
    std::uint64_t words_per_column;
};
// The tile of `shape` (random sums, offsets and column terms) through digitise_tile_on on every
// path the build has, against the scalar reference column by column: the same bits and clips, and
// with clear_sums the same again with the columns' sums left zero.
void check_tile_against_columns(const AdcColumnTerms& t, const TileShape& shape_of_tile) {
    const std::ptrdiff_t rows = shape_of_tile.rows, stride = shape_of_tile.stride, cols = shape_of_tile.cols;
    const std::uint64_t words = shape_of_tile.words_per_column;
    CAPTURE(rows);
    CAPTURE(cols);
    CAPTURE(words);
    std::mt19937 engine(3);
    std::uniform_real_distribution<float> spread(-30.0f, 30.0f);
    std::vector<float> p(stride * cols), a(stride * cols), offset(rows), base(cols), cos_phi(cols), sin_phi(cols);
    for (float& v : p) v = spread(engine);
    for (float& v : a) v = std::abs(spread(engine));
    for (float& v : offset) v = 0.25f * spread(engine);
    for (std::ptrdiff_t j = 0; j < cols; ++j) {
        base[static_cast<std::size_t>(j)] = 0.1f * static_cast<float>(j + 1);
        cos_phi[static_cast<std::size_t>(j)] = std::cos(0.3f * static_cast<float>(j));
        sin_phi[static_cast<std::size_t>(j)] = std::sin(0.3f * static_cast<float>(j));
    }
    const adc::ColumnNormals z = normals(4, 2, 300);
    using adc::ColumnPath;
    for (const ColumnPath path : {ColumnPath::avx512, ColumnPath::avx, ColumnPath::sse2, ColumnPath::scalar}) {
        if (!adc::column_path_compiled(path)) continue;
        for (const AdcColumnShape shape :
             {AdcColumnShape::plain, AdcColumnShape::offset, AdcColumnShape::aux, AdcColumnShape::aux_rotated}) {
            std::vector<float> tile_out(p.size(), 0.5f), column_out(p.size(), 0.5f);
            adc::TileColumns c;
            c.p = p.data();
            c.a = a.data();
            c.out = tile_out.data();
            c.stride = stride;
            c.rows = rows;
            c.cols = cols;
            c.base = base.data();
            c.cos_phi = cos_phi.data();
            c.sin_phi = sin_phi.data();
            c.words_per_column = words;
            const std::size_t tile_clips = adc::digitise_tile_on(path, shape, t, c, offset.data(), z);
            std::size_t column_clips = 0;
            for (std::ptrdiff_t j = 0; j < cols; ++j) {
                AdcColumnTerms tj = t;
                tj.base = base[static_cast<std::size_t>(j)];
                tj.cos_phi = cos_phi[static_cast<std::size_t>(j)];
                tj.sin_phi = sin_phi[static_cast<std::size_t>(j)];
                adc::ColumnNormals zj = z;
                zj.first_word = 300 + words * static_cast<std::uint64_t>(j);
                column_clips += adc::digitise_column_on(ColumnPath::scalar, shape, tj, &p[j * stride], offset.data(),
                                                        &a[j * stride], zj, &column_out[j * stride], rows);
            }
            CAPTURE(static_cast<int>(path));
            CAPTURE(static_cast<int>(shape));
            CHECK(tile_clips == column_clips);
            std::size_t differing = 0;
            for (std::size_t i = 0; i < p.size(); ++i)
                differing += std::bit_cast<std::uint32_t>(tile_out[i]) != std::bit_cast<std::uint32_t>(column_out[i]);
            CHECK(differing == 0);
            // With clear_sums, the same output, and each column's rows of p (and of a, where the
            // shape reads it) left zero, the rows past them in the stride untouched, as the
            // emulator's next tile GEMM adds into them.
            std::vector<float> p_used = p, a_used = a, cleared_out(p.size(), 0.5f);
            c.p = p_used.data();
            c.a = a_used.data();
            c.out = cleared_out.data();
            c.clear_sums = true;
            CHECK(adc::digitise_tile_on(path, shape, t, c, offset.data(), z) == tile_clips);
            CHECK(cleared_out == tile_out);
            for (std::size_t i = 0; i < p.size(); ++i) {
                const bool in_column = static_cast<std::ptrdiff_t>(i) % stride < rows;
                CHECK(p_used[i] == (in_column ? 0.0f : p[i]));
                const bool reads_a = shape == AdcColumnShape::aux || shape == AdcColumnShape::aux_rotated;
                CHECK(a_used[i] == (in_column && reads_a ? 0.0f : a[i]));
            }
        }
    }
}
}  // namespace

TEST_CASE("adc column: a tile's columns at once are its columns one by one, on every path, bit for bit") {
    // Each column with its own base and LO rotation, its draws from word 300 + j words_per_column.
    // The shapes, against the staged paths' groups of up to 1,024 rows (adc_column.cpp,
    // staged_columns; 16 lanes on AVX-512, 8 on AVX2): 37 rows (whole 16- and 4-lane chunks and a
    // one-lane tail, one group); 32 rows (32 columns to an AVX-512 group, so 70 columns make two
    // whole groups, the second made beside the first, and a smaller one); 48 rows (21 and 9
    // columns); 32 rows of 20 words each (the words of consecutive columns not one run); 1100
    // rows (a column in runs of 1024 and 64, then a tail: groups of unequal shapes); 2056 rows
    // (runs of 1024 and 1024, equal shapes across columns, then a tail of 8).
    AdcColumnTerms t = noiseless(6, 0.03f);
    t.c_pp = 0.002f;
    t.c_aa = 0.001f;
    t.c_a = 0.05f;
    for (const TileShape& shape_of_tile :
         {TileShape{37, 40, 5, 19}, TileShape{32, 32, 70, 16}, TileShape{48, 50, 30, 24}, TileShape{32, 32, 3, 20},
          TileShape{1100, 1104, 2, 550}, TileShape{2056, 2056, 2, 1028}})
        check_tile_against_columns(t, shape_of_tile);
}
