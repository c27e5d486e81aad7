// Errors the command line maps to exit codes (docs/contract.md, "Exit codes").
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

// An output could not be written (disk full, stdout closed, a folder gone at commit): exit 3.
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ResourceMissing : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Where an input file names another file (a CSV, a calibration profile): errors about the named
// file as a whole are reported here, so the user sees which file, line and key referenced it.
struct InputLocation {
    std::string file;
    int line = 0;
    std::string key;
};

// `e` re-located at the reference `at` (whose key was written `written`) when `e` concerns the
// referenced file as a whole (no line in it); otherwise `e` unchanged.
InputError at_reference(const InputError& e, const InputLocation& at, const std::string& written);

// Runs load(); an InputError about the referenced file as a whole is re-located at `at`.
template <class Load>
auto load_referenced(const InputLocation& at, const std::string& written, Load&& load) {
    try {
        return load();
    } catch (const InputError& e) {
        throw at_reference(e, at, written);
    }
}

// Longest prefix of a value (and of a key) that a message quotes.
inline constexpr std::size_t kQuotedValueChars = 64;

// One readable paragraph: "FILE:LINE: KEY = VALUE: PROBLEM. Allowed: ALLOWED."
std::string format_input_error(const InputErrorDetails& d);

// A number as a person would write it in a message: up to 6 significant digits, no trailing zeros.
std::string format_number(double v);

}  // namespace lightwatt
