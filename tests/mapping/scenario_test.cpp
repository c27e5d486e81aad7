// Scenario files (docs/scenario-file.md) and their estimate: the fields read from a scenario, the
// documented defaults, the data-parallel replicas of a training step, the input errors that name
// the file, line and key, and the estimate's options against each other.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "input_error_of.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/core/warning.hpp"
#include "lightwatt/mapping/scenario.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;

namespace {

const Catalogs& shipped_catalogs() {
    static const Catalogs c = load_catalogs(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

// A serving scenario that leaves every optional key out.
const std::string kServing = R"(description = "two nodes, two stages"
[workload]
model = "llama_3_1_405b"
batch = 16
prompt_tokens = 100
output_tokens = 50
[deployment]
system = "dgx_h100"
gpu = "h100_sxm"
gpus = 16
tp = 8
pp = 2
[calibration]
profile = "calibration/h100-sxm-8gpu.json"
serving_runs = "validation/ml-energy-h100.toml"
[options]
compare = ["baseline", "cpo"]
[facility]
power_budget_mw = 50
)";
// Its lines: 3 model, 11 tp, 14 profile, 17 compare.

Scenario read(const std::string& text) {
    const auto doc = TomlDocument::parse_string(text, "s.toml");
    return read_scenario(doc.root(), shipped_catalogs());
}

// kServing with `from` replaced by `to` (which must be there).
std::string with(const std::string& from, const std::string& to) {
    std::string text = kServing;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

InputErrorDetails error_of(const std::string& text) {
    return input_error_of([&] { (void)read(text); }, text);
}

}  // namespace

TEST_CASE("scenario: a serving scenario's fields, the optional ones at their documented defaults") {
    const Scenario s = read(kServing);
    CHECK(s.file == "s.toml");
    CHECK(s.description == "two nodes, two stages");
    CHECK(s.mode == Mode::serving);
    CHECK(s.model == "llama_3_1_405b");
    CHECK(s.system == "dgx_h100");
    CHECK(s.gpu == "h100_sxm");
    CHECK(s.point.batch == 16);
    CHECK(s.point.prompt_tokens == 100);
    CHECK(s.point.output_tokens == 50);
    // bytes_per_weight defaults to the model's release precision (data/llms.toml: bytes_per_parameter
    // = 2 for llama_3_1_405b); activations and KV cache to 2 bytes.
    CHECK(s.point.bytes_per_weight == shipped_catalogs().llms.at("llama_3_1_405b").bytes_per_parameter);
    CHECK(s.point.bytes_per_weight == 2.0);
    CHECK(s.point.bytes_per_activation == 2.0);
    CHECK(s.point.bytes_per_kv == 2.0);
    CHECK(s.gpus == 16);
    CHECK(s.parallelism.tp == 8);
    CHECK(s.parallelism.pp == 2);
    CHECK(s.parallelism.ep == 1);
    // The scale-up domain is the system's node: 8 GPUs in a DGX H100 (data/systems.toml).
    CHECK(s.parallelism.gpus_per_scale_up == 8);
    CHECK_FALSE(s.search_parallelism);
    CHECK(s.scale_out_tiers == 0);  // 0: the system's
    CHECK(s.communication_overlap == 0.0);
    CHECK(s.calibration_profile == "calibration/h100-sxm-8gpu.json");
    CHECK(s.serving_runs == "validation/ml-energy-h100.toml");
    CHECK(s.calibration_profile_at.file == "s.toml");
    CHECK(s.calibration_profile_at.line == 14);
    CHECK(s.calibration_profile_at.key == "calibration.profile");
    CHECK(s.options == std::vector<std::string>{"baseline", "cpo"});
    CHECK(in_watts(s.power_budget) == 50e6);
}

TEST_CASE("scenario: the shipped training scenario, data parallelism filling the deployment") {
    const Scenario s = load_scenario(std::string(LIGHTWATT_TEST_DATA_DIR) + "/scenarios/llama3-405b-training.toml",
                                     shipped_catalogs());
    CHECK(s.mode == Mode::training);
    // Llama 3 paper, sec. 3.3: TP 8 x PP 16 on 8,192 GPUs, so dp = 8192 / (8 x 16) = 64.
    CHECK(s.gpus == 8192);
    CHECK(s.parallelism.tp == 8);
    CHECK(s.parallelism.pp == 16);
    CHECK(s.parallelism.dp == 64);
    CHECK(s.parallelism.virtual_stages == 2);
    CHECK(s.training.tokens_per_step == 16777216.0);  // 2048 sequences of 8192 tokens
    CHECK(s.training.sequence_length == 8192);
    CHECK(s.training.tokens_per_step / s.training.sequence_length == 2048.0);
    CHECK(s.training.shard_optimizer);
    CHECK_FALSE(s.training.activation_recompute);
    CHECK(s.scale_out_tiers == 3);
    CHECK(s.options.front() == "baseline");
}

TEST_CASE("scenario: bad input is an input error naming the file, line and key") {
    // tp x pp = 8 x 4 = 32 GPUs on a 16-GPU deployment: at the tp key.
    auto d = error_of(with("pp = 2", "pp = 4"));
    CHECK(d.file == "s.toml");
    CHECK(d.key == "deployment.tp");
    CHECK(d.line == 11);
    CHECK(d.problem.find("32 GPUs") != std::string::npos);
    // 3-way tensor parallelism does not divide the 128 attention heads: re-located to [deployment].
    d = error_of(with("tp = 8", "tp = 3"));
    CHECK(d.file == "s.toml");
    CHECK(d.key == "deployment.tp");
    // An unknown model names the closest in the catalog.
    d = error_of(with("llama_3_1_405b", "llama_3_1_450b"));
    CHECK(d.key == "workload.model");
    CHECK(d.line == 3);
    CHECK(d.problem.find("llama_3_1_405b") != std::string::npos);
    // A misspelt required key: the required one is missing.
    d = error_of(with("batch = 16", "bacth = 16"));
    CHECK(d.key == "workload.batch");
    // A misspelt optional key is unknown, with the closest known one.
    d = error_of(with("pp = 2\n", "pp = 2\ncomunication_overlap = 0.5\n"));
    CHECK(d.key == "deployment.comunication_overlap");
    CHECK(d.line == 13);
    CHECK(d.problem.find("communication_overlap") != std::string::npos);
    // The options must include a baseline.
    d = error_of(with(R"(["baseline", "cpo"])", R"(["cpo"])"));
    CHECK(d.key == "options.compare");
    CHECK(d.line == 17);
    CHECK(d.problem == "no baseline among the options");
    // With the search, memory_utilization is a share of HBM, in (0, 1].
    d = error_of(with("pp = 2\n", "pp = 2\nparallelism = \"search\"\nmemory_utilization = 1.5\n"));
    CHECK(d.key == "deployment.memory_utilization");
    CHECK(d.value == "1.5");
}

TEST_CASE("estimate: an optical scale-up domain keeps a two-node tensor-parallel group off the scale-out network") {
    const std::filesystem::path data(LIGHTWATT_TEST_DATA_DIR);
    const Catalogs c = load_catalogs(data);
    const Scenario s = load_scenario(data / "scenarios" / "405b-tp16-two-nodes.toml", c);
    const Estimate e = estimate(s, load_estimate_inputs(s, c, data, std::nullopt));
    auto option = [&](const std::string& name) {
        return *std::find_if(e.options.begin(), e.options.end(),
                             [&](const OptionEstimate& o) { return o.energy.option == name; });
    };
    // TP 16 on copper NVLink nodes of 8: the all-reduces cross nodes; on a 64-GPU optical domain
    // they do not, so the step is shorter and the tokens per second higher.
    CHECK(option("cpo_optical_io_scale_up").energy.tokens_per_s > option("cpo").energy.tokens_per_s);
    CHECK(option("cpo_optical_io_scale_up").saving_vs_baseline_pct > option("cpo").saving_vs_baseline_pct);
    // Every option's parts sum to its total, and the baseline saves nothing against itself.
    for (const auto& o : e.options) {
        double sum = 0.0;
        for (const Energy& part : o.energy.per_token) sum += in_joules(part);
        CHECK(in_joules(o.energy.total()) == doctest::Approx(sum));
    }
    CHECK(option("baseline").saving_vs_baseline_pct == doctest::Approx(0.0));
}

TEST_CASE("estimate: low and high companions bracket the headline J/token") {
    const std::filesystem::path data(LIGHTWATT_TEST_DATA_DIR);
    const Catalogs c = load_catalogs(data);
    const Scenario s = load_scenario(data / "scenarios" / "default.toml", c);
    const Estimate e = estimate(s, load_estimate_inputs(s, c, data, std::nullopt));
    for (const auto& o : e.options) {
        CAPTURE(o.energy.option);
        CHECK(o.low <= o.energy.total());
        CHECK(o.high >= o.energy.total());
    }
    // The 800G DSP pluggable's published 14-16 W per module: the baseline's low end moves by
    // 2 modules x (14 - 17.0 W modelled) per link-end pair, so it lies below the headline.
    CHECK(e.options.front().low < e.options.front().energy.total());
}

TEST_CASE("estimate inputs: a calibration measured on another GPU is refused, naming both and the fix") {
    const std::filesystem::path data = LIGHTWATT_TEST_DATA_DIR;
    const Scenario s = load_scenario(data / "scenarios/default.toml", shipped_catalogs());
    // The shipped record was measured on the deployment's GPU.
    CHECK(load_estimate_inputs(s, shipped_catalogs(), data, std::nullopt, false).gpu == "h100_sxm");

    // The same record, said to be measured on an H200.
    const std::filesystem::path other = std::filesystem::temp_directory_path() / "lightwatt-scenario-test-h200.json";
    {
        std::string text = read_input_file(data / "calibration/h100-sxm-8gpu.json", "", 1 << 24);
        const std::string h100 = "\"NVIDIA H100 80GB HBM3\"";
        REQUIRE(text.find(h100) != std::string::npos);
        text.replace(text.find(h100), h100.size(), "\"NVIDIA H200\"");
        std::ofstream(other) << text;
    }
    const InputErrorDetails d = input_error_of(
        [&] { (void)load_estimate_inputs(s, shipped_catalogs(), data, other, false); }, "an H200 record");
    CHECK(d.file == other.string());
    CHECK(d.key == "machine.gpu_model");
    CHECK(d.value == "\"NVIDIA H200\"");
    CHECK(d.problem == "measured on h200_sxm, but the scenario's GPU is h100_sxm (system dgx_h100)");
    CHECK(d.allowed == "a record measured on h100_sxm, or a scenario on h200_sxm: deployment.system = \"hgx_h200\"");

    // A scenario on the H200 system that takes its GPU from the record runs on it.
    const std::string h200 = R"(description = "H200"
[workload]
model = "llama_3_1_405b"
batch = 64
prompt_tokens = 200
output_tokens = 360
bytes_per_weight = 1
[deployment]
system = "hgx_h200"
gpu = "calibration"
gpus = 8
tp = 8
[calibration]
profile = "calibration/h100-sxm-8gpu.json"
serving_runs = "validation/ml-energy-h100.toml"
[options]
compare = ["baseline"]
[facility]
power_budget_mw = 1
)";
    const auto doc = TomlDocument::parse_string(h200, "h200.toml");
    const Scenario on_h200 = read_scenario(doc.root(), shipped_catalogs());
    CHECK(on_h200.gpu_from_calibration);
    const EstimateInputs in = load_estimate_inputs(on_h200, shipped_catalogs(), data, other, false);
    std::filesystem::remove(other);
    CHECK(in.gpu == "h200_sxm");
    // Its serving terms were fitted on the H100 runs and carried to the H200 (same power limit).
    CHECK(in.serving.source.find("transferred to h200_sxm") != std::string::npos);
}

TEST_CASE("scenario: the GPU must be the system's; the domain, the options' domains and HBM are checked") {
    // A GPU the system does not hold: named, with the systems that hold it.
    auto d = error_of(with(R"(gpu = "h100_sxm")", R"(gpu = "b200")"));
    CHECK(d.key == "deployment.gpu");
    CHECK(d.problem == "system dgx_h100 holds h100_sxm");
    CHECK(d.allowed.find("hgx_b200_liquid") != std::string::npos);
    // An unknown GPU names the closest.
    d = error_of(with(R"(gpu = "h100_sxm")", R"(gpu = "h100_sxn")"));
    CHECK(d.problem.find("h100_sxm") != std::string::npos);
    // An option spanning more GPUs than NVLink 4 addresses (256).
    d = error_of(with(R"(["baseline", "cpo"])", R"(["baseline", "optical_scale_up_576"])"));
    CHECK(d.key == "options.compare");
    CHECK(d.problem.find("576") != std::string::npos);
    CHECK(d.problem.find("256") != std::string::npos);
    // 405B in 16-bit weights on TP 2: 405 GB per GPU against 80 GB.
    d = error_of(with("gpus = 16\ntp = 8\npp = 2", "gpus = 16\ntp = 2\npp = 1"));
    CHECK(d.key == "deployment.tp");
    CHECK(d.problem.find("80 GB of HBM") != std::string::npos);
}

TEST_CASE("catalogs: a system whose NVLink domain exceeds its GPU's generation is refused with the numbers") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "lightwatt-domain-test";
    std::filesystem::remove_all(dir);
    std::filesystem::copy(LIGHTWATT_TEST_DATA_DIR, dir, std::filesystem::copy_options::recursive);
    {
        std::string text = read_input_file(dir / "systems.toml", "", 1 << 24);
        const std::string from = "scale_up_domain_gpus = 8\n";
        REQUIRE(text.find(from) != std::string::npos);
        text.replace(text.find(from), from.size(), "scale_up_domain_gpus = 512\n");
        std::ofstream(dir / "systems.toml") << text;
    }
    const InputErrorDetails d = input_error_of([&] { (void)load_catalogs(dir); }, "a 512-GPU H100 domain");
    std::filesystem::remove_all(dir);
    CHECK(d.key == "systems.dgx_h100.scale_up_domain_gpus");
    CHECK(d.value == "512");
    CHECK(d.problem == "more GPUs than one NVLink 4 domain of h100_sxm spans (256)");
}

TEST_CASE("estimate: every shipped scenario's parts are non-negative and none is -0") {
    const std::filesystem::path data = LIGHTWATT_TEST_DATA_DIR;
    int scenarios = 0;
    for (const auto& entry : std::filesystem::directory_iterator(data / "scenarios")) {
        if (entry.path().extension() != ".toml") continue;
        ++scenarios;
        CAPTURE(entry.path().string());
        const Scenario s = load_scenario(entry.path(), shipped_catalogs());
        const Estimate e = estimate(s, load_estimate_inputs(s, shipped_catalogs(), data, std::nullopt, false));
        for (const auto& o : e.options)
            for (const EnergyPart part : enum_values<EnergyPart>()) {
                CAPTURE(o.energy.option);
                CAPTURE(enum_name(part));
                const double j = in_joules(o.energy.part(part));
                CHECK(j >= 0.0);
                CHECK_FALSE(std::signbit(j));  // a -0 prints as "-0.000"
            }
    }
    CHECK(scenarios >= 8);
}
