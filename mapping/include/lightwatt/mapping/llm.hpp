// LLM architectures (data/llms.toml) and what follows from them alone: parameter counts, the
// active parameters per token, the KV cache per token (docs/models/workload.md, section 1).
//
// A decoder layer: attention with grouped-query heads (q: h x H d, k and v: h x K d each, o: H d x h,
// plus RMSNorm weights) and a SwiGLU feed-forward block (gate, up: h x f; down: f x h) or, for a
// mixture of experts, a router (h x E) and E SwiGLU experts of size f_e of which a are active per
// token. Embeddings v x h, and an output head v x h unless tied.
//
// Optional features of newer checkpoints (each absent by default, so older entries are unchanged):
// multi-head latent attention (DeepSeek-V2/V3: a compressed KV latent of kv_lora_rank plus a shared
// RoPE key of rope_head_dim is cached per token, queries through a q_lora_rank bottleneck), shared
// experts every token uses, the first layers dense, sliding-window attention on some layers,
// attention sinks (one learned logit per head), biases on the linear layers, and experts stored in
// another precision than the rest (gpt-oss: MXFP4 experts, bf16 attention).
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
    // Multi-head latent attention (0: grouped-query attention). head_dim is then the query/key
    // width without RoPE, rope_head_dim the decoupled RoPE width, v_head_dim the value width.
    int kv_lora_rank = 0;
    int q_lora_rank = 0;  // 0: queries projected directly, h x H (head_dim + rope_head_dim)
    int rope_head_dim = 0;
    int v_head_dim = 0;
    int shared_experts = 0;      // experts of expert_ffn_size every token uses, in each MoE layer
    int first_dense_layers = 0;  // leading layers with a dense ffn_size block instead of experts
    int sliding_window = 0;      // tokens a sliding-window layer attends to (0: none)
    int sliding_window_layers = 0;
    bool attention_sinks = false;             // one learned softmax logit per head and layer
    bool linear_biases = false;               // biases on q, k, v, o, the router and the experts' projections
    double expert_bytes_per_parameter = 0.0;  // routed experts' release precision (0: bytes_per_parameter)
    [[nodiscard]] bool is_moe() const { return experts > 0; }
    [[nodiscard]] bool is_mla() const { return kv_lora_rank > 0; }
    // Layers whose feed-forward block is the mixture of experts (all but the dense first ones).
    [[nodiscard]] int moe_layers() const { return is_moe() ? layers - first_dense_layers : 0; }
    // Layers with a dense feed-forward block of ffn_size.
    [[nodiscard]] int dense_ffn_layers() const {
        if (ffn_size == 0) return 0;
        return first_dense_layers > 0 ? first_dense_layers : layers;
    }
};

// Parameters of the attention block of one layer (projections, their norms and biases, sinks).
double attention_parameters(const LlmSpec& m);
// Parameters of one decoder layer, averaged over the layers (dense first layers and MoE layers
// differ): attention, feed-forward (all experts), norms, router.
double layer_parameters(const LlmSpec& m);
// Of which a token uses: the same with only the active and shared experts (and the router).
double layer_active_parameters(const LlmSpec& m);
// Parameters of one routed expert (gate, up and down, and their biases).
double expert_parameters(const LlmSpec& m);
double embedding_parameters(const LlmSpec& m);  // input embedding plus output head (unless tied)
double total_parameters(const LlmSpec& m);
// Parameters whose weights one token multiplies: layers (active experts only) and the output head;
// the input embedding is a lookup, not a GEMM.
double active_matmul_parameters(const LlmSpec& m);
// Bytes of K and V cached per token (all layers) at `bytes_per_value`; with latent attention the
// latent and the RoPE key, kv_lora_rank + rope_head_dim values per layer.
double kv_cache_bytes_per_token(const LlmSpec& m, double bytes_per_value);
// Bytes of the released checkpoint: routed experts at expert_bytes_per_parameter, the rest at
// bytes_per_parameter.
double checkpoint_bytes(const LlmSpec& m);

using LlmCatalog = NamedCatalog<LlmSpec>;
// [llms.NAME] tables (keys in docs/catalogs/llms.md); unknown keys, missing keys, values out of
// range and inconsistent head counts are InputErrors.
LlmCatalog read_llm_catalog(TableReader root);
// data_dir/llms.toml. Like every catalog loader, it takes the data folder.
LlmCatalog load_llm_catalog(const std::filesystem::path& data_dir);

}  // namespace lightwatt::mapping
