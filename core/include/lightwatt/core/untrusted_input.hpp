// Reading input that may be hostile (docs/security.md): every file the tool reads goes through
// read_input_file (regular files only, size-capped, never blocking on a FIFO), every TOML or JSON
// text through a nesting pre-check before its parser sees it (the parsers recurse), and every
// piece of user text that reaches a message or a terminal through escape_text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace lightwatt {

// Deepest nesting accepted in TOML (tables, dotted keys, arrays, inline tables together) and JSON.
inline constexpr int kMaxNesting = 64;
// Largest TOML, JSON or log file read; CSV matrices have their own cap (2^28 values).
inline constexpr std::uintmax_t kMaxTextFileBytes = std::uintmax_t{64} << 20;
inline constexpr std::uintmax_t kMaxCsvFileBytes = std::uintmax_t{4} << 30;

// The whole content of a regular file of at most `max_bytes`. Throws InputError naming the path
// when it is missing, a directory, a FIFO or device, unreadable or too large; `allowed` says what
// the caller expects ("a readable TOML file").
std::string read_input_file(const std::filesystem::path& path, const std::string& allowed, std::uintmax_t max_bytes);

enum class Syntax { toml, json };
// Throws InputError (file, line, "nesting deeper than kMaxNesting") when `text` nests deeper than
// kMaxNesting; counts brackets and braces outside strings and comments and, for TOML, the parts of
// dotted keys and table headers, which toml++ also descends into recursively.
void check_nesting(std::string_view text, const std::string& file, Syntax syntax);

// `s` with control characters (C0, DEL, UTF-8-encoded C1) written as \n, \t, \xNN, so that input
// text cannot move the cursor, retitle or clear a terminal or break a line of a table. With
// `keep_newlines`, '\n' passes (for whole reports whose lines are ours).
std::string escape_text(std::string_view s, bool keep_newlines = false);
// At most `max_chars` bytes of `s`, escaped, with "..." when cut: what messages quote of a value.
std::string escaped_prefix(std::string_view s, std::size_t max_chars = 64);

}  // namespace lightwatt
