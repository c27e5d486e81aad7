// nccl-tests import: the real H100 logs in ../shared/data/nccl-tests (skipped, with a message,
// when absent), this project's fixtures of the older and odd layouts, malformed input, and the
// fitted collective models (issue #4: fitted on rows up to 1 GiB, each log's rows of 2 GiB and
// more predicted within 10 % median error).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "input_error_of.hpp"
#include "shared_data.hpp"
#include "lightwatt/interconnect/collective_fit.hpp"
#include "lightwatt/interconnect/nccl_tests.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;
using lightwatt::testing::input_error_of;

namespace {

const std::string kFixtures = std::string(LIGHTWATT_TEST_SOURCE_DIR) + "/fixtures/nccl-tests/";

std::optional<std::string> shared_log(const std::string& name) {
    return lightwatt::testing::shared_data_file("nccl-tests/" + name);
}

double gbps(DataRate r) { return in_gigabytes_per_second(r); }

}  // namespace

TEST_CASE("collectives: bus bandwidth factors and NCCL's ring latency, by hand") {
    CHECK(bus_bandwidth_factor(Collective::all_reduce, 8) == doctest::Approx(1.75));     // 2 x 7 / 8
    CHECK(bus_bandwidth_factor(Collective::all_gather, 80) == doctest::Approx(0.9875));  // 79 / 80
    CHECK(bus_bandwidth_factor(Collective::sendrecv, 2) == 1.0);
    CHECK(collective_from_program("all_reduce_perf") == Collective::all_reduce);
    CHECK(collective_from_program("alltoall_perf_mpi") == Collective::alltoall);
    CHECK_FALSE(collective_from_program("all_reduce").has_value());
    // 8 ranks on one node, all_reduce: 14 NVLink steps. LL: 6.6 + 14 x 0.6 = 15.0 us;
    // Simple: 8.4 + 14 x 3.4 = 56.0 us.
    CHECK(in_microseconds(nccl_ring_latency(Collective::all_reduce, 8, 1, NcclProtocol::ll)) == doctest::Approx(15.0));
    CHECK(in_microseconds(nccl_ring_latency(Collective::all_reduce, 8, 1, NcclProtocol::simple)) ==
          doctest::Approx(56.0));
    // 80 ranks on 10 nodes, Simple: 158 steps, 18 across the network at 2 x 14 us:
    // 8.4 + 140 x 3.4 + 18 x 28 = 988.4 us.
    CHECK(in_microseconds(nccl_ring_latency(Collective::all_reduce, 80, 10, NcclProtocol::simple)) ==
          doctest::Approx(988.4));
    // More nodes for the same ranks never lowers the latency (network hops are slower).
    for (int nodes = 1; nodes < 8; ++nodes)
        CHECK(nccl_ring_latency(Collective::all_gather, 64, nodes + 1, NcclProtocol::ll) >=
              nccl_ring_latency(Collective::all_gather, 64, nodes, NcclProtocol::ll));
}

