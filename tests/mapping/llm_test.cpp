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

TEST_CASE("llm catalog: latent attention, shared experts, dense first layers, sliding windows, MXFP4") {
    // DeepSeek-V3.1 by hand (config.json): attention per layer q_a 7168 x 1536 + its norm 1536 +
    // q_b 1536 x 128 x 192 + kv_a 7168 x 576 + its norm 512 + kv_b 512 x 128 x 256 + o 16384 x
    // 7168 = 187,107,328; norms 2 x 7168; 3 dense layers of 3 x 7168 x 18432 = 396,361,728; 58
    // MoE layers of router 256 x 7168 + 257 experts (256 routed, 1 shared) of 3 x 7168 x 2048 =
    // 44,040,192; embeddings 2 x 129280 x 7168; final norm: 671,026,404,352, the published 671B.
    const LlmSpec& ds = model("deepseek_v3_1");
    CHECK(total_parameters(ds) == doctest::Approx(671e9).epsilon(1e-3));
    CHECK(total_parameters(ds) == 61.0 * (187107328 + 2 * 7168) + 3.0 * 396361728 +
                                      58.0 * (256.0 * 7168 + 257.0 * 44040192) + 2.0 * 129280 * 7168 + 7168);
    // Active: 9 experts of the 58 MoE layers instead of 257, plus the head (the input embedding is
    // a lookup): 36.6 billion, the published 37B within 2 %.
    CHECK(active_matmul_parameters(ds) == doctest::Approx(37e9).epsilon(0.02));
    // The latent cache: (512 + 64) values x 61 layers x 2 bytes = 70,272 B per token, against
    // 2 x 61 x 128 x 128 x 2 = 3,997,696 B were every head's K and V cached.
    CHECK(kv_cache_bytes_per_token(ds, 2.0) == 70272.0);

    // gpt-oss-120b by hand: attention 2880 x 4096 + 2 x 2880 x 512 + 4096 x 2880 with biases
    // 4096 + 2 x 512 + 2880 and 64 sinks = 26,550,144; norms 2 x 2880; router 2880 x 128 + 128;
    // 128 experts of 3 x 2880 x 2880 + biases 2 x 2880 + 2880 = 24,891,840; 36 layers; embeddings
    // 2 x 201088 x 2880; final norm: 116,829,156,672, the model card's 116.83B (arXiv 2508.10925,
    // Table 1).
    const LlmSpec& oss = model("gpt_oss_120b");
    CHECK(total_parameters(oss) ==
          36.0 * (26550144 + 2 * 2880 + 2880.0 * 128 + 128 + 128.0 * 24891840) + 2.0 * 201088 * 2880 + 2880);
    CHECK(total_parameters(oss) == doctest::Approx(116.83e9).epsilon(1e-4));
    // Active: 4 experts, and the unembedding: 5.13B in the card.
    CHECK(active_matmul_parameters(oss) == doctest::Approx(5.13e9).epsilon(1e-3));
    // The checkpoint: 36 x 128 experts x 24,891,840 = 114,701,598,720 at 4.25 bits (MXFP4), the
    // other 2,127,557,952 at 2 bytes: 65.19 GB (the released safetensors, 60.8 GiB = 65.3 GB).
    CHECK(checkpoint_bytes(oss) == doctest::Approx(114701598720.0 * 0.53125 + 2127557952.0 * 2.0));
    CHECK(checkpoint_bytes(oss) == doctest::Approx(65.3e9).epsilon(0.01));
    // gpt-oss-20b: 24 layers of 32 experts: 20.91B total, 3.61B active (Table 1).
    CHECK(total_parameters(model("gpt_oss_20b")) == doctest::Approx(20.91e9).epsilon(1e-3));
    CHECK(active_matmul_parameters(model("gpt_oss_20b")) == doctest::Approx(3.61e9).epsilon(1e-3));

    // Qwen3-30B-A3B: 48 x (attention 2048 x 4096 + 2 x 2048 x 512 + 4096 x 2048 + norms 4096 +
    // router 2048 x 128 + 128 experts x 3 x 2048 x 768) + 2 x 151936 x 2048 + 2048 =
    // 30,532,110,336: the published 30.5B; 3.3B activated counting both embeddings (3.35B).
    const LlmSpec& q30 = model("qwen3_30b_a3b");
    CHECK(total_parameters(q30) == doctest::Approx(30.5e9).epsilon(2e-3));
    CHECK(q30.layers * layer_active_parameters(q30) + embedding_parameters(q30) + q30.hidden_size ==
          doctest::Approx(3.3e9).epsilon(0.02));
    // Llama 2 70B: 80 x (8192 x 8192 x 2 + 2 x 8192 x 1024 + 3 x 8192 x 28672 + 2 x 8192) +
    // 2 x 32000 x 8192 + 8192 = 68,976,648,192 (the Hugging Face checkpoint's count, "70B").
    CHECK(total_parameters(model("llama_2_70b")) ==
          80.0 * (2.0 * 8192 * 8192 + 2.0 * 8192 * 1024 + 3.0 * 8192 * 28672 + 2 * 8192) + 2.0 * 32000 * 8192 + 8192);
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

TEST_CASE("llm catalog: the new optional keys are checked against the features they belong to") {
    const std::string base =
        "[llms.x]\nlayers = 4\nhidden_size = 64\nattention_heads = 8\nkv_heads = 8\nhead_dim = 8\n"
        "vocabulary = 100\nbytes_per_parameter = 2\nsource = \"test\"\n";
    auto key_of = [&](const std::string& extra, const char* what) {
        const auto doc = TomlDocument::parse_string(base + extra, "llms.toml");
        return input_error_of([&] { (void)read_llm_catalog(doc.root()); }, what).key;
    };
    CHECK(key_of("ffn_size = 128\nq_lora_rank = 16\n", "q_lora_rank without latent attention") == "llms.x.q_lora_rank");
    CHECK(key_of("ffn_size = 128\nkv_lora_rank = 16\nv_head_dim = 8\n", "no rope_head_dim") == "llms.x.rope_head_dim");
    CHECK(key_of("ffn_size = 128\nshared_experts = 1\n", "shared experts on a dense model") == "llms.x.shared_experts");
    CHECK(key_of("ffn_size = 0\nexperts = 4\nactive_experts = 1\nexpert_ffn_size = 8\nfirst_dense_layers = 1\n",
                 "dense first layers without ffn_size") == "llms.x.first_dense_layers");
    CHECK(key_of("ffn_size = 128\nsliding_window = 16\n", "a window without its layers") == "llms.x.sliding_window");
    CHECK(key_of("ffn_size = 128\nexpert_bytes_per_parameter = 0.5\n", "expert precision on a dense model") ==
          "llms.x.expert_bytes_per_parameter");
}
