// Fuzzes the parsing and validation of devices.toml, electronics.toml, converters.toml and
// llms.toml (every parsed model then evaluated on a small serving step), measured serving runs
// (data/validation/), and the CSV matrix
// reader, with the same inputs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/mapping/serving_time.hpp"
#include "lightwatt/mapping/system_energy.hpp"
#include "lightwatt/mapping/workload.hpp"
#include "lightwatt/photonics/converter.hpp"
#include "lightwatt/photonics/csv_matrix.hpp"

using namespace lightwatt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto doc =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "devices.toml");
        (void)photonics::read_device_catalog(doc.root());
    } catch (const InputError&) {
    }
    try {
        const auto doc =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "electronics.toml");
        (void)interconnect::read_electronics_catalog(doc.root());
    } catch (const InputError&) {
    }
    try {
        const auto doc =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "converters.toml");
        (void)photonics::read_converter_catalog(doc.root());
    } catch (const InputError&) {
    }
    try {
        const auto doc =
            TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size), "llms.toml");
        for (const mapping::LlmSpec& m : mapping::read_llm_catalog(doc.root())) {
            const mapping::Parallelism p{1, 1, 1, 8};
            const mapping::ServingPoint s{2, 16, 8, 2.0, 2.0, 2.0};
            mapping::validate(m, p, s);
            (void)mapping::decode_step(m, p, s).gemm_flops();
            (void)mapping::prefill_step(m, p, s).gemm_flops();
        }
    } catch (const InputError&) {
    }
    try {
        const auto doc = TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size),
                                                    "ml-energy-h100.toml");
        (void)mapping::read_serving_measurements(doc.root());
    } catch (const InputError&) {
    }
    try {
        const auto doc = TomlDocument::parse_string(std::string_view(reinterpret_cast<const char*>(data), size),
                                                    "systems-and-options.toml");
        (void)mapping::read_system_catalog(doc.root(), doc.root());
    } catch (const InputError&) {
    }
    try {
        (void)photonics::parse_csv_matrix(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    } catch (const InputError&) {
    }
    return 0;
}
