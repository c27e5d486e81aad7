#include "gpu_backend.hpp"

#include <stdexcept>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/fast_normal.hpp"

#if defined(LIGHTWATT_WITH_CUDA_EMULATOR)
#include "lightwatt/photonics/cuda/noisy_gemm_gpu.hpp"
#endif

namespace lightwatt::photonics::detail {

std::string cuda_unavailable_reason() {
#if defined(LIGHTWATT_WITH_CUDA_EMULATOR)
    const std::string why = gpu::gpu_unavailable_reason();
    return why.empty() ? why : "device cuda: " + why + "; use device cpu";
#else
    return "device cuda: this build has no CUDA backend (no nvcc was found when it was configured, or "
           "LIGHTWATT_GPU was OFF); use device cpu";
#endif
}

GpuGemm noisy_gemm_on_gpu(const NoisyGemmProblem& problem) {
    if (const std::string why = cuda_unavailable_reason(); !why.empty()) throw ResourceMissing(why);
#if defined(LIGHTWATT_WITH_CUDA_EMULATOR)
    try {
        gpu::NoisyGemmGpuResult r = gpu::run_noisy_gemm_on_gpu(problem, normal_polynomial_table());
        return {std::move(r.out), r.clipped};
    } catch (const std::runtime_error& e) {
        throw ResourceMissing(std::string("device cuda: the GPU failed: ") + e.what());
    }
#else
    (void)problem;
    return {};  // not reached: cuda_unavailable_reason() is never empty here
#endif
}

}  // namespace lightwatt::photonics::detail
