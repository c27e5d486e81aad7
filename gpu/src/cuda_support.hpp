// CUDA error checks and timed windows shared by the measurements (docs/calibration.md,
// "Measuring"): every figure comes from a window of at least `min_seconds` after warm-up, timed on
// the host around synchronised devices, with the power of the same window from NVML's energy
// counters, taken between two of their updates (energy_window.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime.h>

#include "counter_sampler.hpp"
#include "energy_window.hpp"
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
    // All devices of the window together, over the counters' updates inside it (energy_window.hpp).
    std::optional<WindowPower> power;
    [[nodiscard]] double per_iteration_s() const { return seconds / static_cast<double>(iterations); }
};

inline void synchronise(const std::vector<int>& devices) {
    for (const int d : devices) {
        LW_CUDA(cudaSetDevice(d));
        LW_CUDA(cudaDeviceSynchronize());
    }
}

// Runs `launch` (one iteration, enqueued on the devices' streams) `warmup` times, then in a window
// of at least min_seconds: iterations are doubled until the window is long enough, and, with NVML,
// until each counter updated at least twice after the lead-in (kCounterLeadS), so that the window's
// power is taken between two of its updates while the devices work.
template <class Launch>
Window timed_window(Launch&& launch, const std::vector<int>& devices, const Nvml* nvml, double min_seconds,
                    int warmup = 5) {
    const HostClock clock = steady_host_clock();
    for (int i = 0; i < warmup; ++i) launch();
    synchronise(devices);
    double t = clock.now_s();
    launch();
    synchronise(devices);
    const double one = clock.now_s() - t;
    long long n = std::max<long long>(1, static_cast<long long>(std::ceil(min_seconds / std::max(one, 1e-7))));
    for (;;) {
        std::optional<CounterSampler> sampler;
        if (nvml != nullptr && nvml->available()) sampler.emplace(energy_readings(nvml, devices), clock, kCounterPollS);
        Window w;
        w.iterations = n;
        const double t0 = clock.now_s();
        for (long long i = 0; i < n; ++i) launch();
        synchronise(devices);
        const double t1 = clock.now_s();
        w.seconds = t1 - t0;
        bool too_few_updates = false;
        if (sampler) {
            if (const auto polled = sampler->stop()) {
                w.power = total_power(*polled, t0 + kCounterLeadS, t1);
                too_few_updates = !w.power && w.seconds < kMaxLengthening * min_seconds;
            }
        }
        if ((w.seconds >= min_seconds && !too_few_updates) || n > (1LL << 40)) return w;
        n *= 2;
    }
}

// A GEMM's or a copy's energy figures from its window on one GPU (per iteration, the context idle
// subtracted, flagged above the power limit), when the window's power is known.
template <class Row>
void add_window_energy(Row& row, const Window& w, std::optional<double> context_idle_power_w,
                       std::optional<double> power_limit_w) {
    if (!w.power) return;
    const WindowEnergy e = window_energy(*w.power, w.seconds, w.iterations, 1, context_idle_power_w, power_limit_w);
    row.energy_j = e.energy_j;
    row.energy_above_idle_j = e.energy_above_idle_j;
    row.mean_power_w = e.mean_power_w;
    row.mean_power_uncertainty_w = e.mean_power_uncertainty_w;
    row.above_power_limit = e.above_power_limit;
}

// "663 iterations in 1.093 s, power over 0.861 s between 11 counter updates": a row's source.
inline std::string window_description(const Window& w) {
    char buffer[160];
    int n = std::snprintf(buffer, sizeof buffer, "%lld iterations in %.3f s", w.iterations, w.seconds);
    if (w.power)
        std::snprintf(buffer + n, sizeof buffer - static_cast<std::size_t>(n),
                      ", power over %.3f s between %d counter updates", w.power->span_s, w.power->update_intervals + 1);
    return buffer;
}

// Fills a device buffer with standard normal values (counter hash + Box-Muller): random data, as
// timing and power depend on it (low-entropy inputs draw less power).
void fill_normal_f32(float* data, std::size_t count, unsigned long long seed, cudaStream_t stream);

}  // namespace lightwatt::gpu
