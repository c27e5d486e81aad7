// Reading sweep results back (`lightwatt frontier`, lightwatt.read_sweep): a sweep's -o folder
// (manifest.json and its chunks, CSV or JSON lines) or single CSV / JSON-lines files of rows. A
// folder whose manifest counts fewer chunks than the sweep has is refused (the rows would look
// like the whole sweep's); `lightwatt sweep --resume` completes it. Columns are stored by kind:
// the output columns of output_keys.hpp as numbers (NaN where a row has none: an infeasible
// point, a training row's latency), `feasible` as a flag, every other column (the axes, option,
// announced, reason) as text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/study/sweep_rows.hpp"

namespace lightwatt::study {

struct ResultColumn {
    std::string name;
    bool numeric = false;            // an output key: values in `numbers`
    std::vector<double> numbers;     // one per row when numeric
    std::vector<std::string> texts;  // one per row otherwise ("" where a file lacks the column)
};

struct SweepResults {
    std::vector<ResultColumn> columns;  // in the order first seen
    std::vector<std::string> axes;      // the columns before "option": the design point's axes
    std::vector<char> feasible;         // one per row
    std::vector<std::string> files;     // the files read
    std::size_t rows = 0;

    // The column named `name`, or null.
    [[nodiscard]] const ResultColumn* column(std::string_view name) const;
};

// Reads every path in turn (a sweep folder, a .csv or a .jsonl file) into one table; columns
// missing from some files are empty there. InputError (exit 2): a path that is none of these, an
// incomplete sweep folder (the manifest, the chunks missing, that --resume completes it), a file
// whose rows are not a sweep's (no option or feasible column), or a bad row (the file, line and
// column, and what the column holds).
SweepResults read_sweep_results(const std::vector<std::filesystem::path>& paths);

// The rows of one file's text, appended to `into` (the reader's core, and the fuzzer's entry).
void read_result_rows(std::string_view text, RowFormat format, const std::string& file, SweepResults& into);

}  // namespace lightwatt::study
