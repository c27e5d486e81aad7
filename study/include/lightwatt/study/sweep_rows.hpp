// The rows of a design point: the base scenario with the point's axis values set (through the
// scenario reader, on the parsed tree: no TOML is parsed per point) and the catalogs with the
// point's catalog figures set (catalog_figure.hpp, once per distinct set of figure values and
// kept), estimated for every option,
// one row per option: the axis values, the estimate's CSV columns (estimate_records.hpp; with the
// sweep file's offload_accuracy, a photonic option's offloaded GEMMs' accuracy from
// offload_accuracy_cache.hpp, emulated again only when a figure of its core or the sampled shapes
// change), then `feasible` and `reason`. A point the reader or the estimate refuses (tp not dividing the heads,
// weights and KV cache beyond HBM, a system whose GPU the calibration record was not measured on)
// is a row per option with the refusal as its reason, never an error of the sweep. In an axis-free
// sweep of Monte Carlo draws ([monte_carlo]), design point d is draw d: the figures with a
// published range (monte_carlo.hpp) drawn as `lightwatt estimate --monte-carlo` draws them, set
// on the catalogs, estimated on the base scenario; the drawn figures, by their catalog paths, are
// the rows' first columns.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/mapping/catalog_figure.hpp"
#include "lightwatt/mapping/estimate_records.hpp"
#include "lightwatt/mapping/scenario.hpp"
#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/offload_accuracy_cache.hpp"
#include "lightwatt/study/sweep_file.hpp"

namespace lightwatt::study {

enum class RowFormat { csv, jsonl };

}  // namespace lightwatt::study

template <>
struct lightwatt::EnumTable<lightwatt::study::RowFormat> {
    static constexpr auto entries = std::to_array<EnumEntry<study::RowFormat>>(
        {{study::RowFormat::csv, "csv"}, {study::RowFormat::jsonl, "jsonl"}});
    static constexpr std::string_view noun = "format";
};

namespace lightwatt::study {

// The columns after the axes': the estimate's CSV columns, feasible, reason.
std::vector<std::string> output_columns_after_axes();

// A thread's catalogs with a Monte Carlo draw's figures set, and the estimate's inputs on them.
struct DrawnCatalogs {
    mapping::Catalogs catalogs;
    mapping::EstimateInputs inputs;
};

// What one thread needs to evaluate points: its own copy of the base scenario's tree, with each
// scenario axis's slot (its table and key; none for a catalog axis) found once; the tree is held
// by pointer so the slots stay valid when the workspace moves. `values` and `cells` (an option's
// record, written as a row) are kept from point to point, so that a row allocates nothing.
struct PointWorkspace {
    std::unique_ptr<toml::table> table;
    std::vector<std::pair<toml::table*, std::string>> slots;
    std::vector<AxisValue> values;
    std::vector<mapping::RecordCell> cells;
    std::vector<double> drawn_values;      // a Monte Carlo sweep's draw
    std::unique_ptr<DrawnCatalogs> drawn;  // a Monte Carlo sweep's, when its inputs loaded
};

class PointEvaluator {
public:
    // Reads the base scenario and checks every axis against it: InputError at the axis's line for a
    // key the scenario does not read (with the closest key), a key that holds a table or a list,
    // or a string value the key never takes (a system or model of no catalog entry); for a catalog
    // axis, a path that names no number of the catalogs (with the closest), a value that is not a
    // number, or ends of its values that the catalog's reader refuses.
    PointEvaluator(const SweepFile& sweep, const mapping::Catalogs& catalogs, std::filesystem::path data_dir);

    [[nodiscard]] std::vector<std::string> columns() const;
    [[nodiscard]] std::string csv_header() const;
    [[nodiscard]] PointWorkspace workspace() const;
    // Appends the rows of design point `point`.
    void append_rows(std::size_t point, RowFormat format, PointWorkspace& w, std::string& out) const;

    [[nodiscard]] const mapping::Scenario& base() const { return base_; }
    [[nodiscard]] const std::string& base_text() const { return base_text_; }
    [[nodiscard]] const SweepFile& sweep() const { return sweep_; }
    // A Monte Carlo sweep's drawn figures, in their columns' order (none in a sweep of axes).
    [[nodiscard]] const std::vector<RangedFigure>& drawn_figures() const { return drawn_figures_; }
    // The offloaded GEMMs' accuracy emulations so far, and the rows that found theirs kept.
    [[nodiscard]] const OffloadAccuracyCache& offload_accuracy_cache() const { return offload_cache_; }

private:
    // The estimate's inputs depend on the system, the calibration files and deployment.gpu only:
    // loaded once per distinct set (file reads and the serving fit), or the error loading gave.
    using InputsKey = std::tuple<std::string, bool, std::string, std::string>;
    struct LoadedInputs {
        std::shared_ptr<const mapping::EstimateInputs> inputs;
        std::string error;  // the reason when loading was refused
    };
    // The catalogs at one set of catalog-axis values, with the inputs loaded on them; `error`,
    // when the catalog's reader refused the values, is every row's reason.
    struct CatalogVariant {
        std::shared_ptr<const mapping::Catalogs> catalogs;
        bool reload_inputs = false;  // the figures change what the serving fit reads
        std::string error;
        std::map<InputsKey, LoadedInputs> inputs;
    };
    // Under inputs_mutex_.
    LoadedInputs inputs_for(CatalogVariant& variant, const mapping::Scenario& s) const;
    std::shared_ptr<CatalogVariant> variant_for(const std::vector<AxisValue>& values) const;
    // Sets each photonic option's offload_accuracy on `e` (from the cache, emulated on `c`'s core
    // when not kept); the emulator's refusal, or "".
    std::string add_offload_accuracy(const std::vector<AxisValue>& values, const mapping::Catalogs& c,
                                     const mapping::Scenario& s, mapping::Estimate& e) const;
    // The rows of Monte Carlo draw `draw`.
    void append_draw_rows(std::size_t draw, RowFormat format, PointWorkspace& w, std::string& out) const;
    void check_axis(const Axis& a) const;
    void check_catalog_axis(const Axis& a, const mapping::CatalogFigure& figure) const;
    // Reads the base scenario with `v` at the axis's key; true, with the error, when refused.
    [[nodiscard]] bool read_alone(const Axis& a, const AxisValue& v, InputErrorDetails* error) const;

    const SweepFile& sweep_;
    const mapping::Catalogs& catalogs_;
    std::filesystem::path data_dir_;
    std::string base_text_;
    std::shared_ptr<const std::string> base_file_;
    toml::table base_table_;
    mapping::Scenario base_;
    std::vector<std::string> input_columns_;  // the axes' names, or the drawn figures' paths
    std::vector<RangedFigure> drawn_figures_;
    std::vector<std::string> record_keys_;
    std::size_t option_column_ = 0;                       // of record_keys_
    std::optional<mapping::CatalogFiles> catalog_files_;  // parsed when an axis sets a catalog figure
    std::vector<mapping::CatalogFigure> figures_;         // per axis; path empty for a scenario axis
    mutable std::mutex inputs_mutex_;
    std::shared_ptr<CatalogVariant> base_variant_;
    mutable std::map<std::vector<double>, std::shared_ptr<CatalogVariant>> variants_;
    mutable OffloadAccuracyCache offload_cache_;
};

}  // namespace lightwatt::study
