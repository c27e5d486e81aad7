// The GPU backend's logic, checked on the CPU: the run as plain arrays (noisy_gemm_problem), each
// element's noise draw and ADC (noisy_gemm_element.hpp, the functions the CUDA kernel calls)
// computed here in plain loops, against the CPU backend's output. What this does not check is the
// kernel's own tiling of the sums into shared memory (photonics/cuda/check does, on a GPU).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/fast_normal.hpp"
#include "lightwatt/photonics/noisy_gemm_element.hpp"
#include "noisy_gemm_cases.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;
using photonics::detail::AdcColumnShape;

namespace {

// Tile t's partial sums of element (s, j), as the kernel's order: the tile's columns in turn.
struct Partials {
    float p = 0.0f, a = 0.0f;
};

Partials partials(const NoisyGemmProblem& g, std::int64_t s, std::int64_t j, int t) {
    const std::int64_t stacked = g.stacked_rows();
    const std::int64_t c0 = static_cast<std::int64_t>(t) * g.tile_cols;
    const std::int64_t c1 = std::min<std::int64_t>(g.k, c0 + g.tile_cols);
    Partials sums;
    for (std::int64_t c = c0; c < c1; ++c) {
        const float x = g.inputs[static_cast<std::size_t>(j * g.k + c)];
        sums.p += g.weights[static_cast<std::size_t>(c * stacked + s)] * x;
        if (g.weights_aux.empty()) continue;
        const float shifted = x + 1.0f;
        sums.a += g.weights_aux[static_cast<std::size_t>(c * stacked + s)] * (g.aux_squared ? shifted * shifted : x);
    }
    return sums;
}

template <AdcColumnShape Shape>
std::vector<double> host_product(const NoisyGemmProblem& g, std::uint64_t& clipped) {
    const NoisyGemmView v = host_view(g, normal_polynomial_table().data());
    std::vector<float> out(static_cast<std::size_t>(g.m * g.n), 0.0f);
    for (int t = 0; t < g.tiles_col; ++t)
        for (std::int64_t j = 0; j < g.n; ++j)
            for (std::int64_t s = 0; s < g.m; ++s) {
                const Partials sums = partials(g, s, j, t);
                clipped +=
                    digitise_element<Shape>(v, s, j, t, sums.p, sums.a, &out[static_cast<std::size_t>(j * g.m + s)]);
            }
    std::vector<double> product(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) product[i] = static_cast<double>(out[i]) * g.output_scale;
    return product;
}

// The tiled noisy GEMM of `g` in plain loops through the kernel's element functions.
std::vector<double> host_product(const NoisyGemmProblem& g, std::uint64_t& clipped) {
    switch (static_cast<AdcColumnShape>(g.shape)) {
        case AdcColumnShape::plain: return host_product<AdcColumnShape::plain>(g, clipped);
        case AdcColumnShape::offset: return host_product<AdcColumnShape::offset>(g, clipped);
        case AdcColumnShape::aux: return host_product<AdcColumnShape::aux>(g, clipped);
        case AdcColumnShape::aux_rotated: return host_product<AdcColumnShape::aux_rotated>(g, clipped);
    }
    return {};
}

// The loops' product against the CPU backend's: identical but for at most 0.1 % of outputs one ADC
// step away (the CPU sums each tile with Eigen's FP32 GEMM, in another order), or, with a 24-bit
// ADC whose step is below the float rounding of the sums, within 1e-5 of the largest output; and
// the same share of clipped partial sums to within 1e-3.
void check_against_cpu(const Eigen::MatrixXd& w, const Eigen::MatrixXd& x, const MacEmulatorConfig& c) {
    const NoisyGemmProblem g = noisy_gemm_problem(w, x, c);
    const MacEmulationResult cpu = emulate_gemm(w, x, c);
    std::uint64_t clipped = 0;
    const std::vector<double> loops = host_product(g, clipped);
    const double step = static_cast<double>(g.adc_step) * g.output_scale;
    std::size_t differ = 0;
    double worst = 0.0;
    for (std::size_t i = 0; i < loops.size(); ++i) {
        const double d = std::abs(loops[i] - cpu.output.data()[i]);
        differ += d > 0.0 ? 1 : 0;
        worst = std::max(worst, d);
    }
    const bool fine_adc = c.adc_bits >= 20;
    CAPTURE(worst);
    CAPTURE(differ);
    if (fine_adc) {
        CHECK(worst <= 1e-5 * cpu.output.cwiseAbs().maxCoeff());
    } else {
        CHECK(worst <= 1.01 * step);
        CHECK(differ * 1000 <= loops.size());
    }
    const double partials = static_cast<double>(g.m * g.n * g.tiles_col);
    CHECK(std::abs(static_cast<double>(clipped) / partials - cpu.clipped_fraction) <= 1e-3);
}

}  // namespace