TEST_CASE("nccl-tests: the real H100 logs import with nccl-tests' own figures") {
    struct Expected {
        const char* file;
        int runs, ranks, nodes;
        std::map<Collective, double> peak_busbw;  // printed maxima, read off the logs
    };
    const Expected cases[] = {
        {"h100-1node-8gpu.log", 5, 8, 1, {{Collective::all_reduce, 482.27}, {Collective::all_gather, 366.03}}},
        {"h100-1node-4gpu.log", 5, 4, 1, {{Collective::all_reduce, 368.02}}},
        {"h100-10node-80gpu.log",
         5,
         80,
         10,
         {{Collective::all_reduce, 364.07},
          {Collective::all_gather, 324.29},
          {Collective::reduce_scatter, 323.40},
          {Collective::alltoall, 50.66}}},
        {"2node-pairwise-legacy.log", 2, 2, 2, {{Collective::alltoall, 27.40}, {Collective::sendrecv, 27.20}}},
    };
    for (const auto& e : cases) {
        CAPTURE(e.file);
        const auto path = shared_log(e.file);
        if (!path) continue;
        const auto runs = read_nccl_tests_file(*path);
        REQUIRE(static_cast<int>(runs.size()) == e.runs);
        for (const auto& run : runs) {
            CAPTURE(run.first_line);
            REQUIRE(run.collective.has_value());
            CHECK(run.ranks == e.ranks);
            CHECK(run.nodes == e.nodes);
            CHECK(run.rows.size() == 10);
            CHECK(run.devices.front() == "NVIDIA H100 80GB HBM3");
            const NcclTestsCheck check = check_run(run);
            // algbw = size / time and busbw = algbw x factor(n), to the printed 2 decimals.
            CHECK(check.max_algbw_deviation < 1e-3);
            CHECK(check.max_busbw_deviation < 1e-3);
            // nccl-tests' "Avg bus bandwidth": the mean over every printed half.
            REQUIRE(run.reported_avg_busbw.has_value());
            CHECK(std::abs(gbps(check.avg_busbw) - gbps(*run.reported_avg_busbw)) < 0.005);
            if (const auto it = e.peak_busbw.find(*run.collective); it != e.peak_busbw.end())
                CHECK(gbps(check.peak_busbw) == doctest::Approx(it->second).epsilon(1e-6));
        }
    }
}

TEST_CASE("nccl-tests: fitted on rows up to 1 GiB, each real log's rows of 2 GiB and more within 10 % (median)") {
    for (const std::string name :
         {"h100-1node-8gpu.log", "h100-1node-4gpu.log", "h100-10node-80gpu.log", "2node-pairwise-legacy.log"}) {
        CAPTURE(name);
        const auto path = shared_log(name);
        if (!path) continue;
        std::vector<double> errors;
        for (const auto& run : read_nccl_tests_file(*path)) {
            const CollectiveFit fit = fit_collective(run, bytes(1073741824.0));
            REQUIRE(fit.median_held_out_error.has_value());
            MESSAGE(name << " " << enum_name(fit.collective) << ": latency " << in_microseconds(fit.latency)
                         << " us, busbw " << gbps(fit.bus_bandwidth) << " GB/s, median held-out error "
                         << 100.0 * *fit.median_held_out_error << " %");
            CHECK(fit.held_out.size() == 2 * std::count_if(run.rows.begin(), run.rows.end(), [](const NcclTestsRow& r) {
                                             return in_bytes(r.size) > 1073741824.0;
                                         }));
            for (const auto& h : fit.held_out) errors.push_back(std::abs(h.relative_error()));
        }
        std::sort(errors.begin(), errors.end());
        const double median = 0.5 * (errors[(errors.size() - 1) / 2] + errors[errors.size() / 2]);
        MESSAGE(name << ": median held-out error over all collectives " << 100.0 * median << " %");
        CHECK(median < 0.10);
    }
}

