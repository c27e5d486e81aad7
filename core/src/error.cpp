#include "lightwatt/core/error.hpp"

#include <cstdio>

#include "lightwatt/core/closest_match.hpp"
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

InputError InputError::at(std::string key, std::string value, std::string problem, std::string allowed) {
    return InputError({"", 0, std::move(key), std::move(value), std::move(problem), std::move(allowed)});
}

std::string did_you_mean(std::string_view given, const std::vector<std::string>& known) {
    const std::string near = closest_match(given, known);
    if (near.empty()) return "";
    return " (did you mean \"" + near + "\"?)";
}

InputError InputError::unknown(std::string key, std::string_view given, const std::vector<std::string>& known,
                               std::string_view what) {
    return at(std::move(key), "\"" + std::string(given) + "\"", std::string(what) + did_you_mean(given, known),
              known.empty() ? "none defined" : join_alternatives(known));
}

InputError relocate(const InputError& e, const std::string& file, int line, std::string_view key_prefix) {
    InputErrorDetails d = e.details();
    if (!d.file.empty()) return e;
    d.file = file;
    d.line = line;
    if (!key_prefix.empty()) d.key = d.key.empty() ? std::string(key_prefix) : std::string(key_prefix) + "." + d.key;
    return InputError(std::move(d));
}

InputError rename_key(const InputError& e, std::string_view from, std::string_view to) {
    if (e.details().key != from) return e;
    InputErrorDetails d = e.details();
    d.key = to;
    return InputError(std::move(d));
}

InputError at_reference(const InputError& e, const InputLocation& at, const std::string& written) {
    const InputErrorDetails& d = e.details();
    // An error at a place in the referenced file (a line, or a key such as a JSON record's
    // "collectives[0].ranks") stays there; only one about the file as a whole moves.
    if (at.file.empty() || d.line > 0 || !d.key.empty()) return e;
    // The whole referenced file is at fault: the error moves to the key that names it.
    return relocate(InputError::at("", "\"" + written + "\"", d.file + ": " + d.problem, d.allowed), at.file, at.line,
                    at.key);
}

}  // namespace lightwatt
