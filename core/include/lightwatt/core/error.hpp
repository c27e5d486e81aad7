// Errors the command line maps to exit codes (docs/contract.md, "Exit codes"), and the one
// vocabulary every module builds its input errors with (docs/architecture.md, "Errors and the
// validation boundary").
//
// InputError (exit 2): the user gave something wrong. It names where (file, line), what (the key
// path), the value given and what is allowed, so the message tells the user what to fix.
// ResourceMissing (exit 3): something needed is absent at run time (a GPU, a helper program).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lightwatt {

struct InputErrorDetails {
    std::string file;     // path of the input file; empty for command-line input
    int line = 0;         // 1-based line in `file`; 0 when unknown
    std::string key;      // dotted key path, e.g. "links.lpo_800g.optics.reach_m"
    std::string value;    // the value given, as the user wrote it (or a rendering of it)
    std::string problem;  // what is wrong with it
    std::string allowed;  // what would be accepted
};

class InputError : public std::runtime_error {
public:
    explicit InputError(InputErrorDetails details);

    // "KEY = VALUE: PROBLEM. Allowed: ALLOWED." with no file or line: a library's own key (a
    // parameter or field name); whoever read it from a file places it there with relocate().
    [[nodiscard]] static InputError at(std::string key, std::string value, std::string problem, std::string allowed);

    // The name `given` at `key` is none of `known`: the value is "given", quoted; the problem is
    // `what` ("unknown link") with the one hint of every message, ` (did you mean "NAME"?)`, when
    // a known name is close (closest_match's rule); allowed lists the known names.
    [[nodiscard]] static InputError unknown(std::string key, std::string_view given,
                                            const std::vector<std::string>& known, std::string_view what);
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

// The hint of InputError::unknown alone, for messages whose value is not the unknown name (an
// unknown key keeps the value written after it): ` (did you mean "NAME"?)` or "".
std::string did_you_mean(std::string_view given, const std::vector<std::string>& known);

// `e` placed where its input was read: at FILE:LINE, its key under `key_prefix` ("deployment" and
// "tp" make "deployment.tp"; an empty prefix keeps the key). An error that already names a file
// was placed by a reader closer to the input and is returned unchanged. file "" and line 0 only
// re-key, as a validator called under a context ("calibration.RUN") does.
InputError relocate(const InputError& e, const std::string& file, int line, std::string_view key_prefix);

// `e` with the key `from` spelled `to`: how a front end names a library's key to its user (the
// command line's "--arch" for "architecture"); any other error unchanged.
InputError rename_key(const InputError& e, std::string_view from, std::string_view to);

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
