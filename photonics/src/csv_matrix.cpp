#include "lightwatt/photonics/csv_matrix.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::photonics {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// One field as a finite double; nullopt when it is not one. from_chars: no allocation or locale,
// so a matrix from CSV costs about what the same shape drawn at random does.
std::optional<double> parse_field(std::string_view field) {
    if (field.size() > 1 && field.front() == '+' && field[1] != '-') field.remove_prefix(1);
    double v = 0.0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || end != field.data() + field.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

// Parses one line's fields onto `values`; returns how many.
Eigen::Index parse_row(std::string_view line, int line_number, const std::string& source_name,
                       std::vector<double>& values) {
    Eigen::Index count = 0;
    std::size_t field_start = 0;
    while (true) {
        const std::size_t comma = line.find(',', field_start);
        const std::string_view field = trim(line.substr(
            field_start, comma == std::string_view::npos ? line.size() - field_start : comma - field_start));
        ++count;
        if (count > kMaxCsvSide)
            throw InputError({source_name, line_number, "row", "more than " + std::to_string(kMaxCsvSide) + " values",
                              "row too long", "at most " + std::to_string(kMaxCsvSide) + " values per row"});
        const auto v = field.empty() ? std::nullopt : parse_field(field);
        // The field is quoted only in part: a referenced file that is not a matrix (a password
        // file, a key) must not be echoed into a message.
        if (!v)
            throw InputError({source_name, line_number, "column " + std::to_string(count),
                              "\"" + escaped_prefix(field, kQuotedFieldChars) + "\"",
                              field.empty() ? "empty field" : "not a finite number",
                              "a finite decimal number in every field"});
        values.push_back(*v);
        if (comma == std::string_view::npos) return count;
        field_start = comma + 1;
    }
}

}  // namespace

Eigen::MatrixXd parse_csv_matrix(std::string_view text, const std::string& source_name) {
    std::vector<double> values;
    Eigen::Index columns = -1, rows = 0;
    int line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line = trim(text.substr(start, end - start));
        ++line_number;
        start = end + 1;
        if (line.empty() || line.front() == '#') {
            if (end == text.size()) break;
            continue;
        }
        const Eigen::Index count = parse_row(line, line_number, source_name, values);
        if (columns < 0) columns = count;
        if (count != columns)
            throw InputError({source_name, line_number, "row", std::to_string(count) + " values",
                              "rows of different lengths",
                              std::to_string(columns) + " values per row, as the first row has"});
        ++rows;
        if (rows > kMaxCsvSide)
            throw InputError({source_name, line_number, "row", std::to_string(rows), "too many rows",
                              "at most " + std::to_string(kMaxCsvSide) + " rows"});
        if (static_cast<double>(rows) * static_cast<double>(columns) > static_cast<double>(1 << 28))
            throw InputError(
                {source_name, line_number, "row", std::to_string(rows), "matrix too large", "at most 2^28 values"});
        if (end == text.size()) break;
    }
    if (rows == 0) throw InputError({source_name, line_number, "", "", "no values", "at least one row of numbers"});
    // Row-major values into Eigen's column-major storage.
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(values.data(), rows,
                                                                                                    columns);
}

Eigen::MatrixXd load_csv_matrix(const std::filesystem::path& path) {
    return parse_csv_matrix(read_input_file(path, "a readable CSV file", kMaxCsvFileBytes), path.string());
}

}  // namespace lightwatt::photonics
