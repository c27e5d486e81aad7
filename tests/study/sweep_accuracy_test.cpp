// The offloaded GEMMs' accuracy in sweep rows (study/offload_accuracy_cache.hpp): the least
// accurate GEMM's figures in a photonic option's row, empty in the others'; emulated once per
// distinct core settings and sampled shapes, counted; the same rows on any thread count.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "lightwatt/study/sweep_run.hpp"
#include "default_scenario.hpp"
#include "sweep_rows_text.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::jsonl_rows;
using lightwatt::testing::read_all;

namespace {

namespace fs = std::filesystem;

const mapping::Catalogs& default_catalogs() { return lightwatt::testing::default_scenario().catalogs; }

// The default scenario compares baseline, lpo, cpo, cpo_optical_io_scale_up and
// photonic_ffn_offload; only the last offloads (gate_up and down on the dot_product_engine core).
const std::string kAccuracyHeader =
    "scenario = \"" LIGHTWATT_TEST_DATA_DIR "/scenarios/default.toml\"\noffload_accuracy = true\n";
constexpr std::size_t kPhotonic = 4;  // photonic_ffn_offload's place among the options
const std::string kAdc = "[axes.adc]\nkey = \"catalog.cores.dot_product_engine.adc_bits\"\nvalues = [4, 8]\n";
// Batches 64 and 128 sample the same 64 token rows (offload_samples caps the rows at 64), so
// the shapes, and the emulation, are the same.
const std::string kBatch = "[axes.batch]\nkey = \"workload.batch\"\nvalues = [64, 128]\n";

// Llama 3.1 8B in place of 405B: the same GEMMs with k = 4096 and 1792 in place of 16384 and
// 6656 at tp 8, a quarter of the emulation's work (the counts below do not depend on the model).
const std::string kSmallModel = "[axes.model]\nkey = \"workload.model\"\nvalues = [\"llama_3_1_8b\"]\n";

using testing::sweep_of;

}  // namespace

TEST_CASE("a photonic option's row carries its least accurate offloaded GEMM; the others' cells are empty") {
    const SweepFile s = sweep_of(kAccuracyHeader + kSmallModel + kBatch);
    const PointEvaluator e(s, default_catalogs(), LIGHTWATT_TEST_DATA_DIR);
    const std::vector<nlohmann::json> r = jsonl_rows(e, 1);
    const SweepFile off = sweep_of("scenario = \"" LIGHTWATT_TEST_DATA_DIR "/scenarios/default.toml\"\n" + kBatch);
    const PointEvaluator without(off, default_catalogs(), LIGHTWATT_TEST_DATA_DIR);
    CHECK(jsonl_rows(without, 1)[kPhotonic]["offload_enob"].is_null());  // not asked: not emulated
    CHECK(without.offload_accuracy_cache().emulations() == 0);
    REQUIRE(r.size() == 5);
    // The estimate's own emulation at the point (the default scenario on 8B, batch 64): each
    // GEMM's figures, as `lightwatt estimate --json` prints them.
    mapping::Scenario point = e.base();
    point.model = "llama_3_1_8b";
    const auto inputs = mapping::load_estimate_inputs(point, default_catalogs(), LIGHTWATT_TEST_DATA_DIR, std::nullopt);
    const auto& gemms = inputs.offload_accuracy.at("photonic_ffn_offload");
    REQUIRE(gemms.size() == 2);
    const double snr = std::min(gemms[0].snr_db, gemms[1].snr_db);
    const double enob = std::min(gemms[0].enob, gemms[1].enob);
    const double error = std::max(gemms[0].rel_rms_error, gemms[1].rel_rms_error);
    CHECK(r[kPhotonic]["option"] == "photonic_ffn_offload");
    CHECK(r[kPhotonic]["offload_snr_db"].get<double>() == snr);
    CHECK(r[kPhotonic]["offload_enob"].get<double>() == enob);
    CHECK(r[kPhotonic]["offload_rel_rms_error"].get<double>() == error);
    for (std::size_t i = 0; i < kPhotonic; ++i) {
        CHECK(r[i]["offload_snr_db"].is_null());
        CHECK(r[i]["offload_enob"].is_null());
        CHECK(r[i]["offload_rel_rms_error"].is_null());
    }
}

