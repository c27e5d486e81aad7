#include "lightwatt/core/toml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/core/warning.hpp"

namespace lightwatt {

namespace {

std::string type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        default: return "nothing";
    }
}

// The beginnings of the two problems other code tells apart (is_unknown_key_error,
// is_wrong_type_error): a key nothing reads, and a value of another type than the key takes.
constexpr std::string_view kUnknownKey = "unknown key";
constexpr std::string_view kExpected = "expected ";

std::string expected(std::string_view what, const toml::node& node) {
    return std::string(kExpected) + std::string(what) + ", got " + type_name(node);
}

}  // namespace

bool Range::contains(double v) const {
    if (!std::isfinite(v)) return false;
    const bool above_min = min_inclusive ? v >= min : v > min;
    const bool below_max = max_inclusive ? v <= max : v < max;
    return above_min && below_max;
}

std::string Range::describe() const {
    const bool has_min = std::isfinite(min);
    const bool has_max = std::isfinite(max);
    if (!has_min && !has_max) return "a finite number";
    if (has_min && !has_max)
        return std::string("a finite number ") + (min_inclusive ? ">= " : "> ") + format_number(min);
    if (!has_min) return std::string("a number ") + (max_inclusive ? "<= " : "< ") + format_number(max);
    return std::string("a number in ") + (min_inclusive ? "[" : "(") + format_number(min) + ", " + format_number(max) +
           (max_inclusive ? "]" : ")");
}

std::string render_toml_value(const toml::node& node) {
    std::ostringstream out;
    if (const auto* s = node.as_string()) {
        out << '"' << s->get() << '"';
    } else if (const auto* i = node.as_integer()) {
        out << i->get();
    } else if (const auto* f = node.as_floating_point()) {
        out << format_number(f->get());
    } else if (const auto* b = node.as_boolean()) {
        out << (b->get() ? "true" : "false");
    } else if (node.is_table()) {
        out << "{...}";
    } else if (node.is_array()) {
        out << "[...]";
    } else {
        out << type_name(node);
    }
    return out.str();
}

TableReader::TableReader(const toml::table& table, std::shared_ptr<const std::string> file, std::string path)
    : table_(&table), file_(std::move(file)), path_(std::move(path)) {}

std::string TableReader::key_path(std::string_view key) const {
    if (path_.empty()) return std::string(key);
    if (key.empty()) return path_;
    return path_ + "." + std::string(key);
}

int TableReader::line_of(const toml::node& node) const { return static_cast<int>(node.source().begin.line); }

int TableReader::line() const { return line_of(*table_); }

int TableReader::line_of_key(std::string_view key) const {
    const toml::node* node = table_->get(key);
    return node == nullptr ? line() : line_of(*node);
}

bool TableReader::contains(std::string_view key) const { return table_->contains(key); }

std::string TableReader::value_text(std::string_view key) const {
    const toml::node* node = table_->get(key);
    return node == nullptr ? std::string() : render_toml_value(*node);
}

InputError TableReader::error(std::string_view key, std::string value, std::string problem, std::string allowed) const {
    return place(InputError::at(std::string(key), std::move(value), std::move(problem), std::move(allowed)), key);
}

InputError TableReader::place(const InputError& e, std::string_view key) const {
    return relocate(e, *file_, key.empty() ? line() : line_of_key(key), path_);
}

InputError TableReader::unknown_name(std::string_view key, const std::string& name,
                                     const std::vector<std::string>& known, std::string_view section) const {
    return place(
        InputError::unknown(std::string(key), name, known, "no entry of that name in [" + std::string(section) + "]"),
        key);
}

const toml::node* TableReader::lookup(std::string_view key) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
    return table_->get(key);
}

const toml::node& TableReader::require(std::string_view key, std::string_view expected) {
    const toml::node* node = lookup(key);
    if (node == nullptr) {
        std::vector<std::string> present;
        for (const auto& entry : *table_) present.emplace_back(entry.first.str());
        std::string problem = "required key is missing";
        const std::string near = closest_match(key, present);
        if (!near.empty()) problem += " (the table has \"" + near + "\": a misspelling?)";
        throw relocate(InputError::at(std::string(key), "", problem, std::string(expected)), *file_, line(), path_);
    }
    return *node;
}

namespace {
std::optional<double> as_number(const toml::node& node) {
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = node.as_floating_point()) return f->get();
    return std::nullopt;
}
}  // namespace

double TableReader::number(std::string_view key, const Range& allowed) {
    // The range is described only for a message: formatting its ends costs more than reading the
    // value, and a sweep reads its scenario's numbers again at every design point.
    const toml::node* found = lookup(key);
    const toml::node& node = found != nullptr ? *found : require(key, allowed.describe());
    const auto v = as_number(node);
    if (!v) throw error(key, render_toml_value(node), expected("a number", node), allowed.describe());
    if (!allowed.contains(*v)) throw error(key, render_toml_value(node), "value out of range", allowed.describe());
    return *v;
}

std::optional<double> TableReader::optional_number(std::string_view key, const Range& allowed) {
    if (lookup(key) == nullptr) return std::nullopt;
    return number(key, allowed);
}

long long TableReader::integer(std::string_view key, long long min, long long max) {
    const auto allowed = [&] { return "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]"; };
    const toml::node* found = lookup(key);
    const toml::node& node = found != nullptr ? *found : require(key, allowed());
    const auto* i = node.as_integer();
    if (i == nullptr) throw error(key, render_toml_value(node), expected("an integer", node), allowed());
    if (i->get() < min || i->get() > max) throw error(key, render_toml_value(node), "value out of range", allowed());
    return i->get();
}

std::optional<long long> TableReader::optional_integer(std::string_view key, long long min, long long max) {
    if (lookup(key) == nullptr) return std::nullopt;
    return integer(key, min, max);
}

