// The whole-node validation of issue #13 item 6: node power at the wall, tokens per second and
// energy per token of 8x B200 servers running MLPerf Inference v5.1 (closed, Lenovo ThinkSystem
// SR680a V3 air-cooled and SR780a V3 water-cooled, TensorRT-LLM, FP4 weights), predicted from the
// catalogs, the serving fits and TensorRT-LLM's B200 FP4 throughput terms fitted on its own
// published runs (trtllm_b200_fit.hpp), never from the rows: the shared file
// validation/mlperf-inference-power.csv beside the checkout ($LIGHTWATT_SHARED_DATA; skipped,
// saying so, when absent). Every choice below was made before the rows were compared; the table,
// the parts and what the residual points to are in docs/validation.md ("Whole node").
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "lightwatt/mapping/parallelism_search.hpp"
#include "lightwatt/mapping/serving_time.hpp"
#include "lightwatt/mapping/system_energy.hpp"
#include "b200_profile.hpp"
#include "csv_fields.hpp"
#include "shared_data.hpp"
#include "trtllm_b200_fit.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::csv_fields;
using lightwatt::testing::largest_fitting_batch;

namespace {

// One row of the shared file: a benchmark's scenario on one node, at the wall.
struct NodeRun {
    std::string model, scenario;
    double tokens_per_s = 0, node_w = 0, joules_per_token = 0;
};

std::vector<NodeRun> read_node_runs(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> header = csv_fields(line);
    std::vector<NodeRun> runs;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const std::vector<std::string> fields = csv_fields(line);
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
        runs.push_back({row["model"], row["scenario"], std::stod(row["tokens_per_s"]), std::stod(row["avg_node_W"]),
                        std::stod(row["J_per_token"])});
    }
    return runs;
}

// A benchmark's workload, its Server latency limits and the catalog node closest to the one that
// ran it. Limits: mlcommons/inference loadgen/mlperf.conf (ttft_latency, tpot_latency, at the
// 99th percentile). Output lengths: the reference implementations' accuracy targets, mean tokens
// per sample of the reference model's answers (llama2-70b README "Tokens per sample: 294.45";
// llama3.1-405b README tokens_per_sample 684.68). llama3.1-8b's gen_len is characters (its
// evaluation.py sums len() of the decoded texts): 8,167,644 / 13,368 = 611 characters a sample,
// at about 4.4 characters per token (English prose with a BPE vocabulary of 100k and more; the
// usual 4 for mixed text, 4.7 for clean prose) 139 tokens, 130-153 shown. Input lengths:
// - llama2-70b: the dataset's own, counted: its 24,576 prompts (open_orca_gpt4_tokenized_llama.
//   sampled_24576.pkl, tok_input_length) sum to 5,463,976 tokens, 222.3 a prompt (48 to 1,021),
//   as FlashLab-MBZUAI/HBFSim's validation/calibration/h100-llama2-70b-calibration-protocol.json
//   @96cf1b3 records them with the file's SHA-256; shown at half and at the 512 assumed before.
// The other two are not published in any source found; assumed, with reasons, and shown at a half
// and at twice or so:
// - llama3.1-405b: a mix led by long-context tasks (summarisation, retrieval, needle-in-a-haystack
//   of thousands to about 20k tokens) with short question-answering, maths and code: 8,000.
// - llama3.1-8b: CNN/DailyMail validation articles (13,368, the benchmark's count), 781 word
//   tokens on average (See et al., ACL 2017, "Get To The Point"), at about 1.1 BPE tokens each
//   plus the instruction template: 900.
// Nodes: the air-cooled SR680a V3 as dgx_b200, the water-cooled SR780a V3 as hgx_b200_liquid
// (data/systems.toml): the same HGX B200 board and two Xeon sockets; Lenovo's own power supply and
// fan figures are not published (its MLPerf system description leaves them blank).
struct Benchmark {
    const char* name;    // the file's model, less its accuracy target (-99, -99.9)
    const char* model;   // data/llms.toml
    const char* system;  // data/systems.toml
    int prompt_tokens, output_tokens;
    int prompt_low, prompt_high;  // shown beside the assumption
    int output_low, output_high;  // where the output length is itself converted (llama3.1-8b)
    double ttft_ms, tpot_ms;      // Server, p99
};
constexpr Benchmark kBenchmarks[] = {
    {"llama2-70b", "llama_2_70b", "dgx_b200", 222, 294, 111, 512, 294, 294, 2000, 200},
    {"llama3.1-405b", "llama_3_1_405b", "hgx_b200_liquid", 8000, 685, 4000, 16000, 685, 685, 6000, 175},
    {"llama3.1-8b", "llama_3_1_8b", "hgx_b200_liquid", 900, 139, 450, 1800, 130, 153, 2000, 100},
};

