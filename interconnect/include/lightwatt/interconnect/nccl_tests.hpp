// Reader of nccl-tests standard output (docs/calibration.md, "Importing nccl-tests logs").
//
// Accepts every layout era of the text output (NVIDIA/nccl-tests v1.x to v2.19; docs/calibration.md):
// with or without the version line and the "# Collective test starting:" markers; `#wrong`,
// `error` or no error column; with or without `redop` and `root`; in-place "N/A"; the
// per-iteration columns of -I and the timestamp of -S; MPI tag prefixes ("[1,0]<stdout>:",
// "[0]"); interleaved "NCCL INFO" / "NCCL WARN" lines; headers whose leading '#' was stripped;
// several collectives in one file. Ranks and nodes come from the device list.
//
// A line that starts like a result row but is not one is an InputError naming the file and
// line; so is a file without any result row.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/core/units.hpp"
#include "lightwatt/interconnect/collective.hpp"

namespace lightwatt::interconnect {

struct NcclTestsHalf {
    Time time{};
    DataRate algbw{};
    DataRate busbw{};
    std::optional<double> wrong;  // #wrong count or legacy max error; empty for "N/A"
};

struct NcclTestsRow {
    Information size{};   // nccl-tests' "size": the whole collective's bytes
    long long count = 0;  // elements
    std::string type;     // NCCL data type name
    std::string redop;    // "" when the layout has no redop column
    int root = -1;
    NcclTestsHalf out_of_place, in_place;
    int line = 0;  // 1-based line in the log
};

struct NcclTestsRun {
    std::string file;
    int first_line = 0;
    std::optional<Collective> collective;  // from the marker, or given by the caller
    std::string program;                   // "all_reduce_perf" when the marker names it
    std::string version;                   // nccl-tests version line, when printed
    int ranks = 0;                         // rank lines in the device list (0: no list)
    int nodes = 0;                         // distinct hosts in the device list
    std::vector<std::string> devices;      // GPU names, one per rank
    std::vector<NcclTestsRow> rows;
    std::optional<DataRate> reported_avg_busbw;  // "# Avg bus bandwidth : X"
};

// Parses a whole log. `collective` names the collective of runs whose log does not (older
// layouts print no marker); a marker in the log wins over it.
std::vector<NcclTestsRun> parse_nccl_tests(std::string_view text, const std::string& file,
                                           std::optional<Collective> collective = std::nullopt);
std::vector<NcclTestsRun> read_nccl_tests_file(const std::string& path,
                                               std::optional<Collective> collective = std::nullopt);

// Checks of a run against nccl-tests' own definitions.
struct NcclTestsCheck {
    DataRate avg_busbw{};  // mean busbw over every printed half (in- and out-of-place)
    DataRate peak_busbw{};
    double max_algbw_deviation = 0.0;           // |size / time - algbw| / algbw, worst printed half
    double max_busbw_deviation = 0.0;           // |algbw x factor(ranks) - busbw| / busbw, worst half
    std::optional<double> avg_busbw_deviation;  // against the reported "Avg bus bandwidth"
};
NcclTestsCheck check_run(const NcclTestsRun& run);

}  // namespace lightwatt::interconnect
