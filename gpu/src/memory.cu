#include <chrono>
#include <thread>

#include "cuda_support.hpp"
#include "measurements.hpp"

namespace lightwatt::gpu {

std::vector<MemoryMeasurement> measure_memory(const MeasureOptions& o) {
    LW_CUDA(cudaSetDevice(0));
    std::size_t free_bytes = 0, total_bytes = 0;
    LW_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
    // Two buffers of the largest size must fit with room to spare.
    const double largest = std::min(o.max_bytes, static_cast<double>(free_bytes) / 3.0);
    std::vector<MemoryMeasurement> out;
    for (double size = o.min_bytes; size <= largest; size *= 4.0) {
        const auto bytes = static_cast<std::size_t>(size);
        void* src = nullptr;
        void* dst = nullptr;
        LW_CUDA(cudaMalloc(&src, bytes));
        LW_CUDA(cudaMalloc(&dst, bytes));
        fill_normal_f32(static_cast<float*>(src), bytes / sizeof(float), 3, nullptr);
        auto launch = [&] { LW_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, nullptr)); };
        const Window w = timed_window(launch, {0}, o.nvml, o.window_s);
        MemoryMeasurement m;
        m.bytes = 2.0 * static_cast<double>(bytes);  // read + write
        m.time_s = w.per_iteration_s();
        m.gbyte_per_s = m.bytes / m.time_s * 1e-9;
        if (w.energy_j) {
            m.energy_j = *w.energy_j / static_cast<double>(w.iterations);
            if (o.idle_power_w)
                m.energy_above_idle_j = (*w.energy_j - *o.idle_power_w * w.seconds) / static_cast<double>(w.iterations);
        }
        m.source = "cudaMemcpyAsync device to device, " + std::to_string(w.iterations) + " copies in " +
                   std::to_string(w.seconds) + " s";
        out.push_back(m);
        LW_CUDA(cudaFree(src));
        LW_CUDA(cudaFree(dst));
    }
    return out;
}

std::optional<double> measure_idle_power(const Nvml* nvml, double seconds) {
    if (nvml == nullptr || !nvml->available()) return std::nullopt;
    int count = 0;
    LW_CUDA(cudaGetDeviceCount(&count));
    std::vector<int> devices;
    for (int d = 0; d < count; ++d) devices.push_back(d);
    synchronise(devices);
    const auto e0 = energy_sum(nvml, devices);
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const auto e1 = energy_sum(nvml, devices);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!e0 || !e1) return std::nullopt;
    return (*e1 - *e0) / elapsed / static_cast<double>(count);
}

}  // namespace lightwatt::gpu
