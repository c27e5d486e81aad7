#include "lightwatt/mapping/serving_time.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "lightwatt/core/error.hpp"

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
        const double d = std::pow(std::log(m / static_cast<double>(g.m)), 2) + std::pow(std::log(n / static_cast<double>(g.n)), 2) +
                         std::pow(std::log(k / static_cast<double>(g.k)), 2);
        if (d < best) {
            best = d;
            e = share_of_peak(g.flop_rate, peak_bf16);
        }
    }
    return e;
}

// Least squares of y ~ X b with b >= 0, for three unknowns: the unconstrained solution on every
// subset of them (the others held at 0), the feasible one of least residual. A power model whose
// terms could come out negative (a static power below zero, a negative watt per TFLOP/s) would
// give negative energies; the active-set answer is the least-squares one among physical models.
std::array<double, 3> non_negative_least_squares(const std::vector<std::array<double, 3>>& x, const std::vector<double>& y) {
    std::array<double, 3> best{};
    double best_residual = std::numeric_limits<double>::infinity();
    for (int mask = 1; mask < 8; ++mask) {
        std::vector<int> idx;
        for (int i = 0; i < 3; ++i)
            if (mask & (1 << i)) idx.push_back(i);
        const std::size_t n = idx.size();
        // Normal equations on the subset, solved by Gaussian elimination with partial pivoting.
        double a[3][4] = {};
        for (std::size_t r = 0; r < x.size(); ++r)
            for (std::size_t i = 0; i < n; ++i) {
                for (std::size_t j = 0; j < n; ++j) a[i][j] += x[r][static_cast<std::size_t>(idx[i])] * x[r][static_cast<std::size_t>(idx[j])];
                a[i][n] += x[r][static_cast<std::size_t>(idx[i])] * y[r];
            }
        bool singular = false;
        for (std::size_t col = 0; col < n && !singular; ++col) {
            std::size_t pivot = col;
            for (std::size_t r = col + 1; r < n; ++r)
                if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
            if (!(std::abs(a[pivot][col]) > 1e-300)) {
                singular = true;
                break;
            }
            for (std::size_t k = 0; k <= n; ++k) std::swap(a[col][k], a[pivot][k]);
            for (std::size_t r = 0; r < n; ++r) {
                if (r == col) continue;
                const double f = a[r][col] / a[col][col];
                for (std::size_t k = col; k <= n; ++k) a[r][k] -= f * a[col][k];
            }
        }
        if (singular) continue;
        std::array<double, 3> b{};
        bool feasible = true;
        for (std::size_t i = 0; i < n; ++i) {
            b[static_cast<std::size_t>(idx[i])] = a[i][n] / a[i][i];
            feasible = feasible && b[static_cast<std::size_t>(idx[i])] >= 0.0;
        }
        if (!feasible) continue;
        double residual = 0.0;
        for (std::size_t r = 0; r < x.size(); ++r) {
            const double e = y[r] - (b[0] * x[r][0] + b[1] * x[r][1] + b[2] * x[r][2]);
            residual += e * e;
        }
        if (residual < best_residual) {
            best_residual = residual;
            best = b;
        }
    }
    return best;
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

}  // namespace

