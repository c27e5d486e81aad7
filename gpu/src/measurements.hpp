// The three measurements of lightwatt-measure (docs/calibration.md, "Measuring on a GPU").
#pragma once

#include <string>
#include <vector>

#include "nvml_energy.hpp"
#include "record.hpp"

namespace lightwatt::gpu {

struct Shape {
    long long m = 0, n = 0, k = 0;
};

struct MeasureOptions {
    std::vector<Shape> shapes;
    std::vector<std::string> dtypes;  // bf16, fp16, fp8
    double min_bytes = 0.0, max_bytes = 0.0;
    double window_s = 1.0;
    const Nvml* nvml = nullptr;                  // null: no energy
    std::optional<double> context_idle_power_w;  // per GPU, for energy above idle
    std::optional<double> power_limit_w;         // per GPU, the enforced limit windows are flagged above
};

// cuBLASLt GEMMs ("TN": A transposed, as frameworks call it), heuristic #0, 32 MiB workspace, on
// device 0. Unsupported dtypes (fp8 below compute capability 8.9) are skipped with a note on stderr.
std::vector<GemmMeasurement> measure_gemm(const MeasureOptions& o);
// Device-to-device copies over a size sweep on device 0; bytes moved = 2 x buffer (read + write).
std::vector<MemoryMeasurement> measure_memory(const MeasureOptions& o);
// NCCL collectives over all local GPUs in one process; busbw as nccl-tests defines it.
std::vector<CollectiveMeasurement> measure_nccl(const MeasureOptions& o);
std::string nccl_version();

}  // namespace lightwatt::gpu
