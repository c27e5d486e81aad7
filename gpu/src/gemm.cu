#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstdio>
#include <memory>

#include "cuda_support.hpp"
#include "measurements.hpp"

namespace lightwatt::gpu {

namespace {

void lt_check(cublasStatus_t s, const char* what) {
    if (s != CUBLAS_STATUS_SUCCESS)
        throw std::runtime_error(std::string(what) + ": cuBLASLt status " + std::to_string(static_cast<int>(s)));
}

template <class T>
__global__ void convert_kernel(const float* in, T* out, std::size_t count) {
    for (std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x; i < count;
         i += static_cast<std::size_t>(gridDim.x) * blockDim.x)
        out[i] = static_cast<T>(in[i]);
}

struct DtypeInfo {
    cudaDataType_t ab, cd;
    std::size_t ab_bytes, cd_bytes;
    int min_compute_capability;  // major * 10 + minor
};

DtypeInfo dtype_info(const std::string& d) {
    if (d == "bf16") return {CUDA_R_16BF, CUDA_R_16BF, 2, 2, 80};
    if (d == "fp16") return {CUDA_R_16F, CUDA_R_16F, 2, 2, 70};
    if (d == "fp8") return {CUDA_R_8F_E4M3, CUDA_R_16BF, 1, 2, 89};
    throw UsageError("unknown dtype '" + d + "': allowed bf16, fp16, fp8");
}

// Random normal values of the operand type in `bytes` of device memory.
void fill_operand(void* out, std::size_t count, const std::string& dtype, unsigned long long seed) {
    float* staging = nullptr;
    LW_CUDA(cudaMalloc(&staging, count * sizeof(float)));
    fill_normal_f32(staging, count, seed, nullptr);
    if (dtype == "bf16")
        convert_kernel<<<1024, 256>>>(staging, static_cast<__nv_bfloat16*>(out), count);
    else if (dtype == "fp16")
        convert_kernel<<<1024, 256>>>(staging, static_cast<__half*>(out), count);
    else
        convert_kernel<<<1024, 256>>>(staging, static_cast<__nv_fp8_e4m3*>(out), count);
    LW_CUDA(cudaGetLastError());
    LW_CUDA(cudaDeviceSynchronize());
    LW_CUDA(cudaFree(staging));
}

struct DeviceBuffer {
    void* p = nullptr;
    explicit DeviceBuffer(std::size_t bytes) { LW_CUDA(cudaMalloc(&p, bytes)); }
    ~DeviceBuffer() { cudaFree(p); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

}  // namespace

std::vector<GemmMeasurement> measure_gemm(const MeasureOptions& o) {
    LW_CUDA(cudaSetDevice(0));
    cudaDeviceProp prop{};
    LW_CUDA(cudaGetDeviceProperties(&prop, 0));
    const int cc = prop.major * 10 + prop.minor;
    cublasLtHandle_t lt = nullptr;
    lt_check(cublasLtCreate(&lt), "cublasLtCreate");
    std::unique_ptr<cublasLtContext, decltype(&cublasLtDestroy)> lt_guard(lt, &cublasLtDestroy);
    constexpr std::size_t kWorkspace = 32u << 20;  // cuBLAS's recommendation for Hopper
    DeviceBuffer workspace(kWorkspace);
    std::vector<GemmMeasurement> out;
    for (const auto& dtype : o.dtypes) {
        const DtypeInfo info = dtype_info(dtype);
        if (cc < info.min_compute_capability) {
            std::fprintf(stderr, "lightwatt-measure: %s GEMMs skipped: compute capability %d.%d < %d.%d\n",
                         dtype.c_str(), prop.major, prop.minor, info.min_compute_capability / 10,
                         info.min_compute_capability % 10);
            continue;
        }
        for (const Shape& s : o.shapes) {
            const auto m = static_cast<std::size_t>(s.m), n = static_cast<std::size_t>(s.n),
                       k = static_cast<std::size_t>(s.k);
            DeviceBuffer a(m * k * info.ab_bytes), b(k * n * info.ab_bytes), d(m * n * info.cd_bytes);
            fill_operand(a.p, m * k, dtype, 1);
            fill_operand(b.p, k * n, dtype, 2);
            cublasLtMatmulDesc_t op = nullptr;
            lt_check(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
            const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
            lt_check(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta), "TRANSA");
            lt_check(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb), "TRANSB");
            cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
            lt_check(cublasLtMatrixLayoutCreate(&la, info.ab, s.k, s.m, s.k), "layout A");  // k x m, used transposed
            lt_check(cublasLtMatrixLayoutCreate(&lb, info.ab, s.k, s.n, s.k), "layout B");
            lt_check(cublasLtMatrixLayoutCreate(&lc, info.cd, s.m, s.n, s.m), "layout C/D");
            cublasLtMatmulPreference_t pref = nullptr;
            lt_check(cublasLtMatmulPreferenceCreate(&pref), "preference");
            lt_check(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &kWorkspace,
                                                          sizeof kWorkspace),
                     "workspace");
            cublasLtMatmulHeuristicResult_t heuristic{};
            int found = 0;
            const cublasStatus_t hs =
                cublasLtMatmulAlgoGetHeuristic(lt, op, la, lb, lc, lc, pref, 1, &heuristic, &found);
            if (hs == CUBLAS_STATUS_SUCCESS && found > 0) {
                const float alpha = 1.0f, beta = 0.0f;
                auto launch = [&] {
                    lt_check(cublasLtMatmul(lt, op, &alpha, a.p, la, b.p, lb, &beta, d.p, lc, d.p, lc, &heuristic.algo,
                                            workspace.p, kWorkspace, nullptr),
                             "cublasLtMatmul");
                };
                const Window w = timed_window(launch, {0}, o.nvml, o.window_s);
                GemmMeasurement g;
                g.m = s.m;
                g.n = s.n;
                g.k = s.k;
                g.dtype = dtype;
                g.time_s = w.per_iteration_s();
                g.tflop_per_s =
                    2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) / g.time_s * 1e-12;
                add_window_energy(g, w, o.context_idle_power_w, o.power_limit_w);
                g.source = "cuBLASLt TN, heuristic #0, 32 MiB workspace, " + window_description(w);
                out.push_back(g);
            } else {
                std::fprintf(stderr, "lightwatt-measure: no cuBLASLt algorithm for %s %lldx%lldx%lld; skipped\n",
                             dtype.c_str(), s.m, s.n, s.k);
            }
            cublasLtMatmulPreferenceDestroy(pref);
            cublasLtMatrixLayoutDestroy(la);
            cublasLtMatrixLayoutDestroy(lb);
            cublasLtMatrixLayoutDestroy(lc);
            cublasLtMatmulDescDestroy(op);
        }
    }
    return out;
}

}  // namespace lightwatt::gpu
