// CUDA error checks and timed windows shared by the measurements (docs/calibration.md,
// "Measuring"): every figure comes from a window of at least `min_seconds` after warm-up, timed on
// the host around synchronised devices, with the energy of the same window from NVML.
#pragma once

#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime.h>

#include "nvml_energy.hpp"

namespace lightwatt::gpu {

inline void cuda_check(cudaError_t e, const char* what, const char* file, int line) {
    if (e != cudaSuccess)
        throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + what + ": " +
                                 cudaGetErrorString(e));
}
#define LW_CUDA(call) ::lightwatt::gpu::cuda_check((call), #call, __FILE__, __LINE__)

struct Window {
    double seconds = 0.0;  // the whole window
    long long iterations = 0;
    std::optional<double> energy_j;  // all devices of the window together
    [[nodiscard]] double per_iteration_s() const { return seconds / static_cast<double>(iterations); }
};

inline std::optional<double> energy_sum(const Nvml* nvml, const std::vector<int>& devices) {
    if (nvml == nullptr || !nvml->available()) return std::nullopt;
    double sum = 0.0;
    for (const int d : devices) {
        const auto e = nvml->energy_j(static_cast<unsigned>(d));
        if (!e) return std::nullopt;
        sum += *e;
    }
    return sum;
}

inline void synchronise(const std::vector<int>& devices) {
    for (const int d : devices) {
        LW_CUDA(cudaSetDevice(d));
        LW_CUDA(cudaDeviceSynchronize());
    }
}

// Runs `launch` (one iteration, enqueued on the devices' streams) `warmup` times, then in a window
// of at least min_seconds: iterations are doubled until the window is long enough.
template <class Launch>
Window timed_window(Launch&& launch, const std::vector<int>& devices, const Nvml* nvml, double min_seconds,
                    int warmup = 5) {
    using clock = std::chrono::steady_clock;
    for (int i = 0; i < warmup; ++i) launch();
    synchronise(devices);
    auto t = clock::now();
    launch();
    synchronise(devices);
    const double one = std::chrono::duration<double>(clock::now() - t).count();
    long long n = std::max<long long>(1, static_cast<long long>(std::ceil(min_seconds / std::max(one, 1e-7))));
    for (;;) {
        Window w;
        w.iterations = n;
        const auto e0 = energy_sum(nvml, devices);
        const auto t0 = clock::now();
        for (long long i = 0; i < n; ++i) launch();
        synchronise(devices);
        w.seconds = std::chrono::duration<double>(clock::now() - t0).count();
        const auto e1 = energy_sum(nvml, devices);
        if (e0 && e1) w.energy_j = *e1 - *e0;
        if (w.seconds >= min_seconds || n > (1LL << 40)) return w;
        n *= 2;
    }
}

// Fills a device buffer with standard normal values (counter hash + Box-Muller): random data, as
// timing and power depend on it (low-entropy inputs draw less power).
void fill_normal_f32(float* data, std::size_t count, unsigned long long seed, cudaStream_t stream);

}  // namespace lightwatt::gpu
