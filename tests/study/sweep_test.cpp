// Sweep files and runs (study/sweep_file.hpp, sweep_rows.hpp, sweep_run.hpp): the file's errors
// with their line and key, axes checked against the base scenario, infeasible points as rows,
// rows equal to the single estimate's, resume after an interruption and thread-count independence.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "input_error_of.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/study/sweep_run.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::input_error_of;

namespace {

namespace fs = std::filesystem;

const mapping::Catalogs& catalogs() {
    static const mapping::Catalogs c = mapping::load_catalogs(LIGHTWATT_TEST_DATA_DIR);
    return c;
}

const std::string kHeader = "scenario = \"" LIGHTWATT_TEST_DATA_DIR "/scenarios/default.toml\"\n";

SweepFile sweep_of(const std::string& text) {
    const auto doc = TomlDocument::parse_string(text, "sweep.toml");
    SweepFile s = read_sweep_file(doc.root(), ".");
    s.text = text;
    return s;
}

// The JSON-lines rows of the sweep's first `points` design points, parsed.
std::vector<nlohmann::json> jsonl_rows(const PointEvaluator& e, std::size_t points) {
    PointWorkspace w = e.workspace();
    std::string rows;
    for (std::size_t p = 0; p < points; ++p) e.append_rows(p, RowFormat::jsonl, w, rows);
    std::istringstream lines(rows);
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

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

std::string read_all(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
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
    // 7 batches x 2 output lengths = 14 points in chunks of 3: 5 chunks, the last of 2 points.
    const SweepFile s = sweep_of(kHeader +
                                 "[axes.batch]\nkey = \"workload.batch\"\nvalues = [1, 2, 4, 8, 16, 32, 64]\n"
                                 "[axes.out]\nkey = \"workload.output_tokens\"\nvalues = [100, 400]\n");
    const PointEvaluator e(s, catalogs(), LIGHTWATT_TEST_DATA_DIR);
    SweepRunOptions o;
    o.chunk_points = 3;
    o.out_dir = fresh_dir("whole");
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
    SweepRunOptions o;
    o.chunk_points = 1;
    o.out_dir = fresh_dir("resume-checks");
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