TEST_CASE("nccl-tests: older and odd layouts (this project's fixtures)") {
    SUBCASE("v2.10: error column, redop without root, old rank lines, an NCCL INFO line in the table") {
        const auto runs = read_nccl_tests_file(kFixtures + "v2.10-allreduce-16rank.log", Collective::all_reduce);
        REQUIRE(runs.size() == 1);
        const auto& r = runs[0];
        CHECK(r.ranks == 16);
        CHECK(r.nodes == 2);
        CHECK(r.version.empty());
        REQUIRE(r.rows.size() == 3);
        CHECK(r.rows[0].redop == "sum");
        CHECK(r.rows[0].root == -1);
        CHECK(*r.rows[0].out_of_place.wrong == doctest::Approx(5e-7));
        CHECK(gbps(r.rows[2].in_place.busbw) == doctest::Approx(152.12));
        const auto check = check_run(r);
        CHECK(check.max_busbw_deviation < 1e-3);  // busbw = algbw x 2 x 15 / 16
        CHECK(*check.avg_busbw_deviation < 1e-4);
    }
    SUBCASE("the oldest layout: no redop, no root") {
        const auto runs = read_nccl_tests_file(kFixtures + "oldest-allgather-2rank.log", Collective::all_gather);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].ranks == 2);
        CHECK(runs[0].nodes == 1);
        CHECK(runs[0].rows[1].redop.empty());
        CHECK(in_microseconds(runs[0].rows[1].out_of_place.time) == doctest::Approx(458.30));
        CHECK(check_run(runs[0]).max_busbw_deviation < 1e-3);  // busbw = algbw / 2
    }
    SUBCASE("mpirun --tag-output prefixes and an interleaved NCCL INFO line") {
        const auto runs = read_nccl_tests_file(kFixtures + "mpi-tagged-sendrecv-2node.log", Collective::sendrecv);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].ranks == 2);
        CHECK(runs[0].nodes == 2);
        CHECK(runs[0].rows.size() == 3);
        CHECK_FALSE(runs[0].rows[0].in_place.wrong.has_value());  // N/A
        CHECK(*check_run(runs[0]).avg_busbw_deviation < 1e-4);
    }
    SUBCASE("[0] before every field, a header without '#', a timestamp column") {
        const auto runs = read_nccl_tests_file(kFixtures + "tagged-fields-reducescatter-4rank.log");
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].collective == Collective::reduce_scatter);  // from the marker
        CHECK(runs[0].ranks == 4);
        CHECK(runs[0].rows.size() == 3);
        CHECK(in_bytes(runs[0].rows[2].size) == 16777216.0);
        CHECK(check_run(runs[0]).max_busbw_deviation < 1e-3);  // busbw = algbw x 3 / 4
    }
}

TEST_CASE("nccl-tests: malformed input is an input error with its line") {
    const std::string header =
        "# Using devices\n#  Rank  0 Group  0 Pid 1 on a device  0 [0x1b] GPU\n"
        "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw "
        "#wrong\n";
    auto error_of = [](const std::string& text) {
        return input_error_of([&] { (void)parse_nccl_tests(text, "log.txt"); }, text);
    };
    auto d = error_of(header + "    33554432       4194304    double     sum      -1   171.88  195.22\n");
    CHECK(d.file == "log.txt");
    CHECK(d.line == 4);
    CHECK(d.problem == "malformed nccl-tests result row");
    d = error_of(
        header +
        "    33554432       4194304    double     sum      -1   fast  195.22  292.83  0  173.28  193.64  290.46  0\n");
    CHECK(d.line == 4);
    CHECK(d.key == "field 6");
    CHECK(d.value == "fast");
    d = error_of(
        header +
        "    33554432       4194304    double     sum      -1   -3  195.22  292.83  0  173.28  193.64  290.46  0\n");
    CHECK(d.problem == "not a time");
    d = error_of(
        header +
        "    33554432       4194304    double     sum      -1   171.88  nan  292.83  0  173.28  193.64  290.46  0\n");
    CHECK(d.problem == "not an algbw");
    d = error_of(header +
                 "    33554432       4194304    double     sum      -1   171.88  195.22  292.83  zero  1  1  1  0\n");
    CHECK(d.key == "field 9");
    d = error_of("# nccl-tests version 2.17.8\n# Collective test starting: all_reduce_perf\n");
    CHECK(d.problem == "no nccl-tests result rows found");
    d = error_of(std::string("# Using devices\n\0 1 2\n", 21));
    CHECK(d.line == 2);
    d = error_of(header + "# Avg bus bandwidth : lots\n");
    CHECK(d.line == 4);
    const auto missing = input_error_of([] { (void)read_nccl_tests_file(kFixtures + "no-such.log"); }, "no-such.log");
    CHECK(missing.problem == "file not found");
}

