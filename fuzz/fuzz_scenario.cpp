// Fuzzes `lightwatt estimate SCENARIO`: any bytes read as a scenario against the shipped catalogs
// must give an estimate or an InputError, never a crash, hang, sanitizer report or another
// exception. The calibration and the fitted serving terms are loaded once from data/ (without the
// offload accuracy emulations, which take seconds under the sanitizers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lightwatt/core/error.hpp"
#include "lightwatt/mapping/scenario.hpp"

using namespace lightwatt;
using namespace lightwatt::mapping;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Catalogs catalogs = load_catalogs(LIGHTWATT_FUZZ_DATA_DIR);
    static const Scenario base =
        load_scenario(std::string(LIGHTWATT_FUZZ_DATA_DIR) + "/scenarios/default.toml", catalogs);
    static const EstimateInputs inputs =
        load_estimate_inputs(base, catalogs, LIGHTWATT_FUZZ_DATA_DIR, std::nullopt, false);
    try {
        const auto doc =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
        const Scenario s = read_scenario(doc.root(), catalogs);
        // The fuzzed scenario's own calibration paths are not opened; the loaded inputs stand in.
        EstimateInputs in = inputs;
        (void)estimate(s, in);
    } catch (const InputError&) {
    }
    return 0;
}
