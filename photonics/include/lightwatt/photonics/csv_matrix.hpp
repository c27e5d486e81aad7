// Numeric matrices from CSV text (`lightwatt emulate` on given matrices): one row per line, values
// separated by commas, blank lines and lines starting with '#' ignored. Every row must have the same
// number of values, each a finite number; errors name the file, line and column.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <Eigen/Dense>

namespace lightwatt::photonics {

// Most rows, and most values per row, of a CSV matrix: the emulator's cap on m, k and n.
inline constexpr long long kMaxCsvSide = 1LL << 20;
// Longest prefix of a non-numeric field that an error message quotes.
inline constexpr std::size_t kQuotedFieldChars = 16;

// Throws InputError (file, line, "column N", the text, what is allowed) on any malformed input.
Eigen::MatrixXd parse_csv_matrix(std::string_view text, const std::string& source_name);
Eigen::MatrixXd load_csv_matrix(const std::filesystem::path& path);

}  // namespace lightwatt::photonics
