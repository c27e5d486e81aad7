// Errors the command line maps to exit codes (DESIGN.md, "Exit codes").
//
// InputError (exit 2): the user gave something wrong. It names where (file, line), what (the key
// path), the value given and what is allowed, so the message tells the user what to fix.
// ResourceMissing (exit 3): something needed is absent at run time (a GPU, a helper program).
#pragma once

#include <stdexcept>
#include <string>

namespace lightwatt {

struct InputErrorDetails {
    std::string file;       // path of the input file; empty for command-line input
    int line = 0;           // 1-based line in `file`; 0 when unknown
    std::string key;        // dotted key path, e.g. "links.lpo_800g.optics.reach_m"
    std::string value;      // the value given, as the user wrote it (or a rendering of it)
    std::string problem;    // what is wrong with it
    std::string allowed;    // what would be accepted
};

class InputError : public std::runtime_error {
public:
    explicit InputError(InputErrorDetails details);
    [[nodiscard]] const InputErrorDetails& details() const { return details_; }

private:
    InputErrorDetails details_;
};

class ResourceMissing : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One readable paragraph: "FILE:LINE: KEY = VALUE: PROBLEM. Allowed: ALLOWED."
std::string format_input_error(const InputErrorDetails& d);

// A number as a person would write it in a message: up to 6 significant digits, no trailing zeros.
std::string format_number(double v);

}  // namespace lightwatt
