#include "lightwatt/core/error.hpp"

#include <cstdio>

#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt {

std::string format_input_error(const InputErrorDetails& d) {
    // Every part may carry input text: escaped, and the value cut to a short prefix, so that a
    // message never dumps a whole file or drives the terminal.
    // Appends one piece at a time (GCC 12 warns falsely about `"literal" + std::string` at -O3).
    std::string out;
    if (!d.file.empty()) {
        out.append(escape_text(d.file));
        if (d.line > 0) out.append(":").append(std::to_string(d.line));
        out.append(": ");
    }
    const std::string value = escaped_prefix(d.value, kQuotedValueChars);
    if (!d.key.empty()) {
        out.append(escaped_prefix(d.key, kQuotedValueChars));
        if (!value.empty()) out.append(" = ").append(value);
        out.append(": ");
    } else if (!value.empty()) {
        out.append("'").append(value).append("': ");
    }
    out.append(escape_text(d.problem));
    if (!d.allowed.empty()) out.append(". Allowed: ").append(escape_text(d.allowed));
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

InputError at_reference(const InputError& e, const InputLocation& at, const std::string& written) {
    const InputErrorDetails& d = e.details();
    if (at.file.empty() || d.line > 0) return e;
    return InputError({at.file, at.line, at.key, "\"" + written + "\"", d.file + ": " + d.problem, d.allowed});
}

}  // namespace lightwatt
