// Third-party data beside the checkout ($LIGHTWATT_SHARED_DATA, default ../shared/data; see
// docs/contract.md): tests that read it skip visibly, with a message, when it is absent.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace lightwatt::testing {

// The shared file at `relative` (e.g. "nccl-tests/h100-1node-8gpu.log"), or empty after a
// "SKIPPED: ..." message when it is not there.
inline std::optional<std::string> shared_data_file(const std::string& relative) {
    const char* root = std::getenv("LIGHTWATT_SHARED_DATA");
    const std::filesystem::path p = std::filesystem::path(root != nullptr ? root : "../shared/data") / relative;
    if (std::filesystem::exists(p)) return p.string();
    MESSAGE("SKIPPED: " << p.string()
                        << " is absent (third-party data beside the checkout, $LIGHTWATT_SHARED_DATA; see "
                           "docs/contract.md)");
    return std::nullopt;
}

}  // namespace lightwatt::testing
