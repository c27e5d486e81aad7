// Step times and GPU energy from a calibration, by hand on a synthetic GPU and calibration.
#include <doctest/doctest.h>

#include "input_error_of.hpp"
#include "shared_data.hpp"
#include "lightwatt/mapping/serving_time.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;
using lightwatt::testing::input_error_of;

namespace {

// 1000 TFLOP/s bf16, 2000 fp8, 1000 GB/s HBM at full efficiency, 100 GB/s links, 500 W, Hopper's LL caps.
GpuSpec test_gpu() {
    GpuSpec g;
    g.peak_bf16 = teraflops_per_second(1000.0);
    g.peak_fp8 = teraflops_per_second(2000.0);
    g.hbm_bandwidth = gigabytes_per_second(1000.0);
    g.hbm_efficiency = 1.0;
    g.nvlink_bandwidth = gigabytes_per_second(100.0);
    g.tdp = watts(500.0);
    // NCCL's LL caps for Hopper (llMaxBws, as data/gpus.toml has them), which the hand
    // calculations below use.
    g.nccl_ll_max_bus_bandwidth = {gigabytes_per_second(141.0), gigabytes_per_second(45.0), gigabytes_per_second(35.0)};
    return g;
}

StepWork one_gemm(double m, double n, double k) {
    StepWork w;
    w.tokens = m;
    w.gemms.push_back({"test", m, n, k, 1.0});
    return w;
}

}  // namespace

TEST_CASE("serving time: roofline GEMMs without a calibration, at the TDP") {
    const interconnect::CalibrationRecord empty;
    const ServingPoint s{1, 0, 1, 2.0, 2.0, 2.0};
    // 1 x 1000 x 1000 in bf16: compute 2e6 / 1e15 = 2 ns; memory (1e6 x 2 + 2000 x 2) B / 1e12 B/s
    // = 2.004 us: memory-bound.
    const StepTime t = time_step(one_gemm(1, 1000, 1000), {}, s, test_gpu(), empty, {});
    CHECK(in_seconds(t.gemm) == doctest::Approx(2.004e-6));
    CHECK(in_seconds(t.compute_bound) == 0.0);
    CHECK_FALSE(t.gemm_from_calibration);
    CHECK(in_watts(t.gpu_power) == doctest::Approx(500.0));
    CHECK(in_joules(t.gpu_energy) == doctest::Approx(500.0 * 2.004e-6));
}

TEST_CASE("serving time: GEMM efficiency and power states from the calibration") {
    interconnect::CalibrationRecord cal;
    // 4096^3 bf16 at 500 TFLOP/s: efficiency 0.5 against the 1000 TFLOP/s peak.
    cal.gemm.push_back({4096,
                        4096,
                        4096,
                        "bf16",
                        seconds(2.0 * 4096.0 * 4096 * 4096 / 500e12),
                        teraflops_per_second(500.0),
                        {},
                        {},
                        {},
                        "test"});
    cal.power.compute_bound = watts(600.0);
    cal.power.memory_bound = watts(400.0);
    const ServingPoint s{1, 0, 1, 2.0, 2.0, 2.0};
    // Compute-bound: 2 x 4096^3 / (1e15 x 0.5) = 274.9 us at 600 W.
    const StepTime big = time_step(one_gemm(4096, 4096, 4096), {}, s, test_gpu(), cal, {});
    CHECK(in_seconds(big.gemm) == doctest::Approx(2.0 * 4096.0 * 4096 * 4096 / 0.5e15));
    CHECK(big.compute_bound == big.gemm);
    CHECK(in_watts(big.gpu_power) == doctest::Approx(600.0));
    // fp8 weights use the fp8 peak: half the time.
    const ServingPoint fp8{1, 0, 1, 1.0, 2.0, 2.0};
    CHECK(in_seconds(time_step(one_gemm(4096, 4096, 4096), {}, fp8, test_gpu(), cal, {}).gemm) ==
          doctest::Approx(2.0 * 4096.0 * 4096 * 4096 / 1.0e15));
    // A memory-bound GEMV runs at the memory-bound power.
    const StepTime small = time_step(one_gemm(1, 4096, 4096), {}, s, test_gpu(), cal, {});
    CHECK(in_watts(small.gpu_power) == doctest::Approx(400.0));
}

