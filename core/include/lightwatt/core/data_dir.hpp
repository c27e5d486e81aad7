// Where the catalogs in data/ are found (docs/contract.md, "Data"): --data-dir, then the environment
// variable LIGHTWATT_DATA, then relative to the executable (build tree or install prefix
// share/lightwatt).
#pragma once

#include <filesystem>
#include <optional>

namespace lightwatt {

// `explicit_dir` is the --data-dir value when given. Throws InputError when a directory that
// was asked for explicitly does not hold catalogs, and ResourceMissing when none is found.
std::filesystem::path find_data_dir(const std::optional<std::filesystem::path>& explicit_dir);

}  // namespace lightwatt
