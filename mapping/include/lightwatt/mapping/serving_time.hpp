// Time and GPU energy of a serving step from a calibration record (docs/models/serving-time.md):
//
//   GEMM        t = count x max( 2 m n k / (peak x e(m, n, k)),  bytes / (HBM x e_mem) )
//   attention   t = max( FLOPs / (peak_bf16 x e_best),  KV bytes / (HBM x e_mem) )
//   collective  t = count x min( LL: lat_LL + S f / min(B_bus, B_LL),  fit: alpha + S f / B_bus )
//   step        t = GEMMs + attention + (1 - overlap) x collectives
//
// e(m, n, k) is the efficiency (measured TFLOP/s over peak) of the calibration's GEMM nearest in
// log shape, e_best the best of them (flash attention); without GEMM rows the roofline's e = 1 is
// used, and the report says so. The
// collective comes from the calibration's fit for the same collective, rank count and tier (one
// node for scale-up), taking the faster of NCCL's low-latency protocol and the fitted line, as
// NCCL's tuner does; without a matching fit, NCCL's model latency and the GPU's link bandwidth.
// GPU power: the calibration's compute-bound power while compute-bound work runs, its
// memory-bound power otherwise (memory-bound kernels, attention, communication).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/interconnect/calibration_record.hpp"
#include "lightwatt/mapping/gpu.hpp"
#include "lightwatt/photonics/photonic_core.hpp"
#include "lightwatt/mapping/serving_calibration.hpp"
#include "lightwatt/mapping/workload.hpp"

namespace lightwatt::mapping {

struct StepTime {
    Time gemm{}, attention{}, elementwise{}, communication{}, overhead{}, total{};
    Time compute_bound{};      // of gemm + attention, the time spent compute-bound
    Time photonic{};           // offloaded GEMMs' time on the photonic cores (within gemm)
    Energy photonic_energy{};  // per GPU: MACs on the cores and data movement to them
    double offloaded_flops = 0.0;
    bool gemm_from_calibration = true;         // false: roofline with e = 1
    bool collectives_from_calibration = true;  // false: NCCL model and link bandwidth
    Power gpu_power{};                         // mean over the step
    Energy gpu_energy{};                       // per GPU over the step
    // Of which (sum = gpu_energy): the activity model's static power, its FLOP term and its HBM
    // byte term, scaled down together when capped; with the two-state model, the compute-bound
    // state's energy counts as compute and the memory-bound state's as HBM.
    Energy gpu_static_energy{}, gpu_compute_energy{}, gpu_hbm_energy{};
};

// GEMMs run on photonic cores beside the GPU (docs/models/system-energy.md, "Photonic offload"):
// weight-stationary cores reloaded every step (weight reuse = the GEMM's rows), the GPU still
// streaming the weights from HBM to them; the GEMM takes max(HBM streaming, photonic time) and
// costs the cores' analytic pJ/MAC (photonics/mac_energy.hpp) plus moving weights, inputs and
// outputs over the GPU-to-core link.
struct PhotonicOffload {
    photonics::PhotonicCore core;
    int cores_per_gpu = 1;
    std::vector<std::string> gemms;          // GemmOp names: "gate_up", "down", "qkv", ...
    EnergyPerBit movement_energy_per_bit{};  // GPU <-> cores link
};

struct TimingOptions {
    double communication_overlap = 0.0;  // share of collective time hidden under compute, [0, 1]
    // Activity power and, when serving_engine_overhead, the serving engine's per-step overhead
    // (serving_calibration.hpp); null: the roofline step and the calibration record's two power states.
    const ServingCalibration* serving = nullptr;
    bool serving_engine_overhead = true;       // false for training steps (no serving engine)
    const PhotonicOffload* offload = nullptr;  // null: every GEMM on the GPU
    // Per-GPU NIC bandwidth, per direction, for scale-out collectives without a matching fit
    // (zero: the GPU's NVLink bandwidth, as for scale-up).
    DataRate scale_out_bandwidth_per_gpu{};
};

StepTime time_step(const StepWork& work, const Parallelism& p, const ServingPoint& s, const GpuSpec& gpu,
                   const interconnect::CalibrationRecord& calibration, const TimingOptions& options);

// The repeating unit of work an estimate divides by its tokens: a serving cycle (the batch's
// prefill, then output_tokens decode steps) or a training step (micro-batches, pipeline bubble,
// optimizer), each phase one step's time and per-GPU energy repeated `repeats` times.
struct CyclePhase {
    Phase phase = Phase::decode;
    StepTime time;
    double repeats = 0;
};
struct CycleEstimate {
    std::vector<CyclePhase> phases;
    Time cycle{};
    double tokens = 0;    // per cycle: output tokens (serving) or tokens trained on (training)
    int gpus = 0;         // GPUs the cycle runs on
    Energy gpu_energy{};  // all GPUs over the cycle
    Energy gpu_static_energy{}, gpu_compute_energy{}, gpu_hbm_energy{};  // of which, all GPUs
    Energy photonic_energy{};                                            // all GPUs' photonic cores over the cycle
    TierTraffic traffic;  // what one GPU sends over each tier in the cycle
    bool gemm_from_calibration = true, collectives_from_calibration = true;
    [[nodiscard]] double tokens_per_s() const { return tokens / in_seconds(cycle); }
    [[nodiscard]] Energy gpu_only_energy_per_token() const { return gpu_energy / tokens; }
    // The step of that phase; std::out_of_range when the cycle has none.
    [[nodiscard]] const StepTime& phase(Phase p) const;
};

// Adds `repeats` of a step to a cycle: its time, its GPUs' energy, its traffic.
void add_phase(CycleEstimate& cycle, Phase phase, const StepTime& t, double repeats, const StepWork& work);

// A serving cycle on one replica of tp x pp GPUs: per output token of batch x output_tokens.
CycleEstimate estimate_serving(const LlmSpec& m, const Parallelism& p, const ServingPoint& s, const GpuSpec& gpu,
                               const interconnect::CalibrationRecord& calibration, const TimingOptions& options);

// Fits the serving overhead and the activity power model to measured runs (their model must be
// in `llms`); throws InputError when the runs cannot determine them.
ServingCalibration fit_serving_calibration(const ServingMeasurements& runs, const LlmCatalog& llms, const GpuSpec& gpu,
                                           const interconnect::CalibrationRecord& calibration);

// The serving terms fitted on `measured_on`, for `target` (docs/models/serving-time.md, "Another
// GPU"): the engine's overheads are the host's and stay; static and plateau power scale with the
// power limit; energy per BF16 FLOP with the power limit over the BF16 peak; energy per HBM byte
// stays (HBM3 and HBM3e stacks alike). Unchanged when the two are the same GPU.
ServingCalibration transfer_serving_calibration(const ServingCalibration& fitted, const GpuSpec& measured_on,
                                                const GpuSpec& target);

}  // namespace lightwatt::mapping
