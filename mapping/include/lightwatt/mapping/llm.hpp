// LLM architectures (data/llms.toml) and what follows from them alone: parameter counts, the
// active parameters per token, the KV cache per token (docs/models/workload.md, section 1).
//
// A decoder layer: attention with grouped-query heads (q: h x H d, k and v: h x K d each, o: H d x h,
// plus RMSNorm weights) and a SwiGLU feed-forward block (gate, up: h x f; down: f x h) or, for a
// mixture of experts, a router (h x E) and E SwiGLU experts of size f_e of which a are active per
// token. Embeddings v x h, and an output head v x h unless tied.
#pragma once

#include <filesystem>
#include <string>

#include "lightwatt/core/named_catalog.hpp"
#include "lightwatt/core/toml_reader.hpp"

namespace lightwatt::mapping {

struct LlmSpec {
    std::string name, description;
    int layers = 0;
    int hidden_size = 0;
    int attention_heads = 0;
    int kv_heads = 0;
    int head_dim = 0;
    int ffn_size = 0;  // dense feed-forward size (0 for an all-MoE model)
    int experts = 0;   // 0 for a dense model
    int active_experts = 0;
    int expert_ffn_size = 0;
    int vocabulary = 0;
    bool tied_embeddings = false;
    double bytes_per_parameter = 2.0;
    [[nodiscard]] bool is_moe() const { return experts > 0; }
};

// Parameters of one decoder layer: attention, feed-forward (all experts), norms, router.
double layer_parameters(const LlmSpec& m);
// Of which a token uses: the same with only the active experts (and the router).
double layer_active_parameters(const LlmSpec& m);
double embedding_parameters(const LlmSpec& m);  // input embedding plus output head (unless tied)
double total_parameters(const LlmSpec& m);
// Parameters whose weights one token multiplies: layers (active experts only) and the output head;
// the input embedding is a lookup, not a GEMM.
double active_matmul_parameters(const LlmSpec& m);
// Bytes of K and V cached per token (all layers) at `bytes_per_value`.
double kv_cache_bytes_per_token(const LlmSpec& m, double bytes_per_value);

using LlmCatalog = NamedCatalog<LlmSpec>;
// [llms.NAME] tables (keys in docs/catalogs/llms.md); unknown keys, missing keys, values out of
// range and inconsistent head counts are InputErrors.
LlmCatalog read_llm_catalog(TableReader root);
// data_dir/llms.toml. Like every catalog loader, it takes the data folder.
LlmCatalog load_llm_catalog(const std::filesystem::path& data_dir);

}  // namespace lightwatt::mapping
