// One output element of the tiled noisy GEMM (noisy_gemm_problem.hpp) after one k tile: its tile,
// its random stream and draw, its noise terms, then the ADC (adc_partial.hpp). The CPU backend's
// blocks draw the same numbers column by column (mac_emulator.cpp); a GPU thread computes its own.
// The standard library only.
#pragma once

#include <cstdint>

#include "lightwatt/core/fast_normal.hpp"
#include "lightwatt/core/host_device.hpp"
#include "lightwatt/core/rng.hpp"
#include "lightwatt/photonics/adc_partial.hpp"
#include "lightwatt/photonics/noisy_gemm_problem.hpp"

namespace lightwatt::photonics {

// What digitise_element reads: NoisyGemmProblem's scalars and per-tile arrays by pointer, on the
// host or on a GPU. Absent arrays are null.
struct NoisyGemmView {
    std::int64_t m = 0, n = 0, stacked_rows = 0;
    int tile_rows = 0, tiles_col = 0, columns_per_block = 0, chunks = 0;
    bool dc_follows = true;
    double dark = 0.0, lo_dc = 0.0;
    std::uint64_t noise_seed = 0;
    float adc_top = 0.0f, adc_step = 0.0f;
    const float* offset = nullptr;
    const float* dc_current = nullptr;
    const double* thermal = nullptr;
    const double* shot_per_ampere = nullptr;
    const float *c_pp = nullptr, *c_aa = nullptr, *c_a = nullptr;
    const float *cos_phi = nullptr, *sin_phi = nullptr;
    const float* normal_table = nullptr;  // normal_polynomial_table()
};

// The problem's scalars, and its arrays where they live in host memory.
inline NoisyGemmView host_view(const NoisyGemmProblem& p, const float* normal_table) {
    const auto data = [](const auto& v) { return v.empty() ? nullptr : v.data(); };
    NoisyGemmView v;
    v.m = p.m;
    v.n = p.n;
    v.stacked_rows = p.stacked_rows();
    v.tile_rows = p.tile_rows;
    v.tiles_col = p.tiles_col;
    v.columns_per_block = p.columns_per_block;
    v.chunks = p.chunks();
    v.dc_follows = p.dc_follows;
    v.dark = p.dark;
    v.lo_dc = p.lo_dc;
    v.noise_seed = p.noise_seed;
    v.adc_top = p.adc_top;
    v.adc_step = p.adc_step;
    v.offset = data(p.offset);
    v.dc_current = data(p.dc_current);
    v.thermal = data(p.thermal);
    v.shot_per_ampere = data(p.shot_per_ampere);
    v.c_pp = data(p.c_pp);
    v.c_aa = data(p.c_aa);
    v.c_a = data(p.c_a);
    v.cos_phi = data(p.cos_phi);
    v.sin_phi = data(p.sin_phi);
    v.normal_table = normal_table;
    return v;
}

// Output element (s, j), s < m, after k tile t with analog partial sums p and a: adds its digitised
// value to *out and returns whether the ADC clipped. Its stream is block (tile row, column chunk)
// and its draw the one the CPU block takes: each column of a tile takes ceil(rows / 2) words of
// the stream, k tiles then columns in order, and row i the half i % 2 of its word i / 2.
template <detail::AdcColumnShape Shape>
LIGHTWATT_HOST_DEVICE inline bool digitise_element(const NoisyGemmView& v, std::int64_t s, std::int64_t j, int t,
                                                   float p, float a, float* out) {
    const std::int64_t r = s / v.tile_rows, i = s % v.tile_rows;
    const std::int64_t tile = r * v.tiles_col + t;
    const std::int64_t chunk = j / v.columns_per_block, column = j % v.columns_per_block;
    const std::int64_t block_columns = v.n - chunk * v.columns_per_block < v.columns_per_block
                                           ? v.n - chunk * v.columns_per_block
                                           : v.columns_per_block;
    const std::int64_t rows = v.m - r * v.tile_rows < v.tile_rows ? v.m - r * v.tile_rows : v.tile_rows;
    const std::uint64_t key = counter_key(v.noise_seed, static_cast<std::uint64_t>(r * v.chunks + chunk));
    const auto first_word = static_cast<std::uint64_t>((t * block_columns + column) * ((rows + 1) / 2));
    const float z = column_normal(v.normal_table, key, first_word, static_cast<std::uint64_t>(i));
    detail::AdcColumnTerms terms;
    terms.c_pp = v.c_pp[tile];
    terms.c_aa = v.c_aa[tile];
    terms.c_a = v.c_a[tile];
    terms.top = v.adc_top;
    terms.step = v.adc_step;
    // Shot noise on the light that does not follow the output: the inputs' DC light (incoherent)
    // or the LO (coherent), with the pair's dark current; in double, as the CPU block does.
    const double dc = v.dc_follows ? static_cast<double>(v.dc_current[j * v.tiles_col + t]) + v.dark : v.lo_dc;
    const double base_shot = v.shot_per_ampere[tile] * dc;
    terms.base = static_cast<float>(v.thermal[tile] + base_shot);
    if constexpr (Shape == detail::AdcColumnShape::aux_rotated) {
        terms.cos_phi = v.cos_phi[tile * v.n + j];
        terms.sin_phi = v.sin_phi[tile * v.n + j];
    }
    const float offset = Shape == detail::AdcColumnShape::offset ? v.offset[t * v.stacked_rows + s] : 0.0f;
    return detail::digitise_partial<Shape>(terms, p, offset, a, z, out);
}

}  // namespace lightwatt::photonics
