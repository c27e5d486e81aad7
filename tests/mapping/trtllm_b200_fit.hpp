// The B200 FP4 throughput terms of TensorRT-LLM, fitted on its published maximum-load throughput
// (data/validation/trtllm-b200-fp4.toml) for the whole-node validation of issue #13 item 6, which
// then predicts MLPerf rows that were never fitted to (docs/validation.md, "Whole node").
//
// Validation-only, kept in the tests: the two terms are a scale on a carried GEMM profile and one
// engine's per-step overhead, for which neither the catalog nor a scenario has a place; a B200 GEMM
// measurement (lightwatt-measure) would replace the first, and the second stays a property of
// this engine's runs.
//
// The model of a run is the estimate's own serving cycle (the batch's prefill, then output_tokens
// decode steps; serving_time.hpp) at the batch trtllm-bench sizes, with
//
//   e(m, n, k)  = gemm_scale x e_H100(m, n, k)       every compute-bound kernel's share of peak
//   t_overhead  = per_layer x layers + per_sequence x batch, in every step (prefill and decode)
//
// and the fit minimises sum_i (predicted_i / measured_i - 1)^2, the relative error of tokens/s:
// a golden-section search over gemm_scale, inside it Gauss-Newton on the two overheads (>= 0).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/mapping/parallelism_search.hpp"
#include "lightwatt/mapping/serving_time.hpp"

#include "fit.hpp"

