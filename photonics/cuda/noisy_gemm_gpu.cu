// The tiled noisy GEMM on a GPU (noisy_gemm_gpu.hpp). Each thread block holds a 128 x 128 tile of
// the output; each thread 8 x 8 elements in registers. Per k tile, the partial sums accumulate in
// FP32 over 8-column slices of the weights and inputs in shared memory (the k tile's columns in
// order, by explicit fused multiply-adds), then every element is digitised
// (digitise_element) and the partial sums restart: noise and the ADC act per k tile, as on the
// hardware and in the CPU backend. The rest of this file is compiled with -fmad=false, so the
// noise and ADC arithmetic is the CPU's, operation for operation.
#include "lightwatt/photonics/cuda/noisy_gemm_gpu.hpp"

#include <cuda_runtime.h>

#include <memory>
#include <stdexcept>

#include "lightwatt/photonics/noisy_gemm_element.hpp"

namespace lightwatt::photonics::gpu {

namespace {

using detail::AdcColumnShape;

constexpr int kBlockRows = 128, kBlockCols = 128, kSlice = 8, kThreadRows = 8, kThreadCols = 8;
constexpr int kThreads = (kBlockRows / kThreadRows) * (kBlockCols / kThreadCols);  // 256

void check(cudaError_t status, const char* what) {
    if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}

// Device memory freed when it goes out of scope.
struct DeviceFree {
    void operator()(void* p) const { cudaFree(p); }
};
using DeviceBuffer = std::unique_ptr<void, DeviceFree>;

template <typename T>
const T* upload(const std::vector<T>& host, std::vector<DeviceBuffer>& owned) {
    if (host.empty()) return nullptr;
    void* device = nullptr;
    check(cudaMalloc(&device, host.size() * sizeof(T)), "cudaMalloc");
    owned.emplace_back(device);
    check(cudaMemcpy(device, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy to device");
    return static_cast<const T*>(device);
}

struct Operands {
    const float* weights = nullptr;      // stacked rows x k
    const float* weights_aux = nullptr;  // the same, aux shapes
    const float* inputs = nullptr;       // k x n
    std::int64_t k = 0;
    int tile_cols = 0, tiles_col = 0;
    bool aux_squared = false;
};

// One column of a slice into a thread's sums: sums[i][c] += w[its row i] x[its column c], by fused
// multiply-adds (explicit, as -fmad=false leaves the rest of the file without them).
__device__ __forceinline__ void outer_product(const float* w, const float* x, int ty, int tx,
                                              float (&sums)[kThreadRows][kThreadCols]) {
    float wr[kThreadRows], xr[kThreadCols];
#pragma unroll
    for (int i = 0; i < kThreadRows; ++i) wr[i] = w[ty * kThreadRows + i];
#pragma unroll
    for (int c = 0; c < kThreadCols; ++c) xr[c] = x[tx * kThreadCols + c];
#pragma unroll
    for (int i = 0; i < kThreadRows; ++i)
#pragma unroll
        for (int c = 0; c < kThreadCols; ++c) sums[i][c] = __fmaf_rn(wr[i], xr[c], sums[i][c]);
}

// f(i, c, s, j) for each of a thread's elements (its rows from s_first, columns from j_first) that
// lies inside the m x n output.
template <typename F>
__device__ __forceinline__ void for_each_element(const NoisyGemmView& v, std::int64_t s_first, std::int64_t j_first,
                                                 F&& f) {
#pragma unroll
    for (int i = 0; i < kThreadRows; ++i) {
        if (s_first + i >= v.m) continue;
#pragma unroll
        for (int c = 0; c < kThreadCols; ++c)
            if (j_first + c < v.n) f(i, c, s_first + i, j_first + c);
    }
}

template <AdcColumnShape Shape>
__global__ void __launch_bounds__(kThreads)
    noisy_gemm_kernel(NoisyGemmView v, Operands o, float* __restrict__ out, unsigned long long* clipped) {
    constexpr bool kAux = Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated;
    __shared__ float w_slice[kSlice][kBlockRows];
    __shared__ float x_slice[kSlice][kBlockCols];
    __shared__ float wa_slice[kAux ? kSlice : 1][kAux ? kBlockRows : 1];
    __shared__ float u_slice[kAux ? kSlice : 1][kAux ? kBlockCols : 1];
    const int tid = static_cast<int>(threadIdx.x);
    const int ty = tid / (kBlockCols / kThreadCols), tx = tid % (kBlockCols / kThreadCols);
    const std::int64_t s0 = static_cast<std::int64_t>(blockIdx.y) * kBlockRows;
    const std::int64_t j0 = static_cast<std::int64_t>(blockIdx.x) * kBlockCols;
    float result[kThreadRows][kThreadCols] = {};
    float p[kThreadRows][kThreadCols];
    float a[kAux ? kThreadRows : 1][kAux ? kThreadCols : 1];
    unsigned long long clips = 0;
    for (int t = 0; t < o.tiles_col; ++t) {
#pragma unroll
        for (int i = 0; i < kThreadRows; ++i)
#pragma unroll
            for (int c = 0; c < kThreadCols; ++c) {
                p[i][c] = 0.0f;
                if constexpr (kAux) a[i][c] = 0.0f;
            }
        const std::int64_t c_begin = static_cast<std::int64_t>(t) * o.tile_cols;
        const std::int64_t c_end = c_begin + o.tile_cols < o.k ? c_begin + o.tile_cols : o.k;
        for (std::int64_t c0 = c_begin; c0 < c_end; c0 += kSlice) {
            // Weights: consecutive threads read consecutive rows of one column.
            for (int e = tid; e < kSlice * kBlockRows; e += kThreads) {
                const int cc = e / kBlockRows, ss = e % kBlockRows;
                const std::int64_t gc = c0 + cc, gs = s0 + ss;
                const bool inside = gc < c_end && gs < v.stacked_rows;
                w_slice[cc][ss] = inside ? o.weights[gc * v.stacked_rows + gs] : 0.0f;
                if constexpr (kAux) wa_slice[cc][ss] = inside ? o.weights_aux[gc * v.stacked_rows + gs] : 0.0f;
            }
            // Inputs: consecutive threads read consecutive rows (k) of one column.
            for (int e = tid; e < kSlice * kBlockCols; e += kThreads) {
                const int cc = e % kSlice, jj = e / kSlice;
                const std::int64_t gc = c0 + cc, gj = j0 + jj;
                const bool inside = gc < c_end && gj < v.n;
                const float x = inside ? o.inputs[gj * o.k + gc] : 0.0f;
                x_slice[cc][jj] = x;
                if constexpr (kAux) {
                    const float shifted = x + 1.0f;
                    u_slice[cc][jj] = !inside ? 0.0f : o.aux_squared ? shifted * shifted : x;
                }
            }
            __syncthreads();
#pragma unroll
            for (int cc = 0; cc < kSlice; ++cc) {
                outer_product(w_slice[cc], x_slice[cc], ty, tx, p);
                if constexpr (kAux) outer_product(wa_slice[cc], u_slice[cc], ty, tx, a);
            }
            __syncthreads();
        }
        for_each_element(v, s0 + ty * kThreadRows, j0 + tx * kThreadCols,
                         [&](int i, int c, std::int64_t s, std::int64_t j) {
                             const float aux = kAux ? a[kAux ? i : 0][kAux ? c : 0] : 0.0f;
                             clips += digitise_element<Shape>(v, s, j, t, p[i][c], aux, &result[i][c]) ? 1 : 0;
                         });
    }
    for_each_element(v, s0 + ty * kThreadRows, j0 + tx * kThreadCols,
                     [&](int i, int c, std::int64_t s, std::int64_t j) { out[j * v.m + s] = result[i][c]; });
    if (clips > 0) atomicAdd(clipped, clips);
}

void launch(int shape, dim3 grid, const NoisyGemmView& v, const Operands& o, float* out, unsigned long long* clipped) {
    switch (static_cast<AdcColumnShape>(shape)) {
        case AdcColumnShape::plain:
            noisy_gemm_kernel<AdcColumnShape::plain><<<grid, kThreads>>>(v, o, out, clipped);
            break;
        case AdcColumnShape::offset:
            noisy_gemm_kernel<AdcColumnShape::offset><<<grid, kThreads>>>(v, o, out, clipped);
            break;
        case AdcColumnShape::aux: noisy_gemm_kernel<AdcColumnShape::aux><<<grid, kThreads>>>(v, o, out, clipped); break;
        case AdcColumnShape::aux_rotated:
            noisy_gemm_kernel<AdcColumnShape::aux_rotated><<<grid, kThreads>>>(v, o, out, clipped);
            break;
        default: throw std::runtime_error("unknown ADC column shape " + std::to_string(shape));
    }
    check(cudaGetLastError(), "kernel launch");
}

}  // namespace

std::string gpu_unavailable_reason() {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) return std::string("no usable CUDA driver or GPU (") + cudaGetErrorString(status) + ")";
    if (count == 0) return "no CUDA GPU found";
    return "";
}

NoisyGemmGpuResult run_noisy_gemm_on_gpu(const NoisyGemmProblem& problem, const std::vector<float>& normal_table,
                                         int repeats) {
    if (const std::string why = gpu_unavailable_reason(); !why.empty()) throw std::runtime_error(why);
    check(cudaSetDevice(0), "cudaSetDevice");
    NoisyGemmGpuResult result;
    cudaDeviceProp properties{};
    check(cudaGetDeviceProperties(&properties, 0), "cudaGetDeviceProperties");
    result.device_name = properties.name;
    std::vector<DeviceBuffer> owned;
    // The view's arrays in device memory: the scalars from host_view, the pointers replaced.
    NoisyGemmView v = host_view(problem, nullptr);
    v.offset = upload(problem.offset, owned);
    v.dc_current = upload(problem.dc_current, owned);
    v.thermal = upload(problem.thermal, owned);
    v.shot_per_ampere = upload(problem.shot_per_ampere, owned);
    v.c_pp = upload(problem.c_pp, owned);
    v.c_aa = upload(problem.c_aa, owned);
    v.c_a = upload(problem.c_a, owned);
    v.cos_phi = upload(problem.cos_phi, owned);
    v.sin_phi = upload(problem.sin_phi, owned);
    v.normal_table = upload(normal_table, owned);
    Operands o;
    o.weights = upload(problem.weights, owned);
    o.weights_aux = upload(problem.weights_aux, owned);
    o.inputs = upload(problem.inputs, owned);
    o.k = problem.k;
    o.tile_cols = problem.tile_cols;
    o.tiles_col = problem.tiles_col;
    o.aux_squared = problem.aux_squared;
    const std::size_t outputs = static_cast<std::size_t>(problem.m) * static_cast<std::size_t>(problem.n);
    void* out = nullptr;
    void* clipped = nullptr;
    check(cudaMalloc(&out, outputs * sizeof(float)), "cudaMalloc");
    owned.emplace_back(out);
    check(cudaMalloc(&clipped, sizeof(unsigned long long)), "cudaMalloc");
    owned.emplace_back(clipped);
    const dim3 grid(static_cast<unsigned>((problem.n + kBlockCols - 1) / kBlockCols),
                    static_cast<unsigned>((problem.m + kBlockRows - 1) / kBlockRows));
    auto* out_f = static_cast<float*>(out);
    auto* clipped_u = static_cast<unsigned long long*>(clipped);
    check(cudaMemset(clipped, 0, sizeof(unsigned long long)), "cudaMemset");
    launch(problem.shape, grid, v, o, out_f, clipped_u);
    check(cudaDeviceSynchronize(), "kernel");
    if (repeats > 0) {
        cudaEvent_t start, stop;
        check(cudaEventCreate(&start), "cudaEventCreate");
        check(cudaEventCreate(&stop), "cudaEventCreate");
        check(cudaEventRecord(start), "cudaEventRecord");
        for (int i = 0; i < repeats; ++i) launch(problem.shape, grid, v, o, out_f, clipped_u);
        check(cudaEventRecord(stop), "cudaEventRecord");
        check(cudaEventSynchronize(stop), "kernel");
        float ms = 0.0f;
        check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
        result.kernel_ms = ms / repeats;
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
        // The timed runs added their clips too: count one run's again.
        check(cudaMemset(clipped, 0, sizeof(unsigned long long)), "cudaMemset");
        launch(problem.shape, grid, v, o, out_f, clipped_u);
        check(cudaDeviceSynchronize(), "kernel");
    }
    result.out.resize(outputs);
    check(cudaMemcpy(result.out.data(), out, outputs * sizeof(float), cudaMemcpyDeviceToHost), "cudaMemcpy to host");
    unsigned long long clips = 0;
    check(cudaMemcpy(&clips, clipped, sizeof clips, cudaMemcpyDeviceToHost), "cudaMemcpy to host");
    result.clipped = clips;
    return result;
}

}  // namespace lightwatt::photonics::gpu
