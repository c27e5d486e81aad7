// The emulator's GPU backend as the CPU library sees it: present when the build found nvcc
// (LIGHTWATT_WITH_CUDA_EMULATOR, photonics/cuda), usable when the machine has a GPU. Internal to
// photonics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lightwatt/photonics/noisy_gemm_problem.hpp"

namespace lightwatt::photonics::detail {

// Why device cuda cannot run here, or "" when it can.
std::string cuda_unavailable_reason();

struct GpuGemm {
    std::vector<float> out;  // m x n, column-major, before the problem's output_scale
    std::uint64_t clipped = 0;
};

// The tiled noisy GEMM on the GPU; ResourceMissing when cuda_unavailable_reason() is not empty or
// the GPU fails.
GpuGemm noisy_gemm_on_gpu(const NoisyGemmProblem& problem);

}  // namespace lightwatt::photonics::detail
