#include "lightwatt/mapping/training.hpp"

#include <cmath>
#include <string>

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

namespace {

using interconnect::Collective;

// Token counts in messages as whole numbers (format_number would print 1.6777e+07).
std::string whole(double v) {
    return v == std::floor(v) && std::abs(v) < 9e15 ? std::to_string(static_cast<long long>(v)) : format_number(v);
}

// The forward of one micro-batch is a prefill of its sequences (causal attention over half the
// sequence on average); K and V are activations here, not a cache.
ServingPoint micro_batch_point(const TrainingPoint& t) {
    return {t.micro_batch_sequences, t.sequence_length,      1,
            t.bytes_per_weight,      t.bytes_per_activation, t.bytes_per_activation};
}

CollectiveOp data_parallel(std::string purpose, Collective kind, Information size, const Parallelism& p) {
    const GroupPlacement g = place_group(p.dp, p.tp * p.pp, p);
    return {std::move(purpose), kind, size, p.dp, g.tier, g.nodes, 1.0};
}

}  // namespace

double parameters_per_gpu(const LlmSpec& m, const Parallelism& p) {
    return total_parameters(m) / (static_cast<double>(p.tp) * p.pp);
}

double model_flops_per_token(const LlmSpec& m, int sequence_length) {
    // PaLM's accounting (Chowdhery et al. 2022, appendix B): 6 N + 12 L H d s, attention counted
    // without the causal mask's saving.
    return 6.0 * active_matmul_parameters(m) +
           12.0 * m.layers * static_cast<double>(m.attention_heads) * m.head_dim * static_cast<double>(sequence_length);
}

void validate(const LlmSpec& m, const Parallelism& p, const TrainingPoint& t) {
    validate(m, p, micro_batch_point(t));
    if (t.sequence_length < 1)
        throw InputError::at("sequence_length", std::to_string(t.sequence_length), "must be at least 1", ">= 1");
    if (t.micro_batch_sequences < 1)
        throw InputError::at("micro_batch_sequences", std::to_string(t.micro_batch_sequences), "must be at least 1",
                             ">= 1");
    if (p.dp < 1) throw InputError::at("dp", std::to_string(p.dp), "must be at least 1", ">= 1");
    if (p.virtual_stages < 1 || static_cast<long long>(p.virtual_stages) * p.pp > m.layers)
        throw InputError::at(
            "virtual_stages", std::to_string(p.virtual_stages),
            "pp x virtual_stages model chunks must not exceed the " + std::to_string(m.layers) + " layers",
            "1 to layers / pp");
    const double per_micro_batch = static_cast<double>(p.dp) * t.micro_batch_sequences * t.sequence_length;
    const double micro_batches = t.tokens_per_step / per_micro_batch;
    if (!(micro_batches >= 1.0) || micro_batches != std::floor(micro_batches))
        throw InputError::at("tokens_per_step", whole(t.tokens_per_step),
                             "not a whole number of micro-batches of dp x micro_batch_sequences x sequence_length = " +
                                 whole(per_micro_batch) + " tokens",
                             "a positive multiple of " + whole(per_micro_batch));
    for (const auto& [key, v] :
         {std::pair<const char*, double>{"bytes_per_gradient", t.bytes_per_gradient},
          {"optimizer_state_bytes_per_parameter", t.optimizer_state_bytes_per_parameter},
          {"activation_bytes_per_token_hidden_layer", t.activation_bytes_per_token_hidden_layer}})
        if (!(v >= 0.0 && v <= 64.0)) throw InputError::at(key, format_number(v), "out of range", "0 to 64 bytes");
}

