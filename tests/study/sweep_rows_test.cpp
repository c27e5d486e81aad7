// A sweep's rows as CSV and as JSON lines (study/sweep_rows.hpp): the CSV written cell by cell from
// the option's record cells holds, column for column, the values of the JSON record, on feasible
// rows, refused points, missed latency targets and empty (null) cells; an option's record cells
// keep NaN and infinity as the record does. Axis-free Monte Carlo sweeps: their file's errors, and
// rows whose drawn figures and medians are those of study::monte_carlo with the same seed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "csv_fields.hpp"
#include "default_scenario.hpp"
#include "input_error_of.hpp"
#include "sweep_rows_text.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/sweep_run.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::csv_fields;
using lightwatt::testing::input_error_of;
using lightwatt::testing::jsonl_rows;

namespace {

std::string header_for(const std::string& scenario) {
    return "scenario = \"" LIGHTWATT_TEST_DATA_DIR "/scenarios/" + scenario + "\"\n";
}

using testing::sweep_of;

std::vector<std::vector<std::string>> csv_lines(const std::string& text) {
    std::istringstream lines(text);
    std::vector<std::vector<std::string>> out;
    for (std::string line; std::getline(lines, line);) out.push_back(csv_fields(line));
    return out;
}

// Each CSV cell holds its JSON value: null an empty cell, a string itself, a boolean true or
// false, an integer its digits, a number the text that reads back as the same double.
void check_csv_matches_jsonl(const PointEvaluator& e, std::size_t points) {
    const auto csv = csv_lines(point_rows(e, 0, points, RowFormat::csv, 1));
    const auto json = jsonl_rows(e, points);
    REQUIRE(csv.size() == json.size() + 1);
    const std::vector<std::string>& header = csv.front();
    CHECK(header == e.columns());
    for (std::size_t r = 0; r < json.size(); ++r) {
        const auto& fields = csv[r + 1];
        REQUIRE(fields.size() == header.size());
        REQUIRE(json[r].size() == header.size());
        for (std::size_t c = 0; c < header.size(); ++c) {
            CAPTURE(r);
            CAPTURE(header[c]);
            const nlohmann::json& v = json[r].at(header[c]);
            const std::string& f = fields[c];
            if (v.is_null())
                CHECK(f.empty());
            else if (v.is_string())
                CHECK(f == v.get<std::string>());
            else if (v.is_boolean())
                CHECK(f == (v.get<bool>() ? "true" : "false"));
            else if (v.is_number_integer())
                CHECK(f == std::to_string(v.get<long long>()));
            else
                CHECK((!f.empty() && std::strtod(f.c_str(), nullptr) == v.get<double>()));
        }
    }
}

}  // namespace

TEST_CASE("CSV rows hold the JSON record's values in every column: feasible, refused, latency-missed, null cells") {
    // tp 3 does not divide Llama 3.1 405B's 128 heads and tp 1 does not fit one H100 (refused
    // points: every figure empty); tp 8 is the default point (every photonic-less option's
    // accuracy cells empty).
    const SweepFile refused =
        sweep_of(header_for("default.toml") + "[axes.tp]\nkey = \"deployment.tp\"\nvalues = [3, 1, 8]\n");
    const PointEvaluator a(refused, testing::default_scenario().catalogs, LIGHTWATT_TEST_DATA_DIR);
    check_csv_matches_jsonl(a, 3);
    // A latency target that large batches miss: figures kept, feasible false, the reason quoted
    // where it holds a comma.
    const SweepFile latency = sweep_of(header_for("405b-latency-target.toml") +
                                       "[axes.batch]\nkey = \"workload.batch\"\nvalues = [1, 256, 1024]\n");
    const PointEvaluator b(latency, testing::default_scenario().catalogs, LIGHTWATT_TEST_DATA_DIR);
    const auto rows = jsonl_rows(b, 3);
    CHECK(std::any_of(rows.begin(), rows.end(),
                      [](const nlohmann::json& r) { return r["feasible"] == false && !r["j_per_token"].is_null(); }));
    check_csv_matches_jsonl(b, 3);
    // Training: no inter-token latency nor tokens per user (null cells) in any row.
    const SweepFile training = sweep_of(header_for("llama3-405b-training.toml") +
                                        "[axes.pue]\nkey = \"catalog.systems.dgx_h100.pue\"\n"
                                        "values = [1.1, 1.3]\n");
    const PointEvaluator c(training, testing::default_scenario().catalogs, LIGHTWATT_TEST_DATA_DIR);
    CHECK(jsonl_rows(c, 1).front()["tokens_per_s_per_user"].is_null());
    check_csv_matches_jsonl(c, 2);
}

