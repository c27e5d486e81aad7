// Latency-bandwidth model of one collective at one scale, fitted to measured rows
// (docs/calibration.md, "Fitted collective models"):
//
//   t(S) = alpha + S f(n) / B_bus
//
// S the collective's bytes (nccl-tests "size"), f(n) the bus-bandwidth factor, B_bus the bus
// bandwidth the collective sustains and alpha its latency. Fitted by least squares on time, both
// halves (in- and out-of-place) of every row up to a size limit, so the largest fitted rows weigh
// most; alpha >= 0 (with alpha < 0 the fit is redone with alpha = 0). The rows above the limit
// are held out and predicted, and their median relative error is the fit's error.
//
// Logs that start at 32 MiB say nothing about small-message latency: alpha then absorbs the
// ramp to the bandwidth plateau. NCCL's tuning-model latency (collective.hpp) is reported beside
// it, for the sizes the log does not reach.
#pragma once

#include <optional>
#include <vector>

#include "lightwatt/core/units.hpp"
#include "lightwatt/interconnect/collective.hpp"
#include "lightwatt/interconnect/nccl_tests.hpp"

namespace lightwatt::interconnect {

struct HeldOutPrediction {
    Information size{};
    Time measured{};
    Time predicted{};
    [[nodiscard]] double relative_error() const { return (predicted - measured) / measured; }
};

struct CollectiveFit {
    Collective collective = Collective::all_reduce;
    int ranks = 0;
    int nodes = 0;
    Time latency{};                 // alpha
    DataRate bus_bandwidth{};       // B_bus
    Information max_fitted_size{};  // the largest size that entered the fit
    int halves_fitted = 0;
    double fit_rms_relative_error = 0.0;  // over the fitted halves
    std::vector<HeldOutPrediction> held_out;
    std::optional<double> median_held_out_error;  // median |relative error|; empty: none held out
    Time nccl_latency_ll{};                       // NCCL tuning model, ring, LL protocol (small messages)
    Time nccl_latency_simple{};                   // same, Simple protocol (large messages)
};

// Time of a collective of `size` bytes under the model.
Time predict_time(const CollectiveFit& fit, Information size);

// The same collective on another fabric (issue #4, part 2), by changing the model's terms:
//   bandwidth_scale   the bottleneck link's bandwidth per GPU, new / measured (optical I/O: > 1);
//                     B_bus scales with it, so the bandwidth term S f(n) / B_bus shrinks by it;
//   added_hop_latency latency added on every sequential step of the algorithm (a DSP retimer's
//                     on each link): steps = 2(n-1) for all_reduce, n-1 for the ring collectives,
//                     1 for point-to-point (NCCL's tuning model, collective.hpp);
//   ranks, nodes      another scale: f(n) follows the rank count, and the latency moves by the
//                     difference of NCCL's model latency (Simple protocol) between the two scales.
// Energy differences between optics of one line rate come from their static and per-bit power
// (link models), not from this time.
struct FabricChange {
    double bandwidth_scale = 1.0;
    Time added_hop_latency{};
    std::optional<int> ranks, nodes;
};
CollectiveFit on_fabric(const CollectiveFit& measured, const FabricChange& change);
// Sequential steps of a collective over `ranks` ranks (the ring's for ring collectives).
int sequential_steps(Collective c, int ranks);

// Fits a run's rows up to `max_fit_size` (inclusive). The run must know its collective and ranks.
// Throws InputError when no row is small enough to fit, or every fitted time is the same size.
CollectiveFit fit_collective(const NcclTestsRun& run, Information max_fit_size);

}  // namespace lightwatt::interconnect
