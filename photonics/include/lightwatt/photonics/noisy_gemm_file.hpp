// A reference case for the GPU backend: a NoisyGemmProblem and what the CPU backend made of it,
// in a small binary file (little-endian, the machine's float and double), so that the GPU check
// (photonics/cuda/check) needs neither Eigen nor the catalogs. The standard library only.
#pragma once

#include <cstdint>
#include <cstring>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "lightwatt/photonics/noisy_gemm_problem.hpp"

namespace lightwatt::photonics {

struct NoisyGemmReference {
    NoisyGemmProblem problem;
    std::vector<double> output;  // the CPU backend's product, m x n, column-major
    std::vector<double> exact;   // the exact product in double, m x n, column-major
    double snr_db = 0.0;         // the CPU backend's own figures
    double enob = 0.0;
};

namespace noisy_gemm_file {

inline constexpr char kMagic[8] = {'L', 'W', 'N', 'G', 'E', 'M', 'M', '1'};

template <typename T>
void put(std::ostream& out, const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
void put(std::ostream& out, const std::vector<T>& values) {
    put(out, static_cast<std::uint64_t>(values.size()));
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

template <typename T>
void get(std::istream& in, T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!in.read(reinterpret_cast<char*>(&value), sizeof value)) throw std::runtime_error("truncated reference file");
}

template <typename T>
void get(std::istream& in, std::vector<T>& values) {
    std::uint64_t count = 0;
    get(in, count);
    if (count > (std::uint64_t{1} << 28)) throw std::runtime_error("implausible array length in reference file");
    values.resize(count);
    if (!in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * sizeof(T))))
        throw std::runtime_error("truncated reference file");
}

// Every field in one order, for writing (put) and reading (get).
template <typename Stream, typename Reference, typename Io>
void fields(Stream& s, Reference& r, Io io) {
    auto& p = r.problem;
    io(s, p.m), io(s, p.k), io(s, p.n), io(s, p.tile_rows), io(s, p.tile_cols), io(s, p.tiles_row);
    io(s, p.tiles_col), io(s, p.columns_per_block), io(s, p.shape), io(s, p.aux_squared), io(s, p.dc_follows);
    io(s, p.dark), io(s, p.lo_dc), io(s, p.noise_seed), io(s, p.adc_top), io(s, p.adc_step), io(s, p.output_scale);
    io(s, p.weights), io(s, p.weights_aux), io(s, p.offset), io(s, p.inputs), io(s, p.dc_current);
    io(s, p.thermal), io(s, p.shot_per_ampere), io(s, p.c_pp), io(s, p.c_aa), io(s, p.c_a);
    io(s, p.cos_phi), io(s, p.sin_phi);
    io(s, r.output), io(s, r.exact), io(s, r.snr_db), io(s, r.enob);
}

}  // namespace noisy_gemm_file

inline void write_noisy_gemm_reference(std::ostream& out, const NoisyGemmReference& reference) {
    out.write(noisy_gemm_file::kMagic, sizeof noisy_gemm_file::kMagic);
    noisy_gemm_file::fields(out, reference, [](std::ostream& s, const auto& v) { noisy_gemm_file::put(s, v); });
}

inline NoisyGemmReference read_noisy_gemm_reference(std::istream& in) {
    char magic[sizeof noisy_gemm_file::kMagic] = {};
    if (!in.read(magic, sizeof magic) || std::memcmp(magic, noisy_gemm_file::kMagic, sizeof magic) != 0)
        throw std::runtime_error("not a lightwatt noisy-GEMM reference file (magic LWNGEMM1)");
    NoisyGemmReference reference;
    noisy_gemm_file::fields(in, reference, [](std::istream& s, auto& v) { noisy_gemm_file::get(s, v); });
    return reference;
}

}  // namespace lightwatt::photonics