TEST_CASE("serving time: collectives take the faster of NCCL's LL protocol and the fitted line") {
    interconnect::CalibrationRecord cal;
    interconnect::CollectiveRecord r;
    r.collective = interconnect::Collective::all_reduce;
    r.ranks = 8;
    r.nodes = 1;
    interconnect::CollectiveFit f;
    f.collective = r.collective;
    f.ranks = 8;
    f.nodes = 1;
    f.latency = microseconds(50.0);
    f.bus_bandwidth = gigabytes_per_second(400.0);
    r.fit = f;
    cal.collectives.push_back(r);
    const ServingPoint s{1, 0, 1, 2.0, 2.0, 2.0};
    const Parallelism p{8, 1, 1, 8};
    auto comm = [&](double size_bytes, double overlap) {
        StepWork w;
        w.collectives.push_back({"tp", interconnect::Collective::all_reduce, lightwatt::bytes(size_bytes), 8,
                                 FabricTier::scale_up, 1, 2.0});
        return time_step(w, p, s, test_gpu(), cal, {overlap});
    };
    // 1 MiB: LL 15 us (NCCL model, 8 ranks) + 1048576 x 1.75 / 100e9 (a quarter of the 400 GB/s,
    // under the 141 GB/s cap) = 33.35 us, fitted 50 + 4.59 us; LL wins; two calls: 66.7 us.
    CHECK(in_microseconds(comm(1048576.0, 0.0).communication) ==
          doctest::Approx(2.0 * (15.0 + 1048576.0 * 1.75 / 100e3)));
    // 1 GiB: the fitted line wins: 2 x (50 + 1073741824 x 1.75 / 400e3) us.
    CHECK(in_microseconds(comm(1073741824.0, 0.0).communication) ==
          doctest::Approx(2.0 * (50.0 + 1073741824.0 * 1.75 / 400e3)));
    // Half the communication hidden under compute: the step counts half of it.
    const StepTime half = comm(1048576.0, 0.5);
    CHECK(in_seconds(half.total) == doctest::Approx(0.5 * in_seconds(half.communication)));
    // No matching fit (16 ranks): NCCL's model latencies and the GPU's link bandwidth, the faster
    // protocol: LL 6.6 + 30 x 0.6 = 24.6 us + 1 MiB x 1.875 at a quarter of the 100 GB/s link
    // (103.2 us) against Simple 8.4 + 30 x 3.4 = 110.4 us + 1 MiB x 1.875 at 100 GB/s (130.1 us).
    StepWork w;
    w.collectives.push_back(
        {"tp", interconnect::Collective::all_reduce, bytes(1048576.0), 16, FabricTier::scale_up, 1, 1.0});
    const StepTime fallback = time_step(w, {16, 1, 1, 16}, s, test_gpu(), cal, {});
    CHECK_FALSE(fallback.collectives_from_calibration);
    CHECK(in_microseconds(fallback.communication) == doctest::Approx(6.6 + 30 * 0.6 + 1048576.0 * 1.875 / 25e3));
    // 1 GiB: bandwidth dominates: Simple.
    StepWork big;
    big.collectives.push_back(
        {"tp", interconnect::Collective::all_reduce, bytes(1073741824.0), 16, FabricTier::scale_up, 1, 1.0});
    CHECK(in_microseconds(time_step(big, {16, 1, 1, 16}, s, test_gpu(), cal, {}).communication) ==
          doctest::Approx(8.4 + 30 * 3.4 + 1073741824.0 * 1.875 / 100e3));
}

