// Fuzzes links.toml against the shipped device and circuit catalogs, then evaluates and renders
// every link that loads: the whole path of `lightwatt link compare --json`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/interconnect/link_json.hpp"

using namespace lightwatt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto devices = TomlDocument::parse_file(std::string(LIGHTWATT_FUZZ_DATA_DIR) + "/devices.toml");
    static const auto electronics =
        TomlDocument::parse_file(std::string(LIGHTWATT_FUZZ_DATA_DIR) + "/electronics.toml");
    try {
        const auto links =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "links.toml");
        const auto catalog = interconnect::read_link_catalog(devices.root(), electronics.root(), links.root());
        for (const auto& a : catalog.links())
            (void)interconnect::link_report_json(interconnect::evaluate(a), catalog).dump();
    } catch (const InputError&) {
    }
    return 0;
}
