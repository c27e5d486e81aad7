#include "lightwatt/interconnect/collective.hpp"

namespace lightwatt::interconnect {

namespace {

// NCCL src/graph/tuning.cc (NVIDIA/nccl @5067397c, NCCL 2.30), microseconds, ring algorithm,
// indexed by protocol LL, LL128, Simple.
constexpr auto kBaseLatencyRing = make_enum_array<NcclProtocol>({6.6, 14.0, 8.4});
constexpr auto kNvlinkLatencyRing = make_enum_array<NcclProtocol>({0.6, 1.9, 3.4});
constexpr auto kNetLatencyRing = make_enum_array<NcclProtocol>({2.7, 4.0, 14.0});

}  // namespace

std::optional<Collective> collective_from_program(std::string_view program) {
    for (const std::string_view suffix : {"_perf_mpi", "_perf"}) {
        if (program.size() > suffix.size() && program.substr(program.size() - suffix.size()) == suffix)
            return enum_parse<Collective>(program.substr(0, program.size() - suffix.size()));
    }
    return std::nullopt;
}

double bus_bandwidth_factor(Collective c, int ranks) {
    const double n = ranks;
    switch (c) {
        case Collective::all_reduce: return 2.0 * (n - 1.0) / n;
        case Collective::all_gather:
        case Collective::reduce_scatter:
        case Collective::alltoall:
        case Collective::gather:
        case Collective::scatter: return (n - 1.0) / n;
        case Collective::sendrecv:
        case Collective::broadcast:
        case Collective::reduce:
        case Collective::hypercube: return 1.0;
    }
    return 1.0;
}

Time nccl_ring_latency(Collective c, int ranks, int nodes, NcclProtocol p) {
    double steps = 0.0, inter_steps = 0.0;
    switch (c) {
        case Collective::all_reduce:
            steps = 2.0 * (ranks - 1);
            inter_steps = 2.0 * (nodes - 1);
            break;
        case Collective::all_gather:
        case Collective::reduce_scatter:
        case Collective::broadcast:
        case Collective::reduce:
        case Collective::gather:
        case Collective::scatter:
        case Collective::hypercube:
            steps = ranks - 1;
            inter_steps = nodes - 1;
            break;
        case Collective::alltoall:
        case Collective::sendrecv:
            steps = 1.0;
            inter_steps = nodes > 1 ? 1.0 : 0.0;
            break;
    }
    // The network hop of the Simple protocol counts twice (the flush); the topology's own
    // latencyInter is not known here and counts 0.
    const double net = kNetLatencyRing[p] * (p == NcclProtocol::simple ? 2.0 : 1.0);
    const double us = kBaseLatencyRing[p] + (steps - inter_steps) * kNvlinkLatencyRing[p] + inter_steps * net;
    return microseconds(us);
}

}  // namespace lightwatt::interconnect
