// Output helpers shared by the verbs: where results go (stdout or -o FILE, written atomically)
// and small text-table formatting.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lightwatt/core/atomic_file.hpp"

namespace lightwatt::cli {

struct OutputOptions {
    bool json = false;
    std::string output_file;        // empty: stdout
    RunOutputs* outputs = nullptr;  // where the run's outputs wait for main's commit
};

// Stages `text` for stdout, or for the -o file; main commits every output at the end. Text
// reports are escaped so no control character from an input reaches the terminal.
void emit(const OutputOptions& o, const std::string& text);
// Throws InputError naming `file` and the result's key when any number in `result` is NaN or
// infinite: inputs inside their ranges can still combine into an unphysical result, and a
// non-finite number must never be reported as an answer (exit 0).
void check_finite_result(const nlohmann::json& result, const std::string& file);
// JSON rendering used by every verb (2-space indent, trailing newline).
std::string render_json(const nlohmann::json& j);

// Fixed-point number with `decimals` digits; "n/a" for a missing value.
std::string fixed(double v, int decimals);
std::string fixed(const std::optional<double>& v, int decimals);

// A plain text table: header row, rule, rows; columns left-aligned for text, right for numbers.
class TextTable {
public:
    explicit TextTable(std::vector<std::string> header, std::vector<bool> right_aligned);
    void add(std::vector<std::string> row);
    [[nodiscard]] std::string render() const;

private:
    std::vector<std::string> header_;
    std::vector<bool> right_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace lightwatt::cli
