// Training mode: the work of a step against hand counts, its schedule, and the time it predicts
// for Meta's Llama 3.1 405B pre-training against the throughput the Llama 3 paper reports.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "input_error_of.hpp"
#include "lightwatt/mapping/scenario.hpp"
#include "lightwatt/mapping/training.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;

namespace {

const LlmCatalog& llm_catalog() {
    static const LlmCatalog c = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

TrainingPoint point(double tokens_per_step, int sequence_length) {
    TrainingPoint t;
    t.tokens_per_step = tokens_per_step;
    t.sequence_length = sequence_length;
    t.micro_batch_sequences = 1;
    t.bytes_per_weight = 2.0;
    t.bytes_per_activation = 2.0;
    t.bytes_per_gradient = 4.0;
    t.optimizer_state_bytes_per_parameter = 12.0;
    t.shard_optimizer = true;
    t.activation_recompute = false;
    t.activation_bytes_per_token_hidden_layer = 34.0;
    return t;
}

double collective_bytes(const StepWork& w, interconnect::Collective kind) {
    for (const auto& c : w.collectives)
        if (c.collective == kind) return in_bytes(c.size);
    return -1.0;
}

}  // namespace

TEST_CASE("training work: the backward doubles the forward's GEMM FLOPs; recompute adds a forward") {
    const LlmSpec& m = llm_catalog().at("llama_3_1_8b");
    Parallelism p{1, 1, 1, 8};
    p.dp = 1;
    const TrainingPoint t = point(4096.0, 1024);
    const TrainingWork w = training_step(m, p, t);
    const StepWork forward = prefill_step(m, p, {1, 1024, 1, 2.0, 2.0, 2.0});
    // 2 m n k per GEMM forward; dX and dW have the same m n k: 3 x in all (6 N per token).
    CHECK(w.micro_batch.gemm_flops() == doctest::Approx(3.0 * forward.gemm_flops()));
    // Attention: forward 2 matmuls, FlashAttention's backward 5: 3.5 x.
    CHECK(w.micro_batch.attention_flops == doctest::Approx(3.5 * forward.attention_flops));
    // 4096 tokens in sequences of 1024, one per micro-batch, one pipeline: 4 micro-batches; no bubble.
    CHECK(w.micro_batches == 4.0);
    CHECK(w.bubble_micro_batches == 0.0);
    // Weights read twice (forward, dX) at 2 B and the fp32 accumulator read and written: 12 B per
    // parameter; 8,030,261,248 of them on the one GPU.
    CHECK(in_bytes(w.micro_batch.weights_read) == doctest::Approx(8030261248.0 * 12.0));
    // Adam on every parameter (dp 1): read the 4 B gradient and 12 B of states, write the states
    // and the 2 B weight: 30 B per parameter. No data-parallel collective with one replica.
    CHECK(in_bytes(w.optimizer.elementwise_traffic) == doctest::Approx(8030261248.0 * 30.0));
    CHECK(w.optimizer.collectives.empty());
    // Stored activations: 34 B per token, hidden unit and layer, written then read: 2 x 34 x 1024
    // x 4096 x 32.
    CHECK(in_bytes(w.micro_batch.elementwise_traffic) == doctest::Approx(2.0 * 34 * 1024 * 4096 * 32));

    TrainingPoint recompute = t;
    recompute.activation_recompute = true;
    const TrainingWork r = training_step(m, p, recompute);
    CHECK(r.micro_batch.gemm_flops() == doctest::Approx(4.0 * forward.gemm_flops()));
    CHECK(r.micro_batch.attention_flops == doctest::Approx(4.5 * forward.attention_flops));
}

TEST_CASE("training work: tensor, pipeline and data-parallel collectives, their bytes and tiers") {
    const LlmSpec& m = llm_catalog().at("llama_3_1_405b");
    Parallelism p{8, 16, 1, 8};
    p.dp = 64;
    p.virtual_stages = 2;
    const TrainingPoint t = point(16777216.0, 8192);
    const TrainingWork w = training_step(m, p, t);
    // 16M tokens / (64 pipelines x 8192): 32 micro-batches; bubble (16 - 1) / 2 micro-batches.
    CHECK(w.micro_batches == 32.0);
    CHECK(w.bubble_micro_batches == 7.5);
    REQUIRE(w.micro_batch.collectives.size() == 2);
    // TP all-reduces of 8192 x 16384 x 2 B, two per layer forward and two backward, 8 layers per
    // stage (ceil(126 / 16)): 32, inside the node.
    const CollectiveOp& tp = w.micro_batch.collectives[0];
    CHECK(in_bytes(tp.size) == 8192.0 * 16384 * 2);
    CHECK(tp.count == 32.0);
    CHECK(tp.tier == FabricTier::scale_up);
    // Pipeline: activations forward and gradients back, per model chunk: 4 per micro-batch,
    // between nodes (stages are whole 8-GPU nodes).
    const CollectiveOp& pp = w.micro_batch.collectives[1];
    CHECK(pp.count == 4.0);
    CHECK(pp.tier == FabricTier::scale_out);
    // Data parallel: 64 ranks 128 GPUs apart, one per node: reduce-scatter of the fp32 gradients
    // of 405,853,388,800 / 128 parameters and all-gather of the bf16 weights.
    const double params = 405853388800.0 / 128;
    CHECK(parameters_per_gpu(m, p) == doctest::Approx(params));
    CHECK(collective_bytes(w.optimizer, interconnect::Collective::reduce_scatter) == doctest::Approx(4.0 * params));
    CHECK(collective_bytes(w.optimizer, interconnect::Collective::all_gather) == doctest::Approx(2.0 * params));
    for (const auto& c : w.optimizer.collectives) {
        CHECK(c.ranks == 64);
        CHECK(c.nodes == 64);
        CHECK(c.tier == FabricTier::scale_out);
    }
    // Sharded states: each GPU updates 1/64 of its parameters.
    CHECK(in_bytes(w.optimizer.elementwise_traffic) == doctest::Approx(params / 64 * 30.0));
    // Unsharded: one all-reduce of the gradients.
    TrainingPoint replicated = t;
    replicated.shard_optimizer = false;
    const TrainingWork u = training_step(m, p, replicated);
    REQUIRE(u.optimizer.collectives.size() == 1);
    CHECK(u.optimizer.collectives[0].collective == interconnect::Collective::all_reduce);
    // Model FLOPs per token (PaLM's count): 6 N + 12 L H d s.
    CHECK(model_flops_per_token(m, 8192) ==
          doctest::Approx(6.0 * active_matmul_parameters(m) + 12.0 * 126 * 128 * 128 * 8192.0));
}

TEST_CASE("training inputs: a step that is not a whole number of micro-batches names the key") {
    const LlmSpec& m = llm_catalog().at("llama_3_1_8b");
    Parallelism p{1, 1, 1, 8};
    p.dp = 4;
    CHECK_NOTHROW(validate(m, p, point(4096.0 * 3, 1024)));  // 3 micro-batches per pipeline
    CHECK(input_error_of([&] { validate(m, p, point(4096.0 + 1024, 1024)); }, "5 micro-batches over 4").key ==
          "tokens_per_step");
    CHECK(input_error_of([&] { validate(m, p, point(2048.0, 1024)); }, "half a micro-batch").key == "tokens_per_step");
    p.virtual_stages = 64;  // 64 chunks of a 32-layer model
    CHECK(input_error_of([&] { validate(m, p, point(4096.0, 1024)); }, "too many chunks").key == "virtual_stages");
}

TEST_CASE("training estimate: the schedule adds up, and more tokens per step never lowers throughput") {
    const std::filesystem::path data(LIGHTWATT_TEST_DATA_DIR);
    const Catalogs c = load_catalogs(data);
    const Scenario s = load_scenario(data / "scenarios" / "llama3-405b-training.toml", c);
    const EstimateInputs in = load_estimate_inputs(s, c, data, std::nullopt);
    const Estimate e = estimate(s, in);
    const CycleEstimate& k = e.cycle;
    CHECK(k.gpus == 8192);
    CHECK(k.tokens == 16777216.0);
    const double micro = in_seconds(k.phase(Phase::forward_backward).total);
    CHECK(in_seconds(k.cycle) == doctest::Approx((32.0 + 7.5) * micro + in_seconds(k.phase(Phase::optimizer).total)));
    CHECK(in_seconds(k.phase(Phase::pipeline_bubble).total) == doctest::Approx(7.5 * micro));
    // Every option's parts sum to its total.
    for (const auto& o : e.options) {
        double sum = 0.0;
        for (const Energy& part : o.energy.per_token) sum += in_joules(part);
        CHECK(in_joules(o.energy.total()) == doctest::Approx(sum));
    }
    // Twice the tokens per step: twice the micro-batches over the same bubble, so no fewer tokens/s.
    Scenario bigger = s;
    bigger.training.tokens_per_step *= 2;
    CHECK(estimate(bigger, in).cycle.tokens_per_s() > k.tokens_per_s());
}

TEST_CASE("training validation: Llama 3.1 405B pre-training throughput within 25 % of the Llama 3 paper") {
    // Grattafiori et al. 2024 (arXiv 2407.21783) sec. 3.3: 430 TFLOP/s per GPU on 8,192 H100
    // (DP 64) and 400 on 16,384 (DP 128), both TP 8, PP 16, 8K sequences, 16M tokens per step.
    // Nothing here is fitted to these runs (docs/validation.md): the GEMM rates are XLA's table,
    // the collectives the public nccl-tests fits, the interleaving depth (2) an assumption.
    const std::filesystem::path data(LIGHTWATT_TEST_DATA_DIR);
    const Catalogs c = load_catalogs(data);
    Scenario s = load_scenario(data / "scenarios" / "llama3-405b-training.toml", c);
    const EstimateInputs in = load_estimate_inputs(s, c, data, std::nullopt);
    const double at_8k = in_teraflops_per_second(estimate(s, in).model_flop_rate_per_gpu);
    s.parallelism.dp = 128;
    const double at_16k = in_teraflops_per_second(estimate(s, in).model_flop_rate_per_gpu);
    CAPTURE(at_8k);
    CAPTURE(at_16k);
    CHECK(std::abs(at_8k / 430.0 - 1.0) < 0.25);
    CHECK(std::abs(at_16k / 400.0 - 1.0) < 0.25);
    // Half the micro-batches per pipeline at DP 128: the bubble weighs more, as measured.
    CHECK(at_16k < at_8k);
}
