#include "lightwatt/mapping/parallelism_search.hpp"

#include <algorithm>

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

ServingMemory serving_memory_per_gpu(const LlmSpec& m, const Parallelism& p, const ServingPoint& s) {
    ServingMemory out;
    const double gpus = static_cast<double>(p.tp) * p.pp;
    out.weights = bytes(total_parameters(m) * s.bytes_per_weight / gpus);
    const double kv_split = std::min(p.tp, m.kv_heads) * static_cast<double>(p.pp);
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
