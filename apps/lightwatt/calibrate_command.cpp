#include "calibrate_command.hpp"

#include <cmath>
#include <sstream>

#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/interconnect/calibration_record.hpp"

namespace lightwatt::cli {

namespace {

using namespace interconnect;

std::string percent(double fraction, int decimals) { return fixed(100.0 * fraction, decimals); }

// The library calls the collective given with the logs by that name; here it is --collective.
CalibrationRecord import_logs(const CalibrateNcclOptions& o, std::optional<Collective> given,
                              const std::string& command, std::vector<NcclTestsRun>& runs) {
    try {
        return calibration_from_nccl_tests(o.logs, given, bytes(o.max_fit_bytes), command, &runs);
    } catch (const InputError& e) {
        if (e.details().key != "collective" || given) throw;
        InputErrorDetails d = e.details();
        d.allowed = "a log that names it, or --collective NAME: " + join_alternatives(enum_names<Collective>());
        throw InputError(d);
    }
}

}  // namespace

void calibrate_nccl_tests(const CalibrateNcclOptions& o, const OutputOptions& out) {
    std::optional<Collective> given;
    if (o.collective) given = enum_parse_at<Collective>("--collective", *o.collective);
    if (!(o.max_fit_bytes >= 1.0) || !std::isfinite(o.max_fit_bytes))
        throw InputError::at("--max-fit-bytes", format_number(o.max_fit_bytes), "must be positive",
                             "a size in bytes >= 1");
    std::ostringstream command;
    command << "lightwatt calibrate nccl-tests";
    for (const auto& log : o.logs) command << ' ' << log;

    std::vector<NcclTestsRun> runs;
    const CalibrationRecord record = import_logs(o, given, command.str(), runs);
    const std::string json_text = render_json(calibration_json(record));
    if (!out.output_file.empty()) out.outputs->stage(out.output_file, json_text, "-o");
    if (out.json) {
        out.outputs->stage_stdout(json_text);
        return;
    }

    TextTable table({"log:line", "collective", "ranks", "nodes", "rows", "avg busbw", "reported", "peak busbw",
                     "latency us", "busbw fit", "held-out err %"},
                    {false, false, true, true, true, true, true, true, true, true, true});
    std::ostringstream notes;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const NcclTestsRun& run = runs[i];
        const CollectiveRecord& c = record.collectives[i];
        const NcclTestsCheck check = check_run(run);
        const CollectiveFit& fit = *c.fit;
        table.add({run.file + ":" + std::to_string(run.first_line), std::string(enum_name(c.collective)),
                   std::to_string(c.ranks), std::to_string(c.nodes), std::to_string(run.rows.size()),
                   fixed(in_gigabytes_per_second(check.avg_busbw), 2),
                   run.reported_avg_busbw ? fixed(in_gigabytes_per_second(*run.reported_avg_busbw), 2) : "-",
                   fixed(in_gigabytes_per_second(check.peak_busbw), 2), fixed(in_microseconds(fit.latency), 1),
                   fixed(in_gigabytes_per_second(fit.bus_bandwidth), 1),
                   fit.median_held_out_error ? percent(*fit.median_held_out_error, 1) : "-"});
        if (check.max_busbw_deviation > 0.01)
            notes << "note: " << run.file << ":" << run.first_line << ": busbw differs from algbw x "
                  << format_number(bus_bandwidth_factor(c.collective, c.ranks)) << " by up to "
                  << percent(check.max_busbw_deviation, 1)
                  << " %: the log's rank count may not be what the device list says\n";
        if (check.avg_busbw_deviation && *check.avg_busbw_deviation > 0.001)
            notes << "note: " << run.file << ":" << run.first_line
                  << ": the recomputed average busbw differs from the reported one by "
                  << percent(*check.avg_busbw_deviation, 2) << " %\n";
    }
    std::ostringstream text;
    text << "nccl-tests import: " << runs.size() << " run" << (runs.size() == 1 ? "" : "s") << " from " << o.logs.size()
         << " log" << (o.logs.size() == 1 ? "" : "s")
         << "; GPUs: " << (record.machine.gpu_model.empty() ? "not printed" : record.machine.gpu_model) << "\n\n"
         << table.render() << "\n"
         << "busbw in GB/s. Model per run: t = latency + bytes x busbw_factor / busbw, fitted on rows up to "
         << format_number(o.max_fit_bytes)
         << " bytes;\nheld-out error: median |predicted - measured| / measured on the larger rows. "
         << "The fitted latency absorbs the ramp to\nthe bandwidth plateau; for messages smaller than the log's, "
            "NCCL's tuning-model latency is in the JSON.\n"
         << notes.str();
    out.outputs->stage_stdout(escape_text(text.str(), true));
}

}  // namespace lightwatt::cli
