// The estimate's tables as records: rows of unit-suffixed keys, each column named and computed in
// one place (estimate_records.cpp) with the outputs that show it. `lightwatt estimate --json`
// (estimate_json.hpp), `--csv` and the Python module's records and DataFrames all take their
// figures from these rows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lightwatt/mapping/scenario.hpp"

namespace lightwatt::mapping {

// The output a record is for: the columns differ, the figures do not.
enum class RecordView {
    json,   // the estimate document (`--json`, Estimate.to_dict()): the part figures nested
    csv,    // `--csv`: the headline figures and `<part>_j_per_token`
    table,  // the Python records and DataFrames: every flat column
};

// One cell of a record, as the column table computes it: what a writer that streams rows (a
// sweep's CSV) reads instead of building the record, so that a row costs no allocation.
struct RecordCell {
    enum class Kind { null, real, integer, boolean, text };
    Kind kind = Kind::null;
    double real = 0.0;
    long long integer = 0;
    bool boolean = false;
    std::string_view text;  // into the estimate (an option's name) or a static name
};
// The cell as a JSON value (a record's member).
nlohmann::ordered_json cell_json(const RecordCell& c);

// One option's row. json: also the calibration flags, the serving figures (in serving), the
// offloaded GEMMs' accuracy and the small-model proxy (when emulated). csv and table: the least
// accurate offloaded GEMM's offload_snr_db, offload_enob and offload_rel_rms_error, and the
// small-model proxy's lm_proxy_perplexity_change_pct (table: also lm_proxy_laser_power_mw), empty
// when nothing was emulated or the option's core is not in the study.
nlohmann::ordered_json option_record(const OptionEstimate& o, Mode mode, RecordView view);
// The column keys of option_record in the csv or table view (the CSV's header).
std::vector<std::string> option_record_keys(RecordView view);
// The cells of option_record in the csv or table view, in option_record_keys' order, into `cells`
// (its capacity kept, so a caller reusing it allocates once); option_record is made of them.
void option_record_cells(const OptionEstimate& o, Mode mode, RecordView view, std::vector<RecordCell>& cells);
// One phase of a cycle: its step time (by part in the table view), repeats and GPU power.
nlohmann::ordered_json phase_record(const CyclePhase& phase, RecordView view);
// One offloaded GEMM's emulated accuracy (the same in every view).
nlohmann::ordered_json accuracy_record(const OffloadAccuracy& a);
// The small-model proxy at an option's core (the same in every view): the study's label, the core,
// its precision and laser power, whether the study has them and, if so, the study's laser power,
// perplexity, float perplexity, the change and the seed spread in percent of float.
nlohmann::ordered_json lm_proxy_record(const LmProxyLookup& p);
// One row per option and part: option, part, j_per_token, share_pct (the long-format table).
nlohmann::ordered_json breakdown_records(const Estimate& e);

}  // namespace lightwatt::mapping