TEST_CASE("collective fit: recovers latency and bandwidth from exact rows, and predicts the held-out ones") {
    // t = 25 us + S x 1.75 / 300 GB/s (all_reduce, 8 ranks), sizes 1 MiB .. 4 GiB.
    NcclTestsRun run;
    run.file = "synthetic";
    run.collective = Collective::all_reduce;
    run.ranks = 8;
    run.nodes = 1;
    for (double s = 1048576.0; s <= 4294967296.0; s *= 4.0) {
        NcclTestsRow row;
        row.size = bytes(s);
        const double t_us = 25.0 + s * 1.75 / 300e9 * 1e6;
        row.out_of_place.time = row.in_place.time = microseconds(t_us);
        run.rows.push_back(row);
    }
    const CollectiveFit fit = fit_collective(run, bytes(1073741824.0));
    CHECK(in_microseconds(fit.latency) == doctest::Approx(25.0).epsilon(1e-6));
    CHECK(gbps(fit.bus_bandwidth) == doctest::Approx(300.0).epsilon(1e-9));
    REQUIRE(fit.held_out.size() == 2);  // the 4 GiB row, both halves
    CHECK(*fit.median_held_out_error < 1e-9);
    CHECK(in_microseconds(predict_time(fit, bytes(16384.0))) == doctest::Approx(25.0 + 16384.0 * 1.75 / 300e3));
    // More bytes never take less time (the model is monotonic).
    for (double s = 1.0; s < 1e12; s *= 3.0) CHECK(predict_time(fit, bytes(3.0 * s)) >= predict_time(fit, bytes(s)));
    const auto none = input_error_of([&] { (void)fit_collective(run, bytes(1000.0)); }, "limit below the smallest row");
    CHECK(none.problem == "no row of this run is small enough to fit");
}

TEST_CASE("collective model on another fabric: bandwidth, retimer latency and scale, by hand") {
    CollectiveFit f;
    f.collective = Collective::all_reduce;
    f.ranks = 8;
    f.nodes = 1;
    f.latency = microseconds(50.0);
    f.bus_bandwidth = gigabytes_per_second(400.0);
    // 1 GiB all_reduce on 8 ranks: 50 us + 1073741824 x 1.75 / 400e9 s = 50 + 4697.6 us.
    CHECK(in_microseconds(predict_time(f, bytes(1073741824.0))) == doctest::Approx(50.0 + 4697.6).epsilon(1e-4));
    // Twice the bandwidth per GPU (optical I/O): the bandwidth term halves, the latency stays.
    const CollectiveFit faster = on_fabric(f, {2.0, {}, {}, {}});
    CHECK(in_microseconds(predict_time(faster, bytes(1073741824.0))) == doctest::Approx(50.0 + 2348.8).epsilon(1e-4));
    // 100 ns more per hop (a DSP retimer): 2 x 7 = 14 sequential steps, +1.4 us.
    const CollectiveFit retimed = on_fabric(f, {1.0, microseconds(0.1), {}, {}});
    CHECK(in_microseconds(retimed.latency) == doctest::Approx(51.4));
    // 16 ranks on one node (a larger scale-up domain): f = 1.875, and 2 x 15 - 2 x 7 = 16 more
    // NVLink steps of NCCL's Simple model: 16 x 3.4 = 54.4 us more latency.
    const CollectiveFit larger = on_fabric(f, {1.0, {}, 16, 1});
    CHECK(in_microseconds(larger.latency) == doctest::Approx(50.0 + 54.4));
    CHECK(in_microseconds(predict_time(larger, bytes(1073741824.0))) ==
          doctest::Approx(104.4 + 1073741824.0 * 1.875 / 400e3).epsilon(1e-6));
    // More bandwidth never makes a collective slower; more hop latency never faster.
    for (double scale = 0.25; scale < 8.0; scale *= 2.0)
        CHECK(predict_time(on_fabric(f, {2.0 * scale, {}, {}, {}}), bytes(1e6)) <=
              predict_time(on_fabric(f, {scale, {}, {}, {}}), bytes(1e6)));
    CHECK(input_error_of([&] { (void)on_fabric(f, {0.0, {}, {}, {}}); }, "zero bandwidth").key == "bandwidth_scale");
    CHECK(input_error_of(
              [&] {
                  (void)on_fabric(f, {1.0, {}, 2, 4});
              },
              "more nodes than ranks")
              .problem == "impossible scale");
}
