// `lightwatt calibrate nccl-tests LOG... [-o calibration.json] [--json]`: imports nccl-tests logs
// into a calibration record (docs/calibration.md) and fits a latency-bandwidth model per run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lightwatt/interconnect/calibration_record.hpp"
#include "output.hpp"

namespace lightwatt::cli {

struct CalibrateNcclOptions {
    std::vector<std::string> logs;
    std::optional<std::string> collective;  // for logs that print no "Collective test starting" marker
    double max_fit_bytes = interconnect::kDefaultMaxFitBytes;  // rows up to this size enter the fit
};

void calibrate_nccl_tests(const CalibrateNcclOptions& options, const OutputOptions& out);

}  // namespace lightwatt::cli