const Benchmark* benchmark_of(const std::string& model) {
    for (const auto& b : kBenchmarks) {
        const std::string name = b.name;
        if (model == name || model.rfind(name + "-", 0) == 0) return &b;
    }
    return nullptr;
}

// The node at the wall, as MLPerf measures it: the estimate's GPUs, NVLink switches, host and the
// node's power conversion, summed by system_energy with no facility (PUE 1), no scale-out switch
// or optics (the NICs and their modules are inside the host figure), and no scale-up link part
// (copper NVLink's SerDes draw inside the GPUs' board power and the switch chips' figure).
SystemEnergy node_at_wall(const CycleEstimate& cycle, const SystemSpec& system, Spread spread) {
    SystemSpec node = system;
    node.pue = 1.0;
    node.scale_out_switch_energy_per_bit = {};
    LinkCost no_scale_up_link;
    no_scale_up_link.payload = node.scale_up_bandwidth_per_gpu;
    LinkCost no_optics;
    no_optics.payload = node.scale_out_bandwidth_per_gpu;
    return system_energy(cycle, node, FabricOption{}, no_scale_up_link, ScaleOutCost{no_optics, no_optics}, spread);
}

// How the GPUs are timed and powered: which serving fit gives the power, whether its per-step
// overhead is added (TensorRT-LLM's, fitted on its published B200 FP4 throughput: the choice;
// vLLM's, or none, beside it), which GEMM rates, and the workload's lengths.
struct Variant {
    const ServingCalibration* power = nullptr;
    bool engine_overhead = false;
    const interconnect::CalibrationRecord* gemms = nullptr;
    int prompt_tokens = 0, output_tokens = 0;
};

enum class LoadScenario { offline, server };

struct NodePrediction {
    Parallelism parallelism;
    int replicas = 0, batch = 0;
    CycleEstimate cycle;
    SystemSpec system;
    double tokens_per_s = 0;  // the node's: replicas x batch x output / cycle
    Time token_interval{}, first_token{};
    [[nodiscard]] SystemEnergy at_wall(Spread spread = Spread::typical) const {
        return node_at_wall(cycle, system, spread);
    }
    [[nodiscard]] Power power(Spread spread = Spread::typical) const {
        return watts(in_joules(at_wall(spread).total()) * tokens_per_s);
    }
    [[nodiscard]] double joules_per_token() const { return in_joules(at_wall().total()); }
};

