#include "lightwatt/mapping/workload.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

namespace {

std::string name_of(Gemm g) { return std::string(enum_name(g)); }

using interconnect::Collective;

CollectiveOp collective(std::string purpose, Collective kind, Information size, int ranks, int stride,
                        const Parallelism& p, double count) {
    const GroupPlacement g = place_group(ranks, stride, p);
    return {std::move(purpose), kind, size, ranks, g.tier, g.nodes, count};
}

// The step of `rows` token rows through every layer of one pipeline stage on one GPU.
StepWork step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s, Phase phase, double rows,
              double context_tokens, double new_kv_tokens) {
    StepWork w;
    w.phase = phase;
    w.tokens = phase == Phase::decode ? s.batch : rows;
    w.layers = m.layers;
    const double tp = p.tp, h = m.hidden_size, d = m.head_dim;
    const double layers_here = std::ceil(static_cast<double>(m.layers) / p.pp);
    // Heads per GPU; KV heads are split when tp divides them, replicated when tp is a multiple.
    const double heads = m.attention_heads / tp;
    const double kv_heads = p.tp <= m.kv_heads ? m.kv_heads / tp : 1.0;
    w.gemms.push_back({name_of(Gemm::qkv), rows, (heads + 2.0 * kv_heads) * d, h, layers_here});
    w.gemms.push_back({name_of(Gemm::attention_out), rows, h, heads * d, layers_here});
    double weights = layers_here * (h * (heads + 2.0 * kv_heads) * d + heads * d * h);
    if (m.is_moe()) {
        // Experts are spread over ep GPUs; each touched expert runs its gate/up and down GEMMs on
        // the tokens routed to it (rows x a spread over the touched experts; TP splits f_e).
        const double touched = experts_touched(m.experts, m.active_experts, rows);
        const double rows_per_expert = rows * m.active_experts / touched;
        const double touched_here = touched / p.ep;
        // An expert is split over the GPUs of the tensor-parallel group that hold it: tp / ep
        // of them when ep < tp, one otherwise.
        const double expert_tp = p.ep >= p.tp ? 1.0 : static_cast<double>(p.tp) / p.ep;
        w.gemms.push_back({name_of(Gemm::router), rows, static_cast<double>(m.experts), h, layers_here});
        w.gemms.push_back({name_of(Gemm::experts_gate_up), rows_per_expert, 2.0 * m.expert_ffn_size / expert_tp, h,
                           layers_here * touched_here});
        w.gemms.push_back({name_of(Gemm::experts_down), rows_per_expert, h, m.expert_ffn_size / expert_tp,
                           layers_here * touched_here});
        weights += layers_here * (h * m.experts + touched_here * 3.0 * h * m.expert_ffn_size / expert_tp);
    }
    if (m.ffn_size > 0) {
        w.gemms.push_back({name_of(Gemm::gate_up), rows, 2.0 * m.ffn_size / tp, h, layers_here});
        w.gemms.push_back({name_of(Gemm::down), rows, h, m.ffn_size / tp, layers_here});
        weights += layers_here * 3.0 * h * m.ffn_size / tp;
    }
    // The output head sits on the last stage; charged to every stage's GPU as 1 / pp of it.
    w.gemms.push_back({name_of(Gemm::lm_head), rows, m.vocabulary / tp, h, 1.0 / p.pp});
    weights += static_cast<double>(m.vocabulary) * h / tp / p.pp;
    w.weights_read = bytes(weights * s.bytes_per_weight);
    // Attention: Q K^T and P V over the context, per head on this GPU.
    w.attention_flops = 2.0 * 2.0 * rows * context_tokens * heads * d * layers_here;
    const double kv_per_token_here = 2.0 * kv_heads * d * s.bytes_per_kv * layers_here;
    w.kv_read = bytes((phase == Phase::decode ? s.batch : 1.0) * context_tokens * kv_per_token_here);
    w.kv_written = bytes(new_kv_tokens * kv_per_token_here);
    const Information activation = bytes(rows * h * s.bytes_per_activation);
    // Per GPU: the two all-reduces of each layer on this GPU's stage; one activation hand-over to
    // the next stage; MoE dispatch and combine of every token's hidden state to its a experts.
    if (p.tp > 1)
        w.collectives.push_back(collective("tensor-parallel all-reduce (attention and feed-forward outputs)",
                                           Collective::all_reduce, activation, p.tp, 1, p, 2.0 * layers_here));
    if (p.pp > 1)
        w.collectives.push_back(
            collective("pipeline send/recv between stages", Collective::sendrecv, activation, 2, p.tp, p, 1.0));
    if (m.is_moe() && p.ep > 1) {
        const Information a2a = bytes(rows * m.active_experts * h * s.bytes_per_activation);
        w.collectives.push_back(collective("expert dispatch and combine (all-to-all)", Collective::alltoall, a2a, p.ep,
                                           1, p, 2.0 * layers_here));
    }
    return w;
}

}  // namespace

