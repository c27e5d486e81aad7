#include "lightwatt/mapping/llm.hpp"

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

double attention_parameters(const LlmSpec& m) {
    const double h = m.hidden_size, d = m.head_dim, heads = m.attention_heads, kv = m.kv_heads;
    double attention = 0.0;
    if (m.is_mla()) {
        // DeepSeek-V3's projections (config.json): q through its low-rank bottleneck (or direct),
        // the latent and the RoPE key from h, the latent up to every head's key and value, o.
        const double q_width = heads * (d + m.rope_head_dim);
        const double q = m.q_lora_rank > 0 ? h * m.q_lora_rank + m.q_lora_rank + m.q_lora_rank * q_width : h * q_width;
        const double kv_down = h * (m.kv_lora_rank + m.rope_head_dim) + m.kv_lora_rank;  // + latent norm
        const double kv_up = static_cast<double>(m.kv_lora_rank) * heads * (d + m.v_head_dim);
        attention = q + kv_down + kv_up + heads * m.v_head_dim * h;
    } else {
        attention = h * heads * d + 2.0 * h * kv * d + heads * d * h;
        if (m.linear_biases) attention += heads * d + 2.0 * kv * d + h;
    }
    if (m.attention_sinks) attention += heads;
    return attention;
}

double expert_parameters(const LlmSpec& m) {
    const double h = m.hidden_size, f = m.expert_ffn_size;
    return 3.0 * h * f + (m.linear_biases ? 2.0 * f + h : 0.0);
}

namespace {

// The feed-forward block of a MoE layer: router (and its bias), routed and shared experts.
double moe_block_parameters(const LlmSpec& m, double routed_experts) {
    const double h = m.hidden_size;
    const double router = h * m.experts + (m.linear_biases ? m.experts : 0.0);
    return router + expert_parameters(m) * routed_experts + 3.0 * h * m.expert_ffn_size * m.shared_experts;
}

// All layers' parameters with `routed_experts` of each MoE layer counted.
double all_layer_parameters(const LlmSpec& m, double routed_experts) {
    const double h = m.hidden_size;
    const double per_layer = attention_parameters(m) + 2.0 * h;  // + the two norms
    return m.layers * per_layer + m.dense_ffn_layers() * 3.0 * h * m.ffn_size +
           m.moe_layers() * (m.is_moe() ? moe_block_parameters(m, routed_experts) : 0.0);
}

}  // namespace

double layer_parameters(const LlmSpec& m) {
    const double h = m.hidden_size;
    // One kind of layer (every entry before dense first layers): the sum in one expression keeps
    // the existing entries' counts to the bit.
    if (m.first_dense_layers == 0) {
        double ffn = 3.0 * h * m.ffn_size;
        if (m.is_moe()) ffn += moe_block_parameters(m, m.experts);
        return attention_parameters(m) + 2.0 * h + ffn;
    }
    return all_layer_parameters(m, m.experts) / m.layers;
}

double layer_active_parameters(const LlmSpec& m) {
    if (!m.is_moe()) return layer_parameters(m);
    const double idle = expert_parameters(m) * (m.experts - m.active_experts) * m.moe_layers();
    return layer_parameters(m) - idle / m.layers;
}

double embedding_parameters(const LlmSpec& m) {
    return static_cast<double>(m.vocabulary) * m.hidden_size * (m.tied_embeddings ? 1.0 : 2.0);
}

double total_parameters(const LlmSpec& m) {
    return m.layers * layer_parameters(m) + embedding_parameters(m) + m.hidden_size;  // + final norm
}

double active_matmul_parameters(const LlmSpec& m) {
    return m.layers * layer_active_parameters(m) + static_cast<double>(m.vocabulary) * m.hidden_size;
}

double kv_cache_bytes_per_token(const LlmSpec& m, double bytes_per_value) {
    if (m.is_mla()) return static_cast<double>(m.layers) * (m.kv_lora_rank + m.rope_head_dim) * bytes_per_value;
    return 2.0 * m.layers * m.kv_heads * m.head_dim * bytes_per_value;
}

double checkpoint_bytes(const LlmSpec& m) {
    const double routed = m.moe_layers() * expert_parameters(m) * m.experts;
    const double expert_bytes =
        m.expert_bytes_per_parameter > 0.0 ? m.expert_bytes_per_parameter : m.bytes_per_parameter;
    return (total_parameters(m) - routed) * m.bytes_per_parameter + routed * expert_bytes;
}