namespace lightwatt::testing {

// One published row: a model on one tensor-parallel replica at one (input, output) length.
struct TrtllmRun {
    std::string name, model;
    int tp = 1, prompt_tokens = 0, output_tokens = 1;
    double tokens_per_s = 0;
};
struct TrtllmRuns {
    std::string source, gpu;
    double bytes_per_weight = 0.5, bytes_per_kv = 1.0;
    std::vector<TrtllmRun> runs;
};

inline TrtllmRuns load_trtllm_runs(const std::string& path) {
    const auto doc = TomlDocument::parse_file(path);
    TableReader root = doc.root();
    TrtllmRuns out;
    out.source = root.string("source");
    out.gpu = root.string("gpu");
    out.bytes_per_weight = root.number("bytes_per_weight", Range{0.0, 8.0, false, true});
    out.bytes_per_kv = root.number("bytes_per_kv_value", Range{0.0, 8.0, false, true});
    TableReader runs = root.table("runs");
    for (const auto& name : runs.keys()) {
        TableReader r = runs.table(name);
        TrtllmRun x;
        x.name = name;
        x.model = r.string("model");
        x.tp = static_cast<int>(r.integer("tp", 1, 1024));
        x.prompt_tokens = static_cast<int>(r.integer("prompt_tokens", 1, 1 << 24));
        x.output_tokens = static_cast<int>(r.integer("output_tokens", 1, 1 << 24));
        x.tokens_per_s = r.number("output_tokens_per_s", Range::positive());
        r.finish();
        out.runs.push_back(x);
    }
    root.finish();
    return out;
}

// The Offline batch rule of both validations: the largest batch whose weights and the KV cache of
// every sequence at its longest fit in this share of each GPU's memory (parallelism_search.hpp;
// vLLM's default 0.9; TensorRT-LLM gives the KV cache 0.80-0.95 of what the weights leave:
// trtllm-bench 0.90 by default and 0.95 in many of its published runs, NVIDIA's MLPerf harness
// 0.80 by default).
inline constexpr double kMemoryShare = 0.9;
// trtllm-bench caps the requests in flight at 4,096 (tensorrt_llm/bench/build/tuning.py,
// finetune_setting); the MLPerf harness sets its own batch.
inline constexpr int kTrtllmBenchMaxBatch = 4096;

inline int largest_fitting_batch(const mapping::LlmSpec& m, const mapping::Parallelism& p, mapping::ServingPoint s,
                                 const mapping::GpuSpec& gpu) {
    s.batch = 1;
    const mapping::ServingMemory one = mapping::serving_memory_per_gpu(m, p, s);
    const double room = in_bytes(kMemoryShare * gpu.hbm_capacity) - in_bytes(one.weights);
    if (room <= 0.0) return 0;
    return static_cast<int>(std::floor(room / in_bytes(one.kv_cache)));
}

// The fitted terms, and how they enter an estimate.
struct TrtllmTerms {
    double gemm_scale = 1.0;
    Time per_layer{}, per_sequence{};
};

// The calibration record's GEMM rates times `scale` (their share of peak, which the FP4 GEMMs and
// the attention kernels take; serving_time.hpp).
inline interconnect::CalibrationRecord scaled_gemms(interconnect::CalibrationRecord c, double scale) {
    for (auto& g : c.gemm) {
        g.flop_rate = g.flop_rate * scale;
        g.time = g.time / scale;
    }
    return c;
}

// The power model of `power` with the engine's fitted overhead.
inline mapping::ServingCalibration with_overhead(mapping::ServingCalibration power, const TrtllmTerms& t) {
    power.per_layer = t.per_layer;
    power.per_sequence = t.per_sequence;
    return power;
}

// A published row as the estimate sees it: its replica, its point at trtllm-bench's batch, and
// the cycle that batch takes by its measured rate (batch x output / tokens per second).
struct FitRow {
    const TrtllmRun* run = nullptr;
    const mapping::LlmSpec* model = nullptr;
    mapping::Parallelism parallelism;
    mapping::ServingPoint point;
    double measured_cycle_s = 0;
};

inline std::vector<FitRow> fit_rows(const TrtllmRuns& runs, const mapping::LlmCatalog& llms,
                                    const mapping::GpuSpec& gpu) {
    std::vector<FitRow> rows;
    for (const TrtllmRun& r : runs.runs) {
        FitRow row;
        row.run = &r;
        row.model = &llms.at(r.model);
        row.parallelism = mapping::Parallelism{r.tp, 1, 1, 8};
        row.point =
            mapping::ServingPoint{1, r.prompt_tokens, r.output_tokens, runs.bytes_per_weight, 2.0, runs.bytes_per_kv};
        row.point.batch =
            std::min(kTrtllmBenchMaxBatch, largest_fitting_batch(*row.model, row.parallelism, row.point, gpu));
        row.measured_cycle_s = row.point.batch * static_cast<double>(r.output_tokens) / r.tokens_per_s;
        rows.push_back(row);
    }
    return rows;
}

// A row's predicted cycle under `terms` (power from `power`, which does not change the time).
inline mapping::CycleEstimate predicted_cycle(const FitRow& row, const TrtllmTerms& terms,
                                              const mapping::ServingCalibration& power, const mapping::GpuSpec& gpu,
                                              const interconnect::CalibrationRecord& profile) {
    const mapping::ServingCalibration serving = with_overhead(power, terms);
    mapping::TimingOptions o;
    o.serving = &serving;
    return mapping::estimate_serving(*row.model, row.parallelism, row.point, gpu,
                                     scaled_gemms(profile, terms.gemm_scale), o);
}

struct TrtllmFit {
    TrtllmTerms terms;
    std::vector<double> residuals;  // predicted / measured tokens/s - 1, per row
    [[nodiscard]] double sum_of_squares() const {
        double s = 0.0;
        for (const double r : residuals) s += r * r;
        return s;
    }
};

namespace trtllm_detail {

// At a fixed gemm_scale the overheads add to every step: the cycle is T0 + x . (per_layer,
// per_sequence) with x = (output + 1) x (layers, batch), one prefill and `output` decode steps.
struct ScaledRows {
    Eigen::VectorXd base_s, measured_s;
    Eigen::MatrixXd per_overhead;
};

inline ScaledRows at_scale(const std::vector<FitRow>& rows, double scale, const mapping::ServingCalibration& power,
                           const mapping::GpuSpec& gpu, const interconnect::CalibrationRecord& profile) {
    const auto n = static_cast<Eigen::Index>(rows.size());
    ScaledRows s{Eigen::VectorXd(n), Eigen::VectorXd(n), Eigen::MatrixXd(n, 2)};
    for (Eigen::Index i = 0; i < n; ++i) {
        const FitRow& r = rows[static_cast<std::size_t>(i)];
        const double steps = r.point.output_tokens + 1.0;
        s.base_s(i) = in_seconds(predicted_cycle(r, {scale, {}, {}}, power, gpu, profile).cycle);
        s.measured_s(i) = r.measured_cycle_s;
        s.per_overhead(i, 0) = steps * r.model->layers;
        s.per_overhead(i, 1) = steps * r.point.batch;
    }
    return s;
}

// Relative tokens/s error of each row, predicted over measured less one: at the same batch and
// output, the measured cycle over the predicted one, less one.
inline Eigen::VectorXd relative_errors(const ScaledRows& s, const Eigen::Vector2d& overhead_s) {
    const Eigen::VectorXd predicted = s.base_s + s.per_overhead * overhead_s;
    return s.measured_s.cwiseQuotient(predicted).array() - 1.0;
}

// Gauss-Newton on the two overheads, each step a non-negative least squares of the linearised
// errors: r(o) ~ r(o_k) + J (o - o_k), J_ij = -measured_i / predicted_i^2 x per_overhead_ij.
inline Eigen::Vector2d fit_overheads(const ScaledRows& s) {
    Eigen::Vector2d o = Eigen::Vector2d::Zero();
    for (int iteration = 0; iteration < 50; ++iteration) {
        const Eigen::VectorXd predicted = s.base_s + s.per_overhead * o;
        const Eigen::VectorXd r = s.measured_s.cwiseQuotient(predicted).array() - 1.0;
        const Eigen::VectorXd weight = -s.measured_s.cwiseQuotient(predicted.cwiseAbs2());
        const Eigen::MatrixXd j = weight.asDiagonal() * s.per_overhead;
        const Eigen::Vector2d next = mapping::detail::non_negative_least_squares(j, j * o - r);
        const bool settled = (next - o).norm() <= 1e-12 + 1e-9 * o.norm();
        o = next;
        if (settled) break;
    }
    return o;
}

struct AtScale {
    Eigen::Vector2d overhead_s;
    double sum_of_squares;
};
inline AtScale best_at_scale(const std::vector<FitRow>& rows, double scale, const mapping::ServingCalibration& power,
                             const mapping::GpuSpec& gpu, const interconnect::CalibrationRecord& profile) {
    const ScaledRows s = at_scale(rows, scale, power, gpu, profile);
    const Eigen::Vector2d o = fit_overheads(s);
    return {o, relative_errors(s, o).squaredNorm()};
}

}  // namespace trtllm_detail

// The fit: gemm_scale by golden-section search in [lo, hi] (the least sum of squares with the two
// overheads at their best for each scale), then every row's residual at the terms found.
inline TrtllmFit fit_trtllm_terms(const std::vector<FitRow>& rows, const mapping::ServingCalibration& power,
                                  const mapping::GpuSpec& gpu, const interconnect::CalibrationRecord& profile,
                                  double lo = 0.2, double hi = 1.2) {
    const double golden = (std::sqrt(5.0) - 1.0) / 2.0;
    const auto cost = [&](double scale) {
        return trtllm_detail::best_at_scale(rows, scale, power, gpu, profile).sum_of_squares;
    };
    double a = lo, b = hi;
    double c = b - golden * (b - a), d = a + golden * (b - a);
    double fc = cost(c), fd = cost(d);
    while (b - a > 1e-4) {
        if (fc < fd) {
            b = d, d = c, fd = fc;
            c = b - golden * (b - a), fc = cost(c);
        } else {
            a = c, c = d, fc = fd;
            d = a + golden * (b - a), fd = cost(d);
        }
    }
    const double scale = (a + b) / 2.0;
    const trtllm_detail::ScaledRows s = trtllm_detail::at_scale(rows, scale, power, gpu, profile);
    const Eigen::Vector2d o = trtllm_detail::fit_overheads(s);
    TrtllmFit fit;
    fit.terms = {scale, seconds(o(0)), seconds(o(1))};
    const Eigen::VectorXd r = trtllm_detail::relative_errors(s, o);
    fit.residuals.assign(r.data(), r.data() + r.size());
    return fit;
}

}  // namespace lightwatt::testing