TEST_CASE("serving estimate: a cycle is the prefill and output-length decode steps; energy per output token") {
    const LlmCatalog llms = load_llm_catalog(LIGHTWATT_TEST_DATA_DIR);
    const GpuCatalog gpus = load_gpu_catalog(LIGHTWATT_TEST_DATA_DIR);
    const auto cal =
        interconnect::load_calibration(std::string(LIGHTWATT_TEST_DATA_DIR) + "/calibration/h100-sxm-8gpu.json");
    LlmSpec m = llms.at("llama_3_1_8b");
    const ServingPoint s{8, 600, 600, 2.0, 2.0, 2.0};
    const CycleEstimate e = estimate_serving(m, {1, 1, 1, 8}, s, gpus.at("h100_sxm"), cal, {});
    CHECK(in_seconds(e.cycle) == doctest::Approx(in_seconds(e.phase(Phase::prefill).total) +
                                                 600.0 * in_seconds(e.phase(Phase::decode).total)));
    CHECK(e.tokens == 4800.0);
    CHECK_THROWS_AS((void)e.phase(Phase::optimizer), std::out_of_range);
    CHECK(in_joules(e.gpu_only_energy_per_token()) * e.tokens_per_s() ==
          doctest::Approx(in_joules(e.gpu_energy) / in_seconds(e.cycle)));  // J/token x tokens/s = W
    // Decode of an 8B model at batch 8 reads its 16 GB of weights every step: at 3350 x 0.8 GB/s,
    // at least 6.0 ms.
    CHECK(in_seconds(e.phase(Phase::decode).total) > 16.06e9 / 2680e9);
    // More batch never lowers tokens/s (weights are shared by the batch).
    double previous = 0.0;
    for (int batch : {1, 2, 8, 32, 128}) {
        const ServingPoint b{batch, 600, 600, 2.0, 2.0, 2.0};
        const double rate = estimate_serving(m, {1, 1, 1, 8}, b, gpus.at("h100_sxm"), cal, {}).tokens_per_s();
        CHECK(rate >= previous);
        previous = rate;
    }
    CHECK(input_error_of(
              [&] {
                  (void)estimate_serving(m, {1, 1, 1, 8}, s, gpus.at("h100_sxm"), cal, {1.5});
              },
              "overlap 1.5")
              .key == "communication_overlap");
}

TEST_CASE("serving time: an offloaded GEMM takes max(HBM streaming, photonic time) and costs MACs plus movement") {
    const auto cores = photonics::load_photonic_core_catalog(LIGHTWATT_TEST_DATA_DIR);
    PhotonicOffload offload{cores.cores.at("dot_product_engine"), 4, {"test"}, picojoules_per_bit(5.0)};
    TimingOptions o;
    o.offload = &offload;
    const interconnect::CalibrationRecord empty;
    const ServingPoint s{64, 0, 1, 1.0, 2.0, 2.0};
    // 64 x 4096 x 4096 with 1-byte weights on 4 cores of 64 x 64 at 5 GHz (20.48 TMAC/s each):
    // photonic 64 x 4096^2 / 81.92e12 = 13.1 us; HBM (4096^2 x 1 + (64 x 4096 x 2) x 2) B / 1e12 B/s
    // = 17.8 us: the GEMM takes the HBM time.
    const StepTime t = time_step(one_gemm(64, 4096, 4096), {}, s, test_gpu(), empty, o);
    const double macs = 64.0 * 4096 * 4096;
    CHECK(in_seconds(t.photonic) == doctest::Approx(macs / (4 * 64.0 * 64 * 5e9)));
    CHECK(in_seconds(t.gemm) == doctest::Approx((4096.0 * 4096 + 2.0 * 64 * 4096 * 2) / 1e12));
    // Energy: the core's pJ/MAC at a weight reuse of 64 rows, plus 8 x moved bytes x 5 pJ.
    const double pj_per_mac =
        in_picojoules(photonics::mac_energy(photonics::energy_parameters(offload.core, 64.0)).total());
    CHECK(in_joules(t.photonic_energy) ==
          doctest::Approx(macs * pj_per_mac * 1e-12 + 8.0 * (4096.0 * 4096 + 2.0 * 64 * 4096 * 2) * 5e-12));
    CHECK(t.offloaded_flops == 2.0 * macs);
    // A GEMM not in the list stays on the GPU.
    StepWork other = one_gemm(64, 4096, 4096);
    other.gemms[0].name = "other";
    CHECK(in_seconds(time_step(other, {}, s, test_gpu(), empty, o).photonic) == 0.0);
}