namespace {

// Multi-head latent attention: kv_lora_rank names it; the RoPE and value widths come with it.
void read_latent_attention(TableReader& r, LlmSpec& m) {
    m.kv_lora_rank = static_cast<int>(r.optional_integer("kv_lora_rank", 1, 1 << 16).value_or(0));
    m.q_lora_rank = static_cast<int>(r.optional_integer("q_lora_rank", 1, 1 << 16).value_or(0));
    const auto rope = r.optional_integer("rope_head_dim", 1, 1 << 14);
    const auto v = r.optional_integer("v_head_dim", 1, 1 << 14);
    if (!m.is_mla()) {
        for (const char* key : {"q_lora_rank", "rope_head_dim", "v_head_dim"})
            if (r.contains(key))
                throw r.error(key, r.value_text(key), "belongs to latent attention, which this entry does not have",
                              "only with kv_lora_rank");
        return;
    }
    if (!rope) throw r.error("rope_head_dim", "(missing)", "latent attention needs its RoPE key width", "1 to 16384");
    if (!v) throw r.error("v_head_dim", "(missing)", "latent attention needs its value head width", "1 to 16384");
    m.rope_head_dim = static_cast<int>(*rope);
    m.v_head_dim = static_cast<int>(*v);
}

// Shared experts, dense first layers and sliding-window layers, each checked against the layers
// and the experts it refers to.
void read_layer_kinds(TableReader& r, LlmSpec& m) {
    m.shared_experts = static_cast<int>(r.optional_integer("shared_experts", 1, 1 << 10).value_or(0));
    if (m.shared_experts > 0 && !m.is_moe())
        throw r.error("shared_experts", r.value_text("shared_experts"), "shared experts on a dense model",
                      "only with experts");
    m.first_dense_layers = static_cast<int>(r.optional_integer("first_dense_layers", 1, m.layers - 1).value_or(0));
    if (m.first_dense_layers > 0 && (!m.is_moe() || m.ffn_size == 0))
        throw r.error("first_dense_layers", r.value_text("first_dense_layers"),
                      "dense first layers need experts for the others and ffn_size for themselves",
                      "only with experts and ffn_size > 0");
    m.sliding_window = static_cast<int>(r.optional_integer("sliding_window", 1, 1 << 24).value_or(0));
    const auto windowed = r.optional_integer("sliding_window_layers", 1, m.layers);
    if ((m.sliding_window > 0) != windowed.has_value())
        throw r.error(windowed ? "sliding_window_layers" : "sliding_window", "(one without the other)",
                      "a sliding window needs both its size and the number of layers using it",
                      "sliding_window and sliding_window_layers together");
    m.sliding_window_layers = static_cast<int>(windowed.value_or(0));
}

LlmSpec read_llm(TableReader& r) {
    LlmSpec m;
    m.description = r.optional_string("description").value_or("");
    m.layers = static_cast<int>(r.integer("layers", 1, 10000));
    m.hidden_size = static_cast<int>(r.integer("hidden_size", 1, 1 << 20));
    m.attention_heads = static_cast<int>(r.integer("attention_heads", 1, 1 << 14));
    m.kv_heads = static_cast<int>(r.integer("kv_heads", 1, m.attention_heads));
    if (m.attention_heads % m.kv_heads != 0)
        throw r.error("kv_heads", r.value_text("kv_heads"),
                      "does not divide attention_heads (" + std::to_string(m.attention_heads) + ")",
                      "a divisor of attention_heads");
    m.head_dim = static_cast<int>(r.integer("head_dim", 1, 1 << 14));
    m.ffn_size = static_cast<int>(r.integer("ffn_size", 0, 1 << 22));
    m.experts = static_cast<int>(r.optional_integer("experts", 1, 1 << 16).value_or(0));
    if (m.experts > 0) {
        m.active_experts = static_cast<int>(r.integer("active_experts", 1, m.experts));
        m.expert_ffn_size = static_cast<int>(r.integer("expert_ffn_size", 1, 1 << 22));
    } else if (m.ffn_size == 0) {
        throw r.error("ffn_size", "0", "a dense model needs a feed-forward size",
                      "ffn_size > 0, or experts for a mixture of experts");
    }
    m.vocabulary = static_cast<int>(r.integer("vocabulary", 1, 1 << 24));
    m.tied_embeddings = r.optional_boolean("tied_embeddings").value_or(false);
    m.bytes_per_parameter = r.number("bytes_per_parameter", Range{0.0, 8.0, false, true});
    read_latent_attention(r, m);
    read_layer_kinds(r, m);
    m.attention_sinks = r.optional_boolean("attention_sinks").value_or(false);
    m.linear_biases = r.optional_boolean("linear_biases").value_or(false);
    m.expert_bytes_per_parameter =
        r.optional_number("expert_bytes_per_parameter", Range{0.0, 8.0, false, true}).value_or(0.0);
    if (m.expert_bytes_per_parameter > 0.0 && !m.is_moe())
        throw r.error("expert_bytes_per_parameter", r.value_text("expert_bytes_per_parameter"),
                      "a precision for experts on a dense model", "only with experts");
    return m;
}

}  // namespace

LlmCatalog read_llm_catalog(TableReader root) { return read_named_catalog(std::move(root), "llms", read_llm); }

LlmCatalog load_llm_catalog(const std::filesystem::path& data_dir) {
    const auto doc = TomlDocument::parse_file(data_dir / "llms.toml");
    return read_llm_catalog(doc.root());
}

}  // namespace lightwatt::mapping
