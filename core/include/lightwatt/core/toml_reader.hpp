// Reading TOML input with validation: parse into toml++'s tree, then read it through a
// TableReader that checks each key's type and allowed range and, at finish(), rejects keys it
// was never asked for, naming the closest known key. Every error is an InputError carrying
// file, line, key path, value and what is allowed.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/error.hpp"

namespace lightwatt {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// An allowed interval for a number, with open or closed ends.
struct Range {
    double min = -kInf;
    double max = kInf;
    bool min_inclusive = true;
    bool max_inclusive = true;

    [[nodiscard]] bool contains(double v) const;
    [[nodiscard]] std::string describe() const;

    static Range any() { return {}; }
    static Range positive() { return {0.0, kInf, false, true}; }
    static Range non_negative() { return {0.0, kInf, true, true}; }
    // (0, 1]: efficiencies and fractions that cannot be zero.
    static Range unit_interval_open_closed() { return {0.0, 1.0, false, true}; }
    // [0, 1]
    static Range unit_interval() { return {0.0, 1.0, true, true}; }
    static Range closed(double lo, double hi) { return {lo, hi, true, true}; }
    static Range open(double lo, double hi) { return {lo, hi, false, false}; }
    static Range at_least(double lo) { return {lo, kInf, true, true}; }
    static Range above(double lo) { return {lo, kInf, false, true}; }
};

class TableReader {
public:
    TableReader(const toml::table& table, std::shared_ptr<const std::string> file, std::string path);

    // Required and optional values. Numbers accept TOML integers and floats; NaN and infinity
    // are rejected everywhere.
    [[nodiscard]] double number(std::string_view key, const Range& allowed);
    [[nodiscard]] std::optional<double> optional_number(std::string_view key, const Range& allowed);
    [[nodiscard]] long long integer(std::string_view key, long long min, long long max);
    [[nodiscard]] std::optional<long long> optional_integer(std::string_view key, long long min, long long max);
    [[nodiscard]] std::string string(std::string_view key);
    [[nodiscard]] std::optional<std::string> optional_string(std::string_view key);
    // A string or an array of strings, as a list.
    [[nodiscard]] std::optional<std::vector<std::string>> optional_string_list(std::string_view key);
    [[nodiscard]] bool boolean(std::string_view key);
    [[nodiscard]] std::optional<bool> optional_boolean(std::string_view key);
    // A string that must be one of `allowed`.
    [[nodiscard]] std::string choice(std::string_view key, const std::vector<std::string>& allowed);
    [[nodiscard]] std::optional<std::string> optional_choice(std::string_view key,
                                                             const std::vector<std::string>& allowed);
    // A string naming an enumerator of E (by its EnumTable); an unknown one is "unknown NOUN"
    // with the table's noun.
    template <NamedEnum E>
    [[nodiscard]] E choice(std::string_view key) {
        return *enum_parse<E>(choice(key, enum_names<E>(), enum_noun<E>()));
    }
    template <NamedEnum E>
    [[nodiscard]] std::optional<E> optional_choice(std::string_view key) {
        if (lookup(key) == nullptr) return std::nullopt;
        return choice<E>(key);
    }
    // The node at `key` whatever its type (nullptr when absent), for values whose type the
    // schema leaves open (a sweep axis's list of values); the caller checks it.
    [[nodiscard]] const toml::node* any_value(std::string_view key);
    [[nodiscard]] TableReader table(std::string_view key);
    [[nodiscard]] std::optional<TableReader> optional_table(std::string_view key);

    // The key to read for `key` when `deprecated` is its old spelling (e.g. "utilization" and
    // "utilisation"): `deprecated` when only it is written, with a warning (warning.hpp) naming
    // the new spelling; `key` otherwise. Both written is an InputError.
    [[nodiscard]] std::string_view spelling(std::string_view key, std::string_view deprecated);

    // The keys of this table in file order, for tables whose keys are names (e.g. [links.NAME]).
    // Marks all of them as known.
    [[nodiscard]] std::vector<std::string> keys();

    // Rejects any key present in the table that no accessor asked for, naming the closest
    // known key. Call after reading everything.
    void finish() const;

    // An InputError located at `key` (or at the table itself when key is empty).
    [[nodiscard]] InputError error(std::string_view key, std::string value, std::string problem,
                                   std::string allowed) const;
    // `e`, an error a library raised about the value at `key` under its own name for it (the key
    // `e` names), relocated to this file, the key's line and this table's path.
    [[nodiscard]] InputError place(const InputError& e, std::string_view key) const;

    // An InputError for a name at `key` that is not among `known` (entries of `section`),
    // suggesting the closest (InputError::unknown).
    [[nodiscard]] InputError unknown_name(std::string_view key, const std::string& name,
                                          const std::vector<std::string>& known, std::string_view section) const;

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] const std::string& file() const { return *file_; }
    [[nodiscard]] int line() const;
    // The line of `key` in this table; the table's line when the key is absent.
    [[nodiscard]] int line_of_key(std::string_view key) const;
    [[nodiscard]] bool contains(std::string_view key) const;
    // The value at `key` as the user wrote it (for messages); "" when absent.
    [[nodiscard]] std::string value_text(std::string_view key) const;

private:
    std::string choice(std::string_view key, const std::vector<std::string>& allowed, std::string_view noun);
    const toml::node* lookup(std::string_view key);
    const toml::node& require(std::string_view key, std::string_view expected);
    [[nodiscard]] std::string key_path(std::string_view key) const;
    [[nodiscard]] int line_of(const toml::node& node) const;

    const toml::table* table_;
    std::shared_ptr<const std::string> file_;
    std::string path_;
    std::vector<std::string> known_;
};

// Whether `e` is finish()'s error for a key no accessor asked for (a misspelt or unknown key).
bool is_unknown_key_error(const InputError& e);
// Whether `e` is an accessor's error for a value of another type than the key takes.
bool is_wrong_type_error(const InputError& e);

// A parsed TOML document; keeps the tree alive for its readers.
class TomlDocument {
public:
    // Throws InputError naming the file (and line, for syntax errors) when the file is missing,
    // unreadable or not valid TOML.
    static TomlDocument parse_file(const std::filesystem::path& path);
    static TomlDocument parse_string(std::string_view text, std::string source_name);

    [[nodiscard]] TableReader root() const;
    [[nodiscard]] const std::string& file() const { return *file_; }
    [[nodiscard]] const toml::table& table() const { return *table_; }
    // The same file with another tree (a copy of this one with values changed, read again by the
    // same reader, so its messages name this file).
    [[nodiscard]] TomlDocument with_table(toml::table table) const;

private:
    TomlDocument(toml::table table, std::string file);
    std::shared_ptr<toml::table> table_;
    std::shared_ptr<const std::string> file_;
};

// Renders a TOML node the way a user would have written it, for error messages.
std::string render_toml_value(const toml::node& node);

}  // namespace lightwatt
