#include "lightwatt/core/error.hpp"

namespace lightwatt {

std::string format_input_error(const InputErrorDetails& d) {
    std::string out;
    if (!d.file.empty()) {
        out += d.file;
        if (d.line > 0) out += ":" + std::to_string(d.line);
        out += ": ";
    }
    if (!d.key.empty()) {
        out += d.key;
        if (!d.value.empty()) out += " = " + d.value;
        out += ": ";
    } else if (!d.value.empty()) {
        out += "'" + d.value + "': ";
    }
    out += d.problem;
    if (!d.allowed.empty()) out += ". Allowed: " + d.allowed;
    out += ".";
    return out;
}

InputError::InputError(InputErrorDetails details)
    : std::runtime_error(format_input_error(details)), details_(std::move(details)) {}

}  // namespace lightwatt
