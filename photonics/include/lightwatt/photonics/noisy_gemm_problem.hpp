// The emulator's tiled noisy GEMM as plain arrays: what is left once the tiles are implemented,
// the inputs are through their DACs and the noise terms are known (mac_emulator.cpp), which the
// GPU backend (photonics/cuda) computes. For every tile row r, column chunk and k tile t in
// order, every output element
//
//   p   = sum_c W[s, c] x[c, j]        over the k tile's columns c (W: implemented weights / step)
//   a   = sum_c A[s, c] u[c, j]        (u = x, or (1 + x)^2; aux shapes only)
//   out += digitise_partial(p, a, z)   (adc_partial.hpp), z: the block's column_normal draw
//
// and the output is out * output_scale. The standard library only: the GPU check reads these
// from files the CPU backend wrote (noisy_gemm_file.hpp) on a machine with the CUDA toolkit alone.
#pragma once

#include <cstdint>
#include <vector>

namespace lightwatt::photonics {

struct NoisyGemmProblem {
    std::int64_t m = 0, k = 0, n = 0;
    int tile_rows = 0, tile_cols = 0;  // outputs and inputs per core
    int tiles_row = 0, tiles_col = 0;
    int columns_per_block = 0;     // output columns per random stream
    int shape = 0;                 // detail::AdcColumnShape
    bool aux_squared = false;      // the auxiliary sum's inputs are (1 + x)^2, not x
    bool dc_follows = true;        // shot noise on DC light from the inputs (else lo_dc)
    double dark = 0.0;             // A: dark current of the detector pair
    double lo_dc = 0.0;            // A: LO light and dark current, when the DC light does not follow
    std::uint64_t noise_seed = 0;  // the blocks' streams are counter_key(noise_seed, block)
    float adc_top = 0.0f, adc_step = 0.0f;
    double output_scale = 1.0;  // output = out * this (the weights' and inputs' scales)
    // Stacked rows: tiles_row * tile_rows, tile row r's rows first, zero-padded to whole tiles.
    std::vector<float> weights;      // stacked rows x k, column-major: k tile t is columns [t tc, ...)
    std::vector<float> weights_aux;  // the same, for the auxiliary sum (aux shapes)
    std::vector<float> offset;       // per k tile t, stacked rows: [t * stacked + s] (offset shape)
    std::vector<float> inputs;       // k x n, column-major, through the DACs
    std::vector<float> dc_current;   // A, tiles_col x n, column-major (when dc_follows)
    // Per tile (r * tiles_col + t), in steps^2: thermal, shot per ampere of DC light, and the
    // terms on the partial sums.
    std::vector<double> thermal, shot_per_ampere;
    std::vector<float> c_pp, c_aa, c_a;
    std::vector<float> cos_phi, sin_phi;  // per tile and column, [tile * n + j] (aux_rotated)

    [[nodiscard]] std::int64_t stacked_rows() const { return static_cast<std::int64_t>(tiles_row) * tile_rows; }
    [[nodiscard]] int chunks() const { return static_cast<int>((n + columns_per_block - 1) / columns_per_block); }
};

}  // namespace lightwatt::photonics
