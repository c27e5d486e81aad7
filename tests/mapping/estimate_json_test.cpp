// The estimate as JSON and as records (`lightwatt estimate --json`, `--csv`, the Python module's
// tables): the keys docs/scenario-file.md lists, with their units, and the relations between the
// figures that the docs state (the parts sum to the total, the saving against the baseline, the
// fixed-power view, the cycle as its phases).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include "lightwatt/mapping/estimate_json.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/mapping/scenario.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;

namespace {

const std::filesystem::path kData(LIGHTWATT_TEST_DATA_DIR);

// The shipped default scenario (Llama 3.1 405B, batch 64, 360 output tokens, TP 8 on 8 H100, five
// options, 100 MW) and its inputs, loaded once; the accuracy emulation is left out (no energy
// depends on it).
const Catalogs& catalogs() {
    static const Catalogs c = load_catalogs(kData);
    return c;
}
const Scenario& scenario() {
    static const Scenario s = load_scenario(kData / "scenarios" / "default.toml", catalogs());
    return s;
}
const EstimateInputs& inputs() {
    static const EstimateInputs in = load_estimate_inputs(scenario(), catalogs(), kData, std::nullopt, false);
    return in;
}

nlohmann::json default_json() { return estimate_json(scenario(), estimate(scenario(), inputs())); }

// The energy parts in the order docs/scenario-file.md lists them under breakdown_j_per_token.
const std::vector<std::string> kParts = {
    "gpu_static",       "gpu_compute",        "gpu_hbm", "photonic_cores",   "scale_up_links", "scale_up_switches",
    "scale_out_optics", "scale_out_switches", "host",    "power_conversion", "facility"};

}  // namespace

TEST_CASE("estimate JSON: the documented top-level keys of a serving estimate") {
    const nlohmann::json j = default_json();
    for (const char* key : {"scenario", "description", "mode", "model", "tp", "pp", "gpus", "calibration_source",
                            "cycle_s", "tokens_per_cycle", "phases", "power_budget_w", "options", "parallelism",
                            "batch", "gpus_per_replica", "decode_step_s", "prefill_s"})
        CHECK_MESSAGE(j.contains(key), key);
    // Training keys are absent in serving.
    for (const char* key : {"dp", "tokens_per_step", "sequence_length", "model_tflop_per_s_per_gpu"})
        CHECK_FALSE(j.contains(key));
    CHECK(j["mode"] == "serving");
    CHECK(j["parallelism"] == "fixed");
    CHECK(j["model"] == "llama_3_1_405b");
    // The embedded calibration says so.
    CHECK(j["calibration_source"].get<std::string>().find("public profile") == 0);
    // TP 8 x PP 1 on one replica of 8 GPUs; 100 MW is 1e8 W.
    CHECK(j["gpus"] == 8);
    CHECK(j["gpus_per_replica"] == 8);
    CHECK(j["power_budget_w"] == 1e8);
    // A serving cycle's tokens are the output tokens: batch 64 x 360 = 23,040.
    CHECK(j["tokens_per_cycle"] == 23040.0);
}

TEST_CASE("estimate JSON: the serving terms the estimate used, and the runs they were fitted on") {
    const nlohmann::json j = default_json();
    REQUIRE(j.contains("serving_calibration"));
    const nlohmann::json& c = j["serving_calibration"];
    for (const char* key : {"runs", "fitted_on_gpu", "per_layer_us", "per_sequence_us", "static_power_w",
                            "w_per_tflop_per_s", "w_per_tb_per_s", "max_power_w", "source"})
        CHECK_MESSAGE(c.contains(key), key);
    // The default scenario fits on the H100 runs and runs on an H100: nothing is carried.
    CHECK(c["runs"] == "validation/ml-energy-h100.toml");
    CHECK(c["fitted_on_gpu"] == "h100_sxm");
    // The H100 runs reach their plateau (690.5 W of 700, docs/models/serving-time.md).
    CHECK(c["max_power_w"] == 690.5);
    // Every term physical: non-negative, and the activity terms not all zero.
    for (const char* key : {"per_layer_us", "per_sequence_us", "static_power_w", "w_per_tflop_per_s", "w_per_tb_per_s"})
        CHECK_MESSAGE(c[key].get<double>() >= 0.0, key);
    CHECK(c["w_per_tflop_per_s"].get<double>() + c["w_per_tb_per_s"].get<double>() > 0.0);
}

