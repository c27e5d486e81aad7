// The calibration record (JSON schema "lightwatt.calibration"): writing and reading it back,
// the reader's input errors, the embedded public 8x H100 profile, and a record made from
// nccl-tests logs.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "input_error_of.hpp"
#include "lightwatt/core/warning.hpp"
#include "lightwatt/interconnect/calibration_record.hpp"
#include "lightwatt/interconnect/nccl_tests.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;
using lightwatt::testing::input_error_of;

namespace {

const std::string kNcclTestsFixtures = std::string(LIGHTWATT_TEST_SOURCE_DIR) + "/fixtures/nccl-tests/";

double in_gbps(DataRate r) { return in_gigabytes_per_second(r); }

}  // namespace

TEST_CASE("calibration record: JSON round trip and validated reading") {
    const auto runs = read_nccl_tests_file(kNcclTestsFixtures + "v2.10-allreduce-16rank.log", Collective::all_reduce);
    CalibrationRecord r;
    r.machine.gpu_model = "NVIDIA A100-SXM4-80GB";
    r.machine.gpu_count = 16;
    r.machine.nodes = 2;
    // 2 x 4096^3 flops in 2e-4 s: 687.2 TFLOP/s.
    r.gemm.push_back({4096, 4096, 4096, "bf16", seconds(2e-4), teraflops_per_second(687.19476736), joules(0.14),
                      joules(0.08), watts(700.0), "test", watts(1.5), false});
    r.memory.push_back({bytes(1e9), seconds(4e-4), gigabytes_per_second(2500.0), std::nullopt, std::nullopt, "",
                        watts(720.0), watts(1.5), true});
    r.power.device_idle = watts(45.0);
    r.power.context_idle = watts(70.0);
    r.power.windows_above_power_limit = 1;
    r.collectives.push_back(collective_record(runs[0], bytes(1073741824.0), "test"));
    r.provenance = {"unit test", "nccl_tests_test", "2026-11-25"};
    const std::string text = calibration_json(r).dump(2);
    const CalibrationRecord back = read_calibration(text, "record.json");
    CHECK(back.machine.gpu_count == 16);
    REQUIRE(back.gemm.size() == 1);
    CHECK(back.gemm[0].dtype == "bf16");
    CHECK(in_watts(*back.gemm[0].mean_power) == 700.0);
    CHECK(in_watts(*back.gemm[0].mean_power_uncertainty) == 1.5);
    CHECK_FALSE(back.gemm[0].above_power_limit);
    REQUIRE(back.memory.size() == 1);
    CHECK(in_watts(*back.memory[0].mean_power) == 720.0);
    CHECK(back.memory[0].above_power_limit);
    CHECK(in_watts(*back.power.device_idle) == 45.0);
    CHECK(in_watts(*back.power.context_idle) == 70.0);
    CHECK(back.power.windows_above_power_limit == 1);
    CHECK_FALSE(back.power.device_idle_sm_clock_mhz.has_value());
    REQUIRE(back.collectives.size() == 1);
    CHECK(back.collectives[0].rows.size() == 6);
    CHECK(back.collectives[0].ranks == 16);
    CHECK(in_microseconds(back.collectives[0].rows[5].time) == doctest::Approx(1654.30));
    CHECK(back.collectives[0].fit.has_value());

    auto error_of = [](const std::string& t) {
        return input_error_of([&] { (void)read_calibration(t, "c.json"); }, t);
    };
    auto d =
        error_of("{\"schema\": \"lightwatt.calibration\",\n \"schema_version\": 1,\n \"gemm\": [ {\"m\": 1,, } ]}");
    CHECK(d.line == 3);
    d = error_of(R"({"schema": "lightwatt.calibration", "schema_version": 1, "colectives": []})");
    CHECK(d.key == "colectives");
    CHECK(d.problem.find("collectives") != std::string::npos);
    d = error_of(R"({"schema": "lightwatt.calibration", "schema_version": 2})");
    CHECK(d.problem == "unsupported schema version");
    d = error_of(R"({"schema": "lightwatt.calibration", "schema_version": 1,
        "collectives": [{"collective": "allreduce", "ranks": 8, "nodes": 1}]})");
    CHECK(d.key == "collectives[0].collective");
    CHECK(d.problem.find("all_reduce") != std::string::npos);
    d = error_of(R"({"schema": "lightwatt.calibration", "schema_version": 1,
        "memory": [{"bytes": 1e9, "time_s": -1, "gbyte_per_s": 3}]})");
    CHECK(d.key == "memory[0].time_s");
    CHECK(d.value == "-1");
    d = error_of(R"({"schema": "lightwatt.calibration", "schema_version": 1,
        "gemm": [{"m": 4096, "n": 4096, "k": 4096, "dtype": "bf16", "time_s": 2e-4, "tflop_per_s": 900}]})");
    CHECK(d.key == "gemm[0].tflop_per_s");
    CHECK(d.problem.find("687.195") != std::string::npos);
    d = error_of(R"({"schema": "something.else", "schema_version": 1})");
    CHECK(d.key == "schema");
}

