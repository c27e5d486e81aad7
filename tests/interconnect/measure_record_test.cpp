// The record lightwatt-measure writes (gpu/src/record.cpp, standard library only) is one the
// calibration loader accepts, with the same figures: the two sides of the schema agree.
#include <doctest/doctest.h>

#include "lightwatt/interconnect/calibration_record.hpp"
#include "lightwatt/gpu/calibration_schema.hpp"
#include "record.hpp"

using namespace lightwatt;

TEST_CASE("lightwatt-measure's record reads back through the calibration loader") {
    gpu::Record r;
    r.gpu_model = "NVIDIA H100 80GB HBM3 \"SXM\"";  // a quote to escape
    r.gpu_count = 8;
    r.cuda_version = "13.0";
    r.nccl_version = "2.28.3";
    r.power_limit_w = 700.0;
    r.device_idle_power_w = 81.2;
    r.device_idle_sm_clock_mhz = 345.0;
    r.context_idle_power_w = 126.6;
    r.context_idle_sm_clock_mhz = 1980.0;
    r.energy_measured = true;
    r.power_source = "measured";
    // 2 x 8192^3 flops in 1.5 ms: 733.0 TFLOP/s; a window at 754 W, above the 700 W limit.
    r.gemm.push_back({8192, 8192, 8192, "bf16", 1.5e-3, 2.0 * 8192.0 * 8192.0 * 8192.0 / 1.5e-3 * 1e-12, 1.131, 0.94,
                      754.0, "test", 1.2, true});
    r.memory.push_back(
        {2.0 * 1073741824.0, 0.8e-3, 2.0 * 1073741824.0 / 0.8e-3 * 1e-9, 0.4, std::nullopt, "copy", 500.0, 1.0, false});
    r.memory_bound_power_w = 500.0;
    gpu::CollectiveMeasurement c;
    c.collective = "all_reduce";
    c.ranks = 8;
    c.rows.push_back({1048576.0, 40.0, 26.2144, 45.8752, std::nullopt, std::nullopt, false});
    // 0.23 J per 60 us call on 8 GPUs: 3833 W, 479 W each, under the limit.
    c.rows.push_back({4194304.0, 60.0, 69.9051, 122.334, 0.23, 0.001, false});
    // 0.36 J per 60 us call: 6000 W, 750 W each, flagged.
    c.rows.push_back({16777216.0, 60.0, 279.62, 489.34, 0.36, 0.001, true});
    c.source = "measured";
    r.collectives.push_back(c);
    r.command = "lightwatt-measure all";
    r.date = "2026-11-25T00:00:00Z";
    const auto back = interconnect::read_calibration(gpu::record_json(r), "measured.json");
    CHECK(back.machine.gpu_model == r.gpu_model);
    CHECK(back.machine.gpu_count == 8);
    CHECK(*back.machine.power_limit_w == 700.0);
    REQUIRE(back.gemm.size() == 1);
    CHECK(in_teraflops_per_second(back.gemm[0].flop_rate) == doctest::Approx(733.0).epsilon(1e-3));
    CHECK(in_joules(*back.gemm[0].energy_above_idle) == doctest::Approx(0.94));
    CHECK(in_watts(*back.gemm[0].mean_power_uncertainty) == 1.2);
    CHECK(back.gemm[0].above_power_limit);
    REQUIRE(back.memory.size() == 1);
    CHECK(in_gigabytes_per_second(back.memory[0].bandwidth) == doctest::Approx(2684.35456));
    CHECK(in_watts(*back.memory[0].mean_power) == 500.0);
    CHECK_FALSE(back.memory[0].above_power_limit);
    CHECK(in_watts(*back.power.device_idle) == 81.2);
    CHECK(*back.power.device_idle_sm_clock_mhz == 345.0);
    CHECK(in_watts(*back.power.context_idle) == 126.6);
    CHECK(*back.power.context_idle_sm_clock_mhz == 1980.0);
    CHECK(in_watts(*back.power.memory_bound) == 500.0);
    CHECK_FALSE(back.power.compute_bound.has_value());
    // The GEMM and the last all_reduce row.
    CHECK(back.power.windows_above_power_limit == 2);
    REQUIRE(back.collectives.size() == 1);
    CHECK(back.collectives[0].collective == interconnect::Collective::all_reduce);
    REQUIRE(back.collectives[0].rows.size() == 3);
    CHECK(in_joules(*back.collectives[0].rows[1].energy) == 0.23);
    CHECK(in_joules(*back.collectives[0].rows[1].energy_uncertainty) == 0.001);
    CHECK_FALSE(back.collectives[0].rows[0].energy_uncertainty.has_value());
    CHECK(back.collectives[0].rows[2].above_power_limit);
    CHECK(in_gigabytes_per_second(back.collectives[0].peak_busbw) == doctest::Approx(489.34));
}

