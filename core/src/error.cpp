#include "lightwatt/core/error.hpp"

#include <cstdio>

namespace lightwatt {

std::string format_input_error(const InputErrorDetails& d) {
    // Appends one piece at a time (GCC 12 warns falsely about `"literal" + std::string` at -O3).
    std::string out;
    if (!d.file.empty()) {
        out.append(d.file);
        if (d.line > 0) out.append(":").append(std::to_string(d.line));
        out.append(": ");
    }
    if (!d.key.empty()) {
        out.append(d.key);
        if (!d.value.empty()) out.append(" = ").append(d.value);
        out.append(": ");
    } else if (!d.value.empty()) {
        out.append("'").append(d.value).append("': ");
    }
    out.append(d.problem);
    if (!d.allowed.empty()) out.append(". Allowed: ").append(d.allowed);
    out.append(".");
    return out;
}

std::string format_number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

InputError::InputError(InputErrorDetails details)
    : std::runtime_error(format_input_error(details)), details_(std::move(details)) {}

}  // namespace lightwatt
