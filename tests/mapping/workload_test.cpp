// The work of a serving step (FLOPs, weights, KV traffic, collectives) against totals worked out by
// hand, and the checks on parallelism and operating point.
#include <doctest/doctest.h>

#include "input_error_of.hpp"
#include "lightwatt/mapping/llm.hpp"
#include "lightwatt/mapping/workload.hpp"
#include "mapping/shipped_llms.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;
using namespace lightwatt::testing::shipped_llms;

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
    // Tensor-parallel attention over the experts' 8 GPUs: every GPU holds every token, so the
    // feed-forward all-reduce combines the experts' outputs; no all-to-all.
    REQUIRE(w.collectives.size() == 1);
    CHECK(w.collectives[0].collective == interconnect::Collective::all_reduce);
    // Experts spread beyond the tensor-parallel group (tp 4, pp 2, ep 8) must be dispatched to:
    // all-to-all of batch x 8 active x 4096 x 2 bytes.
    const StepWork beyond = decode_step(q, {4, 2, 8, 8}, s);
    REQUIRE(beyond.collectives.size() == 3);
    CHECK(beyond.collectives[2].collective == interconnect::Collective::alltoall);
    CHECK(in_bytes(beyond.collectives[2].size) == 8.0 * 4096 * 2);
}

TEST_CASE("latent attention: the cached latent is read whole on every tensor-parallel GPU; absorbed in decode") {
    const LlmSpec& m = model("deepseek_v3_1");
    const Parallelism p{8, 1, 8, 8};
    const ServingPoint s{64, 1000, 1000, 1.0, 2.0, 2.0};
    validate(m, p, s);
    const StepWork w = decode_step(m, p, s);
    // KV read per GPU: 64 sequences x 1500 tokens x (512 + 64) x 2 B x 61 layers = 6,746,112,000 B:
    // the latent is not split by heads, so tensor parallelism does not divide it.
    CHECK(in_bytes(w.kv_read) == doctest::Approx(6746112000.0));
    CHECK(in_bytes(w.kv_written) == doctest::Approx(64.0 * 576 * 2 * 61));
    // Attention over the latent, 16 heads per GPU: scores 2 x 576 and values 2 x 512 FLOPs per head,
    // context token and row: 2 x 64 x 1500 x 16 x 1088 x 61 = 203,882,496,000.
    CHECK(w.attention_flops == doctest::Approx(203882496000.0));
    // The absorbed up-projections: per head, q_nope (128) into the latent (512), and the latent
    // back to the value (128): 61 x 16 calls each.
    int absorbed = 0;
    for (const auto& g : w.gemms)
        if (g.count == 61.0 * 16) ++absorbed;
    CHECK(absorbed == 2);
    // Tensor-parallel attention over the experts' GPUs: the all-reduces only (2 per layer).
    REQUIRE(w.collectives.size() == 1);
    CHECK(w.collectives[0].count == 122.0);
    // Prefill expands the latent per head instead: 2 x rows x 500 x 16 x (128 + 64 + 128) x 61.
    const StepWork pre = prefill_step(m, p, s);
    CHECK(pre.attention_flops == doctest::Approx(2.0 * 64000 * 500 * 16 * 320 * 61));
}

