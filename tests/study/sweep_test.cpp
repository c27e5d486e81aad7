// Sweep files and runs (study/sweep_file.hpp, sweep_rows.hpp, sweep_run.hpp): the file's errors
// with their line and key, axes checked against the base scenario, infeasible points as rows,
// rows equal to the single estimate's, resume after an interruption, thread-count independence,
// shards and their merge.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "input_error_of.hpp"
#include "sweep_rows_text.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/study/sweep_merge.hpp"
#include "lightwatt/study/sweep_run.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::input_error_of;
using lightwatt::testing::jsonl_rows;
using lightwatt::testing::read_all;

namespace {

namespace fs = std::filesystem;

const mapping::Catalogs& catalogs() {
    static const mapping::Catalogs c = mapping::load_catalogs(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

const std::string kHeader = "scenario = \"" LIGHTWATT_TEST_DATA_DIR "/scenarios/default.toml\"\n";
// 7 batches x 2 output lengths = 14 points.
const std::string kFourteenPoints = kHeader +
                                    "[axes.batch]\nkey = \"workload.batch\"\nvalues = [1, 2, 4, 8, 16, 32, 64]\n"
                                    "[axes.out]\nkey = \"workload.output_tokens\"\nvalues = [100, 400]\n";

using testing::sweep_of;

InputErrorDetails file_error(const std::string& text) {
    return input_error_of([&] { (void)sweep_of(text); }, text);
}

InputErrorDetails evaluator_error(const std::string& text) {
    return input_error_of(
        [&] {
            const SweepFile s = sweep_of(text);
            const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
        },
        text);
}

fs::path test_dir(const std::string& name) { return fs::temp_directory_path() / ("lightwatt-sweep-test-" + name); }

// A fresh folder under the temporary folder, not yet created.
fs::path fresh_dir(const std::string& name) {
    fs::remove_all(test_dir(name));
    return test_dir(name);
}

// A run into the fresh folder `name`, in chunks of `chunk_points`.
SweepRunOptions run_into(const std::string& name, std::size_t chunk_points) {
    SweepRunOptions o;
    o.chunk_points = chunk_points;
    o.out_dir = fresh_dir(name);
    return o;
}

// Every chunk's text, in order.
std::string all_rows(const fs::path& dir, std::size_t chunks) {
    std::string out;
    for (std::size_t c = 0; c < chunks; ++c) out += read_all(dir / chunk_file_name(c, RowFormat::csv));
    return out;
}

}  // namespace

TEST_CASE("sweep file errors name the line and key") {
    auto d = file_error(kHeader + "[axes.b]\nkey = \"workload.batch\"\nvalues = []\n");
    CHECK(d.line == 4);  // the line of values
    CHECK(d.key == "axes.b.values");
    d = file_error(kHeader + "[axes.b]\nkey = \"workload.batch\"\nlog = { from = 0, to = 8, count = 3 }\n");
    CHECK(d.key == "axes.b.log.from");
    d = file_error(kHeader + "[axes.b]\nkey = \"workload.batch\"\nlog = { from = -2.0, to = 8.0, count = 3 }\n");
    CHECK(d.key == "axes.b.log.from");
    d = file_error(kHeader + "[axes.b]\nkey = \"workload.batch\"\nlinear = { from = 1, to = 8, count = 0 }\n");
    CHECK(d.key == "axes.b.linear.count");
    d = file_error(kHeader + "[axes.b]\nkey = \"workload.batch\"\nlinear = { from = 1, to = 8, count = 1 }\n");
    CHECK(d.key == "axes.b.linear.count");
    d = file_error(kHeader +
                   "samples = 4\nseed = 1\n[axes.b]\nkey = \"workload.batch\"\nuniform = { from = 8, to = 1 }\n");
    CHECK(d.key == "axes.b.uniform.to");
    d = file_error(kHeader + "samples = 4\n[axes.b]\nkey = \"workload.batch\"\nvalues = [1]\n");
    CHECK(d.key == "samples");
    d = file_error(kHeader + "[axes.b]\nkey = \"workload.batch\"\nuniform = { from = 1, to = 8 }\n");
    CHECK(d.key == "samples");  // a random axis needs samples and seed
    d = file_error(kHeader +
                   "[axes.b]\nkey = \"workload.batch\"\nvalues = [1]\nlinear = { from = 1, to = 8, count = 2 }\n");
    CHECK(d.problem == "two ways of giving the values");
    d = file_error(kHeader + "[axes.b]\nkey = \"workload.batch\"\nvalues = [1, \"two\"]\n");
    CHECK(d.problem == "values of different types");
    d = file_error(kHeader + "[axes.option]\nkey = \"workload.batch\"\nvalues = [1]\n");
    CHECK(d.problem == "an axis named as an output column");
    d = file_error(kHeader + "[axes]\n");
    CHECK(d.problem == "no axis");
}

TEST_CASE("a latin_hypercube axis: its interval, its log flag, and the errors of the other random forms") {
    const std::string lhs = "[axes.b]\nkey = \"workload.batch\"\nlatin_hypercube = ";
    const SweepFile s = sweep_of(kHeader + "samples = 8\nseed = 3\n" + lhs + "{ from = 1, to = 512, log = true }\n");
    REQUIRE(s.space.axes.size() == 1);
    const Axis& a = s.space.axes[0];
    CHECK(a.kind == AxisKind::latin_hypercube);
    CHECK(a.log_scale);
    CHECK(a.integer);
    CHECK(a.random());
    CHECK(s.space.point_count() == 8);
    CHECK_FALSE(
        sweep_of(kHeader + "samples = 8\nseed = 3\n" + lhs + "{ from = 1.0, to = 2.0 }\n").space.axes[0].log_scale);
    auto d = file_error(kHeader + "samples = 8\nseed = 3\n" + lhs + "{ from = 8, to = 8 }\n");
    CHECK(d.key == "axes.b.latin_hypercube.to");
    d = file_error(kHeader + "samples = 8\nseed = 3\n" + lhs + "{ from = 0, to = 8, log = true }\n");
    CHECK(d.key == "axes.b.latin_hypercube.from");
    d = file_error(kHeader + "samples = 0\nseed = 3\n" + lhs + "{ from = 1, to = 8 }\n");
    CHECK(d.key == "samples");
    d = file_error(kHeader + lhs + "{ from = 1, to = 8 }\n");
    CHECK(d.key == "samples");
    d = file_error(kHeader + "samples = 8\nseed = 3\n" + lhs + "{ from = 1, to = 8, log = 1 }\n");
    CHECK(d.key == "axes.b.latin_hypercube.log");
    d = file_error(kHeader + "samples = 8\nseed = 3\n" + lhs + "{ from = 1, to = 8, count = 3 }\n");
    CHECK(d.key == "axes.b.latin_hypercube.count");
}

TEST_CASE("axes are checked against the base scenario, at the axis's line") {
    auto d = evaluator_error(kHeader + "\n[axes.b]\nkey = \"workload.bach\"\nvalues = [1]\n");
    CHECK(d.file == "sweep.toml");
    CHECK(d.line == 3);
    CHECK(d.key == "axes.b.key");
    CHECK(d.problem.find("did you mean \"batch\"") != std::string::npos);
    d = evaluator_error(kHeader + "[axes.f]\nkey = \"facilty.power_budget_mw\"\nvalues = [1]\n");
    CHECK(d.problem.find("did you mean \"facility\"") != std::string::npos);
    d = evaluator_error(kHeader + "[axes.s]\nkey = \"deployment.system\"\nvalues = [\"dgx_h100\", \"dgx_h10\"]\n");
    CHECK(d.line == 2);
    CHECK(d.key == "axes.s.values");
    CHECK(d.value == "\"dgx_h10\"");
    CHECK(d.problem.find("did you mean \"dgx_h100\"") != std::string::npos);
    d = evaluator_error(kHeader +
                        "[axes.o]\nkey = \"workload.output_tokens\"\nlog = { from = 16.0, to = 64.0, count = 3 }\n");
    CHECK(d.key == "axes.o");
    d = evaluator_error(kHeader + "[axes.w]\nkey = \"workload\"\nvalues = [1]\n");
    CHECK(d.key == "axes.w.key");
    d = evaluator_error(kHeader + "[axes.o]\nkey = \"options.compare\"\nvalues = [\"cpo\"]\n");
    CHECK(d.problem.find("list") != std::string::npos);
}

TEST_CASE("a point the scenario refuses is a row per option with its reason; the others are the estimate's") {
    // Llama 3.1 405B has 128 attention heads: tp 3 does not divide them; tp 1 holds 405 GB of fp8
    // weights on one 80 GB H100; tp 8 is the default scenario itself.
    const SweepFile s = sweep_of(kHeader + "[axes.tp]\nkey = \"deployment.tp\"\nvalues = [3, 1, 8]\n");
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    const std::vector<nlohmann::json> r = jsonl_rows(e, 3);
    const std::size_t options = e.base().options.size();
    REQUIRE(r.size() == 3 * options);
    CHECK(r[0]["tp"] == 3);
    CHECK(r[0]["feasible"] == false);
    CHECK(r[0]["j_per_token"].is_null());
    CHECK(r[0]["reason"].get<std::string>().find("deployment.tp") != std::string::npos);
    CHECK(r[options]["reason"].get<std::string>().find("HBM") != std::string::npos);
    // The default scenario's own point: the figures of `lightwatt estimate`.
    const auto inputs =
        mapping::load_estimate_inputs(e.base(), catalogs(), LIGHTWATT_TEST_DATA_DIR, std::nullopt, false);
    const auto estimate = mapping::estimate(e.base(), inputs);
    for (std::size_t i = 0; i < options; ++i) {
        const auto& row = r[2 * options + i];
        CHECK(row["feasible"] == true);
        CHECK(row["option"] == estimate.options[i].energy.option);
        CHECK(row["j_per_token"].get<double>() == in_joules(estimate.options[i].energy.total()));
    }
}

TEST_CASE("a catalog axis sets its figure at each point: the estimate on the catalogs with the figure set") {
    const SweepFile s = sweep_of(kHeader + "[axes.pue]\nkey = \"catalog.systems.dgx_h100.pue\"\nvalues = [1.2, 1.4]\n");
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    const std::vector<nlohmann::json> r = jsonl_rows(e, 2);
    const std::size_t options = e.base().options.size();
    REQUIRE(r.size() == 2 * options);
    // J/token = PUE x the IT energy (facility = (PUE - 1) x IT, docs/models/system-energy.md) and
    // nothing else depends on PUE, so each row is the default estimate's J/token x PUE / its PUE.
    const double pue = catalogs().systems.systems.at("dgx_h100").pue;
    const auto inputs =
        mapping::load_estimate_inputs(e.base(), catalogs(), LIGHTWATT_TEST_DATA_DIR, std::nullopt, false);
    const auto estimate = mapping::estimate(e.base(), inputs);
    for (std::size_t i = 0; i < options; ++i) {
        const double base = in_joules(estimate.options[i].energy.total());
        CHECK(r[i]["pue"] == 1.2);
        CHECK(r[i]["feasible"] == true);
        CHECK(r[i]["j_per_token"].get<double>() == doctest::Approx(base * 1.2 / pue).epsilon(1e-12));
        CHECK(r[options + i]["j_per_token"].get<double>() == doctest::Approx(base * 1.4 / pue).epsilon(1e-12));
    }
}

TEST_CASE("catalog axes are checked at the axis's line: the path, the values' type, the reader's range") {
    auto d = evaluator_error(kHeader + "[axes.p]\nkey = \"catalog.systems.dgx_h100.puee\"\nvalues = [1.2]\n");
    CHECK(d.line == 2);
    CHECK(d.key == "axes.p.key");
    CHECK(d.problem.find("did you mean \"systems.dgx_h100.pue\", ") != std::string::npos);
    CHECK(d.problem.find("systems.toml:") != std::string::npos);
    d = evaluator_error(kHeader + "[axes.p]\nkey = \"catalog.systems.dgx_h100.pue\"\nvalues = [\"high\"]\n");
    CHECK(d.key == "axes.p.values");
    d = evaluator_error(
        kHeader + "[axes.p]\nkey = \"catalog.systems.dgx_h100.pue\"\nlinear = { from = 0.9, to = 1.5, count = 3 }\n");
    CHECK(d.line == 2);
    CHECK(d.key == "axes.p");
    CHECK(d.value == "0.9");
    CHECK(d.allowed == "a number in [1, 3]");
}

TEST_CASE("a point on announced hardware names it in its rows") {
    const SweepFile s = sweep_of("scenario = \"" LIGHTWATT_TEST_DATA_DIR
                                 "/scenarios/rubin-ultra-nvl576-405b.toml\"\n[axes.system]\nkey = "
                                 "\"deployment.system\"\nvalues = [\"gb200_nvl72\", \"rubin_ultra_nvl576\"]\n");
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    const std::vector<nlohmann::json> r = jsonl_rows(e, 2);
    const std::size_t options = e.base().options.size();
    REQUIRE(r.size() == 2 * options);
    CHECK(r[0]["feasible"] == true);
    CHECK(r[0]["announced"] == "");
    CHECK(r[options]["feasible"] == true);
    CHECK(r[options]["announced"] == "gpus.rubin_ultra;systems.rubin_ultra_nvl576");
}

TEST_CASE("an interrupted sweep resumes after its last chunk and ends with the uninterrupted rows") {
    // 14 points in chunks of 3: 5 chunks, the last of 2 points.
    const SweepFile s = sweep_of(kFourteenPoints);
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    SweepRunOptions o = run_into("whole", 3);
    const SweepOutcome whole = run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    REQUIRE(whole.complete);
    CHECK(whole.manifest.chunks == 5);
    CHECK(whole.chunks_written == 5);

    std::atomic<bool> stop{false};
    o.out_dir = fresh_dir("interrupted");
    o.stop = &stop;
    o.progress = [&](std::size_t done, std::size_t) { stop = done >= 6; };  // SIGINT during chunk 2
    const SweepOutcome first = run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    CHECK_FALSE(first.complete);
    CHECK(first.chunks_written == 2);
    CHECK(read_manifest(o.out_dir / "manifest.json").chunks_done == 2);
    CHECK_FALSE(fs::exists(o.out_dir / chunk_file_name(2, RowFormat::csv)));
    // Without --resume the folder is refused; with it, only chunks 2 to 4 are written.
    stop = false;
    o.progress = nullptr;
    CHECK(input_error_of([&] { (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o); }, "no --resume").key == "-o");
    o.resume = true;
    const SweepOutcome rest = run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    CHECK(rest.complete);
    CHECK(rest.chunks_written == 3);
    CHECK(all_rows(o.out_dir, 5) == all_rows(test_dir("whole"), 5));
    CHECK(read_all(o.out_dir / "manifest.json") == read_all(test_dir("whole") / "manifest.json"));
}

TEST_CASE("resume refuses another sweep's folder and a bad manifest") {
    const SweepFile s = sweep_of(kHeader + "[axes.batch]\nkey = \"workload.batch\"\nvalues = [1, 2, 4]\n");
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    SweepRunOptions o = run_into("resume-checks", 1);
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    o.resume = true;
    // Another chunk size is another sweep.
    o.chunk_points = 2;
    CHECK(input_error_of([&] { (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o); }, "hash").key == "sweep_hash");
    o.chunk_points = 1;
    const fs::path manifest = o.out_dir / "manifest.json";
    std::string text = read_all(manifest);
    text.replace(text.find("\"chunks_done\": 3"), 16, "\"chunks_done\": 4");
    std::ofstream(manifest) << text;
    CHECK(input_error_of([&] { (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o); }, "chunks_done").key == "chunks_done");
    std::ofstream(manifest) << "{\"sweep_file\": 1}";
    (void)input_error_of([&] { (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o); }, "not a manifest");
    fs::remove(manifest);
    CHECK(input_error_of([&] { (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o); }, "no manifest").key == "--resume");
}

TEST_CASE("the rows are the same bytes on any thread count") {
    // 200 points in one chunk: four blocks of 64 points, spread over the threads.
    const SweepFile s =
        sweep_of(kHeader + "[axes.batch]\nkey = \"workload.batch\"\nlinear = { from = 1, to = 200, count = 200 }\n");
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    SweepRunOptions o;
    o.out_dir = fresh_dir("threads-1");
    o.threads = 1;
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    o.out_dir = fresh_dir("threads-3");
    o.threads = 3;
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    const std::string one = all_rows(test_dir("threads-1"), 1);
    CHECK(one.size() > 200 * 5 * 100);
    CHECK(one == all_rows(o.out_dir, 1));
}

TEST_CASE("--shard I/N: malformed, N = 0 and I outside 0 .. N-1 are refused; the chunk ranges by hand") {
    CHECK(parse_shard("1/4", "--shard") == Shard{1, 4});
    CHECK(parse_shard("0/1", "--shard") == Shard{0, 1});
    for (const char* bad : {"4/4", "0/0", "a/4", "1/", "/4", "-1/4", "1/4/2", " 1/4", "1.0/4", "", "99999999999/4"}) {
        const auto d = input_error_of([&] { (void)parse_shard(bad, "--shard"); }, bad);
        CHECK(d.key == "--shard");
        CHECK(d.allowed.find("I/N") != std::string::npos);
    }
    // 10 chunks in 4 shards: floor(i x 10 / 4) = 0, 2, 5, 7, 10, so 2, 3, 2 and 3 chunks.
    CHECK(shard_chunks({0, 4}, 10).first == 0);
    CHECK(shard_chunks({0, 4}, 10).end == 2);
    CHECK(shard_chunks({1, 4}, 10).end == 5);
    CHECK(shard_chunks({2, 4}, 10).end == 7);
    CHECK(shard_chunks({3, 4}, 10).first == 7);
    CHECK(shard_chunks({3, 4}, 10).end == 10);
    // 2 chunks in 3 shards: floor(i x 2 / 3) = 0, 0, 1, 2: shard 0 is empty.
    CHECK(shard_chunks({0, 3}, 2).size() == 0);
    CHECK(shard_chunks({1, 3}, 2).first == 0);
    CHECK(shard_chunks({2, 3}, 2).first == 1);
    // 2^40 chunks in 2^31 shards: 512 each, without overflow.
    CHECK(shard_chunks({(1ULL << 31) - 1, 1ULL << 31}, 1ULL << 40).size() == 512);
}

TEST_CASE("shards write the unsharded run's chunk files; merged, the folder is the unsharded run's") {
    // 14 points in chunks of 3: 5 chunks; 3 shards take floor(i x 5 / 3) = 0, 1, 3, 5: chunks
    // {0}, {1, 2}, {3, 4}.
    const SweepFile s = sweep_of(kFourteenPoints);
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    SweepRunOptions o = run_into("unsharded", 3);
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    std::vector<fs::path> shards;
    for (std::size_t i = 0; i < 3; ++i) {
        o.shard = Shard{i, 3};
        o.out_dir = fresh_dir("shard-" + std::to_string(i));
        std::size_t last_done = 0, total = 0;
        o.progress = [&](std::size_t done, std::size_t all) { last_done = done, total = all; };
        const SweepOutcome r = run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
        CHECK(r.complete);
        CHECK(r.manifest.shard == Shard{i, 3});
        CHECK(last_done == total);
        shards.push_back(o.out_dir);
    }
    CHECK(read_manifest(shards[1] / "manifest.json").range().first == 1);
    CHECK(read_manifest(shards[1] / "manifest.json").chunks_done == 2);
    CHECK_FALSE(fs::exists(shards[1] / chunk_file_name(0, RowFormat::csv)));
    CHECK(read_all(shards[1] / chunk_file_name(2, RowFormat::csv)) ==
          read_all(test_dir("unsharded") / chunk_file_name(2, RowFormat::csv)));

    // Given in any order, the merge is the unsharded folder, chunks and manifest.
    const fs::path merged = fresh_dir("merged");
    const SweepManifest m = merge_shards({shards[2], shards[0], shards[1]}, merged);
    CHECK(m.complete());
    CHECK(all_rows(merged, 5) == all_rows(test_dir("unsharded"), 5));
    CHECK(read_all(merged / "manifest.json") == read_all(test_dir("unsharded") / "manifest.json"));

    // Refused, nothing written: a shard missing, given twice, or the unsharded folder itself.
    const fs::path out = fresh_dir("merge-refused");
    auto merge_error = [&](const std::vector<fs::path>& dirs, const char* what) {
        return input_error_of([&] { (void)merge_shards(dirs, out); }, what);
    };
    CHECK(merge_error({shards[0], shards[2]}, "missing").problem == "missing shard(s) 1/3");
    CHECK(merge_error({shards[0], shards[1], shards[1], shards[2]}, "twice").key == "shard");
    CHECK(merge_error({test_dir("unsharded")}, "unsharded").key == "shard");
    CHECK(merge_error({out}, "no manifest").key == "SHARD_DIR");
    CHECK_FALSE(fs::exists(out));
    // The target folder already holds the merge.
    CHECK(input_error_of([&] { (void)merge_shards(shards, merged); }, "not empty").key == "-o");
}

TEST_CASE("a shard resumes on its own; merging refuses an incomplete shard, another sweep's, format or N") {
    const SweepFile s = sweep_of(kHeader + "[axes.batch]\nkey = \"workload.batch\"\nvalues = [1, 2, 4, 8, 16, 32]\n");
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    SweepRunOptions o = run_into("shard-interrupted", 1);  // 6 chunks; shard 1/2 holds chunks 3 to 5
    o.shard = Shard{1, 2};
    std::atomic<bool> stop{false};
    o.stop = &stop;
    o.progress = [&](std::size_t done, std::size_t) { stop = done >= 1; };
    CHECK_FALSE(run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o).complete);
    o.shard = Shard{0, 2};
    o.out_dir = fresh_dir("shard-zero");
    stop = false;
    o.progress = nullptr;
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    const fs::path out = fresh_dir("merge-incomplete");
    auto merge_error = [&](const std::vector<fs::path>& dirs, const char* what) {
        return input_error_of([&] { (void)merge_shards(dirs, out); }, what);
    };
    auto d = merge_error({test_dir("shard-zero"), test_dir("shard-interrupted")}, "incomplete");
    CHECK(d.key == "chunks_done");
    CHECK(d.problem.find("incomplete: 1 of its 3 chunks") != std::string::npos);

    // Resuming needs the same shard.
    o.resume = true;
    o.out_dir = test_dir("shard-interrupted");
    CHECK(input_error_of([&] { (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o); }, "other shard").key == "shard");
    o.shard.reset();
    CHECK(input_error_of([&] { (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o); }, "no shard").key == "shard");
    o.shard = Shard{1, 2};
    const SweepOutcome rest = run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    CHECK(rest.complete);
    CHECK(rest.chunks_written == 2);
    CHECK(merge_shards({test_dir("shard-zero"), test_dir("shard-interrupted")}, out).complete());

    // Another sweep (another chunk size, so another hash) and another N.
    o.resume = false;
    o.chunk_points = 2;
    o.out_dir = fresh_dir("shard-other-sweep");
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    d = merge_error({test_dir("shard-zero"), o.out_dir}, "hash");
    CHECK(d.key == "sweep_hash");
    o.chunk_points = 1;
    o.format = RowFormat::jsonl;
    o.out_dir = fresh_dir("shard-jsonl");
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    CHECK(merge_error({test_dir("shard-zero"), o.out_dir}, "format").key == "format");
    o.format = RowFormat::csv;
    o.shard = Shard{1, 3};
    o.out_dir = fresh_dir("shard-other-n");
    (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    d = merge_error({test_dir("shard-zero"), o.out_dir}, "another N");
    CHECK(d.key == "shard");
    CHECK(d.problem.find("one of 3 shards, not of 2") != std::string::npos);
}

TEST_CASE("a shard's manifest: its shard and chunk range are checked on reading") {
    const std::string good =
        R"({"sweep_file": "s.toml", "sweep_hash": "fnv1a64:0123456789abcdef", "format": "csv", "points": 10,
            "options": 5, "rows": 50, "chunk_points": 1, "chunks": 10, "shard": "1/4", "shard_chunks": [2, 5],
            "chunks_done": 3, "complete": true, "columns": ["batch", "option"]})";
    const SweepManifest m = parse_manifest(good, "manifest.json");
    CHECK(m.shard == Shard{1, 4});
    CHECK(m.complete());
    CHECK(m.columns == std::vector<std::string>{"batch", "option"});
    auto bad = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        text.replace(text.find(from), from.size(), to);
        return input_error_of([&] { (void)parse_manifest(text, "manifest.json"); }, to);
    };
    CHECK(bad("[2, 5]", "[2, 6]").key == "shard_chunks");
    CHECK(bad("\"1/4\"", "\"4/4\"").key == "shard");
    CHECK(bad("\"chunks_done\": 3", "\"chunks_done\": 4").key == "chunks_done");
    CHECK(bad("[\"batch\", \"option\"]", "[1]").key == "columns");
    CHECK(bad("\"shard\": \"1/4\", ", "").key == "shard");
}
