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
    CHECK(key_of({3, 1, 1, 8}, s) == "tp");   // 3 does not divide 32 heads
    CHECK(key_of({1, 64, 1, 8}, s) == "pp");  // more stages than 32 layers
    CHECK(key_of({1, 1, 2, 8}, s) == "ep");   // experts on a dense model
    CHECK(key_of({1, 1, 1, 8}, ServingPoint{0, 100, 100, 2, 2, 2}) == "batch");
    CHECK(key_of({1, 1, 1, 8}, ServingPoint{1, 100, 100, 0, 2, 2}) == "bytes_per_weight");
    // 16-way TP on 8 KV heads replicates them: allowed; 12-way is neither divisor nor multiple.
    CHECK_NOTHROW(validate(model("llama_3_1_405b"), {16, 1, 1, 8}, s));
    CHECK(input_error_of([&] { validate(model("llama_3_1_405b"), {12, 1, 1, 8}, s); }, "tp 12").key == "tp");
}
