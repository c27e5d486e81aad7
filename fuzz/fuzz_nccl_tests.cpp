// Fuzzes `lightwatt calibrate nccl-tests LOG`: any bytes must give runs or an InputError, never a
// crash, hang, sanitizer report or another exception; every run that parses must check, fit (or
// refuse with an InputError) and render as a calibration record.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lightwatt/core/error.hpp"
#include "lightwatt/interconnect/calibration_record.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto runs = parse_nccl_tests(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.log",
                                           Collective::all_reduce);
        CalibrationRecord record;
        for (const auto& run : runs) {
            (void)check_run(run);
            try {
                record.collectives.push_back(collective_record(run, bytes(1073741824.0), "fuzz"));
            } catch (const InputError&) {
            }
        }
        (void)calibration_json(record).dump();
    } catch (const InputError&) {
    }
    return 0;
}
