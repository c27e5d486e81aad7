// The input errors of mapping's validators: a key under a context ("workload", "deployment", a
// run's name), without a file; callers that read a file re-locate them at its line.
#pragma once

#include <string>

#include "lightwatt/core/error.hpp"

namespace lightwatt::mapping {

inline InputError input_error_at(const std::string& context, const std::string& key, const std::string& value,
                                 const std::string& problem, const std::string& allowed) {
    return InputError({"", 0, context.empty() ? key : context + "." + key, value, problem, allowed});
}

}  // namespace lightwatt::mapping
