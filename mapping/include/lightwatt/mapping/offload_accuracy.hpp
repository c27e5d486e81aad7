// The accuracy of GEMMs offloaded to photonic cores, at the option's core and precision
// (docs/models/system-energy.md, "Photonic offload"): one emulation per offloaded GEMM of a sample
// of its output rows over the full reduction length, on the emulator's uniform test matrices.
// Computed once when the estimate's inputs are loaded, not per evaluation.
#pragma once

#include <string>
#include <vector>

#include "lightwatt/mapping/workload.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

namespace lightwatt::mapping {

struct OffloadAccuracy {
    std::string gemm;         // GemmOp name
    int outputs_sampled = 0;  // of the GEMM's n outputs per GPU
    int reduction = 0;        // k: the length every output sums over
    int rows = 0;             // m: tokens per step
    double snr_db = 0.0, enob = 0.0, rel_rms_error = 0.0;
};

// The samples offload_accuracy emulates, their figures not yet set: at most `max_outputs` output
// features and `max_rows` token rows of each named GEMM of `work` that the model has. The shapes
// and their order (each GEMM's random stream) are all the emulation reads of the workload.
std::vector<OffloadAccuracy> offload_samples(const StepWork& work, const std::vector<std::string>& gemms,
                                             int max_outputs = 256, int max_rows = 64);

// Emulates each sample on the core (its i-th on random streams 2i and 2i + 1), seeded with
// photonics::kDefaultEmulationSeed, so the figures are reproducible; sets snr_db, enob and
// rel_rms_error.
void emulate_offload_samples(const photonics::PhotonicCore& core, std::vector<OffloadAccuracy>& samples);

// offload_samples, emulated.
std::vector<OffloadAccuracy> offload_accuracy(const photonics::PhotonicCore& core, const StepWork& work,
                                              const std::vector<std::string>& gemms, int max_outputs = 256,
                                              int max_rows = 64);

}  // namespace lightwatt::mapping