StepTime time_step(const StepWork& w, const Parallelism& p, const ServingPoint& s, const GpuSpec& gpu,
                   const CalibrationRecord& cal, const TimingOptions& o) {
    StepTime t;
    const FlopRate peak = peak_for_weights(gpu, s.bytes_per_weight);
    const DataRate hbm = effective_hbm_bandwidth(gpu);
    for (const GemmOp& g : w.gemms) {
        if (g.count <= 0.0 || g.m <= 0.0) continue;
        const Information weights = bytes(g.n * g.k * s.bytes_per_weight);
        const Information activations = bytes((g.m * g.k + g.m * g.n) * s.bytes_per_activation);
        if (o.offload != nullptr &&
            std::find(o.offload->gemms.begin(), o.offload->gemms.end(), g.name) != o.offload->gemms.end()) {
            const photonics::MacEnergyParameters mp = photonics::energy_parameters(o.offload->core, g.m);
            const double macs = g.m * g.n * g.k;
            const Time photonic = seconds(macs / (photonics::macs_per_second(mp) * o.offload->cores_per_gpu));
            const Time memory = (weights + activations) / hbm;
            t.gemm += std::max(memory, photonic) * g.count;
            t.photonic += photonic * g.count;
            t.photonic_energy += photonics::mac_energy(mp).total() * (macs * g.count) +
                                 o.offload->movement_energy_per_bit * (weights + activations) * g.count;
            t.offloaded_flops += 2.0 * macs * g.count;
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
    {
        // Attention (flash-attention kernels): FLOPs against the bf16 peak at the best efficiency
        // the calibration's GEMMs reach (decode attention is bound by its KV reads anyway).
        std::optional<double> best;
        for (const auto& g : cal.gemm)
            if (g.dtype == "bf16") best = std::max(best.value_or(0.0), share_of_peak(g.flop_rate, gpu.peak_bf16));
        const Time compute = flops(w.attention_flops) / (gpu.peak_bf16 * best.value_or(1.0));
        const Time memory = (w.kv_read + w.kv_written) / hbm;
        t.attention = std::max(compute, memory);
        if (compute >= memory) t.compute_bound += t.attention;
    }
    t.elementwise = w.elementwise_traffic / hbm;
    for (const CollectiveOp& op : w.collectives) {
        const Information on_bus = op.size * interconnect::bus_bandwidth_factor(op.collective, op.ranks);
        Time each{};
        if (const auto* rec = matching_fit(cal, op)) {
            const CollectiveFit& f = *rec->fit;
            const DataRate ll_bus = ll_bus_bandwidth(gpu, f.bus_bandwidth, op.nodes, op.collective);
            const Time ll = interconnect::nccl_ring_latency(op.collective, op.ranks, op.nodes, interconnect::NcclProtocol::ll) + on_bus / ll_bus;
            const Time fitted = f.latency + on_bus / f.bus_bandwidth;
            each = std::min(ll, fitted);
        } else {
            // No fit for this group: NCCL's model latencies and the links' bandwidth. A ring
            // across nodes leaves each node through its GPUs' NICs, one ring per GPU in the group
            // there, so its bus bandwidth is the NICs of the group's GPUs on one node.
            t.collectives_from_calibration = false;
            DataRate bus = gpu.nvlink_bandwidth;
            if (op.tier == FabricTier::scale_out && in_bits_per_second(o.scale_out_bandwidth_per_gpu) > 0.0) {
                const double ranks_per_node = static_cast<double>(op.ranks) / std::max(1, op.nodes);
                bus = std::min(gpu.nvlink_bandwidth, o.scale_out_bandwidth_per_gpu * ranks_per_node);
            }
            // The faster of NCCL's LL and Simple protocols, as its tuner picks.
            const Time simple =
                interconnect::nccl_ring_latency(op.collective, op.ranks, op.nodes, interconnect::NcclProtocol::simple) + on_bus / bus;
            const DataRate ll_bus = ll_bus_bandwidth(gpu, bus, op.nodes, op.collective);
            const Time ll = interconnect::nccl_ring_latency(op.collective, op.ranks, op.nodes, interconnect::NcclProtocol::ll) + on_bus / ll_bus;
            each = std::min(ll, simple);
        }
        t.communication += each * op.count;
    }
    if (o.serving != nullptr && o.serving_engine_overhead) {
        const double layers_here = std::ceil(static_cast<double>(w.layers) / p.pp);
        t.overhead = o.serving->per_layer * layers_here + o.serving->per_sequence * static_cast<double>(s.batch);
    }
    t.total = t.gemm + t.attention + t.elementwise + (1.0 - o.communication_overlap) * t.communication + t.overhead;
    if (!(in_seconds(t.total) > 0.0)) return t;  // no work in this step
    if (o.serving != nullptr) {
        // Activity power: the step's FLOP and HBM byte rates, capped at the measured plateau.
        const FlopRate flop_rate = flops(w.gemm_flops() - t.offloaded_flops + w.attention_flops) / t.total;
        const DataRate hbm_rate = (w.weights_read + w.kv_read + w.kv_written + w.elementwise_traffic) / t.total;
        const Power static_power = o.serving->static_power;
        const Power compute_power = o.serving->energy_per_flop * flop_rate;
        const Power hbm_power = o.serving->hbm_energy_per_bit * hbm_rate;
        const Power activity = static_power + compute_power + hbm_power;
        t.gpu_power = std::min(activity, o.serving->max_power);
        t.gpu_energy = t.gpu_power * t.total;
        const double cap = in_watts(activity) > 0.0 ? in_watts(t.gpu_power) / in_watts(activity) : 1.0;
        t.gpu_static_energy = cap * static_power * t.total;
        t.gpu_compute_energy = cap * compute_power * t.total;
        t.gpu_hbm_energy = t.gpu_energy - t.gpu_static_energy - t.gpu_compute_energy;
        return t;
    }
    // Power: compute-bound time at the compute-bound state, the rest at the memory-bound state;
    // without power states, the TDP throughout (and the report says which calibration it used).
    const Power compute_power = cal.power.compute_bound.value_or(gpu.tdp);
    const Power memory_power = cal.power.memory_bound.value_or(gpu.tdp);
    const Time other = t.total - t.compute_bound;
    t.gpu_energy = compute_power * t.compute_bound + memory_power * other;
    t.gpu_power = t.gpu_energy / t.total;
    t.gpu_compute_energy = compute_power * t.compute_bound;
    t.gpu_hbm_energy = memory_power * other;
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
        throw InputError::at("communication_overlap", format_number(o.communication_overlap), "out of range", "a share in [0, 1]");
    CycleEstimate e;
    e.gpus = p.tp * p.pp;
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
    m.prompt_tokens = static_cast<int>(root.integer("prompt_tokens", 0, 1 << 20));
    for (const char* section : {"calibration", "validation"}) {
        auto table = root.optional_table(section);
        if (!table) continue;
        for (const auto& name : table->keys()) {
            TableReader r = table->table(name);
            ServingMeasurement x;
            x.name = name;
            x.model = r.string("model");
            x.tp = static_cast<int>(r.integer("tp", 1, 1024));
            x.bytes_per_weight = r.number("bytes_per_weight", Range{0.0, 8.0, false, true});
            x.batch = static_cast<int>(r.integer("batch", 1, 1 << 20));
            x.output_tokens = static_cast<int>(r.integer("output_tokens", 1, 1 << 24));
            x.inter_token_latency = milliseconds(r.number("median_itl_ms", Range::positive()));
            x.power = watts(r.number("power_w", Range::positive()));
            x.energy_per_token = joules(r.number("energy_per_token_j", Range::positive()));
            r.finish();
            (std::string(section) == "calibration" ? m.calibration : m.validation).push_back(x);
        }
    }
    root.finish();
    return m;
}

ServingMeasurements load_serving_measurements(const std::filesystem::path& file) {
    const auto doc = TomlDocument::parse_file(file);
    return read_serving_measurements(doc.root());
}

ServingCalibration fit_serving_calibration(const ServingMeasurements& runs, const LlmCatalog& llms, const GpuSpec& gpu,
                                           const CalibrationRecord& cal) {
    if (runs.calibration.size() < 4)
        throw InputError::at("calibration", std::to_string(runs.calibration.size()) + " runs", "too few runs to fit",
                             "at least 4 measured runs");
    ServingCalibration c;
    c.source = runs.source;
    // Overhead: d = ITL - roofline step = per_layer x L + per_sequence x batch (least squares).
    struct Row {
        double layers, batch, gap;
        StepWork work;
        Parallelism p;
        ServingPoint s;
        double power_per_gpu;
    };
    std::vector<Row> rows;
    for (const auto& x : runs.calibration) {
        const LlmSpec* model = llms.find(x.model);
        if (model == nullptr)
            throw InputError::at("calibration." + x.name + ".model", x.model, "unknown model", "a model in data/llms.toml");
        const Parallelism p{x.tp, 1, 1, 8};
        const ServingPoint s{x.batch, runs.prompt_tokens, x.output_tokens, x.bytes_per_weight, 2.0, 2.0};
        try {
            validate(*model, p, s);
        } catch (const InputError& e) {
            throw relocate(e, "", 0, "calibration." + x.name);
        }
        StepWork w = decode_step(*model, p, s);
        const StepTime roofline = time_step(w, p, s, gpu, cal, {});
        rows.push_back({std::ceil(static_cast<double>(model->layers) / p.pp), static_cast<double>(x.batch),
                        in_seconds(x.inter_token_latency) - in_seconds(roofline.total), std::move(w), p, s,
                        in_watts(x.power) / x.tp});
    }
    double sll = 0, slb = 0, sbb = 0, sld = 0, sbd = 0;
    for (const auto& r : rows) {
        sll += r.layers * r.layers;
        slb += r.layers * r.batch;
        sbb += r.batch * r.batch;
        sld += r.layers * r.gap;
        sbd += r.batch * r.gap;
    }
    const double det = sll * sbb - slb * slb;
    double per_layer = det > 0 ? (sld * sbb - sbd * slb) / det : 0.0;
    double per_sequence = det > 0 ? (sbd * sll - sld * slb) / det : 0.0;
    if (per_layer < 0.0) {
        per_layer = 0.0;
        per_sequence = sbd / sbb;
    }
    if (per_sequence < 0.0) {
        per_sequence = 0.0;
        per_layer = sld / sll;
    }
    c.per_layer = seconds(std::max(0.0, per_layer));
    c.per_sequence = seconds(std::max(0.0, per_sequence));
    // Power: P = s + a F + b B on the runs below the plateau (97 % of the highest).
    double highest = 0.0;
    for (const auto& r : rows) highest = std::max(highest, r.power_per_gpu);
    c.max_power = watts(highest);
    ServingCalibration overhead_only = c;
    std::vector<std::array<double, 3>> features;
    std::vector<double> powers;
    for (const auto& r : rows) {
        if (r.power_per_gpu >= 0.97 * highest) continue;
        TimingOptions o;
        o.serving = &overhead_only;
        const StepTime t = time_step(r.work, r.p, r.s, gpu, cal, o);
        const FlopRate flop_rate = flops(r.work.gemm_flops() + r.work.attention_flops) / t.total;
        const DataRate hbm_rate = (r.work.weights_read + r.work.kv_read + r.work.kv_written) / t.total;
        // The unknowns come out in W per TFLOP/s (pJ/FLOP) and W per TB/s (pJ/byte).
        features.push_back({1.0, in_teraflops_per_second(flop_rate), in_terabytes_per_second(hbm_rate)});
        powers.push_back(r.power_per_gpu);
    }
    if (features.size() < 3)
        throw InputError::at("calibration", std::to_string(features.size()) + " runs below the power plateau",
                             "too few to fit the power model", "at least 3 runs below 97 % of the highest power");
    const std::array<double, 3> solution = non_negative_least_squares(features, powers);
    c.static_power = watts(solution[0]);
    c.energy_per_flop = picojoules_per_flop(solution[1]);
    c.hbm_energy_per_bit = picojoules_per_byte(solution[2]);
    return c;
}

}  // namespace lightwatt::mapping
