// Reading sweep results back (study/sweep_results.hpp): CSV and JSON lines give the same table,
// a real sweep folder reads as its rows, an incomplete one is refused with what --resume does,
// and bad rows are named by file, line and column.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "input_error_of.hpp"
#include "lightwatt/study/sweep_results.hpp"
#include "lightwatt/study/sweep_run.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::input_error_of;

namespace {

namespace fs = std::filesystem;

// Two design points (batch 8 and 64) of two options; batch 64 of "b" infeasible, with no figures.
const std::string kCsv =
    "batch,system,option,j_per_token,tokens_per_s_per_user,feasible,reason\n"
    "8,dgx_h100,a,2.5,40,true,\n"
    "8,dgx_h100,b,2,35.5,true,\n"
    "64,dgx_h100,a,1.25,20,true,\n"
    "64,dgx_h100,b,,,false,\"deployment.tp = 3: does not divide the heads, 128\"\n";
const std::string kJsonl =
    R"({"batch":8,"system":"dgx_h100","option":"a","j_per_token":2.5,"tokens_per_s_per_user":40,"feasible":true,"reason":""})"
    "\n"
    R"({"batch":8,"system":"dgx_h100","option":"b","j_per_token":2,"tokens_per_s_per_user":35.5,"feasible":true,"reason":""})"
    "\n"
    R"({"batch":64,"system":"dgx_h100","option":"a","j_per_token":1.25,"tokens_per_s_per_user":20,"feasible":true,"reason":""})"
    "\n"
    R"({"batch":64,"system":"dgx_h100","option":"b","j_per_token":null,"tokens_per_s_per_user":null,"feasible":false,"reason":"deployment.tp = 3: does not divide the heads, 128"})"
    "\n";

SweepResults rows_of(const std::string& text, RowFormat format) {
    SweepResults r;
    read_result_rows(text, format, "rows", r);
    return r;
}

InputErrorDetails csv_error(const std::string& text) {
    return input_error_of([&] { (void)rows_of(text, RowFormat::csv); }, text);
}

void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p);
    out << text;
}

}  // namespace

TEST_CASE("results: CSV and JSON lines read into the same table, by column kind") {
    for (const RowFormat format : {RowFormat::csv, RowFormat::jsonl}) {
        CAPTURE(enum_name(format));
        const SweepResults r = rows_of(format == RowFormat::csv ? kCsv : kJsonl, format);
        REQUIRE(r.rows == 4);
        CHECK(r.axes == std::vector<std::string>{"batch", "system"});
        const ResultColumn* j = r.column("j_per_token");
        REQUIRE(j != nullptr);
        CHECK(j->numeric);
        CHECK(j->numbers[0] == 2.5);
        CHECK(j->numbers[2] == 1.25);
        CHECK(std::isnan(j->numbers[3]));  // infeasible: no figure
        CHECK(r.column("tokens_per_s_per_user")->numbers[1] == 35.5);
        CHECK_FALSE(r.column("batch")->numeric);  // an axis: text as written
        CHECK(r.column("batch")->texts[2] == "64");
        CHECK(r.column("option")->texts[3] == "b");
        CHECK(r.column("reason")->texts[3] == "deployment.tp = 3: does not divide the heads, 128");
        CHECK(r.feasible == std::vector<char>{1, 1, 1, 0});
    }
}

TEST_CASE("results: a second file adds its rows and its own columns, empty for the rows before") {
    SweepResults r = rows_of(kCsv, RowFormat::csv);
    read_result_rows("tp,option,j_per_token,feasible,reason\n4,a,3,true,\n", RowFormat::csv, "more", r);
    CHECK(r.rows == 5);
    CHECK(r.axes == std::vector<std::string>{"batch", "system", "tp"});
    CHECK(r.column("tp")->texts[0].empty());
    CHECK(r.column("tp")->texts[4] == "4");
    CHECK(r.column("batch")->texts[4].empty());
    CHECK(std::isnan(r.column("tokens_per_s_per_user")->numbers[4]));
}