TEST_CASE("estimate JSON: the cycle is its phases, prefill once and a decode step per output token") {
    const nlohmann::json j = default_json();
    const nlohmann::json& phases = j["phases"];
    REQUIRE(phases.size() == 2);
    CHECK(phases[0]["name"] == "prefill");
    CHECK(phases[0]["repeats"] == 1.0);
    CHECK(phases[1]["name"] == "decode");
    CHECK(phases[1]["repeats"] == 360.0);
    double cycle = 0.0;
    for (const auto& p : phases) {
        for (const char* key : {"step_s", "repeats", "communication_s", "gpu_power_w"})
            CHECK_MESSAGE(p.contains(key), key);
        CHECK(p["communication_s"].get<double>() <= p["step_s"].get<double>());
        cycle += p["step_s"].get<double>() * p["repeats"].get<double>();
    }
    CHECK(j["cycle_s"].get<double>() == doctest::Approx(cycle).epsilon(1e-12));
    CHECK(j["prefill_s"] == phases[0]["step_s"]);
    CHECK(j["decode_step_s"] == phases[1]["step_s"]);
}

TEST_CASE("estimate JSON: each option's parts sum to its J/token, and the derived figures follow from it") {
    const nlohmann::json j = default_json();
    const nlohmann::json& options = j["options"];
    const std::vector<std::string> names = {"baseline", "lpo", "cpo", "cpo_optical_io_scale_up",
                                            "photonic_ffn_offload"};
    REQUIRE(options.size() == names.size());
    const double baseline = options[0]["j_per_token"].get<double>();
    for (std::size_t i = 0; i < names.size(); ++i) {
        const nlohmann::json& o = options[i];
        CAPTURE(names[i]);
        CHECK(o["name"] == names[i]);  // the scenario's order
        for (const char* key :
             {"j_per_token", "j_per_token_low", "j_per_token_high", "gpu_only_j_per_token", "tokens_per_s",
              "tokens_per_joule", "saving_vs_baseline_pct", "power_per_gpu_w", "gpus_in_power_budget",
              "tokens_per_s_in_power_budget", "cycle_s", "gemm_times_from_calibration",
              "collective_times_from_calibration", "inter_token_latency_ms", "meets_latency_target",
              "memory_per_gpu_gbyte", "breakdown_j_per_token", "tokens_per_s_per_megawatt", "tokens_per_s_per_user"})
            CHECK_MESSAGE(o.contains(key), key);
        const double jpt = o["j_per_token"].get<double>();
        // breakdown_j_per_token: the ten documented parts, summing to the total.
        const nlohmann::json& parts = o["breakdown_j_per_token"];
        CHECK(parts.size() == kParts.size());
        double sum = 0.0;
        for (const auto& part : kParts) {
            REQUIRE_MESSAGE(parts.contains(part), part);
            CHECK(parts[part].get<double>() >= 0.0);
            sum += parts[part].get<double>();
        }
        CHECK(sum == doctest::Approx(jpt).epsilon(1e-12));
        CHECK(o["gpu_only_j_per_token"].get<double>() <= jpt);
        CHECK(o["j_per_token_low"].get<double>() <= jpt);
        CHECK(o["j_per_token_high"].get<double>() >= jpt);
        CHECK(o["tokens_per_joule"].get<double>() * jpt == doctest::Approx(1.0));
        // saving = 100 (1 - J / J_baseline).
        CHECK(o["saving_vs_baseline_pct"].get<double>() == doctest::Approx(100.0 * (1.0 - jpt / baseline)));
        // Power per GPU = J/token x tokens/s / the replica's tp x pp GPUs; the budget feeds
        // floor(P_budget / that) GPUs, each making the replica's tokens/s per GPU.
        const double gpus = o["tp"].get<double>() * o["pp"].get<double>();
        const double per_gpu = o["power_per_gpu_w"].get<double>();
        CHECK(per_gpu == doctest::Approx(jpt * o["tokens_per_s"].get<double>() / gpus));
        CHECK(o["gpus_in_power_budget"].get<double>() == std::floor(1e8 / per_gpu));
        CHECK(o["tokens_per_s_in_power_budget"].get<double>() ==
              doctest::Approx(o["gpus_in_power_budget"].get<double>() * o["tokens_per_s"].get<double>() / gpus));
        CHECK(o["meets_latency_target"] == true);  // the scenario sets no latency target
        // Tokens/s per MW of facility power: the replica's tokens/s over its power in MW, the
        // facility's included (the facility part is in j_per_token): tokens/s / (per_gpu x gpus /
        // 10^6 W). E.g. 2 J/token at 1000 tokens/s draws 2 kW, 500 tokens/s per kW, 5 x 10^5 per MW.
        const double replica_mw = per_gpu * gpus / 1e6;
        CHECK(o["tokens_per_s_per_megawatt"].get<double>() ==
              doctest::Approx(o["tokens_per_s"].get<double>() / replica_mw).epsilon(1e-12));
        // The budget's tokens/s is that rate times the budget's GPUs' power in MW (whole GPUs).
        CHECK(o["tokens_per_s_in_power_budget"].get<double>() ==
              doctest::Approx(o["tokens_per_s_per_megawatt"].get<double>() * o["gpus_in_power_budget"].get<double>() *
                              per_gpu / 1e6)
                  .epsilon(1e-12));
        // One request sees a token every inter-token latency: 40 ms between tokens is 25 tokens/s.
        CHECK(o["tokens_per_s_per_user"].get<double>() ==
              doctest::Approx(1000.0 / o["inter_token_latency_ms"].get<double>()).epsilon(1e-12));
    }
    CHECK(options[0]["saving_vs_baseline_pct"] == 0.0);
    // A token passes pp stages, one decode step apart, in ms (the baseline runs the scenario's cycle).
    CHECK(options[0]["inter_token_latency_ms"].get<double>() ==
          doctest::Approx(1e3 * options[0]["pp"].get<double>() * j["decode_step_s"].get<double>()));
}

