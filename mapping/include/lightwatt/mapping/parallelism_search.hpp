// Choosing a serving replica's parallelism per option (docs/models/parallelism-search.md): a larger
// scale-up domain can make a wider tensor-parallel group cheap enough to meet a latency target
// that the baseline cannot, so each option may serve with its own tp x pp.
//
//   memory per GPU   weights / (tp pp) + batch (prompt + output) KV bytes per token / (K' pp)
//   fits             memory <= memory_utilization x HBM capacity
//   inter-token latency  pp x decode step (a token passes every stage)
//   choice           the lowest energy per token among the fitting candidates that meet the
//                    latency target; when none meets it, the fitting candidate of least latency
#pragma once

#include <optional>
#include <vector>

#include "lightwatt/core/units.hpp"
#include "lightwatt/mapping/llm.hpp"
#include "lightwatt/mapping/workload.hpp"

namespace lightwatt::mapping {

struct ServingMemory {
    Information weights{}, kv_cache{};
    [[nodiscard]] Information total() const { return weights + kv_cache; }
};

// Per GPU of a replica: the weights of its stage's share and the KV cache of every sequence in
// flight at its longest (prompt + output), split over the GPUs that hold distinct KV heads
// (K' = min(tp, K): tensor parallelism beyond the KV heads replicates them; a latent-attention
// cache is whole on every tensor-parallel GPU). With data-parallel attention the routed experts
// spread over every GPU of the replica, the rest over each rank's tp x pp, and each rank holds
// its own sequences' KV cache; experts stored at bytes_per_expert_weight count at that.
ServingMemory serving_memory_per_gpu(const LlmSpec& m, const Parallelism& p, const ServingPoint& s);

struct SearchConstraints {
    int max_gpus = 1;                 // GPUs one replica may use
    double memory_utilization = 0.9;  // share of HBM the weights and KV cache may fill
    std::optional<Time> max_inter_token_latency;
};

// Every tp x pp a replica can use: tp valid for the heads (validate), pp at most the layers, their
// product at most max_gpus; ep and the domain as in `base`. Ordered by tp, then pp.
std::vector<Parallelism> serving_candidates(const LlmSpec& m, const Parallelism& base, const ServingPoint& s,
                                            int max_gpus);

}  // namespace lightwatt::mapping
