#include "lightwatt/core/json_reader.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/core/warning.hpp"

namespace lightwatt {

using nlohmann::json;

namespace {

// A JSON value as a message quotes it: scalars as written (strings cut by the message), containers
// only by their kind, never dumped whole.
std::string preview(const json& v) {
    if (v.is_object()) return "{...}";
    if (v.is_array()) return "[...]";
    if (v.is_string()) return "\"" + v.get<std::string>() + "\"";
    return v.dump();
}

}  // namespace

json parse_json_document(std::string_view text, const std::string& file, const std::string& expected) {
    check_nesting(text, file, Syntax::json);  // nlohmann's dump and destructor recurse
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // Byte offset -> line.
        const std::size_t offset = std::min<std::size_t>(e.byte, text.size());
        const int line =
            1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
        throw InputError({file, line, "", "", "not valid JSON", expected});
    } catch (const json::exception&) {
        // A number beyond double range (the fuzzer's "1e65723612619"), or another value the
        // parser refuses after reading it.
        throw InputError(
            {file, 0, "", "", "a number out of range or an unreadable value", "finite numbers within double range"});
    }
}

JsonReader::JsonReader(const json& j, std::string file, std::string path, std::string schema_doc)
    : j_(j), file_(std::move(file)), path_(std::move(path)), schema_doc_(std::move(schema_doc)) {
    if (!j_.is_object()) throw error("", preview(j_), "not an object", "a JSON object");
}

InputError JsonReader::error(std::string_view key, std::string value, std::string problem, std::string allowed) const {
    return place(InputError::at(std::string(key), std::move(value), std::move(problem), std::move(allowed)));
}

InputError JsonReader::place(const InputError& e) const { return relocate(e, file_, 0, path_); }

void JsonReader::only(const std::vector<std::string>& known) const {
    for (const auto& item : j_.items()) {
        if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
        throw error(item.key(), preview(item.value()), "unknown key" + did_you_mean(item.key(), known),
                    "one of the schema's keys (" + schema_doc_ + ")");
    }
}

std::string_view JsonReader::spelling(std::string_view key, std::string_view deprecated) const {
    const json* old_value = find(deprecated);
    if (old_value == nullptr) return key;
    if (has(key))
        throw error(deprecated, preview(*old_value), "given as well as its new name \"" + std::string(key) + "\"",
                    "one of the two, preferably \"" + std::string(key) + "\"");
    warn(WarningKind::deprecated,
         format_input_error(
             {file_, 0, join(deprecated), "", "deprecated key, still read; write \"" + std::string(key) + "\"", ""}));
    return deprecated;
}

const json* JsonReader::find(std::string_view key) const {
    const auto it = j_.find(std::string(key));
    return it == j_.end() || it->is_null() ? nullptr : &*it;
}

const json& JsonReader::need(std::string_view key) const {
    const json* v = find(key);
    if (v == nullptr) throw error(key, "(missing)", "required key missing", "see " + schema_doc_);
    return *v;
}

std::string JsonReader::text(std::string_view key, bool required) const {
    const json* v = required ? &need(key) : find(key);
    if (v == nullptr) return "";
    if (!v->is_string()) throw error(key, preview(*v), "not a string", "a string");
    return v->get<std::string>();
}

double JsonReader::number(std::string_view key, double low, double high) const {
    return number_at(need(key), key, low, high);
}

std::optional<double> JsonReader::optional_number(std::string_view key, double low, double high) const {
    const json* v = find(key);
    if (v == nullptr) return std::nullopt;
    return number_at(*v, key, low, high);
}

long long JsonReader::integer(std::string_view key, long long low, long long high) const {
    const json& v = need(key);
    if (!v.is_number_integer()) throw error(key, preview(v), "not a whole number", "an integer");
    const long long x = v.get<long long>();
    if (x < low || x > high)
        throw error(key, preview(v), "out of range",
                    "an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
    return x;
}

bool JsonReader::boolean(std::string_view key) const {
    const json* v = find(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) throw error(key, preview(*v), "not a boolean", "true or false");
    return v->get<bool>();
}

const json& JsonReader::array(std::string_view key) const {
    static const json empty = json::array();
    const json* v = find(key);
    if (v == nullptr) return empty;
    if (!v->is_array()) throw error(key, preview(*v), "not a list", "a JSON array");
    return *v;
}

JsonReader JsonReader::child(std::string_view key) const {
    return JsonReader(need(key), file_, join(key), schema_doc_);
}

JsonReader JsonReader::element(std::string_view key, std::size_t i) const {
    return JsonReader(array(key)[i], file_, join(key) + "[" + std::to_string(i) + "]", schema_doc_);
}

double JsonReader::number_at(const json& v, std::string_view key, double low, double high) const {
    if (!v.is_number()) throw error(key, preview(v), "not a number", "a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < low || x > high)
        throw error(key, preview(v), "out of range",
                    "a number in [" + format_number(low) + ", " + format_number(high) + "]");
    return x;
}

std::string JsonReader::join(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

}  // namespace lightwatt
