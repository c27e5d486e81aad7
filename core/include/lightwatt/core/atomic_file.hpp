// Writing result files so that a failure never leaves a partial file (DESIGN.md, "-o FILE"):
// the content goes to a temporary file in the same folder, which is renamed over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace lightwatt {

// Throws InputError (naming the path) when the folder does not exist or is not writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace lightwatt
