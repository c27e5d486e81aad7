// Fuzzes `lightwatt sweep SWEEP.toml`: any bytes read as a sweep file, checked against the default
// scenario, and its first design points evaluated, must give rows or an InputError, never a crash,
// hang, sanitizer report or another exception. The base scenario is always the shipped default
// (a fuzzed path would read arbitrary files, which the scenario fuzzer covers as text).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lightwatt/core/error.hpp"
#include "lightwatt/study/sweep_rows.hpp"

using namespace lightwatt;
using namespace lightwatt::study;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const mapping::Catalogs catalogs = mapping::load_catalogs(LIGHTWATT_FUZZ_DATA_DIR);
    try {
        const std::string text(reinterpret_cast<const char*>(data), size);
        const auto doc = TomlDocument::parse_string(text, "fuzz.toml");
        SweepFile sweep = read_sweep_file(doc.root(), ".");
        sweep.scenario = std::string(LIGHTWATT_FUZZ_DATA_DIR) + "/scenarios/default.toml";
        const PointEvaluator evaluator(sweep, catalogs, LIGHTWATT_FUZZ_DATA_DIR);
        PointWorkspace w = evaluator.workspace();
        std::string rows;
        const std::size_t points = std::min<std::size_t>(sweep.space.point_count(), 4);
        for (std::size_t p = 0; p < points; ++p)
            evaluator.append_rows(p, p % 2 == 0 ? RowFormat::csv : RowFormat::jsonl, w, rows);
    } catch (const InputError&) {
    }
    return 0;
}
