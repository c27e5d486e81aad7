#include "measure_command.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "lightwatt/core/error.hpp"

namespace lightwatt::cli {

namespace {

std::filesystem::path find_measure() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    std::vector<fs::path> candidates;
    if (!ec) {
        candidates.push_back(self.parent_path() / "lightwatt-measure");                        // installed side by side
        candidates.push_back(self.parent_path().parent_path() / "gpu" / "lightwatt-measure");  // build tree
    }
    if (const char* path = std::getenv("PATH")) {
        std::stringstream in(path);
        for (std::string dir; std::getline(in, dir, ':');)
            if (!dir.empty()) candidates.push_back(fs::path(dir) / "lightwatt-measure");
    }
    for (const auto& c : candidates)
        if (fs::is_regular_file(c, ec) && access(c.c_str(), X_OK) == 0) return c;
    return {};
}

}  // namespace

void run_measure(const std::vector<std::string>& arguments) {
    const auto program = find_measure();
    if (program.empty())
        throw ResourceMissing(
            "lightwatt-measure is not built. It builds wherever the CUDA toolkit (nvcc, cuBLAS) and NCCL are present: "
            "re-run `make` on such a machine, or `cmake -S gpu -B build-gpu && cmake --build build-gpu` "
            "(docs/calibration.md)");
    std::vector<std::string> args{program.string()};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    throw ResourceMissing("cannot run " + program.string());
}

}  // namespace lightwatt::cli
