// Fuzzes the parsing and validation of devices.toml, electronics.toml and converters.toml, and the
// CSV matrix reader, with the same inputs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/photonics/converter.hpp"
#include "lightwatt/photonics/csv_matrix.hpp"

using namespace lightwatt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto doc = TomlDocument::parse_string(
            std::string_view(reinterpret_cast<const char*>(data), size), "devices.toml");
        (void)photonics::read_device_catalog(doc.root());
    } catch (const InputError&) {
    }
    try {
        const auto doc = TomlDocument::parse_string(
            std::string_view(reinterpret_cast<const char*>(data), size), "electronics.toml");
        (void)interconnect::read_electronics_catalog(doc.root());
    } catch (const InputError&) {
    }
    try {
        const auto doc = TomlDocument::parse_string(
            std::string_view(reinterpret_cast<const char*>(data), size), "converters.toml");
        (void)photonics::read_converter_catalog(doc.root());
    } catch (const InputError&) {
    }
    try {
        (void)photonics::parse_csv_matrix(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    } catch (const InputError&) {
    }
    return 0;
}
