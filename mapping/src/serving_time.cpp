#include "lightwatt/mapping/serving_time.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "lightwatt/core/error.hpp"

#include "fit.hpp"

namespace lightwatt::mapping {

namespace {

using interconnect::CalibrationRecord;
using interconnect::CollectiveFit;

// The LL protocol's bus bandwidth in NCCL's ring model (src/graph/tuning.cc, NVIDIA/nccl
// 5067397c): a quarter of the protocol-free bandwidth (a third for one-node collectives other than
// all-reduce), capped at the GPU generation's llMaxBws for the nodes the collective spans.
DataRate ll_bus_bandwidth(const GpuSpec& gpu, DataRate bus, int nodes, interconnect::Collective c) {
    const double share = (nodes > 1 || c == interconnect::Collective::all_reduce) ? 0.25 : 1.0 / 3.0;
    return std::min(nccl_ll_max_bus_bandwidth(gpu, nodes), bus * share);
}

// A measured FLOP rate as a share of the peak, at most 1: the GEMM efficiency e.
double share_of_peak(FlopRate measured, FlopRate peak) {
    const double share = measured / peak;
    return std::min(1.0, share);
}

// Efficiency of the calibration GEMM nearest in log shape (bf16 rows), or empty.
std::optional<double> gemm_efficiency(const CalibrationRecord& c, FlopRate peak_bf16, double m, double n, double k) {
    double best = std::numeric_limits<double>::infinity();
    std::optional<double> e;
    for (const auto& g : c.gemm) {
        if (g.dtype != "bf16") continue;
        const double d = std::pow(std::log(m / static_cast<double>(g.m)), 2) +
                         std::pow(std::log(n / static_cast<double>(g.n)), 2) +
                         std::pow(std::log(k / static_cast<double>(g.k)), 2);
        if (d < best) {
            best = d;
            e = share_of_peak(g.flop_rate, peak_bf16);
        }
    }
    return e;
}

const interconnect::CollectiveRecord* matching_fit(const CalibrationRecord& c, const CollectiveOp& op) {
    const interconnect::CollectiveRecord* found = nullptr;
    for (const auto& r : c.collectives) {
        if (r.collective != op.collective || r.ranks != op.ranks || !r.fit) continue;
        const bool one_node = r.nodes <= 1;
        if (one_node != (op.tier == FabricTier::scale_up)) continue;
        if (!one_node && r.nodes != op.nodes) continue;
        found = &r;
        break;
    }
    return found;
}

bool is_offloaded(const GemmOp& g, const PhotonicOffload* offload) {
    return offload != nullptr &&
           std::find(offload->gemms.begin(), offload->gemms.end(), g.name) != offload->gemms.end();
}

// An offloaded GEMM: the slower of streaming its weights and activations from HBM and its MACs on
// the photonic cores; the cores' analytic energy per MAC plus moving the bytes to them.
void add_photonic_gemm(StepTime& t, const GemmOp& g, Information moved, DataRate hbm, const PhotonicOffload& offload) {
    const photonics::MacEnergyParameters mp = photonics::energy_parameters(offload.core, g.m);
    const double macs = g.m * g.n * g.k;
    const Time photonic = seconds(macs / (photonics::macs_per_second(mp) * offload.cores_per_gpu));
    const Time memory = moved / hbm;
    t.gemm += std::max(memory, photonic) * g.count;
    t.photonic += photonic * g.count;
    t.photonic_energy +=
        photonics::mac_energy(mp).total() * (macs * g.count) + offload.movement_energy_per_bit * moved * g.count;
    t.offloaded_flops += 2.0 * macs * g.count;
}

// GEMMs: t = count x max(2 m n k / (peak x e(m, n, k)), bytes / HBM), e from the calibration's
// nearest GEMM (the roofline's 1 without one); offloaded ones on the photonic cores.
void add_gemm_time(StepTime& t, const StepWork& w, const ServingPoint& s, const GpuSpec& gpu,
                   const CalibrationRecord& cal, const PhotonicOffload* offload) {
    const DataRate hbm = effective_hbm_bandwidth(gpu);
    for (const GemmOp& g : w.gemms) {
        if (g.count <= 0.0 || g.m <= 0.0) continue;
        // Each GEMM at its own weights' precision (experts may be stored otherwise than the rest).
        const double bytes_per_weight = g.bytes_per_weight.value_or(s.bytes_per_weight);
        const FlopRate peak = peak_for_weights(gpu, bytes_per_weight);
        const Information weights = bytes(g.n * g.k * bytes_per_weight);
        const Information activations = bytes((g.m * g.k + g.m * g.n) * s.bytes_per_activation);
        if (is_offloaded(g, offload)) {
            add_photonic_gemm(t, g, weights + activations, hbm, *offload);
            continue;
        }
        const auto e = gemm_efficiency(cal, gpu.peak_bf16, g.m, g.n, g.k);
        if (!e) t.gemm_from_calibration = false;
        const Time compute = flops(2.0 * g.m * g.n * g.k) / (peak * e.value_or(1.0));
        const Time memory = (weights + activations) / hbm;
        const Time each = std::max(compute, memory);
        t.gemm += each * g.count;
        if (compute >= memory) t.compute_bound += each * g.count;
    }
}

// Attention (flash-attention kernels): FLOPs against the bf16 peak at the best efficiency the
// calibration's GEMMs reach (decode attention is bound by its KV reads anyway).
void add_attention_time(StepTime& t, const StepWork& w, const GpuSpec& gpu, const CalibrationRecord& cal) {
    std::optional<double> best;
    for (const auto& g : cal.gemm)
        if (g.dtype == "bf16") best = std::max(best.value_or(0.0), share_of_peak(g.flop_rate, gpu.peak_bf16));
    const Time compute = flops(w.attention_flops) / (gpu.peak_bf16 * best.value_or(1.0));
    const Time memory = (w.kv_read + w.kv_written) / effective_hbm_bandwidth(gpu);
    t.attention = std::max(compute, memory);
    if (compute >= memory) t.compute_bound += t.attention;
}

// A collective with a fit for its group: the faster of NCCL's LL protocol and the fitted line.
Time fitted_collective_time(const CollectiveOp& op, Information on_bus, const CollectiveFit& f, const GpuSpec& gpu) {
    const DataRate ll_bus = ll_bus_bandwidth(gpu, f.bus_bandwidth, op.nodes, op.collective);
    const Time ll = interconnect::nccl_ring_latency(op.collective, op.ranks, op.nodes, interconnect::NcclProtocol::ll) +
                    on_bus / ll_bus;
    const Time fitted = f.latency + on_bus / f.bus_bandwidth;
    return std::min(ll, fitted);
}

// No fit for this group: NCCL's model latencies and the links' bandwidth. A ring across nodes
// leaves each node through its GPUs' NICs, one ring per GPU in the group there, so its bus
// bandwidth is the NICs of the group's GPUs on one node. The faster of NCCL's LL and Simple
// protocols, as its tuner picks.
Time modelled_collective_time(const CollectiveOp& op, Information on_bus, const GpuSpec& gpu,
                              DataRate scale_out_bandwidth_per_gpu) {
    DataRate bus = gpu.nvlink_bandwidth;
    if (op.tier == FabricTier::scale_out && in_bits_per_second(scale_out_bandwidth_per_gpu) > 0.0) {
        const double ranks_per_node = static_cast<double>(op.ranks) / std::max(1, op.nodes);
        bus = std::min(gpu.nvlink_bandwidth, scale_out_bandwidth_per_gpu * ranks_per_node);
    }
    const Time simple =
        interconnect::nccl_ring_latency(op.collective, op.ranks, op.nodes, interconnect::NcclProtocol::simple) +
        on_bus / bus;
    const DataRate ll_bus = ll_bus_bandwidth(gpu, bus, op.nodes, op.collective);
    const Time ll = interconnect::nccl_ring_latency(op.collective, op.ranks, op.nodes, interconnect::NcclProtocol::ll) +
                    on_bus / ll_bus;
    return std::min(ll, simple);
}

void add_collective_time(StepTime& t, const StepWork& w, const GpuSpec& gpu, const CalibrationRecord& cal,
                         DataRate scale_out_bandwidth_per_gpu) {
    for (const CollectiveOp& op : w.collectives) {
        const Information on_bus = op.size * interconnect::bus_bandwidth_factor(op.collective, op.ranks);
        Time each{};
        if (const auto* rec = matching_fit(cal, op)) {
            each = fitted_collective_time(op, on_bus, *rec->fit, gpu);
        } else {
            t.collectives_from_calibration = false;
            each = modelled_collective_time(op, on_bus, gpu, scale_out_bandwidth_per_gpu);
        }
        t.communication += each * op.count;
    }
}

// Activity power: the step's FLOP and HBM byte rates, capped at the measured plateau. A GEMM FLOP
// in a narrower format than BF16 costs the share flop_energy_relative_to_bf16 of a BF16 one (the
// fit's FLOPs are BF16); attention runs in BF16.
double bf16_equivalent_flops(const StepWork& w, const ServingPoint& s, const GpuSpec& gpu, double offloaded_flops) {
    // One format for every GEMM (the common case) keeps the sum as one product; GEMMs with weights
    // of their own precision (MXFP4 experts) are charged each at theirs.
    const bool one_format = std::none_of(w.gemms.begin(), w.gemms.end(), [&](const GemmOp& g) {
        return g.bytes_per_weight && *g.bytes_per_weight != s.bytes_per_weight;
    });
    if (one_format) {
        const double gemm_share = flop_energy_relative_to_bf16(gpu, format_for_weights(gpu, s.bytes_per_weight));
        return (w.gemm_flops() - offloaded_flops) * gemm_share + w.attention_flops;
    }
    double flops_bf16 =
        -offloaded_flops * flop_energy_relative_to_bf16(gpu, format_for_weights(gpu, s.bytes_per_weight));
    for (const GemmOp& g : w.gemms)
        flops_bf16 += g.flops() * flop_energy_relative_to_bf16(
                                      gpu, format_for_weights(gpu, g.bytes_per_weight.value_or(s.bytes_per_weight)));
    return flops_bf16 + w.attention_flops;
}

void add_activity_power(StepTime& t, const StepWork& w, const ServingPoint& s, const GpuSpec& gpu,
                        const ServingCalibration& serving) {
    const FlopRate flop_rate = flops(bf16_equivalent_flops(w, s, gpu, t.offloaded_flops)) / t.total;
    const DataRate hbm_rate = (w.weights_read + w.kv_read + w.kv_written + w.elementwise_traffic) / t.total;
    const Power static_power = serving.static_power;
    const Power compute_power = serving.energy_per_flop * flop_rate;
    const Power hbm_power = serving.hbm_energy_per_bit * hbm_rate;
    const Power activity = static_power + compute_power + hbm_power;
    t.gpu_power = std::min(activity, serving.max_power);
    t.gpu_energy = t.gpu_power * t.total;
    // Each part scaled by the same factor where the plateau caps their sum; each computed from its
    // own term (never as a difference, which rounds a zero term to -0).
    const double cap = in_watts(activity) > 0.0 ? in_watts(t.gpu_power) / in_watts(activity) : 1.0;
    t.gpu_static_energy = cap * static_power * t.total;
    t.gpu_compute_energy = cap * compute_power * t.total;
    t.gpu_hbm_energy = cap * hbm_power * t.total;
}

// Two power states: compute-bound time at the compute-bound state, the rest at the memory-bound
// state; without power states, the TDP throughout (and the report says which calibration it used).
void add_two_state_power(StepTime& t, const GpuSpec& gpu, const CalibrationRecord& cal) {
    const Power compute_power = cal.power.compute_bound.value_or(gpu.tdp);
    const Power memory_power = cal.power.memory_bound.value_or(gpu.tdp);
    const Time other = t.total - t.compute_bound;
    t.gpu_energy = compute_power * t.compute_bound + memory_power * other;
    t.gpu_power = t.gpu_energy / t.total;
    t.gpu_compute_energy = compute_power * t.compute_bound;
    t.gpu_hbm_energy = memory_power * other;
}

}  // namespace

StepTime time_step(const StepWork& w, const Parallelism& p, const ServingPoint& s, const GpuSpec& gpu,
                   const CalibrationRecord& cal, const TimingOptions& o) {
    StepTime t;
    add_gemm_time(t, w, s, gpu, cal, o.offload);
    add_attention_time(t, w, gpu, cal);
    t.elementwise = w.elementwise_traffic / effective_hbm_bandwidth(gpu);
    add_collective_time(t, w, gpu, cal, o.scale_out_bandwidth_per_gpu);
    if (o.serving != nullptr && o.serving_engine_overhead) {
        const double layers_here = std::ceil(static_cast<double>(w.layers) / p.pp);
        t.overhead = o.serving->per_layer * layers_here + o.serving->per_sequence * static_cast<double>(s.batch);
    }
    t.total = t.gemm + t.attention + t.elementwise + (1.0 - o.communication_overlap) * t.communication + t.overhead;
    if (!(in_seconds(t.total) > 0.0)) return t;  // no work in this step
    if (o.serving != nullptr)
        add_activity_power(t, w, s, gpu, *o.serving);
    else
        add_two_state_power(t, gpu, cal);
    return t;
}

const StepTime& CycleEstimate::phase(Phase p) const {
    for (const auto& ph : phases)
        if (ph.phase == p) return ph.time;
    throw std::out_of_range("no phase \"" + std::string(enum_name(p)) + "\" in this cycle");
}

void add_phase(CycleEstimate& c, Phase phase, const StepTime& t, double repeats, const StepWork& work) {
    const double gpus = c.gpus;
    c.cycle += repeats * t.total;
    c.gpu_energy += gpus * repeats * t.gpu_energy;
    c.gpu_static_energy += gpus * repeats * t.gpu_static_energy;
    c.gpu_compute_energy += gpus * repeats * t.gpu_compute_energy;
    c.gpu_hbm_energy += gpus * repeats * t.gpu_hbm_energy;
    c.photonic_energy += gpus * repeats * t.photonic_energy;
    const TierTraffic traffic = step_traffic(work);
    c.traffic.scale_up += repeats * traffic.scale_up;
    c.traffic.scale_out += repeats * traffic.scale_out;
    c.gemm_from_calibration = c.gemm_from_calibration && t.gemm_from_calibration;
    c.collectives_from_calibration = c.collectives_from_calibration && t.collectives_from_calibration;
    c.phases.push_back({phase, t, repeats});
}

CycleEstimate estimate_serving(const LlmSpec& m, const Parallelism& p, const ServingPoint& s, const GpuSpec& gpu,
                               const CalibrationRecord& cal, const TimingOptions& o) {
    if (!(o.communication_overlap >= 0.0 && o.communication_overlap <= 1.0))
        throw InputError::at("communication_overlap", format_number(o.communication_overlap), "out of range",
                             "a share in [0, 1]");
    CycleEstimate e;
    e.gpus = replica_gpus(p);
    // Pipeline stages work on different micro-batches at once: a step takes one stage's time.
    const StepWork prefill = prefill_step(m, p, s);
    const StepWork decode = decode_step(m, p, s);
    add_phase(e, Phase::prefill, time_step(prefill, p, s, gpu, cal, o), 1.0, prefill);
    add_phase(e, Phase::decode, time_step(decode, p, s, gpu, cal, o), static_cast<double>(s.output_tokens), decode);
    e.tokens = static_cast<double>(s.batch) * s.output_tokens;
    return e;
}

ServingMeasurements read_serving_measurements(TableReader root) {
    ServingMeasurements m;
    m.source = root.string("source");
    m.gpu = root.string("gpu");
    m.calibration_profile = root.optional_string("calibration_profile").value_or("");
    m.prompt_tokens = static_cast<int>(root.integer("prompt_tokens", 0, 1 << 20));
    TableReader table = root.table("calibration");
    for (const auto& name : table.keys()) {
        TableReader r = table.table(name);
        ServingMeasurement x;
        x.name = name;
        x.model = r.string("model");
        x.tp = static_cast<int>(r.integer("tp", 1, 1024));
        x.bytes_per_weight = r.number("bytes_per_weight", Range{0.0, 8.0, false, true});
        x.batch = static_cast<int>(r.integer("batch", 1, 1 << 20));
        x.output_tokens = static_cast<int>(r.integer("output_tokens", 1, 1 << 24));
        // 1 us to 10^7 ms: the power fit divides each step's work by it (fit_activity_power), so a
        // value near zero would make the rates overflow; no decode step is outside this range.
        x.inter_token_latency = milliseconds(r.number("median_itl_ms", Range{1e-3, 1e7, true, true}));
        x.power = watts(r.number("power_w", Range::positive()));
        x.energy_per_token = joules(r.number("energy_per_token_j", Range::positive()));
        r.finish();
        m.calibration.push_back(x);
    }
    root.finish();
    return m;
}

ServingMeasurements load_serving_measurements(const std::filesystem::path& file) {
    const auto doc = TomlDocument::parse_file(file);
    return read_serving_measurements(doc.root());
}

namespace {

// A measured calibration run with what the fits need: its layers per stage, batch, the gap between
// its measured inter-token latency and the roofline step, its decode step's work, its power per
// GPU and its measured step (the median inter-token latency).
struct CalibrationRun {
    double layers, batch, gap;
    StepWork work;
    ServingPoint s;
    double power_per_gpu;
    Time measured_step;
};

CalibrationRun calibration_run(const ServingMeasurement& x, int prompt_tokens, const LlmCatalog& llms,
                               const GpuSpec& gpu, const CalibrationRecord& cal) {
    const LlmSpec* model = llms.find(x.model);
    if (model == nullptr)
        throw InputError::at("calibration." + x.name + ".model", x.model, "unknown model", "a model in data/llms.toml");
    const Parallelism p{x.tp, 1, 1, 8};
    const ServingPoint s{x.batch, prompt_tokens, x.output_tokens, x.bytes_per_weight, 2.0, 2.0};
    try {
        validate(*model, p, s);
    } catch (const InputError& e) {
        throw relocate(e, "", 0, "calibration." + x.name);
    }
    StepWork w = decode_step(*model, p, s);
    const StepTime roofline = time_step(w, p, s, gpu, cal, {});
    return {std::ceil(static_cast<double>(model->layers) / p.pp),
            static_cast<double>(x.batch),
            in_seconds(x.inter_token_latency) - in_seconds(roofline.total),
            std::move(w),
            s,
            in_watts(x.power) / x.tp,
            x.inter_token_latency};
}

// Overhead: d = ITL - roofline step = per_layer x L + per_sequence x batch (least squares); a term
// that comes out negative is dropped and the other fitted alone.
void fit_overhead(const std::vector<CalibrationRun>& runs, ServingCalibration& c) {
    const auto n = static_cast<Eigen::Index>(runs.size());
    Eigen::MatrixXd x(n, 2);
    Eigen::VectorXd gap(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const CalibrationRun& r = runs[static_cast<std::size_t>(i)];
        x.row(i) << r.layers, r.batch;
        gap(i) = r.gap;
    }
    const auto alone = [&](Eigen::Index term) {
        return detail::least_squares_on(x, gap, {term}).value_or(Eigen::VectorXd::Zero(2));
    };
    Eigen::VectorXd b = detail::least_squares(x, gap).value_or(Eigen::VectorXd::Zero(2));
    if (b(0) < 0.0) b = alone(1);
    if (b(1) < 0.0) b = alone(0);
    c.per_layer = seconds(std::max(0.0, b(0)));
    c.per_sequence = seconds(std::max(0.0, b(1)));
}

// Power: P = s + a F + b B, each term >= 0, on the runs below the plateau (97 % of the highest,
// when that is within 97 % of the GPU's limit). F and B are the rates each run achieved: its
// step's FLOPs and HBM bytes over its measured step (the median inter-token latency), not over the
// modelled one, so that the power terms come from the power measurement alone and a misfit of
// the overhead does not move them (docs/models/serving-time.md).
void fit_activity_power(const std::vector<CalibrationRun>& runs, const GpuSpec& gpu, ServingCalibration& c) {
    double highest = 0.0;
    for (const auto& r : runs) highest = std::max(highest, r.power_per_gpu);
    // The plateau is the GPU's power limit as the runs show it, when they come within 97 % of the
    // limit (the H100 runs: 690.5 W of 700); runs that never approach it (a small model on a
    // 1,000 W B200 peaks at 691 W) show none, and the cap is the limit itself.
    const bool plateau = highest >= 0.97 * in_watts(gpu.tdp);
    c.max_power = plateau ? watts(highest) : gpu.tdp;
    std::vector<std::array<double, 3>> features;
    std::vector<double> powers;
    for (const auto& r : runs) {
        if (plateau && r.power_per_gpu >= 0.97 * highest) continue;
        const FlopRate flop_rate = flops(bf16_equivalent_flops(r.work, r.s, gpu, 0.0)) / r.measured_step;
        const DataRate hbm_rate = (r.work.weights_read + r.work.kv_read + r.work.kv_written) / r.measured_step;
        // The unknowns come out in W per TFLOP/s (pJ/FLOP) and W per TB/s (pJ/byte).
        features.push_back({1.0, in_teraflops_per_second(flop_rate), in_terabytes_per_second(hbm_rate)});
        powers.push_back(r.power_per_gpu);
    }
    if (features.size() < 3)
        throw InputError::at("calibration", std::to_string(features.size()) + " runs below the power plateau",
                             "too few to fit the power model", "at least 3 runs below 97 % of the highest power");
    const auto n = static_cast<Eigen::Index>(features.size());
    Eigen::MatrixXd x(n, 3);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < 3; ++j)
            x(i, j) = features[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    const Eigen::VectorXd solution =
        detail::non_negative_least_squares(x, Eigen::Map<const Eigen::VectorXd>(powers.data(), n));
    c.static_power = watts(solution(0));
    c.energy_per_flop = picojoules_per_flop(solution(1));
    c.hbm_energy_per_bit = picojoules_per_byte(solution(2));
}

}  // namespace

ServingCalibration fit_serving_calibration(const ServingMeasurements& runs, const LlmCatalog& llms, const GpuSpec& gpu,
                                           const CalibrationRecord& cal) {
    if (runs.calibration.size() < 4)
        throw InputError::at("calibration", std::to_string(runs.calibration.size()) + " runs", "too few runs to fit",
                             "at least 4 measured runs");
    std::vector<CalibrationRun> fitted;
    for (const auto& x : runs.calibration) fitted.push_back(calibration_run(x, runs.prompt_tokens, llms, gpu, cal));
    ServingCalibration c;
    c.source = runs.source;
    c.fitted_on = gpu.name;
    fit_overhead(fitted, c);
    fit_activity_power(fitted, gpu, c);
    return c;
}

ServingCalibration transfer_serving_calibration(const ServingCalibration& fitted, const GpuSpec& measured_on,
                                                const GpuSpec& target) {
    if (measured_on.name == target.name) return fitted;
    ServingCalibration c = fitted;
    const double power_ratio = in_watts(target.tdp) / in_watts(measured_on.tdp);
    c.static_power = power_ratio * fitted.static_power;
    c.max_power = power_ratio * fitted.max_power;
    // Energy per BF16 FLOP as the power limit over the BF16 peak.
    const double per_flop_ratio =
        power_ratio * (in_teraflops_per_second(measured_on.peak_bf16) / in_teraflops_per_second(target.peak_bf16));
    c.energy_per_flop = per_flop_ratio * fitted.energy_per_flop;
    c.source = fitted.source + "; measured on " + measured_on.name + ", transferred to " + target.name +
               " (docs/models/serving-time.md, \"Another GPU\")";
    return c;
}

}  // namespace lightwatt::mapping
