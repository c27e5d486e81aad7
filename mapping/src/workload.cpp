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

// One GPU's share of a step: its token rows and the layers of its stage, by kind. A stage holds
// ceil(layers / pp) layers with the model's mix of kinds (dense first layers, sliding windows).
struct Share {
    double rows = 0;          // token rows through this GPU's attention (its data-parallel rank's)
    double replica_rows = 0;  // token rows of the whole replica, which the experts see
    double sequences = 0;     // sequences whose KV cache this GPU holds
    double layers = 0;
    double windowed_layers = 0;  // of which with sliding-window attention
    double dense_ffn_layers = 0, moe_layers = 0;
};

Share share_of(const LlmSpec& m, const Parallelism& p, double rows, double sequences) {
    Share sh;
    sh.replica_rows = rows;
    sh.rows = rows / p.attention_dp;
    sh.sequences = sequences / p.attention_dp;
    sh.layers = std::ceil(static_cast<double>(m.layers) / p.pp);
    const double of_model = sh.layers / m.layers;
    sh.windowed_layers = m.sliding_window_layers * of_model;
    // Every layer of a model without dense first layers; the same expression as a plain count.
    sh.dense_ffn_layers =
        m.first_dense_layers > 0 ? m.first_dense_layers * of_model : (m.ffn_size > 0 ? sh.layers : 0.0);
    sh.moe_layers = m.first_dense_layers > 0 ? m.moe_layers() * of_model : (m.is_moe() ? sh.layers : 0.0);
    return sh;
}

// Adds a GEMM and the weights it reads (n x k per call: every call a distinct weight matrix, one
// layer's or one head's or one expert's).
void add_gemm(StepWork& w, double& weight_bytes, Gemm g, double m, double n, double k, double count,
              double bytes_per_weight) {
    w.gemms.push_back({name_of(g), m, n, k, count, bytes_per_weight});
    weight_bytes += n * k * count * bytes_per_weight;
}

// Context a layer attends to: the full context, or at most the window on sliding-window layers.
struct Context {
    double full = 0, windowed = 0;
};

// Grouped-query attention: q, k, v and o, the attention FLOPs (Q K^T and P V) and the KV cache.
// KV heads are split when tp divides them, replicated when tp is a multiple.
double add_grouped_query_attention(StepWork& w, double& weight_bytes, const LlmSpec& m, const Parallelism& p,
                                   const ServingPoint& s, const Share& sh, Context ctx) {
    const double tp = p.tp, h = m.hidden_size, d = m.head_dim;
    const double heads = m.attention_heads / tp;
    const double kv_heads = p.tp <= m.kv_heads ? m.kv_heads / tp : 1.0;
    add_gemm(w, weight_bytes, Gemm::qkv, sh.rows, (heads + 2.0 * kv_heads) * d, h, sh.layers, s.bytes_per_weight);
    add_gemm(w, weight_bytes, Gemm::attention_out, sh.rows, h, heads * d, sh.layers, s.bytes_per_weight);
    const double full_layers = sh.layers - sh.windowed_layers;
    w.attention_flops = 2.0 * 2.0 * sh.rows * ctx.full * heads * d * full_layers;
    if (sh.windowed_layers > 0.0)
        w.attention_flops += 2.0 * 2.0 * sh.rows * ctx.windowed * heads * d * sh.windowed_layers;
    return 2.0 * kv_heads * d * s.bytes_per_kv;  // KV bytes per token and layer on this GPU
}

// Multi-head latent attention (DeepSeek-V2, arXiv 2405.04434, sec. 2.1; V3, arXiv 2412.19437):
// the down-projections (replicated on every tensor-parallel GPU) and the query's up-projection;
// in prefill the latent is expanded to every head's key and value (kv_lora x H (d + v)) and
// attention runs per head; in decode the up-projections are absorbed: each head's query is mapped
// into the latent (d -> kv_lora) and its output back (kv_lora -> v), and attention runs over the
// cached latent and RoPE key, which every tensor-parallel GPU holds whole.
double add_latent_attention(StepWork& w, double& weight_bytes, const LlmSpec& m, const Parallelism& p,
                            const ServingPoint& s, const Share& sh, Context ctx) {
    const double h = m.hidden_size, d = m.head_dim, r = m.rope_head_dim, v = m.v_head_dim, c = m.kv_lora_rank;
    const double heads = static_cast<double>(m.attention_heads) / p.tp;
    const double bw = s.bytes_per_weight;
    if (m.q_lora_rank > 0) {
        add_gemm(w, weight_bytes, Gemm::qkv, sh.rows, m.q_lora_rank + c + r, h, sh.layers, bw);
        add_gemm(w, weight_bytes, Gemm::qkv, sh.rows, heads * (d + r), m.q_lora_rank, sh.layers, bw);
    } else {
        add_gemm(w, weight_bytes, Gemm::qkv, sh.rows, heads * (d + r) + c + r, h, sh.layers, bw);
    }
    if (w.phase == Phase::decode) {
        add_gemm(w, weight_bytes, Gemm::qkv, sh.rows, c, d, sh.layers * heads, bw);
        add_gemm(w, weight_bytes, Gemm::attention_out, sh.rows, v, c, sh.layers * heads, bw);
        w.attention_flops = 2.0 * sh.rows * ctx.full * heads * (2.0 * c + r) * sh.layers;
    } else {
        add_gemm(w, weight_bytes, Gemm::qkv, sh.rows, heads * (d + v), c, sh.layers, bw);
        w.attention_flops = 2.0 * sh.rows * ctx.full * heads * (d + r + v) * sh.layers;
    }
    add_gemm(w, weight_bytes, Gemm::attention_out, sh.rows, h, heads * v, sh.layers, bw);
    return (c + r) * s.bytes_per_kv;
}

