// Reading JSON input with validation, the JSON counterpart of TableReader (toml_reader.hpp):
// parse_json_document parses untrusted text (nesting checked first, errors with their line), and a
// JsonReader reads one object of it, checking each value's type and allowed range and rejecting
// keys outside the schema's list with the closest known key. Every error is an InputError carrying
// the file, the value's JSON path (for example `collectives[0].rows[5].time_us`), the value and
// what is allowed. JSON has no line numbers after parsing, so errors past the parse carry line 0.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lightwatt/core/error.hpp"

namespace lightwatt {

// `text` parsed; InputError (the file and the line) for malformed JSON, too deep a nesting or a
// number beyond double range. `expected` says what the file should be ("a calibration record
// (docs/calibration.md)").
nlohmann::json parse_json_document(std::string_view text, const std::string& file, const std::string& expected);

class JsonReader {
public:
    // `j` must be an object (InputError otherwise); `schema_doc` is the document messages refer to
    // for the allowed keys ("docs/calibration.md").
    JsonReader(const nlohmann::json& j, std::string file, std::string path, std::string schema_doc);

    // An InputError located at `key` (or at the object itself when key is empty).
    [[nodiscard]] InputError error(std::string_view key, std::string value, std::string problem,
                                   std::string allowed) const;
    // `e`, an error about a key of this object (InputError::at, unknown_enum), placed at the
    // object's path in the file.
    [[nodiscard]] InputError place(const InputError& e) const;
    // Rejects every key of the object that is not in `known`, naming the closest known key.
    void only(const std::vector<std::string>& known) const;

    // The key to read for `key` when `deprecated` is its former name, as TableReader::spelling:
    // `deprecated` when only it is given, with a deprecation warning (warning.hpp) naming `key`;
    // `key` otherwise. Both given is an InputError.
    [[nodiscard]] std::string_view spelling(std::string_view key, std::string_view deprecated) const;

    // Absent and null are the same: not given.
    [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }
    // A string; "" when absent and not `required`.
    [[nodiscard]] std::string text(std::string_view key, bool required = false) const;
    [[nodiscard]] double number(std::string_view key, double low, double high) const;
    [[nodiscard]] std::optional<double> optional_number(std::string_view key, double low, double high) const;
    [[nodiscard]] long long integer(std::string_view key, long long low, long long high) const;
    // false when absent.
    [[nodiscard]] bool boolean(std::string_view key) const;
    // The number of elements of the list at `key`; 0 when absent.
    [[nodiscard]] std::size_t size(std::string_view key) const { return array(key).size(); }
    [[nodiscard]] JsonReader child(std::string_view key) const;
    [[nodiscard]] JsonReader element(std::string_view key, std::size_t i) const;

private:
    [[nodiscard]] const nlohmann::json* find(std::string_view key) const;
    [[nodiscard]] const nlohmann::json& need(std::string_view key) const;
    [[nodiscard]] const nlohmann::json& array(std::string_view key) const;
    [[nodiscard]] double number_at(const nlohmann::json& v, std::string_view key, double low, double high) const;
    [[nodiscard]] std::string join(std::string_view key) const;

    const nlohmann::json& j_;
    std::string file_, path_, schema_doc_;
};

}  // namespace lightwatt