TEST_CASE("estimate records: the CSV row has its header's keys; the long table's shares sum to 100 %") {
    const Estimate e = estimate(scenario(), inputs());
    const std::vector<std::string> header = option_record_keys(RecordView::csv);
    for (const auto& o : e.options) {
        CAPTURE(o.energy.option);
        const nlohmann::ordered_json row = option_record(o, Mode::serving, RecordView::csv);
        std::vector<std::string> keys;
        for (const auto& item : row.items()) keys.push_back(item.key());
        CHECK(keys == header);
        // The csv view's `<part>_j_per_token` columns sum to its j_per_token.
        double sum = 0.0;
        for (const auto& part : kParts) sum += row[part + "_j_per_token"].get<double>();
        CHECK(sum == doctest::Approx(row["j_per_token"].get<double>()).epsilon(1e-12));
    }
    // One row per option and part, the parts' shares of each option summing to 100 %.
    const nlohmann::ordered_json rows = breakdown_records(e);
    CHECK(rows.size() == e.options.size() * kParts.size());
    std::map<std::string, double> shares;
    for (const auto& r : rows) shares[r["option"].get<std::string>()] += r["share_pct"].get<double>();
    CHECK(shares.size() == e.options.size());
    for (const auto& [option, total] : shares) {
        const auto& name = option;  // Clang before 16 cannot capture a structured binding in a lambda (C++20)
        CHECK_MESSAGE(total == doctest::Approx(100.0), name);
    }
}

TEST_CASE("estimate records: tokens/s per MW of facility power and per user, by hand") {
    // A replica of 8 GPUs making 1000 tokens/s at 1.6 J/token of IT energy in a PUE 1.25 facility:
    // 1.6 x 0.25 = 0.4 J/token of facility overhead, 2.0 J/token in all, so the replica draws
    // 2.0 x 1000 = 2 kW from the grid and 1 MW feeds 500 such replicas: 5 x 10^5 tokens/s per MW.
    // An output token every 40 ms is 1000 / 40 = 25 tokens/s for the one request that waits on it.
    OptionEstimate o;
    o.energy.option = "by_hand";
    o.energy.per_token[EnergyPart::gpu_static] = joules(1.6);
    o.energy.per_token[EnergyPart::facility] = joules(0.4);
    o.energy.tokens_per_s = 1000.0;
    o.energy.gpus = 8;
    o.inter_token_latency = milliseconds(40.0);
    const auto serving = option_record(o, Mode::serving, RecordView::csv);
    CHECK(serving["tokens_per_s_per_megawatt"].get<double>() == doctest::Approx(5.0e5).epsilon(1e-12));
    CHECK(serving["tokens_per_s_per_user"].get<double>() == doctest::Approx(25.0).epsilon(1e-12));
    CHECK(serving["inter_token_latency_ms"].get<double>() == doctest::Approx(40.0).epsilon(1e-12));
    // Training has no user waiting for tokens: no latency or per-user rate, but the per-MW rate.
    const auto training_csv = option_record(o, Mode::training, RecordView::csv);
    CHECK(training_csv["tokens_per_s_per_user"].is_null());
    CHECK(training_csv["inter_token_latency_ms"].is_null());
    CHECK(training_csv["tokens_per_s_per_megawatt"].get<double>() == doctest::Approx(5.0e5).epsilon(1e-12));
    const auto training_json = option_record(o, Mode::training, RecordView::json);
    CHECK_FALSE(training_json.contains("tokens_per_s_per_user"));
    CHECK_FALSE(training_json.contains("inter_token_latency_ms"));
}
