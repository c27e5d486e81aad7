#include "lightwatt/core/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include <unistd.h>

#include "lightwatt/core/error.hpp"

namespace lightwatt {

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path target = path.has_parent_path() ? path : fs::path(".") / path;
    std::error_code ec;
    if (fs::is_directory(target, ec)) {
        throw InputError({path.string(), 0, "-o", path.string(), "is a directory", "a file path"});
    }
    if (!fs::is_directory(target.parent_path(), ec)) {
        throw InputError({path.string(), 0, "-o", path.string(), "the folder does not exist",
                          "a path in an existing, writable folder"});
    }
    const fs::path temporary = target.parent_path() /
        ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw InputError({path.string(), 0, "-o", path.string(),
                              std::string("cannot write: ") + std::strerror(errno),
                              "a path in an existing, writable folder"});
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
            out.close();
            fs::remove(temporary, ec);
            throw InputError({path.string(), 0, "-o", path.string(), "write failed (disk full?)",
                              "a path with room to write"});
        }
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw InputError({path.string(), 0, "-o", path.string(), "cannot replace file: " + ec.message(),
                          "a path in an existing, writable folder"});
    }
}

}  // namespace lightwatt
