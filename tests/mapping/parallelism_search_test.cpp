// Choosing each option's serving parallelism: the memory a replica needs, by hand, the candidates,
// and the choice under a latency target that only a larger scale-up domain can meet.
#include <doctest/doctest.h>

#include <filesystem>

#include "input_error_of.hpp"
#include "lightwatt/mapping/parallelism_search.hpp"
#include "lightwatt/mapping/scenario.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;

namespace {
const LlmCatalog& catalog() {
    static const LlmCatalog c = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    return c;
}
}  // namespace

TEST_CASE("serving memory: weights split over tp x pp, the KV cache over the distinct KV heads") {
    const LlmSpec& m = catalog().at("llama_3_1_405b");
    const ServingPoint s{64, 200, 360, 1.0, 2.0, 2.0};
    // TP 8: 405,853,388,800 B of fp8 weights / 8; KV 64 x 560 tokens x 516,096 B / 8 KV-head shards.
    const ServingMemory tp8 = serving_memory_per_gpu(m, {8, 1, 1, 8}, s);
    CHECK(in_bytes(tp8.weights) == doctest::Approx(405853388800.0 / 8));
    CHECK(in_bytes(tp8.kv_cache) == doctest::Approx(64.0 * 560 * 516096 / 8));
    // TP 16 replicates each of the 8 KV heads on two GPUs: the KV cache per GPU does not halve.
    const ServingMemory tp16 = serving_memory_per_gpu(m, {16, 1, 1, 8}, s);
    CHECK(in_bytes(tp16.weights) == doctest::Approx(405853388800.0 / 16));
    CHECK(in_bytes(tp16.kv_cache) == doctest::Approx(in_bytes(tp8.kv_cache)));
    // Pipeline stages split both.
    const ServingMemory tp8pp2 = serving_memory_per_gpu(m, {8, 2, 1, 8}, s);
    CHECK(in_bytes(tp8pp2.total()) == doctest::Approx(0.5 * in_bytes(tp8.total())));
}

TEST_CASE("serving candidates: tp fits the heads, pp the layers, tp x pp the GPUs") {
    const LlmSpec& m = catalog().at("llama_3_1_8b");  // 32 heads, 8 KV heads, 32 layers
    const ServingPoint s{8, 200, 200, 2.0, 2.0, 2.0};
    const auto c = serving_candidates(m, {1, 1, 1, 8}, s, 8);
    // tp in {1, 2, 4, 8}, pp up to 8 / tp: 8 + 4 + 2 + 1 = 15.
    CHECK(c.size() == 15);
    for (const auto& p : c) {
        CHECK(m.attention_heads % p.tp == 0);
        CHECK(p.tp * p.pp <= 8);
    }
}

TEST_CASE("parallelism search: a 37 ms target that only the optical scale-up domain meets") {
    const std::filesystem::path data(LIGHTWATT_TEST_DATA_DIR);
    const Catalogs c = load_catalogs(data);
    const Scenario s = load_scenario(data / "scenarios" / "405b-latency-target.toml", c);
    REQUIRE(s.search_parallelism);
    const EstimateInputs in = load_estimate_inputs(s, c, data, std::nullopt);
    const Estimate e = estimate(s, in);
    auto option = [&](const std::string& name) -> const OptionEstimate& {
        for (const auto& o : e.options)
            if (o.energy.option == name) return o;
        FAIL("no option " << name);
        return e.options.front();
    };
    const double capacity = 0.9 * 80e9;
    for (const auto& o : e.options) {
        CAPTURE(o.energy.option);
        CHECK(in_bytes(o.memory.total()) <= capacity);
        CHECK(in_seconds(o.inter_token_latency) ==
              doctest::Approx(o.parallelism.pp * in_seconds(o.cycle.phase(Phase::decode).total)));
    }
    // Copper nodes of 8: no candidate meets 37 ms, so the least-latency one that fits is reported.
    CHECK_FALSE(option("baseline").meets_latency_target);
    // The 64-GPU optical domain keeps a 16-way tensor-parallel group on the scale-up fabric.
    const OptionEstimate& optical = option("cpo_optical_io_scale_up");
    CHECK(optical.meets_latency_target);
    CHECK(optical.parallelism.tp * optical.parallelism.pp > 8);
    CHECK(in_seconds(optical.inter_token_latency) < in_seconds(option("baseline").inter_token_latency));
    // Without a target the search returns the lowest energy per token of all fitting candidates:
    // no candidate (checked by evaluating each one) does better.
    Scenario free = s;
    free.search.max_inter_token_latency.reset();
    const Estimate f = estimate(free, in);
    for (const auto& o : f.options) CHECK(o.meets_latency_target);
    Scenario fixed = free;
    fixed.search_parallelism = false;
    const LlmSpec& m = c.llms.at(s.model);
    for (const Parallelism& p : serving_candidates(m, s.parallelism, s.point, s.gpus)) {
        if (in_bytes(serving_memory_per_gpu(m, p, s.point).total()) > capacity) continue;
        fixed.parallelism = p;
        const Estimate one = estimate(fixed, in);
        for (std::size_t i = 0; i < one.options.size(); ++i)
            CHECK(one.options[i].energy.total() >= f.options[i].energy.total());
    }
}

TEST_CASE("parallelism search: a model that fits in no replica names deployment.gpus") {
    const std::filesystem::path data(LIGHTWATT_TEST_DATA_DIR);
    const Catalogs c = load_catalogs(data);
    Scenario s = load_scenario(data / "scenarios" / "405b-latency-target.toml", c);
    const EstimateInputs in = load_estimate_inputs(s, c, data, std::nullopt);
    s.gpus = s.search.max_gpus = 4;  // 406 GB of weights in 4 x 72 GB
    s.parallelism.tp = 4;
    CHECK(input_error_of([&] { (void)estimate(s, in); }, "405B on 4 GPUs").key == "deployment.gpus");
}
