// Collective operations as nccl-tests measures them (docs/calibration.md, "Collectives"):
// names, the bus-bandwidth factor that turns algbw into busbw, and the latency of NCCL's own
// tuning model, which stands in for small-message latency where no measurement reaches down.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/units.hpp"

namespace lightwatt::interconnect {

enum class Collective {
    all_reduce,
    all_gather,
    reduce_scatter,
    alltoall,
    sendrecv,
    broadcast,
    reduce,
    gather,
    scatter,
    hypercube,
};

// The nccl-tests program that measures a collective ("all_reduce_perf", also "..._perf_mpi").
std::optional<Collective> collective_from_program(std::string_view program);

// busbw = algbw x factor (nccl-tests src/*.cu *GetBw, doc/PERFORMANCE.md): the bandwidth at the
// bottleneck link of a bandwidth-optimal algorithm over `ranks` ranks:
//   all_reduce 2(n-1)/n; all_gather, reduce_scatter, alltoall, gather, scatter (n-1)/n;
//   sendrecv, broadcast, reduce, hypercube 1.
double bus_bandwidth_factor(Collective c, int ranks);

// NCCL protocols (NCCL_PROTO).
enum class NcclProtocol { ll, ll128, simple };

// Latency of a ring collective in NCCL's tuning model (src/graph/tuning.cc, NCCL 2.30):
//   lat = baseLat[ring][p] + (nsteps - nInterSteps) hwLat[NVLink][ring][p] + nInterSteps hwLat[NET][ring][p]
// with nsteps = 2(n-1) for all_reduce (the network hop doubled for Simple, the flush; the
// topology's extra latencyInter taken as 0) and n-1 for all_gather / reduce_scatter, nInterSteps
// = 2(nodes-1) resp. nodes-1. Point-to-point collectives (alltoall, sendrecv) pay the base
// latency and one hop (NVLink within a node, the network across nodes). Ranks are assumed spread
// evenly over nodes connected by NVLink inside and a network between.
Time nccl_ring_latency(Collective c, int ranks, int nodes, NcclProtocol p);

}  // namespace lightwatt::interconnect

template <>
struct lightwatt::EnumTable<lightwatt::interconnect::Collective> {
    using enum interconnect::Collective;
    static constexpr auto entries =
        std::to_array<EnumEntry<interconnect::Collective>>({{all_reduce, "all_reduce"},
                                                            {all_gather, "all_gather"},
                                                            {reduce_scatter, "reduce_scatter"},
                                                            {alltoall, "alltoall"},
                                                            {sendrecv, "sendrecv"},
                                                            {broadcast, "broadcast"},
                                                            {reduce, "reduce"},
                                                            {gather, "gather"},
                                                            {scatter, "scatter"},
                                                            {hypercube, "hypercube"}});
    static constexpr std::string_view noun = "collective";
};

template <>
struct lightwatt::EnumTable<lightwatt::interconnect::NcclProtocol> {
    using enum interconnect::NcclProtocol;
    static constexpr auto entries =
        std::to_array<EnumEntry<interconnect::NcclProtocol>>({{ll, "LL"}, {ll128, "LL128"}, {simple, "Simple"}});
    static constexpr std::string_view noun = "protocol";
};