std::string TableReader::string(std::string_view key) {
    const toml::node& node = require(key, "a string");
    const auto* s = node.as_string();
    if (s == nullptr) throw error(key, render_toml_value(node), expected("a string", node), "a string");
    return s->get();
}

std::optional<std::string> TableReader::optional_string(std::string_view key) {
    if (lookup(key) == nullptr) return std::nullopt;
    return string(key);
}

std::optional<std::vector<std::string>> TableReader::optional_string_list(std::string_view key) {
    const toml::node* node = lookup(key);
    if (node == nullptr) return std::nullopt;
    const std::string allowed = "a string or an array of strings";
    if (const auto* s = node->as_string()) return std::vector<std::string>{s->get()};
    const auto* array = node->as_array();
    if (array == nullptr) throw error(key, render_toml_value(*node), expected("a string or an array", *node), allowed);
    std::vector<std::string> out;
    for (const auto& element : *array) {
        const auto* s = element.as_string();
        if (s == nullptr)
            throw error(key, render_toml_value(element), "array element is " + type_name(element) + ", not a string",
                        allowed);
        out.push_back(s->get());
    }
    return out;
}

bool TableReader::boolean(std::string_view key) {
    const toml::node& node = require(key, "true or false");
    const auto* b = node.as_boolean();
    if (b == nullptr) throw error(key, render_toml_value(node), expected("a boolean", node), "true or false");
    return b->get();
}

std::optional<bool> TableReader::optional_boolean(std::string_view key) {
    if (lookup(key) == nullptr) return std::nullopt;
    return boolean(key);
}

std::string TableReader::choice(std::string_view key, const std::vector<std::string>& allowed) {
    return choice(key, allowed, "value");
}

std::string TableReader::choice(std::string_view key, const std::vector<std::string>& allowed, std::string_view noun) {
    const std::string value = string(key);
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        throw place(InputError::unknown(std::string(key), value, allowed, "unknown " + std::string(noun)), key);
    }
    return value;
}

std::optional<std::string> TableReader::optional_choice(std::string_view key, const std::vector<std::string>& allowed) {
    if (lookup(key) == nullptr) return std::nullopt;
    return choice(key, allowed);
}

const toml::node* TableReader::any_value(std::string_view key) { return lookup(key); }

TableReader TableReader::table(std::string_view key) {
    const toml::node& node = require(key, "a table");
    const auto* t = node.as_table();
    if (t == nullptr) throw error(key, render_toml_value(node), expected("a table", node), "a table");
    return TableReader(*t, file_, key_path(key));
}

std::optional<TableReader> TableReader::optional_table(std::string_view key) {
    if (lookup(key) == nullptr) return std::nullopt;
    return table(key);
}

std::string_view TableReader::spelling(std::string_view key, std::string_view deprecated) {
    const toml::node* old_node = table_->get(deprecated);
    if (old_node == nullptr) return key;
    if (table_->get(key) != nullptr)
        throw error(deprecated, render_toml_value(*old_node),
                    "written as well as its new spelling \"" + std::string(key) + "\"",
                    "one of the two, preferably \"" + std::string(key) + "\"");
    warn(WarningKind::deprecated,
         format_input_error({*file_, line_of(*old_node), key_path(deprecated), "",
                             "deprecated spelling, still read; write \"" + std::string(key) + "\"", ""}));
    return deprecated;
}

std::vector<std::string> TableReader::keys() {
    std::vector<std::pair<int, std::string>> ordered;
    for (const auto& [k, node] : *table_) {
        ordered.emplace_back(line_of(node), std::string(k.str()));
    }
    // toml++ keeps keys sorted; file order is what users expect in listings.
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [line, k] : ordered) {
        (void)line;
        if (std::find(known_.begin(), known_.end(), k) == known_.end()) known_.push_back(k);
        out.push_back(std::move(k));
    }
    return out;
}

bool is_unknown_key_error(const InputError& e) { return e.details().problem.starts_with(kUnknownKey); }

bool is_wrong_type_error(const InputError& e) { return e.details().problem.starts_with(kExpected); }

void TableReader::finish() const {
    for (const auto& [k, node] : *table_) {
        const std::string key(k.str());
        if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
        std::vector<std::string> sorted = known_;
        std::sort(sorted.begin(), sorted.end());
        throw place(InputError::at(key, render_toml_value(node), std::string(kUnknownKey) + did_you_mean(key, known_),
                                   sorted.empty() ? "no keys here" : "the keys " + join_alternatives(sorted)),
                    key);
    }
}

TomlDocument::TomlDocument(toml::table table, std::string file)
    : table_(std::make_shared<toml::table>(std::move(table))),
      file_(std::make_shared<const std::string>(std::move(file))) {}

TomlDocument TomlDocument::parse_string(std::string_view text, std::string source_name) {
    check_nesting(text, source_name, Syntax::toml);  // toml++ recurses on dotted keys and headers
    try {
        return TomlDocument(toml::parse(text, source_name), source_name);
    } catch (const toml::parse_error& e) {
        throw InputError({source_name, static_cast<int>(e.source().begin.line), "", "",
                          "not valid TOML: " + std::string(e.description()), "a TOML document (https://toml.io)"});
    }
}

TomlDocument TomlDocument::parse_file(const std::filesystem::path& path) {
    return parse_string(read_input_file(path, "a readable TOML file", kMaxTextFileBytes), path.string());
}

TableReader TomlDocument::root() const { return TableReader(*table_, file_, ""); }

TomlDocument TomlDocument::with_table(toml::table table) const {
    TomlDocument out = *this;
    out.table_ = std::make_shared<toml::table>(std::move(table));
    return out;
}

}  // namespace lightwatt
