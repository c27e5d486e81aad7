#include "lightwatt/core/data_dir.hpp"

#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include "lightwatt/core/error.hpp"

namespace lightwatt {

namespace {

// A data directory is recognised by its link catalog.
bool holds_catalogs(const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::is_regular_file(dir / "links.toml", ec);
}

std::filesystem::path executable_dir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

std::filesystem::path find_data_dir(const std::optional<std::filesystem::path>& explicit_dir) {
    if (explicit_dir) {
        if (!holds_catalogs(*explicit_dir))
            throw InputError::at("data_dir", explicit_dir->string(), "no links.toml catalog in that folder",
                                 "a folder holding lightwatt's data/ catalogs");
        return *explicit_dir;
    }
    if (const char* env = std::getenv("LIGHTWATT_DATA"); env != nullptr && *env != '\0') {
        const std::filesystem::path dir(env);
        if (!holds_catalogs(dir))
            throw InputError::at("LIGHTWATT_DATA", dir.string(), "no links.toml catalog in that folder",
                                 "a folder holding lightwatt's data/ catalogs");
        return dir;
    }
    const auto exe = executable_dir();
    std::vector<std::filesystem::path> candidates;
    if (!exe.empty()) candidates.push_back(exe / "../share/lightwatt");  // install prefix
#ifdef LIGHTWATT_SOURCE_DATA_DIR
    candidates.emplace_back(LIGHTWATT_SOURCE_DATA_DIR);  // build tree: the source checkout's data/
#endif
    for (const auto& c : candidates) {
        if (holds_catalogs(c)) return std::filesystem::weakly_canonical(c);
    }
    throw ResourceMissing(
        "lightwatt's data catalogs were not found: pass --data-dir DIR or set LIGHTWATT_DATA to the "
        "repository's data/ folder");
}

}  // namespace lightwatt
