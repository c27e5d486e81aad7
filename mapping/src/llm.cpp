#include "lightwatt/mapping/llm.hpp"

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

double layer_parameters(const LlmSpec& m) {
    const double h = m.hidden_size, d = m.head_dim, heads = m.attention_heads, kv = m.kv_heads;
    const double attention = h * heads * d + 2.0 * h * kv * d + heads * d * h;
    const double norms = 2.0 * h;
    double ffn = 3.0 * h * m.ffn_size;
    if (m.is_moe()) ffn += h * m.experts + 3.0 * h * m.expert_ffn_size * m.experts;
    return attention + norms + ffn;
}

double layer_active_parameters(const LlmSpec& m) {
    if (!m.is_moe()) return layer_parameters(m);
    const double h = m.hidden_size;
    return layer_parameters(m) - 3.0 * h * m.expert_ffn_size * (m.experts - m.active_experts);
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
    return 2.0 * m.layers * m.kv_heads * m.head_dim * bytes_per_value;
}

namespace {

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
    return m;
}

}  // namespace

LlmCatalog read_llm_catalog(TableReader root) { return read_named_catalog(std::move(root), "llms", read_llm); }

LlmCatalog load_llm_catalog(const std::filesystem::path& data_dir) {
    const auto doc = TomlDocument::parse_file(data_dir / "llms.toml");
    return read_llm_catalog(doc.root());
}

}  // namespace lightwatt::mapping