struct MlperfNodeFixture {
    LlmCatalog llms = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    GpuCatalog gpus = load_gpu_catalog(LIGHTWATT_TEST_DATA_DIR);
    SystemCatalog systems = load_system_catalog(LIGHTWATT_TEST_DATA_DIR);
    const GpuSpec& h100 = gpus.at("h100_sxm");
    const GpuSpec& b200 = gpus.at("b200");
    interconnect::CalibrationRecord cal = lightwatt::testing::b200_calibration(h100, b200);
    interconnect::CalibrationRecord roofline = without_gemms(cal);
    // The power model, chosen before any row was compared: the H100 fit (Llama-3.1-8B on one H100,
    // data/validation/ml-energy-h100.toml) carried to the B200 (transfer_serving_calibration). The
    // B200's own 8B fit comes from host-bound runs of one small model (docs/validation.md, "B200"),
    // while MLPerf's Offline runs keep large models' GPUs busy; both fit their power at the runs'
    // measured step times and give terms of the same size. The B200 fit is shown beside it.
    ServingCalibration h100_carried = transfer_serving_calibration(
        fit_serving_calibration(
            load_serving_measurements(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/ml-energy-h100.toml"), llms,
            h100,
            interconnect::load_calibration(std::string(LIGHTWATT_TEST_DATA_DIR) + "/calibration/h100-sxm-8gpu.json")),
        h100, b200);
    ServingCalibration b200_fitted = fit_serving_calibration(
        load_serving_measurements(std::string(LIGHTWATT_TEST_DATA_DIR) + "/validation/ml-energy-b200.toml"), llms, b200,
        cal);
    // TensorRT-LLM's B200 FP4 throughput, fitted on its own published trtllm-bench rows
    // (data/validation/trtllm-b200-fp4.toml, tests/mapping/trtllm_b200_fit.hpp), never on these:
    // the GEMM profile's share of peak scaled, and the engine's per-step overhead. The prediction
    // without them, the one made before the fit, is shown beside it.
    lightwatt::testing::TrtllmFit trtllm = lightwatt::testing::fit_trtllm_terms(
        lightwatt::testing::fit_rows(lightwatt::testing::load_trtllm_runs(std::string(LIGHTWATT_TEST_DATA_DIR) +
                                                                          "/validation/trtllm-b200-fp4.toml"),
                                     llms, b200),
        ServingCalibration{}, b200, cal);
    interconnect::CalibrationRecord trtllm_gemms = lightwatt::testing::scaled_gemms(cal, trtllm.terms.gemm_scale);
    ServingCalibration h100_carried_trtllm = lightwatt::testing::with_overhead(h100_carried, trtllm.terms);
    ServingCalibration b200_fitted_trtllm = lightwatt::testing::with_overhead(b200_fitted, trtllm.terms);

    static interconnect::CalibrationRecord without_gemms(interconnect::CalibrationRecord c) {
        c.gemm.clear();
        return c;
    }
    [[nodiscard]] Variant chosen(const Benchmark& b) const {
        return {&h100_carried_trtllm, true, &trtllm_gemms, b.prompt_tokens, b.output_tokens};
    }
    [[nodiscard]] Variant before_fit(const Benchmark& b) const {
        return {&h100_carried, false, &cal, b.prompt_tokens, b.output_tokens};
    }

    static TimingOptions timing(const Variant& v) {
        TimingOptions o;
        o.serving = v.power;
        o.serving_engine_overhead = v.engine_overhead;
        return o;
    }
    [[nodiscard]] CycleEstimate cycle_of(const LlmSpec& m, const Parallelism& p, const ServingPoint& s,
                                         const Variant& v) const {
        return estimate_serving(m, p, s, b200, *v.gemms, timing(v));
    }

    // Server (latency-bound): the p99 limits against the model's mean. With in-flight batching
    // every step carries its share of new requests' prefill, so the mean time between a
    // sequence's tokens is the cycle over its output tokens; a new request's first token comes
    // after its own prefill and one such step. The mean sits below the p99, so this is the
    // largest batch the limits could allow, the throughput's upper bound.
    struct Latency {
        Time token_interval{}, first_token{};
    };
    [[nodiscard]] Latency latency(const LlmSpec& m, const Parallelism& p, const ServingPoint& s, const Variant& v,
                                  const CycleEstimate& c) const {
        ServingPoint one = s;
        one.batch = 1;
        const Time interval = c.cycle / static_cast<double>(s.output_tokens);
        const Time own_prefill = time_step(prefill_step(m, p, one), p, one, b200, *v.gemms, timing(v)).total;
        return {interval, own_prefill + interval};
    }
    [[nodiscard]] bool meets(const Benchmark& b, const Latency& l) const {
        return l.token_interval <= milliseconds(b.tpot_ms) && l.first_token <= milliseconds(b.ttft_ms);
    }

    // Offline: the largest batch whose weights and KV cache fit. Server: the largest of those
    // that meets the limits (the mean interval grows with the batch: bisection).
    [[nodiscard]] std::optional<int> batch_for(const Benchmark& b, LoadScenario sc, const LlmSpec& m,
                                               const Parallelism& p, ServingPoint s, const Variant& v) const {
        const int most = largest_fitting_batch(m, p, s, b200);
        if (most < 1) return std::nullopt;
        if (sc == LoadScenario::offline) return most;
        const auto ok = [&](int batch) {
            s.batch = batch;
            return meets(b, latency(m, p, s, v, cycle_of(m, p, s, v)));
        };
        if (!ok(1)) return std::nullopt;
        if (ok(most)) return most;
        int good = 1, bad = most;
        while (bad - good > 1) {
            const int mid = good + (bad - good) / 2;
            (ok(mid) ? good : bad) = mid;
        }
        return good;
    }

    // The node's replicas: tensor-parallel groups of tp GPUs filling its 8 (pp = 1: the MLPerf
    // harness's default pipeline_parallelism, and the cycle model has no micro-batch schedule
    // for in-flight batching across stages), each at the scenario's batch: every layout that fits.
    [[nodiscard]] std::vector<NodePrediction> layouts(const Benchmark& b, LoadScenario sc, const Variant& v) const {
        const LlmSpec& m = llms.at(b.model);
        const SystemSpec& system = systems.systems.at(b.system);
        std::vector<NodePrediction> out;
        for (const int tp : {1, 2, 4, 8}) {
            const Parallelism p{tp, 1, 1, system.scale_up_domain_gpus};
            ServingPoint s{1, v.prompt_tokens, v.output_tokens, 0.5, 2.0, 1.0};  // FP4 weights, FP8 KV cache
            try {
                validate(m, p, s);
            } catch (const InputError&) {
                continue;
            }
            const auto batch = batch_for(b, sc, m, p, s, v);
            if (!batch) continue;
            s.batch = *batch;
            NodePrediction n;
            n.parallelism = p;
            n.replicas = system.gpus_per_node / tp;
            n.batch = *batch;
            n.cycle = cycle_of(m, p, s, v);
            n.system = system;
            n.tokens_per_s = n.replicas * n.cycle.tokens_per_s();
            const Latency l = latency(m, p, s, v, n.cycle);
            n.token_interval = l.token_interval;
            n.first_token = l.first_token;
            out.push_back(std::move(n));
        }
        return out;
    }
    // The layout of least energy per token at the wall (the parallelism search's rule).
    [[nodiscard]] std::optional<NodePrediction> predict(const Benchmark& b, LoadScenario sc, const Variant& v) const {
        std::optional<NodePrediction> best;
        for (NodePrediction& n : layouts(b, sc, v))
            if (!best || n.joules_per_token() < best->joules_per_token()) best = std::move(n);
        return best;
    }
};

std::string signed_percent(double e) {
    std::ostringstream out;
    out << (e >= 0 ? "+" : "") << std::lround(100.0 * e) << " %";
    return out.str();
}

long rounded(double x) { return std::lround(x); }

std::string name_of(LoadScenario sc) { return sc == LoadScenario::offline ? "Offline" : "Server"; }

}  // namespace

