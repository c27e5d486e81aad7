// LLM specs and the work of a serving step, against totals worked out by hand and published
// parameter counts.
#include <doctest/doctest.h>

#include "input_error_of.hpp"
#include "lightwatt/mapping/llm.hpp"
#include "lightwatt/mapping/workload.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;

namespace {
const LlmCatalog& catalog() {
    static const LlmCatalog c = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c;
}
const LlmSpec& model(const std::string& name) { return catalog().at(name); }
}  // namespace

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

TEST_CASE("decode step: FLOPs, weights, KV traffic and collectives of Llama 3.1 405B on 8 GPUs") {
    const LlmSpec& m = model("llama_3_1_405b");
    const Parallelism p{8, 1, 1, 8};
    const ServingPoint s{64, 1000, 500, 1.0, 2.0, 2.0};  // fp8 weights, bf16 activations and KV
    validate(m, p, s);
    const StepWork w = decode_step(m, p, s);
    // Every matmul weight once per step on each GPU: (126 layers x 3,187,671,040 matmul weights
    // + 128256 x 16384 head) / 8 GPUs, at 1 byte each.
    const double matmul_weights = 126.0 * (layer_parameters(m) - 2.0 * 16384) + 128256.0 * 16384;
    CHECK(in_bytes(w.weights_read) == doctest::Approx(matmul_weights / 8.0));
    // GEMM FLOPs: 2 x batch x those weights / 8 per GPU.
    CHECK(w.gemm_flops() == doctest::Approx(2.0 * 64 * matmul_weights / 8.0));
    // KV read: 64 sequences x 1250 tokens of context x 516,096 B / 8 GPUs (each holds one KV head).
    CHECK(in_bytes(w.kv_read) == doctest::Approx(64.0 * 1250 * 516096.0 / 8.0));
    // Attention: 4 x 64 x 1250 x (128 / 8 heads) x 128 x 126 FLOPs.
    CHECK(w.attention_flops == doctest::Approx(4.0 * 64 * 1250 * 16 * 128 * 126));
    // Tensor-parallel all-reduces: 2 per layer of 64 x 16384 x 2 B = 2 MiB, over 8 GPUs, NVLink.
    REQUIRE(w.collectives.size() == 1);
    CHECK(w.collectives[0].collective == interconnect::Collective::all_reduce);
    CHECK(in_bytes(w.collectives[0].size) == 2097152.0);
    CHECK(w.collectives[0].count == 252.0);
    CHECK(w.collectives[0].tier == FabricTier::scale_up);
    CHECK(w.tokens == 64.0);
}

TEST_CASE("prefill and pipeline: rows are prompt tokens; stages send activations across nodes") {
    const LlmSpec& m = model("llama_3_1_70b");
    const Parallelism p{8, 2, 1, 8};  // 16 GPUs: two 8-GPU nodes
    const ServingPoint s{4, 2048, 256, 2.0, 2.0, 2.0};
    const StepWork w = prefill_step(m, p, s);
    CHECK(w.tokens == 4.0 * 2048);
    CHECK(in_bytes(w.kv_read) == 0.0);
    // KV written: 8192 tokens x (2 x 1 KV head x 128 x 2 B x 40 layers on this stage).
    CHECK(in_bytes(w.kv_written) == doctest::Approx(8192.0 * 2 * 1 * 128 * 2 * 40));
    REQUIRE(w.collectives.size() == 2);
    CHECK(w.collectives[1].collective == interconnect::Collective::sendrecv);
    CHECK(w.collectives[1].tier == FabricTier::scale_out);
    CHECK(in_bytes(w.collectives[1].size) == doctest::Approx(8192.0 * 8192 * 2));
}

TEST_CASE("mixture of experts: distinct experts touched, expert all-to-all") {
    // One token touches a experts; many tokens approach all E: E (1 - (1 - a/E)^T).
    CHECK(experts_touched(128, 8, 1.0) == doctest::Approx(8.0));
    CHECK(experts_touched(128, 8, 1e6) == doctest::Approx(128.0));
    CHECK(experts_touched(128, 8, 2.0) == doctest::Approx(128.0 * (1.0 - (120.0 / 128) * (120.0 / 128))));
    const LlmSpec& q = model("qwen3_235b_a22b");
    const Parallelism p{8, 1, 8, 8};
    const ServingPoint s{1, 100, 100, 2.0, 2.0, 2.0};
    const StepWork w = decode_step(q, p, s);
    // Batch 1 on 8 GPUs (tp 8, ep 8), per GPU and layer, by hand: q for 8 heads and k, v for one
    // KV head (8-way TP over 4 KV heads replicates each on 2 GPUs) 2 x (8 + 2) x 128 x 4096;
    // o 2 x 4096 x 1024; the router, replicated on every GPU, 2 x 128 x 4096; one of the 8 active
    // experts per GPU 2 x 3 x 1536 x 4096; times 94 layers; plus the head 2 x 151936 / 8 x 4096.
    const double per_layer = 2.0 * 10 * 128 * 4096 + 2.0 * 4096 * 1024 + 2.0 * 128 * 4096 + 2.0 * 3 * 1536 * 4096;
    CHECK(w.gemm_flops() == doctest::Approx(94.0 * per_layer + 2.0 * 151936 / 8 * 4096).epsilon(1e-12));
    REQUIRE(w.collectives.size() == 2);
    CHECK(w.collectives[1].collective == interconnect::Collective::alltoall);
    CHECK(in_bytes(w.collectives[1].size) == 8.0 * 4096 * 2);
}

TEST_CASE("inconsistent parallelism or operating point: input errors naming the field") {
    const LlmSpec& m = model("llama_3_1_8b");
    const ServingPoint s{8, 100, 100, 2.0, 2.0, 2.0};
    auto key_of = [&](Parallelism p, ServingPoint point) {
        return input_error_of([&] { validate(m, p, point); }, "bad scenario").key;
    };
    CHECK(key_of({3, 1, 1, 8}, s) == "tp");      // 3 does not divide 32 heads
    CHECK(key_of({1, 64, 1, 8}, s) == "pp");     // more stages than 32 layers
    CHECK(key_of({1, 1, 2, 8}, s) == "ep");      // experts on a dense model
    CHECK(key_of({1, 1, 1, 8}, ServingPoint{0, 100, 100, 2, 2, 2}) == "batch");
    CHECK(key_of({1, 1, 1, 8}, ServingPoint{1, 100, 100, 0, 2, 2}) == "bytes_per_weight");
    // 16-way TP on 8 KV heads replicates them: allowed; 12-way is neither divisor nor multiple.
    CHECK_NOTHROW(validate(model("llama_3_1_405b"), {16, 1, 1, 8}, s));
    CHECK(input_error_of([&] { validate(model("llama_3_1_405b"), {12, 1, 1, 8}, s); }, "tp 12").key == "tp");
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
