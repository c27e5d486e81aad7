// NCCL across processes and nodes under MPI (one process per GPU, `mpirun -np N
// lightwatt-measure nccl`): rank 0 creates the NCCL id and broadcasts it, every rank drives its
// local GPU, the window length is rank 0's choice broadcast to all (so every rank runs the same
// iterations), time is the slowest rank's, energy the sum of all GPUs'. Built when CMake finds MPI.
#pragma once

#include <optional>
#include <vector>

#include "measurements.hpp"

namespace lightwatt::gpu {

struct MpiSession {
    int rank = 0, size = 1, nodes = 1, local_device = 0;
};

// Initialises MPI when the program was started by an MPI launcher; empty otherwise. `devices`:
// the GPUs of this node, among which the local rank picks its own.
std::optional<MpiSession> start_mpi(int* argc, char*** argv, int devices);
void stop_mpi();

// Rank 0's measurements (others return an empty list).
std::vector<CollectiveMeasurement> measure_nccl_mpi(const MeasureOptions& o, const MpiSession& s);

}  // namespace lightwatt::gpu