TEST_CASE("a photonic-core figure re-emulates once per value; other axes that keep the shapes do not") {
    SUBCASE("the core's ADC bits x batch: one emulation per ADC value") {
        const SweepFile s = sweep_of(kAccuracyHeader + kSmallModel + kAdc + kBatch);
        const PointEvaluator e(s, default_catalogs(), LIGHTWATT_TEST_DATA_DIR);
        const std::vector<nlohmann::json> r = jsonl_rows(e, 4);
        CHECK(e.offload_accuracy_cache().emulations() == 2);
        CHECK(e.offload_accuracy_cache().hits() == 2);
        // A 4-bit ADC over +-4 RMS steps by RMS/2: its quantisation noise, RMS/(2 sqrt 12) = RMS/6.9,
        // is -16.8 dB, below the 8-bit core's noise-limited SNR (about 18 dB), so fewer bits lose
        // SNR and effective bits.
        const auto& four = r[kPhotonic];
        const auto& eight = r[2 * 5 + kPhotonic];
        CHECK(four["adc"] == 4);
        CHECK(eight["adc"] == 8);
        CHECK(four["offload_enob"].get<double>() < eight["offload_enob"].get<double>());
        CHECK(four["offload_snr_db"].get<double>() < eight["offload_snr_db"].get<double>());
        CHECK(four["offload_rel_rms_error"].get<double>() > eight["offload_rel_rms_error"].get<double>());
        // The batch does not change what is sampled.
        CHECK(r[5 + kPhotonic]["offload_enob"] == four["offload_enob"]);
    }
    SUBCASE("a figure the core does not read (the system's PUE) x batch: one emulation") {
        const SweepFile s =
            sweep_of(kAccuracyHeader + kSmallModel +
                     "[axes.pue]\nkey = \"catalog.systems.dgx_h100.pue\"\nvalues = [1.2, 1.4]\n" + kBatch);
        const PointEvaluator e(s, default_catalogs(), LIGHTWATT_TEST_DATA_DIR);
        (void)jsonl_rows(e, 4);
        CHECK(e.offload_accuracy_cache().emulations() == 1);
        CHECK(e.offload_accuracy_cache().hits() == 3);
    }
    SUBCASE("a batch below 64 changes the sampled shapes: one token row per request") {
        const SweepFile s =
            sweep_of(kAccuracyHeader + kSmallModel + "[axes.batch]\nkey = \"workload.batch\"\nvalues = [16, 32]\n");
        const PointEvaluator e(s, default_catalogs(), LIGHTWATT_TEST_DATA_DIR);
        (void)jsonl_rows(e, 2);
        CHECK(e.offload_accuracy_cache().emulations() == 2);
    }
}

TEST_CASE("the accuracy columns are the same bytes on 1 and 2 threads, emulated once per key on either") {
    // 66 points in blocks of 64 and 2, one per thread; the ADC value alternates within each block,
    // so both threads ask for both keys, at times together.
    const SweepFile s =
        sweep_of(kAccuracyHeader + kSmallModel +
                 "[axes.batch]\nkey = \"workload.batch\"\nlinear = { from = 64, to = 96, count = 33 }\n" + kAdc);
    std::string rows[2];
    for (const int threads : {1, 2}) {
        const PointEvaluator e(s, default_catalogs(), LIGHTWATT_TEST_DATA_DIR);
        SweepRunOptions o;
        o.out_dir = fs::temp_directory_path() / ("lightwatt-sweep-accuracy-" + std::to_string(threads));
        fs::remove_all(o.out_dir);
        o.threads = threads;
        (void)run_sweep(e, LIGHTWATT_TEST_DATA_DIR, o);
        rows[threads - 1] = read_all(o.out_dir / chunk_file_name(0, RowFormat::csv));
        CHECK(e.offload_accuracy_cache().emulations() == 2);
    }
    CHECK(rows[0].find("offload_enob") != std::string::npos);
    CHECK(rows[0] == rows[1]);
}
