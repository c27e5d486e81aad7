#include "lightwatt/mapping/parallelism_search.hpp"

#include <algorithm>

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

ServingMemory serving_memory_per_gpu(const LlmSpec& m, const Parallelism& p, const ServingPoint& s) {
    ServingMemory out;
    const double gpus = static_cast<double>(p.tp) * p.pp;
    out.weights = bytes(total_parameters(m) * s.bytes_per_weight / gpus);
    if (s.bytes_per_expert_weight || p.attention_dp > 1) {
        // Routed experts at their own precision over all the replica's GPUs; the rest over each
        // data-parallel attention rank's tp x pp.
        const double routed = m.moe_layers() * expert_parameters(m) * m.experts;
        out.weights = bytes((total_parameters(m) - routed) * s.bytes_per_weight / gpus +
                            routed * s.bytes_per_expert_weight.value_or(s.bytes_per_weight) / replica_gpus(p));
    }
    // Distinct KV heads split over tp; a latent-attention cache is whole on every tensor-parallel
    // GPU; data-parallel attention ranks hold their own sequences.
    const double kv_split =
        (m.is_mla() ? 1.0 : std::min(p.tp, m.kv_heads)) * static_cast<double>(p.pp) * p.attention_dp;
    const double tokens_in_flight = static_cast<double>(s.batch) * (s.prompt_tokens + s.output_tokens);
    out.kv_cache = bytes(tokens_in_flight * kv_cache_bytes_per_token(m, s.bytes_per_kv) / kv_split);
    return out;
}

std::vector<Parallelism> serving_candidates(const LlmSpec& m, const Parallelism& base, const ServingPoint& s,
                                            int max_gpus) {
    std::vector<Parallelism> out;
    for (int tp = 1; tp <= std::min(max_gpus, m.attention_heads); ++tp) {
        for (int pp = 1; pp <= std::min(m.layers, max_gpus / tp); ++pp) {
            Parallelism p = base;
            p.tp = tp;
            p.pp = pp;
            try {
                validate(m, p, s);
            } catch (const InputError&) {
                continue;  // tp not fitting the heads, ep not fitting tp x pp: not a candidate
            }
            out.push_back(p);
        }
    }
    return out;
}

}  // namespace lightwatt::mapping
