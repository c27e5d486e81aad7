// `lightwatt measure gemm|memory|nccl|all [options]`: runs lightwatt-measure (gpu/) when it is
// built, passing the arguments on; otherwise exit code 3, saying how to build it.
#pragma once

#include <string>
#include <vector>

namespace lightwatt::cli {

// Replaces this process with lightwatt-measure; returns only by throwing ResourceMissing.
[[noreturn]] void run_measure(const std::vector<std::string>& arguments);

}  // namespace lightwatt::cli
