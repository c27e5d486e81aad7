// The fused inner kernel of the emulator: one column of analog partial sums through detection
// noise and the ADC, accumulated into the digital output, in one pass while the column is in
// cache (docs/performance.md). Internal to photonics.
//
// The per-element arithmetic and its terms are lightwatt/photonics/adc_partial.hpp. The vector
// paths (AVX-512 or AVX where the build targets them, cmake/LightwattArch.cmake; SSE2 on every
// x86-64 CPU; one lane for the tail) and the scalar reference run the same IEEE operations in the
// same order, without fused multiply-adds, so the result is the same bits on every path: it
// depends neither on the row count's remainder nor on the CPU the build targets.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lightwatt/photonics/adc_partial.hpp"

namespace lightwatt::photonics::detail {

// Where a column's standard normal draws come from: row i takes column_normal(table, key,
// first_word, i) (core/fast_normal.hpp), computed inside the kernel, in registers on the AVX-512
// path.
struct ColumnNormals {
    const float* table = nullptr;  // normal_polynomial_table()
    std::uint64_t key = 0;         // the stream's key, counter_key(seed, block)
    std::uint64_t first_word = 0;  // the column's first word of the stream
};

// A tile's columns: column j's partial sums at p + j * stride (its auxiliary sums and its output
// alike), its AdcColumnTerms::base base[j], its LO rotation cos_phi[j] and sin_phi[j] (null: the
// terms' own), its draws from word first_word + j * words_per_column of the stream. With
// clear_sums, each column's p (and a, in the shapes that read it) is left zero once read, while
// it is in L1: the caller's next tile GEMM then adds into it instead of zeroing it in a pass of
// its own.
struct TileColumns {
    float* p = nullptr;
    float* a = nullptr;
    float* out = nullptr;
    std::ptrdiff_t stride = 0, rows = 0, cols = 0;
    const float* base = nullptr;
    const float* cos_phi = nullptr;
    const float* sin_phi = nullptr;
    std::uint64_t words_per_column = 0;
    bool clear_sums = false;
};

// Digitises `rows` partial sums and adds them to out; returns how many were clipped.
std::size_t digitise_column(AdcColumnShape shape, const AdcColumnTerms& terms, const float* p, const float* offset,
                            const float* a, const ColumnNormals& z, float* out, std::ptrdiff_t rows);

// The kernel's paths, widest first: digitise_column runs the widest one the build targets; each
// vector path does its remainder on 4 lanes (SSE2) and then one. The others stay callable so the
// tests can hold every path the build has to the scalar reference (which is also the kernel on
// CPUs without SSE2).
enum class ColumnPath { avx512, avx, sse2, scalar };

// Every column of a tile, as digitise_column would one by one, with the kernel's set-up once per
// tile; `offset` per row is shared by the columns, z.first_word is column 0's.
std::size_t digitise_tile(AdcColumnShape shape, const AdcColumnTerms& terms, const TileColumns& tile,
                          const float* offset, const ColumnNormals& z);
std::size_t digitise_tile_on(ColumnPath path, AdcColumnShape shape, const AdcColumnTerms& terms,
                             const TileColumns& tile, const float* offset, const ColumnNormals& z);

[[nodiscard]] bool column_path_compiled(ColumnPath path);

// digitise_column on one path; returns 0 and changes nothing for a path the build lacks.
std::size_t digitise_column_on(ColumnPath path, AdcColumnShape shape, const AdcColumnTerms& terms, const float* p,
                               const float* offset, const float* a, const ColumnNormals& z, float* out,
                               std::ptrdiff_t rows);

}  // namespace lightwatt::photonics::detail