TEST_CASE("calibration record: the former idle_power_w is read as the context idle, with one warning") {
    std::vector<std::string> warnings;
    const WarningHandler previous = set_warning_handler([&](WarningKind kind, const std::string& m) {
        CHECK(kind == WarningKind::deprecated);
        warnings.push_back(m);
    });
    const std::string head = R"({"schema": "lightwatt.calibration", "schema_version": 1, "power_states": )";
    const CalibrationRecord old = read_calibration(head + R"({"idle_power_w": 126.5}})", "old.json");
    CHECK(in_watts(*old.power.context_idle) == 126.5);
    CHECK_FALSE(old.power.device_idle.has_value());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] ==
          "old.json: power_states.idle_power_w: deprecated key, still read; write \"context_idle_power_w\".");
    // Null is not given (the embedded profile's "idle_power_w": null): no warning.
    const CalibrationRecord null_idle =
        read_calibration(head + R"({"idle_power_w": null, "context_idle_power_w": 127}})", "new.json");
    CHECK(in_watts(*null_idle.power.context_idle) == 127.0);
    CHECK(warnings.size() == 1);
    // Written back, the record has the new key only.
    const auto written = calibration_json(old);
    CHECK(written["power_states"]["context_idle_power_w"] == 126.5);
    CHECK_FALSE(written["power_states"].contains("idle_power_w"));
    // Out of range under its former name: the error names that name.
    const std::string range = head + R"({"idle_power_w": -3}})";
    CHECK(input_error_of([&] { (void)read_calibration(range, "r.json"); }, range).key == "power_states.idle_power_w");
    set_warning_handler(previous);

    const std::string both = head + R"({"idle_power_w": 126.5, "context_idle_power_w": 127}})";
    const auto d = input_error_of([&] { (void)read_calibration(both, "both.json"); }, both);
    CHECK(d.key == "power_states.idle_power_w");
    CHECK(d.problem == "given as well as its new name \"context_idle_power_w\"");
}

TEST_CASE("calibration record: a number beyond double range is an input error (found by the fuzzer)") {
    const std::string text =
        R"({"schema": "lightwatt.calibration", "schema_version": 1, "power_states": {"idle_power_w": 1e65723612619}})";
    const auto d = input_error_of([&] { (void)read_calibration(text, "c.json"); }, text);
    CHECK(d.file == "c.json");
    CHECK(d.problem == "a number out of range or an unreadable value");
}