TEST_CASE("the windows above the power limit are listed for stderr, each with its mean power") {
    gpu::Record r;
    r.gemm.push_back({8192, 8192, 8192, "fp8", 1e-3, 1099.5, 0.754, 0.627, 754.0, "test", 1.2, true});
    gpu::CollectiveMeasurement c;
    c.collective = "all_reduce";
    c.ranks = 8;
    // 0.36 J per 60 us call: 6000 W over the 8 GPUs, +- 0.0012 J / 60 us = 20 W.
    c.rows.push_back({16777216.0, 60.0, 279.62, 489.34, 0.36, 0.0012, true});
    r.collectives.push_back(c);
    const auto lines = gpu::windows_above_power_limit(r);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "gemm fp8 8192x8192x8192: 754.0 +- 1.2 W");
    CHECK(lines[1] == "all_reduce of 16777216 B on 8 GPUs: 6000.0 +- 20.0 W");
    // Without energy windows the count is not written: not known, rather than none.
    CHECK_FALSE(nlohmann::json::parse(gpu::record_json(r))["power_states"].contains("windows_above_power_limit"));
}

TEST_CASE("lightwatt-measure writes each part of the record with exactly the schema's keys") {
    namespace schema = calibration_schema;
    gpu::Record r;
    r.gemm.push_back(
        {64, 64, 64, "fp16", 1e-6, 2.0 * 64 * 64 * 64 / 1e-6 * 1e-12, 1e-4, 5e-5, 100.0, "test", 0.5, true});
    r.memory.push_back({1024.0, 1e-6, 1.024, 1e-4, 5e-5, "copy", 100.0, 0.5, true});
    r.device_idle_sm_clock_mhz = 345.0;
    r.context_idle_sm_clock_mhz = 1980.0;
    r.energy_measured = true;
    r.power_source = "measured";
    gpu::CollectiveMeasurement c;
    c.collective = "all_gather";
    c.ranks = 2;
    c.rows.push_back({1024.0, 10.0, 0.1024, 0.0512, 1e-3, 1e-6, true});
    c.source = "measured";
    r.collectives.push_back(c);
    const auto doc = nlohmann::json::parse(gpu::record_json(r));
    // Every key the table lists (those written only when given are given here), and no other.
    auto check = [](const nlohmann::json& object, const auto& fields, std::size_t nested) {
        CHECK(object.size() == fields.size() - nested);
        for (const schema::Field& f : fields) {
            if (f.key == "fit") continue;  // the fit is interconnect's report, not a measurement
            CHECK_MESSAGE(object.contains(std::string(f.key)), f.key);
        }
    };
    check(doc, schema::record::fields, 0);
    check(doc["machine"], schema::machine::fields, 0);
    check(doc["gemm"][0], schema::gemm::fields, 0);
    check(doc["memory"][0], schema::memory::fields, 0);
    check(doc["power_states"], schema::power_states::fields, 0);
    check(doc["collectives"][0], schema::collective::fields, 1);
    check(doc["collectives"][0]["rows"][0], schema::collective_row::fields, 0);
    check(doc["provenance"], schema::provenance::fields, 0);
    const auto back = interconnect::read_calibration(doc.dump(), "measured.json");
    CHECK(back.collectives[0].collective == interconnect::Collective::all_gather);
    CHECK(back.gemm[0].source == "test");
}
