// NCCL pieces shared by the one-process and the MPI measurements: error checks, nccl-tests' bus
// bandwidth factor, and one rank's part of a collective as nccl-tests sizes it.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "energy_window.hpp"
#include "record.hpp"

namespace lightwatt::gpu {

inline void nccl_check(ncclResult_t r, const char* what) {
    if (r != ncclSuccess) throw std::runtime_error(std::string(what) + ": " + ncclGetErrorString(r));
}

// busbw = algbw x factor, nccl-tests' definitions (src/*.cu *GetBw).
inline double bus_factor(const std::string& c, int n) {
    if (c == "all_reduce") return 2.0 * (n - 1) / n;
    if (c == "sendrecv") return 1.0;
    return static_cast<double>(n - 1) / n;  // all_gather, reduce_scatter, alltoall
}

// Rank `rank` of `n` enqueues its part of collective `c` over `count` floats (the whole
// collective, nccl-tests' size / 4) on `stream`; `share` = count / n for the per-rank parts.
// Point-to-point parts are grouped by the caller (ncclGroupStart/End around all of a process's ranks).
inline void enqueue_collective(const std::string& c, float* send, float* recv, std::size_t count, int rank, int n,
                               ncclComm_t comm, cudaStream_t stream) {
    const std::size_t share = count / static_cast<std::size_t>(n);
    if (c == "all_reduce")
        nccl_check(ncclAllReduce(send, recv, count, ncclFloat, ncclSum, comm, stream), "ncclAllReduce");
    else if (c == "all_gather")
        nccl_check(ncclAllGather(send, recv, share, ncclFloat, comm, stream), "ncclAllGather");
    else if (c == "reduce_scatter")
        nccl_check(ncclReduceScatter(send, recv, share, ncclFloat, ncclSum, comm, stream), "ncclReduceScatter");
    else if (c == "alltoall") {
        for (int peer = 0; peer < n; ++peer) {
            nccl_check(ncclSend(send + peer * share, share, ncclFloat, peer, comm, stream), "ncclSend");
            nccl_check(ncclRecv(recv + peer * share, share, ncclFloat, peer, comm, stream), "ncclRecv");
        }
    } else {  // sendrecv: to the next rank, from the previous one
        nccl_check(ncclSend(send, count, ncclFloat, (rank + 1) % n, comm, stream), "ncclSend");
        nccl_check(ncclRecv(recv, count, ncclFloat, (rank + n - 1) % n, comm, stream), "ncclRecv");
    }
}

// One row as nccl-tests reports it: `count` floats in `iterations` calls over `seconds`
// (size = count x 4 bytes, algbw = size / time, busbw = algbw x factor), with the energy per call
// when the window's power over its `n` GPUs is known, flagged above `limit_w` per GPU.
inline CollectiveRow collective_row(const std::string& c, int n, std::size_t count, double seconds,
                                    long long iterations, const std::optional<WindowPower>& power,
                                    std::optional<double> limit_w) {
    CollectiveRow row;
    row.bytes = static_cast<double>(count * sizeof(float));
    row.time_us = seconds / static_cast<double>(iterations) * 1e6;
    row.algbw_gbyte_per_s = row.bytes / (row.time_us * 1e-6) * 1e-9;
    row.busbw_gbyte_per_s = row.algbw_gbyte_per_s * bus_factor(c, n);
    if (power) {
        const WindowEnergy e = window_energy(*power, seconds, iterations, n, std::nullopt, limit_w);
        row.energy_j = e.energy_j;
        row.energy_uncertainty_j = e.energy_uncertainty_j;
        row.above_power_limit = e.above_power_limit;
    }
    return row;
}

}  // namespace lightwatt::gpu