TEST_CASE("results: bad rows are named by file, line and column") {
    const auto number = csv_error("option,j_per_token,feasible\na,2.5,true\nb,two,true\n");
    CHECK(number.file == "rows");
    CHECK(number.line == 3);
    CHECK(number.key == "j_per_token");
    CHECK(number.value == "\"two\"");
    const auto fields = csv_error("option,j_per_token,feasible\na,2.5\n");
    CHECK(fields.line == 2);
    CHECK(fields.problem.find("2 fields, the header has 3") != std::string::npos);
    CHECK(csv_error("option,j_per_token,feasible\na\"b,1,true\n").key == "field 1");
    CHECK(csv_error("option,j_per_token,feasible\n\"a,1,true\n").problem.find("not closed") != std::string::npos);
    CHECK(csv_error("option,j_per_token,feasible\na,1,yes\n").key == "feasible");
    CHECK(csv_error("option,j_per_token\na,1\n").problem.find("not a sweep's rows") != std::string::npos);
    CHECK(csv_error("option,option,feasible\na,a,true\n").problem.find("named twice") != std::string::npos);
    CHECK(csv_error("").problem.find("empty") != std::string::npos);
    const auto json = input_error_of(
        [] {
            (void)rows_of(R"({"option":"a","feasible":true})"
                          "\n{\"option\": \n",
                          RowFormat::jsonl);
        },
        "json");
    CHECK(json.line == 2);
    CHECK(json.problem.find("not JSON") != std::string::npos);
    const auto list = input_error_of([] { (void)rows_of("[1, 2]\n", RowFormat::jsonl); }, "list");
    CHECK(list.problem.find("not a JSON object") != std::string::npos);
}

TEST_CASE("results: a sweep folder reads as its rows; an incomplete one is refused, naming --resume") {
    const std::string text = "scenario = \"" LIGHTWATT_TEST_DATA_DIR
                             "/scenarios/default.toml\"\n"
                             "[axes.batch]\nkey = \"workload.batch\"\nvalues = [8, 16, 32]\n";
    const auto doc = TomlDocument::parse_string(text, "sweep.toml");
    SweepFile s = read_sweep_file(doc.root(), ".");
    s.text = text;
    const mapping::Catalogs catalogs = mapping::load_catalogs(LIGHTWATT_TEST_DATA_DIR);
    const PointEvaluator e(s, catalogs, LIGHTWATT_TEST_DATA_DIR);
    const fs::path dir = fs::temp_directory_path() / "lightwatt-results-test";
    fs::remove_all(dir);
    SweepRunOptions o;
    o.out_dir = dir;
    o.chunk_points = 2;
    const SweepOutcome done = run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
    REQUIRE(done.complete);
    const SweepResults r = read_sweep_results({dir});
    CHECK(r.rows == 3 * e.base().options.size());
    CHECK(r.files.size() == 2);
    CHECK(r.axes == std::vector<std::string>{"batch"});
    CHECK(r.column("batch")->texts.back() == "32");
    CHECK(r.column("tokens_per_s_per_megawatt")->numbers[0] > 0.0);

    // The manifest rewritten as after an interruption: one of the two chunks done.
    SweepManifest m = read_manifest(dir / "manifest.json");
    m.chunks_done = 1;
    write(dir / "manifest.json", manifest_json(m));
    const auto incomplete = input_error_of([&] { (void)read_sweep_results({dir}); }, "incomplete");
    CHECK(incomplete.file == (dir / "manifest.json").string());
    CHECK(incomplete.problem.find("1 of its 2 chunks are missing") != std::string::npos);
    CHECK(incomplete.allowed.find("--resume") != std::string::npos);

    const auto missing = input_error_of([&] { (void)read_sweep_results({dir / "nothing"}); }, "missing");
    CHECK(missing.problem.find("no such file or folder") != std::string::npos);
    fs::remove(dir / "manifest.json");
    CHECK(input_error_of([&] { (void)read_sweep_results({dir}); }, "no manifest").problem.find("manifest.json") !=
          std::string::npos);
    fs::rename(dir / "part-00000.csv", dir / "part-00000.txt");
    CHECK(input_error_of([&] { (void)read_sweep_results({dir / "part-00000.txt"}); }, "ext").problem.find(".csv") !=
          std::string::npos);
    fs::remove_all(dir);
}
