// The B200 calibration record of the B200 validations (issue #13 item 6): no B200 GEMM or
// collective measurement exists. GEMMs take the public H100 profile's efficiencies (measured rate
// over the H100 peak, per shape) at the B200's peaks, the same kernels' share of peak carried to
// the next generation; collectives NCCL's model with NVLink 5 bandwidth (data/gpus.toml, b200)
// and NCCL's Blackwell LL caps, as no record has a fit for them; power from a serving fit alone.
#pragma once

#include <string>

#include "lightwatt/interconnect/calibration_record.hpp"
#include "lightwatt/mapping/gpu.hpp"

namespace lightwatt::testing {

inline interconnect::CalibrationRecord b200_calibration(const mapping::GpuSpec& h100, const mapping::GpuSpec& b200) {
    interconnect::CalibrationRecord cal =
        interconnect::load_calibration(std::string(LIGHTWATT_TEST_DATA_DIR) + "/calibration/h100-sxm-8gpu.json");
    for (auto& g : cal.gemm) {
        const bool fp8 = g.dtype == "fp8";
        const double speedup = (fp8 ? b200.peak_fp8 : b200.peak_bf16) / (fp8 ? h100.peak_fp8 : h100.peak_bf16);
        g.flop_rate = g.flop_rate * speedup;
        g.time = g.time / speedup;
    }
    cal.collectives.clear();
    cal.power = {};
    cal.machine.gpu_model = "NVIDIA B200";
    return cal;
}

}  // namespace lightwatt::testing
