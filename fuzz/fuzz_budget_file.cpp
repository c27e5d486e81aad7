// Fuzzes `lightwatt link budget FILE`: any bytes must give a result or an InputError, never a
// crash, hang, sanitizer report or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lightwatt/interconnect/budget_file.hpp"

using namespace lightwatt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto catalog = interconnect::load_link_catalog(LIGHTWATT_FUZZ_DATA_DIR);
    try {
        const auto doc =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
        const auto study = interconnect::read_budget_study(doc.root(), catalog);
        (void)interconnect::budget_study_json(study).dump();
    } catch (const InputError&) {
    }
    return 0;
}