TEST_CASE("the embedded public 8x H100 profile loads, and every part names its source") {
    const CalibrationRecord p =
        load_calibration(std::string(LIGHTWATT_TEST_DATA_DIR) + "/calibration/h100-sxm-8gpu.json");
    CHECK(p.machine.gpu_count == 8);
    CHECK(p.provenance.source.find("public profile") == 0);
    REQUIRE(p.gemm.size() >= 5);
    for (const auto& g : p.gemm) CHECK_FALSE(g.source.empty());
    CHECK_FALSE(p.power.source.empty());
    int eight_rank = 0;
    for (const auto& c : p.collectives) {
        CHECK_FALSE(c.provenance.source.empty());
        REQUIRE(c.fit.has_value());
        if (c.ranks != 8) continue;
        ++eight_rank;
        if (c.collective != Collective::all_reduce) continue;
        // NVLS all_reduce on 8x H100: about 476 GB/s busbw is "in the expected range" (the nccl-tests
        // maintainer in NVIDIA/nccl-tests#290); the fit's plateau lies within 3 % of it.
        CHECK(in_gbps(c.fit->bus_bandwidth) == doctest::Approx(476.0).epsilon(0.03));
    }
    CHECK(eight_rank == 5);
    // The largest XLA shape, 4096^3 bf16 at 783 TFLOP/s: 2 x 4096^3 / 783e12 = 175.5 us.
    const auto big =
        std::find_if(p.gemm.begin(), p.gemm.end(), [](const GemmRow& g) { return g.m == 4096 && g.k == 4096; });
    REQUIRE(big != p.gemm.end());
    CHECK(in_seconds(big->time) == doctest::Approx(175.5e-6).epsilon(1e-3));
}

TEST_CASE("calibration record from nccl-tests logs: a collective per run, the machine from the device lists") {
    // The reduce_scatter log names its collective (its start marker); the v2.10 all_reduce log
    // does not, so it takes the one given with the logs.
    std::vector<NcclTestsRun> runs;
    const CalibrationRecord r = calibration_from_nccl_tests(
        {kNcclTestsFixtures + "tagged-fields-reducescatter-4rank.log",
         kNcclTestsFixtures + "v2.10-allreduce-16rank.log"},
        Collective::all_reduce, bytes(1073741824.0), "lightwatt calibrate nccl-tests", &runs);
    REQUIRE(r.collectives.size() == 2);
    REQUIRE(runs.size() == 2);  // in the record's order
    CHECK(r.collectives[0].collective == Collective::reduce_scatter);
    CHECK(r.collectives[0].ranks == 4);
    CHECK(r.collectives[1].collective == Collective::all_reduce);
    CHECK(r.collectives[1].ranks == 16);
    CHECK(r.collectives[1].nodes == 2);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        // Each size's out-of-place and in-place halves: two record rows per log row (3 each).
        CHECK(runs[i].rows.size() == 3);
        CHECK(r.collectives[i].rows.size() == 2 * runs[i].rows.size());
        CHECK(r.collectives[i].fit.has_value());
        CHECK(r.collectives[i].provenance.source == runs[i].file + ":" + std::to_string(runs[i].first_line));
    }
    // The machine: the most ranks and nodes of any run, and every GPU model named in the device
    // lists (4 x A100-SXM4-40GB, 16 x A100-SXM4-80GB), each once.
    CHECK(r.machine.gpu_count == 16);
    CHECK(r.machine.nodes == 2);
    CHECK(r.machine.gpu_model == "NVIDIA A100-SXM4-40GB, NVIDIA A100-SXM4-80GB");
    CHECK(r.provenance.source == "nccl-tests logs");
    CHECK(r.provenance.command == "lightwatt calibrate nccl-tests");
    // A log that does not name its collective, with none given: the error says how to fix it.
    const auto d = input_error_of(
        [] {
            (void)calibration_from_nccl_tests({kNcclTestsFixtures + "oldest-allgather-2rank.log"}, std::nullopt,
                                              bytes(1073741824.0), "c");
        },
        "oldest-allgather-2rank.log without a collective");
    CHECK(d.key == "collective");
    CHECK(d.problem == "the log does not say which collective this is");
}
