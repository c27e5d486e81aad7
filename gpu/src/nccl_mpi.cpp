#include "nccl_mpi.hpp"

#include <cstdlib>

#if !defined(LIGHTWATT_WITH_MPI)
#error "nccl_mpi.cpp is built only with MPI (LIGHTWATT_WITH_MPI)"
#else

#include <mpi.h>
#include <nccl.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <string>

#include "cuda_support.hpp"
#include "nccl_support.hpp"

namespace lightwatt::gpu {

namespace {

bool launched_by_mpi() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", "SLURM_NTASKS"})
        if (std::getenv(v) != nullptr) return true;
    return false;
}

}  // namespace

std::optional<MpiSession> start_mpi(int* argc, char*** argv) {
    if (!launched_by_mpi()) return std::nullopt;
    MPI_Init(argc, argv);
    MpiSession s;
    MPI_Comm_rank(MPI_COMM_WORLD, &s.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &s.size);
    // Nodes: distinct processor names; the local rank picks the GPU.
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    std::vector<char> all(static_cast<std::size_t>(s.size) * MPI_MAX_PROCESSOR_NAME);
    MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, MPI_COMM_WORLD);
    std::set<std::string> hosts;
    int local = 0;
    for (int r = 0; r < s.size; ++r) {
        const std::string host(all.data() + static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME);
        hosts.insert(host);
        if (r < s.rank && host == name) ++local;
    }
    s.nodes = static_cast<int>(hosts.size());
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess) devices = 1;  // main() reports the missing GPU
    s.local_device = local % std::max(1, devices);
    return s;
}

void stop_mpi() { MPI_Finalize(); }

std::vector<CollectiveMeasurement> measure_nccl_mpi(const MeasureOptions& o, const MpiSession& s) {
    LW_CUDA(cudaSetDevice(s.local_device));
    ncclUniqueId id;
    if (s.rank == 0) nccl_check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
    ncclComm_t comm = nullptr;
    nccl_check(ncclCommInitRank(&comm, s.size, id, s.rank), "ncclCommInitRank");
    const auto largest = static_cast<std::size_t>(o.max_bytes);
    float* send = nullptr;
    float* recv = nullptr;
    cudaStream_t stream = nullptr;
    LW_CUDA(cudaMalloc(&send, largest));
    LW_CUDA(cudaMalloc(&recv, largest));
    LW_CUDA(cudaStreamCreate(&stream));
    fill_normal_f32(send, largest / sizeof(float), 4 + static_cast<unsigned long long>(s.rank), stream);
    LW_CUDA(cudaStreamSynchronize(stream));
    const int n = s.size;
    std::vector<CollectiveMeasurement> out;
    for (const std::string c : {"all_reduce", "all_gather", "reduce_scatter", "alltoall", "sendrecv"}) {
        CollectiveMeasurement m;
        m.collective = c;
        m.ranks = n;
        m.nodes = s.nodes;
        for (double size = o.min_bytes; size <= o.max_bytes; size *= 4.0) {
            const std::size_t count = static_cast<std::size_t>(size) / sizeof(float);
            const std::size_t share = count / static_cast<std::size_t>(n);
            if (share == 0) continue;
            // One rank per process: the point-to-point parts are grouped here.
            auto launch = [&] {
                nccl_check(ncclGroupStart(), "ncclGroupStart");
                enqueue_collective(c, send, recv, count, s.rank, n, comm, stream);
                nccl_check(ncclGroupEnd(), "ncclGroupEnd");
            };
            using clock = std::chrono::steady_clock;
            for (int i = 0; i < 5; ++i) launch();
            LW_CUDA(cudaStreamSynchronize(stream));
            MPI_Barrier(MPI_COMM_WORLD);
            auto t = clock::now();
            launch();
            LW_CUDA(cudaStreamSynchronize(stream));
            double one = std::chrono::duration<double>(clock::now() - t).count();
            MPI_Allreduce(MPI_IN_PLACE, &one, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
            long long iterations =
                std::max<long long>(1, static_cast<long long>(std::ceil(o.window_s / std::max(one, 1e-7))));
            MPI_Bcast(&iterations, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
            MPI_Barrier(MPI_COMM_WORLD);
            const auto e0 = o.nvml != nullptr ? o.nvml->energy_j(static_cast<unsigned>(s.local_device)) : std::nullopt;
            const auto t0 = clock::now();
            for (long long i = 0; i < iterations; ++i) launch();
            LW_CUDA(cudaStreamSynchronize(stream));
            double seconds = std::chrono::duration<double>(clock::now() - t0).count();
            const auto e1 = o.nvml != nullptr ? o.nvml->energy_j(static_cast<unsigned>(s.local_device)) : std::nullopt;
            MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
            double energy = e0 && e1 ? *e1 - *e0 : -1e300;  // any rank without a counter makes the sum negative
            MPI_Allreduce(MPI_IN_PLACE, &energy, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
            m.rows.push_back(collective_row(c, n, count, seconds, iterations,
                                            energy >= 0.0 ? std::optional<double>(energy) : std::nullopt));
        }
        m.source = "measured: NCCL under MPI, " + std::to_string(n) + " processes on " + std::to_string(s.nodes) +
                   " node(s), one GPU each, float, out-of-place";
        if (s.rank == 0) out.push_back(std::move(m));
    }
    cudaFree(send);
    cudaFree(recv);
    cudaStreamDestroy(stream);
    ncclCommDestroy(comm);
    return out;
}

}  // namespace lightwatt::gpu

#endif
