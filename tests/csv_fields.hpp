// Test helper: the fields of one CSV line (RFC 4180: a field in double quotes may hold commas and
// doubled quotes), for tests that read the CSV the program writes or a shared data file.
#pragma once

#include <string>
#include <vector>

namespace lightwatt::testing {

inline std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            out.back() += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

}  // namespace lightwatt::testing
