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
        add_window_energy(m, w, o.context_idle_power_w, o.power_limit_w);
        m.source = "cudaMemcpyAsync device to device, " + window_description(w);
        out.push_back(m);
        LW_CUDA(cudaFree(src));
        LW_CUDA(cudaFree(dst));
    }
    return out;
}

}  // namespace lightwatt::gpu
