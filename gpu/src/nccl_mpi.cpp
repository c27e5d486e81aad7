#include "nccl_mpi.hpp"

#include <cstdlib>

#if !defined(LIGHTWATT_WITH_MPI)
#error "nccl_mpi.cpp is built only with MPI (LIGHTWATT_WITH_MPI)"
#else

#include <mpi.h>
#include <nccl.h>

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

// A window's result on every rank: the slowest rank's time, the power of all ranks' GPUs (each
// taken between two updates of its own counter, energy_window.hpp), and whether every rank must
// run it again, longer, because a counter updated fewer than twice in it.
struct MpiWindow {
    double seconds = 0.0;
    std::optional<WindowPower> power;
    bool lengthen = false;
};

template <class Launch>
MpiWindow mpi_window(Launch& launch, cudaStream_t stream, long long iterations, const MeasureOptions& o,
                     const MpiSession& s, const HostClock& clock) {
    MPI_Barrier(MPI_COMM_WORLD);
    std::optional<CounterSampler> sampler;
    if (o.nvml != nullptr && o.nvml->available())
        sampler.emplace(energy_readings(o.nvml, {s.local_device}), clock, kCounterPollS);
    const double t0 = clock.now_s();
    for (long long i = 0; i < iterations; ++i) launch();
    LW_CUDA(cudaStreamSynchronize(stream));
    const double t1 = clock.now_s();
    // Each rank's state: 0 no counter, 1 too few updates, 2 a power; the least of all ranks decides.
    std::optional<WindowPower> own;
    int state = 0;
    if (sampler) {
        if (const auto polled = sampler->stop()) {
            own = total_power(*polled, t0 + kCounterLeadS, t1);
            state = own ? 2 : 1;
        }
    }
    MpiWindow w;
    w.seconds = t1 - t0;
    MPI_Allreduce(MPI_IN_PLACE, &w.seconds, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &state, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    double sums[2] = {own ? own->mean_power_w : 0.0, own ? own->uncertainty_w : 0.0};
    MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    if (state == 2) w.power = WindowPower{sums[0], sums[1], own->span_s, own->update_intervals};
    w.lengthen = state == 1 && w.seconds < kMaxLengthening * o.window_s;
    return w;
}

}  // namespace

std::optional<MpiSession> start_mpi(int* argc, char*** argv, int devices) {
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
    s.local_device = local % std::max(1, devices);  // no GPU: main() reports it
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
            const HostClock clock = steady_host_clock();
            for (int i = 0; i < 5; ++i) launch();
            LW_CUDA(cudaStreamSynchronize(stream));
            MPI_Barrier(MPI_COMM_WORLD);
            const double t = clock.now_s();
            launch();
            LW_CUDA(cudaStreamSynchronize(stream));
            double one = clock.now_s() - t;
            MPI_Allreduce(MPI_IN_PLACE, &one, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
            long long iterations =
                std::max<long long>(1, static_cast<long long>(std::ceil(o.window_s / std::max(one, 1e-7))));
            MPI_Bcast(&iterations, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
            for (;;) {
                const auto [seconds, power, lengthen] = mpi_window(launch, stream, iterations, o, s, clock);
                if (!lengthen) {
                    m.rows.push_back(collective_row(c, n, count, seconds, iterations, power, o.power_limit_w));
                    break;
                }
                iterations *= 2;
            }
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
