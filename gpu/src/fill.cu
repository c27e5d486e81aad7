#include "cuda_support.hpp"

namespace lightwatt::gpu {

namespace {

__device__ unsigned long long mix(unsigned long long z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

__global__ void fill_kernel(float* data, std::size_t count, unsigned long long seed) {
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < count;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
        const unsigned long long bits = mix(seed ^ mix(i));
        const float u1 = (static_cast<float>(bits >> 40) + 1.0f) * 0x1.0p-24f;  // (0, 1]
        const float u2 = static_cast<float>((bits >> 16) & 0xffffffULL) * 0x1.0p-24f;
        data[i] = sqrtf(-2.0f * logf(u1)) * cospif(2.0f * u2);
    }
}

}  // namespace

void fill_normal_f32(float* data, std::size_t count, unsigned long long seed, cudaStream_t stream) {
    fill_kernel<<<1024, 256, 0, stream>>>(data, count, seed);
    LW_CUDA(cudaGetLastError());
}

}  // namespace lightwatt::gpu