// Feed-forward blocks: dense ones (all layers of a dense model, the first layers of some MoE
// models) and MoE ones (router, routed experts on their share of the tokens, shared experts).
void add_feed_forward(StepWork& w, double& weight_bytes, const LlmSpec& m, const Parallelism& p, const ServingPoint& s,
                      const Share& sh) {
    const double tp = p.tp, h = m.hidden_size, bw = s.bytes_per_weight;
    if (m.is_moe()) {
        // Experts are spread over ep GPUs; each touched expert runs its gate/up and down GEMMs on
        // the tokens routed to it (the replica's rows x a spread over the touched experts; TP
        // splits f_e).
        const double touched = experts_touched(m.experts, m.active_experts, sh.replica_rows);
        const double rows_per_expert = sh.replica_rows * m.active_experts / touched;
        const double touched_here = touched / p.ep;
        // An expert is split over the GPUs of the tensor-parallel group that hold it: tp / ep
        // of them when ep < tp, one otherwise.
        const double expert_tp = p.ep >= p.tp ? 1.0 : static_cast<double>(p.tp) / p.ep;
        const double expert_bw = s.bytes_per_expert_weight.value_or(bw);
        add_gemm(w, weight_bytes, Gemm::router, sh.rows, static_cast<double>(m.experts), h, sh.moe_layers, bw);
        add_gemm(w, weight_bytes, Gemm::experts_gate_up, rows_per_expert, 2.0 * m.expert_ffn_size / expert_tp, h,
                 sh.moe_layers * touched_here, expert_bw);
        add_gemm(w, weight_bytes, Gemm::experts_down, rows_per_expert, h, m.expert_ffn_size / expert_tp,
                 sh.moe_layers * touched_here, expert_bw);
        if (m.shared_experts > 0) {
            // Every token's shared experts: a dense block of shared x f_e, split over tp.
            const double f = static_cast<double>(m.shared_experts) * m.expert_ffn_size / tp;
            add_gemm(w, weight_bytes, Gemm::gate_up, sh.rows, 2.0 * f, h, sh.moe_layers, bw);
            add_gemm(w, weight_bytes, Gemm::down, sh.rows, h, f, sh.moe_layers, bw);
        }
    }
    if (sh.dense_ffn_layers > 0.0) {
        add_gemm(w, weight_bytes, Gemm::gate_up, sh.rows, 2.0 * m.ffn_size / tp, h, sh.dense_ffn_layers, bw);
        add_gemm(w, weight_bytes, Gemm::down, sh.rows, h, m.ffn_size / tp, sh.dense_ffn_layers, bw);
    }
}

// Per GPU: the tensor-parallel all-reduces of each layer on this GPU's stage (attention and
// feed-forward outputs); one activation hand-over to the next stage; MoE dispatch and combine of
// every token's hidden state to its a experts when they lie outside the tokens' tensor-parallel
// group (data-parallel attention, or ep > tp). With ep <= tp and tensor-parallel attention every
// GPU of the group already holds every token and the feed-forward all-reduce combines the experts'
// outputs (vLLM's expert parallelism without data parallelism).
void add_collectives(StepWork& w, const LlmSpec& m, const Parallelism& p, const ServingPoint& s, const Share& sh) {
    const Information activation = bytes(sh.rows * m.hidden_size * s.bytes_per_activation);
    if (p.tp > 1)
        w.collectives.push_back(collective("tensor-parallel all-reduce (attention and feed-forward outputs)",
                                           Collective::all_reduce, activation, p.tp, 1, p, 2.0 * sh.layers));
    if (p.pp > 1)
        w.collectives.push_back(
            collective("pipeline send/recv between stages", Collective::sendrecv, activation, 2, p.tp, p, 1.0));
    if (m.is_moe() && p.ep > 1 && (p.attention_dp > 1 || p.ep > p.tp)) {
        const Information a2a = bytes(sh.rows * m.active_experts * m.hidden_size * s.bytes_per_activation);
        w.collectives.push_back(collective("expert dispatch and combine (all-to-all)", Collective::alltoall, a2a, p.ep,
                                           1, p, 2.0 * sh.moe_layers));
    }
}