TEST_CASE("sliding windows and MXFP4 experts: gpt-oss-120b reads at most the window and 4.25-bit experts") {
    const LlmSpec& m = model("gpt_oss_120b");
    ServingPoint s{32, 1000, 1000, 2.0, 2.0, 2.0};
    s.bytes_per_expert_weight = 0.53125;
    const StepWork w = decode_step(m, {1, 1, 1, 8}, s);
    // KV: 18 full layers read 1500 tokens, 18 windowed ones 128: 32 x (18 x 1500 + 18 x 128) x
    // (2 x 8 x 64 x 2 B) = 1,920,466,944 B; attention 4 x 32 x 64 x 64 x 29,304 FLOPs.
    CHECK(in_bytes(w.kv_read) == doctest::Approx(1920466944.0));
    CHECK(w.attention_flops == doctest::Approx(4.0 * 32 * 64 * 64 * 29304));
    // Weights at batch 1 (4 experts touched): per layer q, k, v, o 2880 x 5120 + 4096 x 2880 at
    // 2 B = 53,084,160; router 2880 x 128 x 2 = 737,280; 4 experts x 3 x 2880 x 2880 x 0.53125 =
    // 52,876,800; 36 layers; head 201088 x 2880 x 2 = 1,158,266,880: 4,999,403,520 B.
    s.batch = 1;
    CHECK(in_bytes(decode_step(m, {1, 1, 1, 8}, s).weights_read) == doctest::Approx(4999403520.0));
}

TEST_CASE("data-parallel attention: each GPU serves batch / attention_dp sequences, experts by all-to-all") {
    const LlmSpec& q = model("qwen3_235b_a22b");
    Parallelism p{1, 1, 8, 8};
    p.attention_dp = 8;
    const ServingPoint s{64, 100, 100, 2.0, 2.0, 2.0};
    validate(q, p, s);
    CHECK(replica_gpus(p) == 8);
    const StepWork w = decode_step(q, p, s);
    // Each GPU: 8 sequences through the full attention, q, k, v of (64 + 2 x 4) x 128 = 9216.
    CHECK(w.gemms[0].m == 8.0);
    CHECK(w.gemms[0].n == 9216.0);
    // KV: 8 sequences x 150 tokens x 2 x 4 x 128 x 2 B x 94 layers = 231,014,400 B.
    CHECK(in_bytes(w.kv_read) == doctest::Approx(231014400.0));
    // No tensor parallelism: one all-to-all pair per layer of 8 rows x 8 experts x 4096 x 2 B.
    REQUIRE(w.collectives.size() == 1);
    CHECK(w.collectives[0].collective == interconnect::Collective::alltoall);
    CHECK(in_bytes(w.collectives[0].size) == 524288.0);
    CHECK(w.collectives[0].ranks == 8);
    CHECK(w.collectives[0].count == 188.0);
    // Not on a dense model; the experts must span the stage.
    auto key_of = [&](const LlmSpec& m, Parallelism bad) {
        return input_error_of([&] { validate(m, bad, s); }, "attention_dp").key;
    };
    Parallelism dense{1, 1, 1, 8};
    dense.attention_dp = 2;
    CHECK(key_of(model("llama_3_1_8b"), dense) == "attention_dp");
    p.ep = 4;
    CHECK(key_of(q, p) == "ep");
}

TEST_CASE("inconsistent parallelism or operating point: input errors naming the field") {
    const LlmSpec& m = model("llama_3_1_8b");
    const ServingPoint s{8, 100, 100, 2.0, 2.0, 2.0};
    auto key_of = [&](Parallelism p, ServingPoint point) {
        return input_error_of([&] { validate(m, p, point); }, "bad scenario").key;
    };
    CHECK(key_of({3, 1, 1, 8}, s) == "tp");   // 3 does not divide 32 heads
    CHECK(key_of({1, 64, 1, 8}, s) == "pp");  // more stages than 32 layers
    CHECK(key_of({1, 1, 2, 8}, s) == "ep");   // experts on a dense model
    CHECK(key_of({1, 1, 1, 8}, ServingPoint{0, 100, 100, 2, 2, 2}) == "batch");
    CHECK(key_of({1, 1, 1, 8}, ServingPoint{1, 100, 100, 0, 2, 2}) == "bytes_per_weight");
    // 16-way TP on 8 KV heads replicates them: allowed; 12-way is neither divisor nor multiple.
    CHECK_NOTHROW(validate(model("llama_3_1_405b"), {16, 1, 1, 8}, s));
    CHECK(input_error_of([&] { validate(model("llama_3_1_405b"), {12, 1, 1, 8}, s); }, "tp 12").key == "tp");
}