TEST_CASE("whole node: the node at the wall is its GPUs, NVLink switches and host over the supplies' efficiency") {
    // Checked by hand on the catalog's air-cooled B200 node (data/systems.toml, dgx_b200): a cycle
    // whose 8 GPUs draw 900 W each for 2 s and make 1,000 tokens. Per token: GPUs 8 x 900 x 2 /
    // 1,000 = 14.4 J, NVLink switches 8 x 86 x 2 / 1,000 = 1.376 J, host 1,800 x 2 / 1,000 = 3.6 J,
    // conversion (1 / 0.96 - 1) x 19.376 = 0.807 J: 20.183 J, 10,092 W at 500 tokens/s. No scale-
    // out optics or switches, no facility.
    const SystemCatalog systems = load_system_catalog(LIGHTWATT_TEST_DATA_DIR);
    CycleEstimate c;
    c.gpus = 8;
    c.cycle = seconds(2.0);
    c.tokens = 1000.0;
    c.gpu_energy = c.gpu_static_energy = joules(8 * 900.0 * 2.0);
    const SystemEnergy e = node_at_wall(c, systems.systems.at("dgx_b200"), Spread::typical);
    CHECK(in_joules(e.part(EnergyPart::host)) == doctest::Approx(3.6));
    CHECK(in_joules(e.part(EnergyPart::scale_up_switches)) == doctest::Approx(1.376));
    CHECK(in_joules(e.part(EnergyPart::power_conversion)) == doctest::Approx(19.376 / 0.96 - 19.376));
    CHECK(in_joules(e.part(EnergyPart::scale_out_optics)) == 0.0);
    CHECK(in_joules(e.part(EnergyPart::scale_out_switches)) == 0.0);
    CHECK(in_joules(e.part(EnergyPart::scale_up_links)) == 0.0);
    CHECK(in_joules(e.part(EnergyPart::facility)) == 0.0);
    CHECK(in_joules(e.total()) * 500.0 == doctest::Approx(10092.0).epsilon(1e-4));
}

