#include "lightwatt/photonics/csv_matrix.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "lightwatt/core/error.hpp"

namespace lightwatt::photonics {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
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
        Eigen::Index count = 0;
        std::size_t field_start = 0;
        while (true) {
            const std::size_t comma = line.find(',', field_start);
            const std::string_view field = trim(line.substr(field_start, comma == std::string_view::npos ? line.size() - field_start
                                                                                                        : comma - field_start));
            ++count;
            const std::string field_text(field);
            char* parsed_end = nullptr;
            errno = 0;
            const double v = field_text.empty() ? 0.0 : std::strtod(field_text.c_str(), &parsed_end);
            if (field_text.empty() || parsed_end != field_text.c_str() + field_text.size() || errno == ERANGE ||
                !std::isfinite(v))
                throw InputError({source_name, line_number, "column " + std::to_string(count), "\"" + field_text + "\"",
                                  field_text.empty() ? "empty field" : "not a finite number",
                                  "a finite decimal number in every field"});
            values.push_back(v);
            if (comma == std::string_view::npos) break;
            field_start = comma + 1;
        }
        if (columns < 0) columns = count;
        if (count != columns)
            throw InputError({source_name, line_number, "row", std::to_string(count) + " values",
                              "rows of different lengths", std::to_string(columns) + " values per row, as the first row has"});
        ++rows;
        if (static_cast<double>(rows) * static_cast<double>(columns) > static_cast<double>(1 << 28))
            throw InputError({source_name, line_number, "row", std::to_string(rows), "matrix too large",
                              "at most 2^28 values"});
        if (end == text.size()) break;
    }
    if (rows == 0) throw InputError({source_name, line_number, "", "", "no values", "at least one row of numbers"});
    Eigen::MatrixXd m(rows, columns);
    for (Eigen::Index r = 0; r < rows; ++r)
        for (Eigen::Index c = 0; c < columns; ++c) m(r, c) = values[static_cast<std::size_t>(r * columns + c)];
    return m;
}

Eigen::MatrixXd load_csv_matrix(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError({path.string(), 0, "", "", "file not found", "a readable CSV file"});
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parse_csv_matrix(buffer.str(), path.string());
}

}  // namespace lightwatt::photonics
