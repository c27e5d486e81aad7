// A catalog figure named by its path, the dotted key it has in its data file: "systems.hgx_h200.pue"
// (systems.toml), "systems.dgx_h100.host_power_w_per_node.typical", "lasers.cw_dfb_1310_uncooled.
// wall_plug_efficiency" (devices.toml, used by every link that names the laser),
// "links.dsp_pluggable_800g.published.module_power_w.low" (links.toml), "cores.NAME.adc_bits"
// (photonic_cores.toml). A figure is set on the parsed catalogs: a copy of its file's tree with the
// value set is read again by its catalog's reader, with every check the file gets; only the
// catalogs that file feeds are read again, and only the link archetypes that use a changed entry
// are evaluated again (LinkCosts). No TOML text is parsed.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/core/error.hpp"
#include "lightwatt/mapping/catalog_files.hpp"

namespace lightwatt::mapping {

struct CatalogFigure {
    std::string path;      // as written in its file: "systems.hgx_h200.pue"
    std::string file;      // the data file's name: "systems.toml"
    InputLocation at;      // the file as given, the value's line, the path
    double value = 0.0;    // the catalog's
    bool integer = false;  // written as a TOML integer (a fraction then goes to the reader as a float)
};

// Every number of the catalog files (integers and floats, not inside lists), in file order.
std::vector<CatalogFigure> catalog_figures(const CatalogFiles& files);

// The figure at `path`. InputError at `where` (its key, the path as value) when no catalog file
// holds a number there, naming the closest figure's path and where it is written.
CatalogFigure find_catalog_figure(const CatalogFiles& files, std::string_view path, const InputLocation& where);

struct FigureValue {
    const CatalogFigure* figure = nullptr;
    double value = 0.0;
};

// Whether any of `values` is in a file the serving fit reads (llms.toml, gpus.toml): estimate
// inputs loaded on the base catalogs must then be loaded again.
bool changes_serving_inputs(std::span<const FigureValue> values);

// `base` (read from `files`) with each figure set to its value. InputError from the catalog's
// reader (the data file, the value's line and key) for a value it refuses (a fraction where the
// key takes integers among them).
Catalogs with_figures(const Catalogs& base, const CatalogFiles& files, std::span<const FigureValue> values);

}  // namespace lightwatt::mapping
