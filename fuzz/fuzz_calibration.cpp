// Fuzzes the calibration loader: any bytes must give a record or an InputError, never a crash,
// hang, sanitizer report or another exception; a record that loads must render again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lightwatt/core/error.hpp"
#include "lightwatt/interconnect/calibration_record.hpp"

using namespace lightwatt;
using namespace lightwatt::interconnect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto record = read_calibration(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
        (void)calibration_json(record).dump();
    } catch (const InputError&) {
    }
    return 0;
}
