// `lightwatt emulate [FILE.toml] [flags]`: a GEMM through a photonic core, its accuracy and energy.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "lightwatt/photonics/photonic_core.hpp"
#include "output.hpp"

namespace lightwatt::cli {

struct EmulateOptions {
    std::optional<std::string> file;
    std::optional<std::string> arch;
    std::optional<long long> m, n, k;
    std::optional<double> target_enob;
    std::optional<long long> seed;
    std::optional<std::string> device;  // "cpu" or "cuda" (photonics::EmulatorDevice)
    photonics::CoreOverrides overrides;
};

void emulate(const std::filesystem::path& data_dir, const EmulateOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
