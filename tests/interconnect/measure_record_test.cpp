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
    r.idle_power_w = 71.5;
    // 2 x 8192^3 flops in 1.5 ms: 733.0 TFLOP/s.
    r.gemm.push_back(
        {8192, 8192, 8192, "bf16", 1.5e-3, 2.0 * 8192.0 * 8192.0 * 8192.0 / 1.5e-3 * 1e-12, 0.9, 0.8, 600.0, "test"});
    r.memory.push_back({2.0 * 1073741824.0, 0.8e-3, 2.0 * 1073741824.0 / 0.8e-3 * 1e-9, 0.4, std::nullopt, "copy"});
    r.memory_bound_power_w = 500.0;
    gpu::CollectiveMeasurement c;
    c.collective = "all_reduce";
    c.ranks = 8;
    c.rows.push_back({1048576.0, 40.0, 26.2144, 45.8752, std::nullopt});
    c.rows.push_back({4194304.0, 60.0, 69.9051, 122.334, 0.01});
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
    CHECK(in_joules(*back.gemm[0].energy_above_idle) == doctest::Approx(0.8));
    REQUIRE(back.memory.size() == 1);
    CHECK(in_gigabytes_per_second(back.memory[0].bandwidth) == doctest::Approx(2684.35456));
    CHECK(in_watts(*back.power.idle) == 71.5);
    CHECK(in_watts(*back.power.memory_bound) == 500.0);
    CHECK_FALSE(back.power.compute_bound.has_value());
    REQUIRE(back.collectives.size() == 1);
    CHECK(back.collectives[0].collective == interconnect::Collective::all_reduce);
    CHECK(back.collectives[0].rows.size() == 2);
    CHECK(in_joules(*back.collectives[0].rows[1].energy) == 0.01);
    CHECK(in_gigabytes_per_second(back.collectives[0].peak_busbw) == doctest::Approx(122.334));
}

TEST_CASE("lightwatt-measure writes each part of the record with exactly the schema's keys") {
    namespace schema = calibration_schema;
    gpu::Record r;
    r.gemm.push_back({64, 64, 64, "fp16", 1e-6, 2.0 * 64 * 64 * 64 / 1e-6 * 1e-12, std::nullopt, std::nullopt,
                      std::nullopt, "test"});
    r.memory.push_back({1024.0, 1e-6, 1.024, std::nullopt, std::nullopt, "copy"});
    gpu::CollectiveMeasurement c;
    c.collective = "all_gather";
    c.ranks = 2;
    c.rows.push_back({1024.0, 10.0, 0.1024, 0.0512, std::nullopt});
    c.source = "measured";
    r.collectives.push_back(c);
    const auto doc = nlohmann::json::parse(gpu::record_json(r));
    // Every key the table lists (strings written only when given are given here), and no other.
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