TEST_CASE("power per precision: an FP8 FLOP costs peak_bf16 / peak_fp8 of a BF16 one, FP4 where the GPU has it") {
    GpuSpec g = test_gpu();  // 1000 / 2000 TFLOP/s
    CHECK(flop_energy_relative_to_bf16(g, format_for_weights(g, 2.0)) == doctest::Approx(1.0));
    CHECK(flop_energy_relative_to_bf16(g, format_for_weights(g, 1.0)) == doctest::Approx(0.5));
    // No FP4 tensor cores: half-byte weights run in FP8.
    CHECK(format_for_weights(g, 0.5) == TensorFormat::fp8);
    g.peak_fp4 = teraflops_per_second(4000.0);
    CHECK(format_for_weights(g, 0.5) == TensorFormat::fp4);
    CHECK(flop_energy_relative_to_bf16(g, TensorFormat::fp4) == doctest::Approx(0.25));
    CHECK(peak_for_weights(g, 0.5) == teraflops_per_second(4000.0));
}

TEST_CASE("power per precision: the H200 measurement's energy per FLOP, FP8 against BF16, is near the peak ratio") {
    // This project's own measurement on one H200 at its 700 W limit (5 s windows): the same
    // 8192^3 GEMM in FP8 and in BF16. The model's ratio is 989.4 / 1978.9 = 0.50.
    const auto file = lightwatt::testing::shared_data_file("gpu-measurements/h200-1gpu-gemm-5s-settled.json");
    if (!file) return;
    const interconnect::CalibrationRecord r = interconnect::load_calibration(*file);
    std::optional<double> fp8, bf16;
    for (const auto& row : r.gemm) {
        if (!row.energy_above_idle || row.m != 8192 || row.n != 8192 || row.k != 8192) continue;
        (row.dtype == "fp8" ? fp8 : bf16) = in_joules(*row.energy_above_idle);
    }
    REQUIRE(fp8);
    REQUIRE(bf16);
    const double measured = *fp8 / *bf16;  // 0.510 J / 0.940 J = 0.54
    MESSAGE("H200 FP8 / BF16 energy per FLOP above idle: " << measured << ", model 0.50");
    CHECK(measured == doctest::Approx(989.4 / 1978.9).epsilon(0.15));
}

TEST_CASE("per-GEMM precision: experts stored otherwise than the rest are read and charged at theirs") {
    // Two memory-bound GEMMs of 1 x 1000 x 1000 on the test GPU: one at the point's bf16, one
    // with fp8 weights of its own. Times: (2e6 + 4000) B and (1e6 + 4000) B over 1e12 B/s =
    // 2.004 + 1.004 us.
    StepWork w;
    w.tokens = 1;
    w.gemms.push_back({"gate_up", 1, 1000, 1000, 1.0});
    w.gemms.push_back({"experts_gate_up", 1, 1000, 1000, 1.0, 1.0});
    const ServingPoint s{1, 0, 1, 2.0, 2.0, 2.0};
    ServingCalibration power;
    power.energy_per_flop = picojoules_per_flop(1.0);  // 1 W per TFLOP/s, nothing else
    power.max_power = watts(1000.0);
    TimingOptions o;
    o.serving = &power;
    o.serving_engine_overhead = false;
    const StepTime t = time_step(w, {}, s, test_gpu(), {}, o);
    CHECK(in_seconds(t.gemm) == doctest::Approx(3.008e-6));
    // Power: 2e6 bf16 FLOPs and 2e6 fp8 ones at half a bf16 FLOP's energy (peak 1000 / 2000):
    // 3e6 FLOP-equivalents in 3.008 us, 1e-12 J each: 3e-6 J.
    CHECK(in_joules(t.gpu_energy) == doctest::Approx(3e-6));
}
