// noisy_gemm_reference --write DIR | --check DIR: the GPU backend's reference cases
// (noisy_gemm_cases.hpp) through the CPU backend, as the files photonics/cuda/check reads. --check
// (a release test) holds the committed files to what the CPU backend produces now, so they cannot
// go stale: every array within 1e-5 of its largest value, and the outputs identical but for at
// most 0.1 % one ADC step away (Eigen's FP32 GEMM may sum in another order on another CPU).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "lightwatt/photonics/noisy_gemm_file.hpp"
#include "noisy_gemm_cases.hpp"

namespace {

using namespace lightwatt;
using namespace lightwatt::photonics;

NoisyGemmReference reference_of(const testing::NoisyGemmCase& c) {
    const Eigen::MatrixXd w = testing::noisy_gemm_case_weights(), x = testing::noisy_gemm_case_inputs();
    NoisyGemmReference r;
    r.problem = noisy_gemm_problem(w, x, c.config);
    const MacEmulationResult cpu = emulate_gemm(w, x, c.config);
    r.output.assign(cpu.output.data(), cpu.output.data() + cpu.output.size());
    // The exact product serves the noisy cases' SNR and ENOB only.
    const bool noisy = c.config.shot_noise || c.config.thermal_noise || c.config.rin_noise;
    if (noisy) r.exact.assign(cpu.exact.data(), cpu.exact.data() + cpu.exact.size());
    r.snr_db = cpu.snr_db;
    r.enob = cpu.enob;
    return r;
}

template <typename T>
bool close(const std::vector<T>& got, const std::vector<T>& want, const std::string& what) {
    if (got.size() != want.size()) {
        std::fprintf(stderr, "%s: %zu values, the CPU backend gives %zu\n", what.c_str(), got.size(), want.size());
        return false;
    }
    double scale = 0.0;
    for (const T v : want) scale = std::max(scale, std::abs(static_cast<double>(v)));
    for (std::size_t i = 0; i < got.size(); ++i)
        if (std::abs(static_cast<double>(got[i]) - static_cast<double>(want[i])) > 1e-5 * scale) {
            std::fprintf(stderr, "%s[%zu]: %.9g in the file, %.9g from the CPU backend\n", what.c_str(), i,
                         static_cast<double>(got[i]), static_cast<double>(want[i]));
            return false;
        }
    return true;
}

// Outputs: identical, or one ADC step (in output units) away for at most 0.1 %; with an ADC step
// below the float rounding of the sums (24 bits), within 1e-5 of the largest output.
bool same_output(const NoisyGemmReference& file, const NoisyGemmReference& now, const std::string& name) {
    if (file.output.size() != now.output.size() || now.problem.adc_top > 1e6f)
        return close(file.output, now.output, name + " output");
    const double step = static_cast<double>(now.problem.adc_step) * now.problem.output_scale;
    std::size_t differ = 0;
    for (std::size_t i = 0; i < now.output.size(); ++i) {
        const double d = std::abs(file.output[i] - now.output[i]);
        if (d == 0.0) continue;
        ++differ;
        if (d > 1.01 * step) {
            std::fprintf(stderr, "%s output[%zu]: %.9g in the file, %.9g from the CPU backend\n", name.c_str(), i,
                         file.output[i], now.output[i]);
            return false;
        }
    }
    if (differ * 1000 <= now.output.size()) return true;
    std::fprintf(stderr, "%s: %zu of %zu outputs differ by an ADC step\n", name.c_str(), differ, now.output.size());
    return false;
}

bool same(const NoisyGemmReference& f, const NoisyGemmReference& r, const std::string& name) {
    const NoisyGemmProblem &a = f.problem, &b = r.problem;
    const bool shape = a.m == b.m && a.k == b.k && a.n == b.n && a.tile_rows == b.tile_rows &&
                       a.tile_cols == b.tile_cols && a.tiles_row == b.tiles_row && a.tiles_col == b.tiles_col &&
                       a.columns_per_block == b.columns_per_block && a.shape == b.shape &&
                       a.aux_squared == b.aux_squared && a.dc_follows == b.dc_follows && a.noise_seed == b.noise_seed &&
                       a.adc_top == b.adc_top;
    if (!shape) {
        std::fprintf(stderr, "%s: the problem's sizes, shape or seed changed\n", name.c_str());
        return false;
    }
    return close(std::vector<double>{a.dark, a.lo_dc, a.adc_step, a.output_scale},
                 std::vector<double>{b.dark, b.lo_dc, b.adc_step, b.output_scale}, name + " scalars") &&
           close(a.weights, b.weights, name + " weights") && close(a.weights_aux, b.weights_aux, name + " aux") &&
           close(a.offset, b.offset, name + " offset") && close(a.inputs, b.inputs, name + " inputs") &&
           close(a.dc_current, b.dc_current, name + " dc_current") && close(a.thermal, b.thermal, name + " thermal") &&
           close(a.shot_per_ampere, b.shot_per_ampere, name + " shot") && close(a.c_pp, b.c_pp, name + " c_pp") &&
           close(a.c_aa, b.c_aa, name + " c_aa") && close(a.c_a, b.c_a, name + " c_a") &&
           close(a.cos_phi, b.cos_phi, name + " cos_phi") && close(a.sin_phi, b.sin_phi, name + " sin_phi") &&
           close(f.exact, r.exact, name + " exact") && same_output(f, r, name);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc == 3 ? argv[1] : "";
    if (mode != "--write" && mode != "--check") {
        std::fprintf(stderr, "usage: noisy_gemm_reference --write DIR | --check DIR\n");
        return 2;
    }
    const std::filesystem::path dir = argv[2];
    const PhotonicCoreCatalog catalog = load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    bool ok = true;
    for (const testing::NoisyGemmCase& c : testing::noisy_gemm_cases(catalog)) {
        const NoisyGemmReference now = reference_of(c);
        const std::filesystem::path file = dir / (c.name + ".bin");
        if (mode == "--write") {
            std::filesystem::create_directories(dir);
            std::ofstream out(file, std::ios::binary);
            write_noisy_gemm_reference(out, now);
            if (!out) {
                std::fprintf(stderr, "cannot write %s\n", file.c_str());
                return 3;
            }
            std::printf("wrote %s (%ju bytes)\n", file.c_str(),
                        static_cast<std::uintmax_t>(std::filesystem::file_size(file)));
            continue;
        }
        std::ifstream in(file, std::ios::binary);
        try {
            const bool current = same(read_noisy_gemm_reference(in), now, c.name);
            std::printf("%s: %s\n", file.c_str(), current ? "what the CPU backend produces" : "STALE");
            ok = ok && current;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s: %s\n", file.c_str(), e.what());
            ok = false;
        }
    }
    if (!ok) std::fprintf(stderr, "rewrite them: noisy_gemm_reference --write photonics/cuda/check/reference\n");
    return ok ? 0 : 1;
}
