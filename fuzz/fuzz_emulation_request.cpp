// Fuzzes `lightwatt emulate FILE`: request parsing and validation, then a small emulation and its
// report for any request that parses (sizes capped so each input stays fast).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lightwatt/photonics/emulation.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto catalog = load_photonic_core_catalog(LIGHTWATT_FUZZ_DATA_DIR);
    try {
        const auto doc =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
        EmulationRequest req = read_emulation_request(doc.root(), catalog);
        // The working-set check on the request's own sizes, as the CLI makes it before allocating:
        // huge sizes and padded tiles must be refused, not attempted.
        check_emulation_size(req.m, req.k, req.n, req.core.emulator);
        // Few rows and columns keep each input fast; the inner size and the tiles stay as asked
        // where the bound says the run fits in kFuzzEmulationBytes (and it is at most kFuzzMacs), so an emulator that
        // allocates more than its bound admits (one padded tile per tile was the defect) exceeds libFuzzer's memory
        // limit and is reported.
        req.m = std::min<long long>(req.m, 8);
        req.n = std::min<long long>(req.n, 8);
        req.core.emulator.threads = 1;
        constexpr double kFuzzEmulationBytes = 64.0 * 1024;
        constexpr long long kFuzzMacs = 1 << 16;
        if (emulation_working_set_bytes(req.m, req.k, req.n, req.core.emulator) > kFuzzEmulationBytes ||
            req.m * req.k * req.n > kFuzzMacs) {
            req.k = std::min<long long>(req.k, 8);
            req.core.emulator.tile_rows = std::min(req.core.emulator.tile_rows, 8);
            req.core.emulator.tile_cols = std::min(req.core.emulator.tile_cols, 8);
        }
        const auto w = random_matrix(req.m, req.k, req.core.emulator.seed, kWeightsStream);
        const auto x = random_matrix(req.k, req.n, req.core.emulator.seed, kInputsStream);
        EmulationReport report;
        report.result = emulate_gemm(w, x, req.core.emulator);
        const auto params = energy_parameters(req.core, static_cast<double>(req.n));
        if (req.target_enob) report.inverse = laser_power_for_enob(report.result, req.core, *req.target_enob);
        report.energy.typical = report.energy.low = report.energy.high = mac_energy(params);
        report.macs_per_s = macs_per_second(params);
        report.request = std::move(req);
        (void)emulation_json(report).dump();
    } catch (const InputError&) {
    }
    return 0;
}