// The step of `rows` token rows through every layer of one pipeline stage on one GPU.
StepWork step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s, Phase phase, double rows, Context ctx,
              double new_kv_tokens) {
    StepWork w;
    w.phase = phase;
    w.tokens = phase == Phase::decode ? s.batch : rows;
    w.layers = m.layers;
    const Share sh = share_of(m, p, rows, phase == Phase::decode ? s.batch : 1.0);
    double weight_bytes = 0.0;
    const double kv_per_token_layer = m.is_mla() ? add_latent_attention(w, weight_bytes, m, p, s, sh, ctx)
                                                 : add_grouped_query_attention(w, weight_bytes, m, p, s, sh, ctx);
    add_feed_forward(w, weight_bytes, m, p, s, sh);
    // The output head sits on the last stage; charged to every stage's GPU as 1 / pp of it.
    add_gemm(w, weight_bytes, Gemm::lm_head, sh.rows, m.vocabulary / static_cast<double>(p.tp), m.hidden_size,
             1.0 / p.pp, s.bytes_per_weight);
    w.weights_read = bytes(weight_bytes);
    // KV read (decode: every sequence's context; sliding-window layers at most the window) and
    // written for every new token.
    const double kv_per_token_here = kv_per_token_layer * sh.layers;
    const double full_layers = sh.layers - sh.windowed_layers;
    double kv_read_tokens_layers = sh.sequences * ctx.full * full_layers;
    if (sh.windowed_layers > 0.0) kv_read_tokens_layers += sh.sequences * ctx.windowed * sh.windowed_layers;
    w.kv_read = sh.windowed_layers > 0.0 ? bytes(kv_read_tokens_layers * kv_per_token_layer)
                                         : bytes(sh.sequences * ctx.full * kv_per_token_here);
    w.kv_written = bytes(new_kv_tokens / p.attention_dp * kv_per_token_here);
    add_collectives(w, m, p, s, sh);
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

namespace {

// Data-parallel attention: a MoE layout whose experts span every GPU of a stage.
void validate_attention_dp(const LlmSpec& m, const Parallelism& p) {
    if (p.attention_dp < 1 || p.attention_dp > 1024)
        throw InputError::at("attention_dp", std::to_string(p.attention_dp), "out of range", "1 to 1024");
    if (p.attention_dp == 1) return;
    if (!m.is_moe())
        throw InputError::at("attention_dp", std::to_string(p.attention_dp),
                             "data-parallel attention on the dense model " + m.name, "1");
    if (p.ep != p.tp * p.attention_dp)
        throw InputError::at("ep", std::to_string(p.ep),
                             "with data-parallel attention the experts span the stage's " +
                                 std::to_string(p.tp * p.attention_dp) + " GPUs",
                             "tp x attention_dp");
}

}  // namespace

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
    if (p.ep > replica_gpus(p) && m.is_moe())
        throw InputError::at("ep", std::to_string(p.ep),
                             "more expert ranks than the replica's " + std::to_string(replica_gpus(p)) + " GPUs",
                             "at most tp x pp x attention_dp");
    validate_attention_dp(m, p);
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
                                 {"bytes_per_kv", s.bytes_per_kv},
                                 {"bytes_per_expert_weight", s.bytes_per_expert_weight.value_or(s.bytes_per_weight)}})
        if (!(v > 0.0 && v <= 8.0)) throw InputError::at(key, format_number(v), "out of range", "(0, 8] bytes");
}

StepWork decode_step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s) {
    const double context = s.prompt_tokens + 0.5 * s.output_tokens;
    const double window = m.sliding_window > 0 ? std::min<double>(context, m.sliding_window) : context;
    return step(m, p, s, Phase::decode, s.batch, {context, window}, s.batch);
}

StepWork prefill_step(const LlmSpec& m, const Parallelism& p, const ServingPoint& s) {
    // Causal attention over the prompt: on average half the prompt is visible; with a window W
    // of a prompt P > W, (W (W + 1) / 2 + (P - W) W) / P ~ W - W^2 / 2P.
    const double rows = static_cast<double>(s.batch) * s.prompt_tokens;
    const double prompt = s.prompt_tokens, window = m.sliding_window;
    const double windowed =
        (m.sliding_window == 0 || prompt <= window) ? 0.5 * prompt : window - window * window / (2.0 * prompt);
    StepWork w = step(m, p, s, Phase::prefill, rows, {0.5 * prompt, windowed}, rows);
    w.kv_read = Information{};
    return w;
}

}  // namespace lightwatt::mapping
