// A catalog of named entries: the [SECTION.NAME] tables of a data file (devices, links, LLMs,
// GPUs, systems, ...), in file order, each with the `source` its numbers come from and where it
// was defined. Looking a name up where a file or the command line wrote it gives the one "no
// entry of that name in [SECTION] (did you mean ...?)" InputError.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/toml_reader.hpp"

namespace lightwatt {

template <class T>
class NamedCatalog {
public:
    // What the catalog knows about an entry besides its value.
    struct Provenance {
        std::string source;     // the entry's `source` key: where its numbers come from
        InputLocation defined;  // file and line of [SECTION.NAME]; key "SECTION.NAME"
    };

    NamedCatalog() = default;
    explicit NamedCatalog(std::string section) : section_(std::move(section)) {}

    // The TOML section the entries are read from: "gpus" for [gpus.NAME].
    [[nodiscard]] const std::string& section() const { return section_; }

    // Appends an entry. TOML forbids defining a table twice, so a repeated name is a bug.
    void add(std::string name, T value, Provenance provenance) {
        if (!index_.emplace(name, values_.size()).second)
            throw std::logic_error("entry \"" + name + "\" added twice to [" + section_ + "]");
        names_.push_back(std::move(name));
        values_.push_back(std::move(value));
        provenance_.push_back(std::move(provenance));
    }

    // The entry named `name`, or null.
    [[nodiscard]] const T* find(std::string_view name) const {
        const auto it = index_.find(name);
        return it == index_.end() ? nullptr : &values_[it->second];
    }
    [[nodiscard]] bool contains(std::string_view name) const { return index_.find(name) != index_.end(); }
    // The entry named `name` to change in place (a figure drawn on a copy of the catalogs), or null.
    [[nodiscard]] T* find_mutable(std::string_view name) {
        const auto it = index_.find(name);
        return it == index_.end() ? nullptr : &values_[it->second];
    }

    // For a name the program has already checked: std::out_of_range otherwise (a bug, not input).
    [[nodiscard]] const T& at(std::string_view name) const {
        if (const T* found = find(name)) return *found;
        throw std::out_of_range("no entry \"" + std::string(name) + "\" in [" + section_ + "]");
    }

    // The entry `name` as written at `key` of `where`; an unknown name is an InputError there
    // naming the closest entry and listing them all (alphabetically).
    [[nodiscard]] const T& at(std::string_view name, const TableReader& where, std::string_view key) const {
        if (const T* found = find(name)) return *found;
        throw where.unknown_name(key, std::string(name), sorted_names(), section_);
    }

    // The `source` and definition place of entry `name`; std::out_of_range when absent.
    [[nodiscard]] const Provenance& provenance(std::string_view name) const {
        const auto it = index_.find(name);
        if (it == index_.end()) throw std::out_of_range("no entry \"" + std::string(name) + "\" in [" + section_ + "]");
        return provenance_[it->second];
    }

    // Names in file order.
    [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
    // Names in alphabetical order, as messages list them.
    [[nodiscard]] std::vector<std::string> sorted_names() const {
        std::vector<std::string> out;
        out.reserve(index_.size());
        for (const auto& entry : index_) out.push_back(entry.first);
        return out;
    }

    [[nodiscard]] std::size_t size() const { return values_.size(); }
    [[nodiscard]] bool empty() const { return values_.empty(); }
    // The values in file order.
    [[nodiscard]] auto begin() const { return values_.begin(); }
    [[nodiscard]] auto end() const { return values_.end(); }

    // Adds "SECTION.NAME" -> source of every entry to `out`, for reports of what a result used.
    void add_sources_to(std::map<std::string, std::string>& out) const {
        for (std::size_t i = 0; i < values_.size(); ++i) out[section_ + "." + names_[i]] = provenance_[i].source;
    }

private:
    std::string section_;
    std::vector<std::string> names_;
    std::vector<T> values_;
    std::vector<Provenance> provenance_;
    std::map<std::string, std::size_t, std::less<>> index_;
};

// Reads the [SECTION.NAME] tables of `root` with `parse` (TableReader& -> T), in file order:
// each entry may carry a `description` and must carry a `source`; a `name` member of T is set to
// NAME; unknown keys are rejected. An absent section is an empty catalog.
template <class Parse>
auto read_named_entries(TableReader& root, std::string_view section, Parse parse) {
    using T = std::decay_t<std::invoke_result_t<Parse&, TableReader&>>;
    NamedCatalog<T> out{std::string(section)};
    auto table = root.optional_table(section);
    if (!table) return out;
    for (const auto& name : table->keys()) {
        TableReader entry = table->table(name);
        (void)entry.optional_string("description");
        T value = parse(entry);
        if constexpr (requires { value.name = name; }) value.name = name;
        typename NamedCatalog<T>::Provenance where{entry.string("source"),
                                                   {entry.file(), entry.line(), std::string(section) + "." + name}};
        entry.finish();
        out.add(name, std::move(value), std::move(where));
    }
    return out;
}

// A document that holds one section of named entries and nothing else (data/gpus.toml,
// data/llms.toml): its [SECTION.NAME] tables read as above; any other table or key is rejected.
template <class Parse>
auto read_named_catalog(TableReader root, std::string_view section, Parse parse) {
    auto out = read_named_entries(root, section, parse);
    root.finish();
    return out;
}

}  // namespace lightwatt
