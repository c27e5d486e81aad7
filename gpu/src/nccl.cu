#include <nccl.h>

#include <cstdio>

#include "cuda_support.hpp"
#include "measurements.hpp"
#include "nccl_support.hpp"

namespace lightwatt::gpu {

std::string nccl_version() {
    int v = 0;
    if (ncclGetVersion(&v) != ncclSuccess) return "";
    // NCCL_VERSION(X, Y, Z) = X * 10000 + Y * 100 + Z since 2.9.
    return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

std::vector<CollectiveMeasurement> measure_nccl(const MeasureOptions& o) {
    int n = 0;
    LW_CUDA(cudaGetDeviceCount(&n));
    std::vector<int> devices;
    for (int d = 0; d < n; ++d) devices.push_back(d);
    std::vector<ncclComm_t> comms(static_cast<std::size_t>(n));
    nccl_check(ncclCommInitAll(comms.data(), n, devices.data()), "ncclCommInitAll");
    const auto largest = static_cast<std::size_t>(o.max_bytes);
    std::vector<float*> send(static_cast<std::size_t>(n)), recv(static_cast<std::size_t>(n));
    std::vector<cudaStream_t> streams(static_cast<std::size_t>(n));
    for (int d = 0; d < n; ++d) {
        LW_CUDA(cudaSetDevice(d));
        LW_CUDA(cudaMalloc(&send[d], largest));
        LW_CUDA(cudaMalloc(&recv[d], largest));
        LW_CUDA(cudaStreamCreate(&streams[d]));
        fill_normal_f32(send[d], largest / sizeof(float), 4 + static_cast<unsigned long long>(d), streams[d]);
    }
    std::vector<CollectiveMeasurement> out;
    for (const std::string c : {"all_reduce", "all_gather", "reduce_scatter", "alltoall", "sendrecv"}) {
        CollectiveMeasurement m;
        m.collective = c;
        m.ranks = n;
        m.nodes = 1;
        for (double size = o.min_bytes; size <= o.max_bytes; size *= 4.0) {
            // nccl-tests' size: the whole collective's bytes; per-rank shares for AG/RS/A2A.
            const std::size_t count = static_cast<std::size_t>(size) / sizeof(float);
            const std::size_t share = count / static_cast<std::size_t>(n);
            if (share == 0) continue;
            auto launch = [&] {
                nccl_check(ncclGroupStart(), "ncclGroupStart");
                for (int r = 0; r < n; ++r) enqueue_collective(c, send[r], recv[r], count, r, n, comms[r], streams[r]);
                nccl_check(ncclGroupEnd(), "ncclGroupEnd");
            };
            const Window w = timed_window(launch, devices, o.nvml, o.window_s);
            m.rows.push_back(collective_row(c, n, count, w.seconds, w.iterations, w.power, o.power_limit_w));
        }
        m.source = "measured: NCCL " + nccl_version() + ", one process over " + std::to_string(n) +
                   " local GPU(s), float, out-of-place";
        out.push_back(std::move(m));
    }
    for (int d = 0; d < n; ++d) {
        LW_CUDA(cudaSetDevice(d));
        cudaFree(send[d]);
        cudaFree(recv[d]);
        cudaStreamDestroy(streams[d]);
        ncclCommDestroy(comms[d]);
    }
    return out;
}

}  // namespace lightwatt::gpu