TEST_CASE("an element's draw is its block's: ceil(rows / 2) words per tile column, k tiles then columns") {
    // A 3-row tile row (odd: each column takes 2 words, the second one's high half unused), a
    // 5-column chunk: element (row 2, column 3) of k tile 1 draws the low half of word
    // (1 x 5 + 3) x 2 + 1 = 17 of stream (seed, block 0).
    NoisyGemmProblem g;
    g.m = 3;
    g.n = 5;
    g.tile_rows = 3;
    g.tiles_row = 1;
    g.tiles_col = 2;
    g.columns_per_block = 256;
    g.noise_seed = 11;
    g.adc_top = 1e6f;
    g.adc_step = 1.0f;
    g.thermal = {0.0, 1e6};  // sigma 1000 steps in k tile 1: the output is 1000 z, rounded
    g.shot_per_ampere = {0.0, 0.0};
    g.c_pp = g.c_aa = g.c_a = {0.0f, 0.0f};
    g.dc_current.assign(10, 0.0f);
    const NoisyGemmView v = host_view(g, normal_polynomial_table().data());
    const float z = normal_from_bits(v.normal_table, static_cast<std::uint32_t>(normal_word(counter_key(11, 0), 17)));
    float out = 0.0f;
    digitise_element<AdcColumnShape::plain>(v, 2, 3, 1, 0.0f, 0.0f, &out);
    CHECK(out == std::round(1000.0f * z));
    CHECK(out != 0.0f);
}

TEST_CASE("the GPU backend's element functions in plain loops give the CPU backend's product") {
    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    const Eigen::MatrixXd w = testing::noisy_gemm_case_weights(), x = testing::noisy_gemm_case_inputs();
    for (const testing::NoisyGemmCase& c : testing::noisy_gemm_cases(catalog)) {
        CAPTURE(c.name);
        check_against_cpu(w, x, c.config);
    }
    // More columns than one random stream's chunk (256), and a partial last k tile and tile row.
    MacEmulatorConfig wide = catalog.for_architecture(MacArchitecture::dot_product_engine).emulator;
    wide.tile_rows = 24;
    wide.tile_cols = 40;
    check_against_cpu(random_matrix(30, 100, 5, 1), random_matrix(100, 300, 5, 2), wide);
}

TEST_CASE("the problem holds the k tiles side by side and one set of noise terms per tile") {
    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    MacEmulatorConfig c = catalog.for_architecture(MacArchitecture::dot_product_engine).emulator;
    c.tile_rows = 24;
    c.tile_cols = 40;
    const NoisyGemmProblem g = noisy_gemm_problem(random_matrix(30, 100, 5, 1), random_matrix(100, 300, 5, 2), c);
    // 30 rows on 24-row tiles: 2 tile rows, 48 stacked rows; 100 inputs on 40: 3 k tiles (40, 40, 20).
    CHECK(g.tiles_row == 2);
    CHECK(g.tiles_col == 3);
    CHECK(g.stacked_rows() == 48);
    CHECK(g.weights.size() == 48u * 100u);
    CHECK(g.inputs.size() == 100u * 300u);
    CHECK(g.thermal.size() == 6u);
    CHECK(g.chunks() == 2);  // 300 columns in streams of 256
    // Rows 30..47 pad the second tile row with zeros.
    for (std::int64_t col = 0; col < 100; ++col) CHECK(g.weights[static_cast<std::size_t>(col * 48 + 40)] == 0.0f);
}

TEST_CASE("device cuda without a usable GPU is ResourceMissing, before any work") {
    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    MacEmulatorConfig c = catalog.for_architecture(MacArchitecture::dot_product_engine).emulator;
    c.device = EmulatorDevice::cuda;
    const Eigen::MatrixXd w = random_matrix(8, 8, 1, 1), x = random_matrix(8, 8, 1, 2);
    try {
        const MacEmulationResult r = emulate_gemm(w, x, c);
        // A machine with the backend and a GPU: the run names it.
        CHECK(r.backend == EmulatorDevice::cuda);
    } catch (const ResourceMissing& e) {
        CHECK(std::string(e.what()).rfind("device cuda: ", 0) == 0);
    }
}

TEST_CASE("drift that shifts the weights stays on the CPU: an input error naming device") {
    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    MacEmulatorConfig c = catalog.for_architecture(MacArchitecture::microring_bank).emulator;
    c.drift.interval = seconds(1.0);
    c.drift.ring_psd_hz2_per_hz = 1e18;  // 1 GHz^2/Hz at 1 Hz, mac_emulator_test.cpp's level
    try {
        (void)noisy_gemm_problem(random_matrix(8, 8, 1, 1), random_matrix(8, 8, 1, 2), c);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("device = cuda: drift that shifts the weights") != std::string::npos);
    }
}