TrainingWork training_step(const LlmSpec& m, const Parallelism& p, const TrainingPoint& t) {
    TrainingWork out;
    const ServingPoint micro = micro_batch_point(t);
    const StepWork forward = prefill_step(m, p, micro);
    const double forwards = t.activation_recompute ? 2.0 : 1.0;
    const double layers_here = std::ceil(static_cast<double>(m.layers) / p.pp);

    StepWork& w = out.micro_batch;
    w.phase = Phase::forward_backward;
    w.tokens = forward.tokens;
    w.layers = m.layers;
    for (const GemmOp& g : forward.gemms) {
        w.gemms.push_back({g.name, g.m, g.n, g.k, g.count * forwards});
        w.gemms.push_back({g.name, g.m, g.k, g.n, g.count});  // dX = dY W^T
        w.gemms.push_back({g.name, g.k, g.n, g.m, g.count});  // dW = X^T dY
    }
    // FlashAttention's backward does 5 matmuls to the forward's 2 (it recomputes Q K^T).
    w.attention_flops = forward.attention_flops * (forwards + 2.5);
    // Weights read by every forward and by dX; the gradient accumulator read and written by dW.
    const double params_here = parameters_per_gpu(m, p);
    w.weights_read = bytes(params_here * ((forwards + 1.0) * t.bytes_per_weight + 2.0 * t.bytes_per_gradient));
    // Stored activations written in the forward and read in the backward (sequence parallel).
    w.elementwise_traffic =
        bytes(2.0 * t.activation_bytes_per_token_hidden_layer * forward.tokens * m.hidden_size / p.tp * layers_here);
    for (const CollectiveOp& op : forward.collectives) {
        CollectiveOp c = op;
        if (c.collective == Collective::sendrecv) {
            // Activations forward, their gradients back, once per model chunk; each GPU of the
            // tensor-parallel group sends its 1/tp slice (Megatron's scatter/gather optimisation,
            // Narayanan et al. 2021, sec. 4.1).
            c.count = 2.0 * p.virtual_stages;
            c.size = op.size / static_cast<double>(p.tp);
        } else {
            // The backward has the forward's collectives again (the transposed all-reduces of
            // tensor parallelism, the all-to-alls of expert dispatch and combine).
            c.count = op.count * (forwards + 1.0);
        }
        w.collectives.push_back(c);
    }

    const double micro_batches =
        t.tokens_per_step / (static_cast<double>(p.dp) * t.micro_batch_sequences * t.sequence_length);
    out.micro_batches = micro_batches;
    out.bubble_micro_batches = static_cast<double>(p.pp - 1) / p.virtual_stages;

    StepWork& o = out.optimizer;
    o.phase = Phase::optimizer;
    o.layers = m.layers;
    // The update reads the gradient and the states and writes the states and the weights, on this
    // GPU's share of the parameters (1 / dp of them when the states are sharded).
    const double updated = t.shard_optimizer ? params_here / p.dp : params_here;
    o.elementwise_traffic =
        bytes(updated * (t.bytes_per_gradient + 2.0 * t.optimizer_state_bytes_per_parameter + t.bytes_per_weight));
    if (p.dp > 1) {
        const Information gradients = bytes(params_here * t.bytes_per_gradient);
        if (t.shard_optimizer) {
            o.collectives.push_back(
                data_parallel("data-parallel gradient reduce-scatter", Collective::reduce_scatter, gradients, p));
            o.collectives.push_back(data_parallel("data-parallel weight all-gather", Collective::all_gather,
                                                  bytes(params_here * t.bytes_per_weight), p));
        } else {
            o.collectives.push_back(
                data_parallel("data-parallel gradient all-reduce", Collective::all_reduce, gradients, p));
        }
    }
    return out;
}

CycleEstimate estimate_training(const LlmSpec& m, const Parallelism& p, const TrainingPoint& t, const GpuSpec& gpu,
                                const interconnect::CalibrationRecord& cal, const TimingOptions& options) {
    if (!(options.communication_overlap >= 0.0 && options.communication_overlap <= 1.0))
        throw InputError::at("communication_overlap", format_number(options.communication_overlap), "out of range",
                             "a share in [0, 1]");
    TimingOptions o = options;
    o.serving_engine_overhead = false;
    const TrainingWork work = training_step(m, p, t);
    const ServingPoint micro = micro_batch_point(t);
    CycleEstimate e;
    e.gpus = p.tp * p.pp * p.dp;
    e.tokens = t.tokens_per_step;
    const StepTime micro_time = time_step(work.micro_batch, p, micro, gpu, cal, o);
    add_phase(e, Phase::forward_backward, micro_time, work.micro_batches, work.micro_batch);
    if (work.bubble_micro_batches > 0.0) {
        // Idle stages while the pipeline fills and drains: static power for the bubble's time.
        StepTime bubble;
        bubble.total = work.bubble_micro_batches * micro_time.total;
        bubble.gpu_power =
            options.serving != nullptr ? options.serving->static_power : cal.power.memory_bound.value_or(gpu.tdp);
        bubble.gpu_energy = bubble.gpu_power * bubble.total;
        bubble.gpu_static_energy = bubble.gpu_energy;
        add_phase(e, Phase::pipeline_bubble, bubble, 1.0, StepWork{});
    }
    add_phase(e, Phase::optimizer, time_step(work.optimizer, p, micro, gpu, cal, o), 1.0, work.optimizer);
    return e;
}

}  // namespace lightwatt::mapping