TEST_CASE("an option's record cells are its record's values, NaN and infinity kept") {
    mapping::OptionEstimate o;
    o.energy.option = "by_hand";
    o.energy.per_token[mapping::EnergyPart::gpu_static] = joules(2.0);
    o.energy.tokens_per_s = std::numeric_limits<double>::quiet_NaN();
    o.saving_vs_baseline_pct = -std::numeric_limits<double>::infinity();
    o.inter_token_latency = milliseconds(50.0);
    for (const mapping::Mode mode : {mapping::Mode::serving, mapping::Mode::training}) {
        for (const mapping::RecordView view : {mapping::RecordView::csv, mapping::RecordView::table}) {
            std::vector<mapping::RecordCell> cells;
            mapping::option_record_cells(o, mode, view, cells);
            const auto keys = mapping::option_record_keys(view);
            const auto record = mapping::option_record(o, mode, view);
            REQUIRE(cells.size() == keys.size());
            for (std::size_t i = 0; i < keys.size(); ++i) {
                CAPTURE(keys[i]);
                const auto& v = record.at(keys[i]);
                if (cells[i].kind != mapping::RecordCell::Kind::real) {
                    CHECK(mapping::cell_json(cells[i]) == v);
                    continue;
                }
                REQUIRE(v.is_number_float());
                const double x = v.get<double>();
                CHECK(((std::isnan(x) && std::isnan(cells[i].real)) || x == cells[i].real));
            }
        }
    }
    std::vector<mapping::RecordCell> cells;
    mapping::option_record_cells(o, mapping::Mode::serving, mapping::RecordView::csv, cells);
    const auto keys = mapping::option_record_keys(mapping::RecordView::csv);
    auto cell = [&](const std::string& key) {
        return cells[static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin())];
    };
    // By hand: 2 J per token; an output token every 50 ms is 20 tokens/s for its user.
    CHECK(cell("option").text == "by_hand");
    CHECK(cell("j_per_token").real == 2.0);
    CHECK(std::isnan(cell("tokens_per_s").real));
    CHECK(cell("saving_vs_baseline_pct").real == -std::numeric_limits<double>::infinity());
    CHECK(cell("tokens_per_s_per_user").real == doctest::Approx(20.0).epsilon(1e-12));
    CHECK(cell("offload_enob").kind == mapping::RecordCell::Kind::null);  // nothing emulated
}

TEST_CASE("a Monte Carlo sweep file: [monte_carlo] draws and seed, no axes beside, errors at their line") {
    const std::string header = header_for("default.toml");
    const SweepFile s = sweep_of(header + "[monte_carlo]\ndraws = 50\nseed = 7\n");
    REQUIRE(s.monte_carlo);
    CHECK(s.monte_carlo->draws == 50);
    CHECK(s.monte_carlo->seed == 7);
    CHECK(s.space.axes.empty());
    CHECK(s.space.point_count() == 50);
    auto error = [](const std::string& text) { return input_error_of([&] { (void)sweep_of(text); }, text); };
    auto d = error(header + "[monte_carlo]\ndraws = 0\nseed = 7\n");
    CHECK(d.file == "sweep.toml");
    CHECK(d.line == 3);
    CHECK(d.key == "monte_carlo.draws");
    d = error(header + "[monte_carlo]\ndraws = 1000001\nseed = 7\n");
    CHECK(d.key == "monte_carlo.draws");
    d = error(header + "[monte_carlo]\ndraws = 10\n");
    CHECK(d.key == "monte_carlo.seed");
    d = error(header + "[monte_carlo]\ndraws = 10\nseed = 7\ndraw = 3\n");
    CHECK(d.line == 5);
    CHECK(d.key == "monte_carlo.draw");
    d = error(header + "[monte_carlo]\ndraws = 10\nseed = 7\n[axes.b]\nkey = \"workload.batch\"\nvalues = [1]\n");
    CHECK(d.key == "axes");
    CHECK(d.problem == "axes beside [monte_carlo]");
    d = error(header + "samples = 4\n[monte_carlo]\ndraws = 10\nseed = 7\n");
    CHECK(d.key == "samples");
    CHECK(d.line == 2);
    d = error(header + "[axes]\n");
    CHECK(d.allowed.find("[monte_carlo]") != std::string::npos);
}

