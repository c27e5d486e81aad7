// The data files the catalogs are read from, parsed once and kept, so that a catalog can be read
// again from a changed copy of its file's tree (catalog_figure.hpp) without parsing TOML again.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/mapping/scenario.hpp"

namespace lightwatt::mapping {

// The catalog files of a data folder, by file name: "systems.toml" -> its parsed tree.
using CatalogFiles = std::map<std::string, TomlDocument, std::less<>>;

// Every file the catalogs are read from, in the order load_catalogs reads them.
inline constexpr std::array<std::string_view, 9> kCatalogFileNames = {
    "llms.toml",        "gpus.toml",  "systems.toml",    "options.toml",       "devices.toml",
    "electronics.toml", "links.toml", "converters.toml", "photonic_cores.toml"};

// InputError (file, line) for a file that is missing, unreadable or not TOML.
CatalogFiles parse_catalog_files(const std::filesystem::path& data_dir);

// The catalogs of parsed files, each read by its catalog's reader, with load_catalogs' checks
// across them (every system's GPU exists and holds its NVLink domain; every option's links and
// photonic core exist).
Catalogs read_catalogs(const CatalogFiles& files);

// The checks across catalogs alone, on catalogs already read from `files`.
void check_catalog_references(const Catalogs& c, const CatalogFiles& files);

}  // namespace lightwatt::mapping
