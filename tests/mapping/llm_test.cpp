// The LLM catalog (data/llms.toml): parameter counts against published totals, KV cache per
// token by hand, and malformed entries.
#include <doctest/doctest.h>

#include "input_error_of.hpp"
#include "lightwatt/mapping/llm.hpp"
#include "mapping/shipped_llms.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;
using namespace lightwatt::testing::shipped_llms;

TEST_CASE("llm catalog: parameter counts match the published totals") {
    // Llama 3.1 8B by hand: embeddings 128256 x 4096 x 2 = 1,050,673,152; per layer q 16,777,216 +
    // k, v 2 x 4,194,304 + o 16,777,216 + SwiGLU 3 x 4096 x 14336 = 176,160,768 + norms 8,192
    // = 218,112,000; x 32 = 6,979,584,000; + final norm 4,096: 8,030,261,248, the checkpoint's
    // count (Hugging Face meta-llama/Llama-3.1-8B).
    CHECK(total_parameters(model("llama_3_1_8b")) == 8030261248.0);
    // 405B: 405,853,388,800 (Hugging Face, "405B").
    CHECK(total_parameters(model("llama_3_1_405b")) == 405853388800.0);
    // 70B: within 0.1 % of the published 70.6 billion.
    CHECK(total_parameters(model("llama_3_1_70b")) == doctest::Approx(70.6e9).epsilon(1e-3));
    // Qwen3-235B-A22B: 235 billion in all, 22 billion active (the name and the Qwen3 report).
    const LlmSpec& q = model("qwen3_235b_a22b");
    CHECK(total_parameters(q) == doctest::Approx(235e9).epsilon(0.01));
    const double active = q.layers * layer_active_parameters(q) + embedding_parameters(q) + q.hidden_size;
    CHECK(active == doctest::Approx(22e9).epsilon(0.03));
    // KV cache per token: 2 x 32 layers x 8 heads x 128 x 2 bytes = 131,072 B (128 KiB) for 8B;
    // 2 x 126 x 8 x 128 x 2 = 516,096 B for 405B.
    CHECK(kv_cache_bytes_per_token(model("llama_3_1_8b"), 2.0) == 131072.0);
    CHECK(kv_cache_bytes_per_token(model("llama_3_1_405b"), 2.0) == 516096.0);
    for (const auto& name : catalog().names()) CHECK_FALSE(catalog().provenance(name).source.empty());
}

TEST_CASE("llm catalog: malformed entries are input errors with file and line") {
    const auto doc = TomlDocument::parse_string(
        "[llms.x]\nlayers = 2\nhidden_size = 64\nattention_heads = 8\nkv_heads = 3\nhead_dim = 8\nffn_size = 128\n"
        "vocabulary = 100\nbytes_per_parameter = 2\nsource = \"test\"\n",
        "llms.toml");
    const auto d = input_error_of([&] { (void)read_llm_catalog(doc.root()); }, "kv_heads 3");
    CHECK(d.file == "llms.toml");
    CHECK(d.line == 5);
    CHECK(d.key == "llms.x.kv_heads");
}