TEST_CASE("whole node: 8x B200 MLPerf Inference v5.1 node power and energy per token, tokens/s predicted") {
    const auto path = lightwatt::testing::shared_data_file("validation/mlperf-inference-power.csv");
    if (!path) return;
    const MlperfNodeFixture f;
    const std::vector<NodeRun> runs = read_node_runs(*path);
    CHECK(runs.size() == 8);
    MESSAGE("power: H100 fit carried to B200 "
            << in_watts(f.h100_carried.static_power) << " W + "
            << in_picojoules_per_flop(f.h100_carried.energy_per_flop) << " W per BF16 TFLOP/s + "
            << in_picojoules_per_byte(f.h100_carried.hbm_energy_per_bit) << " W per TB/s, at most "
            << in_watts(f.h100_carried.max_power) << " W; B200 8B fit " << in_watts(f.b200_fitted.static_power)
            << " W + " << in_picojoules_per_flop(f.b200_fitted.energy_per_flop) << " W per TFLOP/s + "
            << in_picojoules_per_byte(f.b200_fitted.hbm_energy_per_bit) << " W per TB/s");
    MESSAGE("TensorRT-LLM B200 FP4 fit: GEMM share of peak x "
            << f.trtllm.terms.gemm_scale << ", " << in_microseconds(f.trtllm.terms.per_layer) << " us per layer + "
            << in_microseconds(f.trtllm.terms.per_sequence) << " us per sequence in every step");

    // One prediction per benchmark and scenario: the -99 and -99.9 rows of Llama-2-70B are the
    // same run (the file's README), predicted once and compared with each.
    std::map<std::string, NodePrediction> predicted;
    for (const auto& b : kBenchmarks) {
        for (const LoadScenario sc : {LoadScenario::offline, LoadScenario::server}) {
            const auto n = f.predict(b, sc, f.chosen(b));
            REQUIRE(n);
            const SystemEnergy wall = n->at_wall();
            const double rate = n->tokens_per_s;
            const auto watts_of = [&](std::initializer_list<EnergyPart> parts) {
                double j = 0.0;
                for (const EnergyPart p : parts) j += in_joules(wall.part(p));
                return rounded(j * rate);
            };
            MESSAGE("predicted | " << std::string(b.name) << " | " << name_of(sc) << " | TP " << n->parallelism.tp
                                   << " x " << n->replicas << " | batch " << n->batch << " | " << rounded(rate)
                                   << " tokens/s | " << rounded(in_watts(n->power())) << " W ("
                                   << rounded(in_watts(n->power(Spread::low))) << "-"
                                   << rounded(in_watts(n->power(Spread::high))) << ") | GPUs "
                                   << watts_of({EnergyPart::gpu_static, EnergyPart::gpu_compute, EnergyPart::gpu_hbm})
                                   << " W | switches " << watts_of({EnergyPart::scale_up_switches}) << " W | host "
                                   << watts_of({EnergyPart::host}) << " W | conversion "
                                   << watts_of({EnergyPart::power_conversion}) << " W | mean token interval "
                                   << in_milliseconds(n->token_interval) << " ms, first token "
                                   << in_milliseconds(n->first_token) << " ms | prefill "
                                   << rounded(100.0 * (n->cycle.phase(Phase::prefill).total / n->cycle.cycle))
                                   << " % of the cycle");
            for (const NodePrediction& l : f.layouts(b, sc, f.chosen(b)))
                MESSAGE("layout | " << std::string(b.name) << " | " << name_of(sc) << " | TP " << l.parallelism.tp
                                    << " | batch " << l.batch << " | " << rounded(l.tokens_per_s) << " tokens/s | "
                                    << l.joules_per_token() << " J/token");
            predicted.emplace(std::string(b.name) + "/" + name_of(sc), *n);
        }
    }

    for (const NodeRun& r : runs) {
        const Benchmark* b = benchmark_of(r.model);
        REQUIRE(b != nullptr);
        const NodePrediction& n = predicted.at(std::string(b->name) + "/" + r.scenario);
        const double power_error = in_watts(n.power()) / r.node_w - 1.0;
        const double rate_error = n.tokens_per_s / r.tokens_per_s - 1.0;
        const double joules_error = n.joules_per_token() / r.joules_per_token - 1.0;
        MESSAGE("row | " << r.model << " | " << r.scenario << " | " << r.node_w << " | " << rounded(in_watts(n.power()))
                         << " | " << signed_percent(power_error) << " | " << r.tokens_per_s << " | "
                         << rounded(n.tokens_per_s) << " | " << signed_percent(rate_error) << " | "
                         << r.joules_per_token << " | " << n.joules_per_token() << " | " << signed_percent(joules_error)
                         << " | residual " << rounded(r.node_w - in_watts(n.power())) << " W");
        // What the wall leaves the GPUs if the catalog's host and switches are right: the
        // measured power less the conversion loss, the host and the switches, per GPU.
        const SystemSpec& sys = n.system;
        const double gpu_w =
            (r.node_w * sys.power_conversion_efficiency - in_watts(sys.host_power_per_node[Spread::typical]) -
             sys.gpus_per_node * in_watts(sys.scale_up_switch_power_per_gpu[Spread::typical])) /
            sys.gpus_per_node;
        MESSAGE("implied GPU power | " << r.model << " | " << r.scenario << " | " << rounded(gpu_w)
                                       << " W per GPU against "
                                       << rounded(in_watts(n.cycle.gpu_energy / n.cycle.cycle) / n.cycle.gpus)
                                       << " W estimated");
        CAPTURE(r.model);
        CAPTURE(r.scenario);
        // Node power and energy per token hold the 30 % on every row (goal 15 %).
        CHECK(std::abs(power_error) <= 0.30);
        CHECK(std::abs(joules_error) <= 0.30);
    }

    // Sensitivities, each beside the choice: the prediction before the TensorRT-LLM fit and each
    // of its two terms alone; the B200 8B fit's power; vLLM's fitted overhead instead of
    // TensorRT-LLM's; roofline GEMMs; the assumed lengths.
    for (const auto& b : kBenchmarks) {
        for (const LoadScenario sc : {LoadScenario::offline, LoadScenario::server}) {
            const auto report = [&](const char* what, const Variant& v) {
                const auto n = f.predict(b, sc, v);
                if (!n) {
                    MESSAGE("sensitivity | " << std::string(b.name) << " | " << name_of(sc) << " | "
                                             << std::string(what) << " | no layout fits");
                    return;
                }
                MESSAGE("sensitivity | " << std::string(b.name) << " | " << name_of(sc) << " | " << std::string(what)
                                         << " | TP " << n->parallelism.tp << " | batch " << n->batch << " | "
                                         << rounded(n->tokens_per_s) << " tokens/s | " << rounded(in_watts(n->power()))
                                         << " W | " << n->joules_per_token() << " J/token");
            };
            Variant v = f.chosen(b);
            report("chosen", v);
            report("before the fit", f.before_fit(b));
            v = f.before_fit(b);
            v.gemms = &f.trtllm_gemms;
            report("fitted GEMM scale alone", v);
            v = f.before_fit(b);
            v.power = &f.h100_carried_trtllm;
            v.engine_overhead = true;
            report("fitted overhead alone", v);
            v = f.chosen(b);
            v.power = &f.b200_fitted_trtllm;
            report("B200 8B fit's power", v);
            v = f.chosen(b);
            v.power = &f.h100_carried;
            report("vLLM overhead (H100 fit's) instead", v);
            v = f.chosen(b);
            v.gemms = &f.roofline;
            report("roofline GEMMs", v);
            v = f.chosen(b);
            v.prompt_tokens = b.prompt_low;
            report("prompt low", v);
            v.prompt_tokens = b.prompt_high;
            report("prompt high", v);
            if (b.output_low == b.output_tokens && b.output_high == b.output_tokens) continue;
            v = f.chosen(b);
            v.output_tokens = b.output_low;
            report("output low", v);
            v.output_tokens = b.output_high;
            report("output high", v);
        }
    }
}
