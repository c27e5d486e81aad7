// The emulator's tiled noisy GEMM (noisy_gemm_problem.hpp) on an NVIDIA GPU: one kernel computes
// each k tile's analog partial sums in shared-memory tiles (FP32), then draws each element's
// noise and applies the ADC (noisy_gemm_element.hpp) before the next k tile, as the CPU backend
// does. The CUDA toolkit and the standard library only (photonics/cuda/check builds it alone).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lightwatt/photonics/noisy_gemm_problem.hpp"

namespace lightwatt::photonics::gpu {

// Why no GPU can run the kernel here (no driver, no device, a driver older than the toolkit), or
// "" when one can.
std::string gpu_unavailable_reason();

struct NoisyGemmGpuResult {
    std::vector<float> out;     // m x n, column-major, in the problem's output units before output_scale
    std::uint64_t clipped = 0;  // partial sums the ADC clipped
    double kernel_ms = 0.0;     // the kernel's time, the mean over `repeats` runs after a first
    std::string device_name;
};

// Runs the problem on GPU 0; `normal_table` is normal_polynomial_table(). Throws std::runtime_error
// on a CUDA error.
NoisyGemmGpuResult run_noisy_gemm_on_gpu(const NoisyGemmProblem& problem, const std::vector<float>& normal_table,
                                         int repeats = 0);

}  // namespace lightwatt::photonics::gpu