double StepWork::gemm_flops() const {
    double f = 0.0;
    for (const auto& g : gemms) f += g.flops();
    return f;
}

TierTraffic step_traffic(const StepWork& w) {
    TierTraffic t;
    for (const auto& op : w.collectives) {
        const Information sent = op.size * interconnect::bus_bandwidth_factor(op.collective, op.ranks) * op.count;
        (op.tier == FabricTier::scale_up ? t.scale_up : t.scale_out) += sent;
    }
    return t;
}

GroupPlacement place_group(int ranks, int stride, const Parallelism& p) {
    const long long span = static_cast<long long>(ranks) * stride;
    if (span <= p.gpus_per_scale_up) return {FabricTier::scale_up, 1};
    const long long domains = (span + p.gpus_per_scale_up - 1) / p.gpus_per_scale_up;
    return {FabricTier::scale_out, static_cast<int>(std::min<long long>(ranks, domains))};
}

double experts_touched(int experts, int active, double tokens) {
    if (experts <= 0) return 0.0;
    return experts * (1.0 - std::pow(1.0 - static_cast<double>(active) / experts, tokens));
}

void validate(const LlmSpec& m, const Parallelism& p, const ServingPoint& s) {
    if (p.tp < 1 || p.tp > 1024) throw InputError::at("tp", std::to_string(p.tp), "out of range", "1 to 1024");
    if (m.attention_heads % p.tp != 0)
        throw InputError::at(
            "tp", std::to_string(p.tp),
            "does not divide the " + std::to_string(m.attention_heads) + " attention heads of " + m.name,
            "a divisor of the attention heads");
    if (!(m.kv_heads % p.tp == 0 || p.tp % m.kv_heads == 0))
        throw InputError::at("tp", std::to_string(p.tp),
                             "neither divides nor is a multiple of the " + std::to_string(m.kv_heads) + " KV heads",
                             "a divisor or a multiple of the KV heads");
    if (p.pp < 1 || p.pp > m.layers)
        throw InputError::at("pp", std::to_string(p.pp), "more stages than the " + std::to_string(m.layers) + " layers",
                             "1 to the layer count");
    if (p.ep < 1 || (m.is_moe() && m.experts % p.ep != 0) || (!m.is_moe() && p.ep != 1))
        throw InputError::at("ep", std::to_string(p.ep),
                             m.is_moe() ? "does not divide the " + std::to_string(m.experts) + " experts"
                                        : "expert parallelism on a dense model",
                             m.is_moe() ? "a divisor of the experts" : "1");
    if (m.is_moe() && p.ep < p.tp && p.tp % p.ep != 0)
        throw InputError::at("ep", std::to_string(p.ep), "smaller than tp and not a divisor of it",
                             "a divisor of tp, or at least tp");
    if (p.ep > p.tp * p.pp && m.is_moe())
        throw InputError::at("ep", std::to_string(p.ep),
                             "more expert ranks than the replica's " + std::to_string(p.tp * p.pp) + " GPUs",
                             "at most tp x pp");
    if (p.gpus_per_scale_up < 1)
        throw InputError::at("gpus_per_scale_up", std::to_string(p.gpus_per_scale_up), "must be positive", ">= 1");
    if (s.batch < 1)
        throw InputError::at("batch", std::to_string(s.batch), "must be at least 1", "a whole number >= 1");
    if (s.prompt_tokens < 0)
        throw InputError::at("prompt_tokens", std::to_string(s.prompt_tokens), "must not be negative", ">= 0");
    if (s.output_tokens < 1)
        throw InputError::at("output_tokens", std::to_string(s.output_tokens), "must be at least 1", ">= 1");
    for (const auto& [key, v] : {std::pair<const char*, double>{"bytes_per_weight", s.bytes_per_weight},
                                 {"bytes_per_activation", s.bytes_per_activation},
                                 {"bytes_per_kv", s.bytes_per_kv}})
        if (!(v > 0.0 && v <= 8.0)) throw InputError::at(key, format_number(v), "out of range", "(0, 8] bytes");
}

StepWork decode_step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s) {
    const double context = s.prompt_tokens + 0.5 * s.output_tokens;
    return step(m, p, s, Phase::decode, s.batch, context, s.batch);
}

StepWork prefill_step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s) {
    // Causal attention over the prompt: on average half the prompt is visible.
    const double rows = static_cast<double>(s.batch) * s.prompt_tokens;
    StepWork w = step(m, p, s, Phase::prefill, rows, 0.5 * s.prompt_tokens, rows);
    w.kv_read = Information{};
    return w;
}

}  // namespace lightwatt::mapping
