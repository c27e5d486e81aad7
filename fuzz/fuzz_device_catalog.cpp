// Fuzzes devices.toml parsing and validation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lightwatt/photonics/device_catalog.hpp"

using namespace lightwatt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto doc = TomlDocument::parse_string(
            std::string_view(reinterpret_cast<const char*>(data), size), "devices.toml");
        (void)photonics::read_device_catalog(doc.root());
    } catch (const InputError&) {
    }
    return 0;
}