TEST_CASE("a Monte Carlo sweep's rows are estimate --monte-carlo's draws: drawn figures and medians equal") {
    // 300 draws, seed 11, in chunks of 128 points on 2 threads: the chunks' rows, read back, give
    // each option's J/token and saving medians and 5-95 % ends exactly as study::monte_carlo does
    // on the same scenario and seed (both are quantile_of_sorted over the same doubles).
    constexpr std::size_t kDraws = 300;
    const SweepFile s = sweep_of(header_for("default.toml") + "[monte_carlo]\ndraws = 300\nseed = 11\n");
    const PointEvaluator e(s, testing::default_scenario().catalogs, LIGHTWATT_TEST_DATA_DIR);
    const MonteCarloResult mc =
        monte_carlo(testing::default_scenario().scenario, testing::default_scenario().inputs, kDraws, 11, 1);
    const std::size_t nf = mc.figures.size(), no = mc.options.size();
    REQUIRE(e.drawn_figures().size() == nf);
    const std::vector<std::string> columns = e.columns();
    for (std::size_t f = 0; f < nf; ++f) CHECK(columns[f] == mc.figures[f].path);
    CHECK(columns[nf] == "option");

    const auto csv = csv_lines(point_rows(e, 0, 128, RowFormat::csv, 2) + point_rows(e, 128, 128, RowFormat::csv, 2) +
                               point_rows(e, 256, kDraws - 256, RowFormat::csv, 1));
    std::vector<std::vector<std::string>> rows;
    for (const auto& line : csv)
        if (line.front() != columns.front()) rows.push_back(line);  // the chunks' headers left out
    REQUIRE(rows.size() == kDraws * no);
    const auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(columns.begin(), columns.end(), name) - columns.begin());
    };
    const std::size_t j = column("j_per_token"), saving = column("saving_vs_baseline_pct");
    for (std::size_t o = 0; o < no; ++o) {
        CAPTURE(mc.options[o].option);
        std::vector<double> jo, so;
        for (std::size_t d = 0; d < kDraws; ++d) {
            const auto& row = rows[d * no + o];
            CHECK(row[nf] == mc.options[o].option);
            CHECK(row[column("feasible")] == "true");
            jo.push_back(std::strtod(row[j].c_str(), nullptr));
            so.push_back(std::strtod(row[saving].c_str(), nullptr));
            if (o == 0)
                for (std::size_t f = 0; f < nf; ++f)
                    CHECK(std::strtod(row[f].c_str(), nullptr) == mc.drawn[d * nf + f]);
        }
        std::sort(jo.begin(), jo.end());
        std::sort(so.begin(), so.end());
        CHECK(quantile_of_sorted(jo, 0.5) == mc.options[o].j_per_token.median);
        CHECK(quantile_of_sorted(jo, 0.05) == mc.options[o].j_per_token.p05);
        CHECK(quantile_of_sorted(jo, 0.95) == mc.options[o].j_per_token.p95);
        CHECK(quantile_of_sorted(so, 0.5) == mc.options[o].saving_vs_baseline_pct.median);
    }
    // The draws spread: the host power per node takes many values within its published range.
    std::vector<double> host;
    for (std::size_t d = 0; d < kDraws; ++d) host.push_back(std::strtod(rows[d * no][0].c_str(), nullptr));
    CHECK(*std::min_element(host.begin(), host.end()) >= mc.figures[0].low);
    CHECK(*std::max_element(host.begin(), host.end()) <= mc.figures[0].high);
    CHECK(*std::min_element(host.begin(), host.end()) < *std::max_element(host.begin(), host.end()));
}
