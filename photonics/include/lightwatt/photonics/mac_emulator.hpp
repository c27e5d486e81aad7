// The photonic matrix-multiply emulator: a GEMM tiled onto photonic cores, each tile computed the
// way the hardware would (its weights as implemented, inputs through DACs and modulators, light
// through the critical path to balanced detectors), with shot, thermal/TIA and RIN noise from the
// optical power, ADC quantisation of every partial sum and electronic accumulation across tiles
// (docs/models/photonic-mac.md).
//
// Determinism: work is cut into blocks of (tile row, column chunk) fixed by the problem, never by
// the thread count; each block draws from its own CounterRng stream (seed, block).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/emulation_workspace.hpp"
#include "lightwatt/photonics/mac_config.hpp"
#include "lightwatt/photonics/noisy_gemm_problem.hpp"

namespace lightwatt::photonics {

struct NoiseBudget {
    // Mean-square error of one partial sum in units of the normalised output (y = sum w x with
    // w, x in [-1, 1]), by source.
    double shot = 0.0;
    double thermal = 0.0;
    double rin = 0.0;
    double adc = 0.0;  // step^2 / 12
    [[nodiscard]] double total() const { return shot + thermal + rin + adc; }
};

struct MacEmulationResult {
    Eigen::MatrixXd output;                       // the emulated product, in the units of the inputs
    Eigen::MatrixXd exact;                        // the exact product (sampled columns when !full_reference)
    std::vector<Eigen::Index> reference_columns;  // the output columns `exact` holds
    double snr_db = 0.0;                          // mean square of exact / mean square of the error
    double enob = 0.0;                            // from the per-tile error against the ADC full scale
    double rel_rms_error = 0.0;                   // ||output - exact||_F / ||exact||_F
    double clipped_fraction = 0.0;                // partial sums outside the ADC range
    std::size_t partial_sums = 0;                 // digitised partial sums (each output's, per k tile)
    std::size_t clipped_partial_sums = 0;         // of them, outside the ADC range (clipped_fraction's count)
    NoiseBudget predicted;                        // analytic per-partial-sum error budget at this operating point
    double static_error = 0.0;                    // measured per-partial-sum error the noise terms do not explain
    NoiseRegime regime = NoiseRegime::quantisation;
    double partial_sum_rms = 0.0;               // RMS of the exact normalised partial sums
    double partial_error_variance = 0.0;        // measured mean square error per digitised partial sum
    double adc_full_scale = 0.0;                // in normalised output units
    Power detector_power_per_channel{};         // optical power per input channel at a detector
    std::vector<double> error_histogram_edges;  // normalised error / RMS error, 41 edges
    std::vector<std::size_t> error_histogram;   // counts, 40 bins
    int tiles_row = 0, tiles_col = 0;
    EmulatorDevice backend = EmulatorDevice::cpu;  // where the tiled GEMM ran
};

// A read-only view of a column-major matrix of doubles: a MatrixXd binds to it without a copy, and
// so does memory owned elsewhere (a Fortran-ordered NumPy array through the Python module).
using MatrixView = Eigen::Ref<const Eigen::MatrixXd>;
// A writable view of a column-major matrix of doubles: a caller's preallocated output.
using OutputView = Eigen::Ref<Eigen::MatrixXd>;

// Most memory one emulation may use (docs/security.md): larger problems are refused before
// anything is allocated, rather than failing after minutes or exhausting the machine.
inline constexpr double kMaxEmulationBytes = 8.0 * 1024 * 1024 * 1024;

// An upper bound on the bytes emulate_gemm allocates for an m x k by k x n product with `config`
// (the implemented tiles, zero-padded to whole tiles, dominate when tiles are large or tiny),
// counting the weight and input matrices themselves.
double emulation_working_set_bytes(long long m, long long k, long long n, const MacEmulatorConfig& config);

// Throws InputError (key "m, k, n" or `key` when given) when the working set exceeds
// kMaxEmulationBytes.
void check_emulation_size(long long m, long long k, long long n, const MacEmulatorConfig& config,
                          const std::string& key = "m, k, n");

// Multiplies weights (m x k) by inputs (k x n) through the configured photonic architecture.
// Throws InputError for empty or non-finite matrices, mismatched shapes, impossible settings or a
// working set above kMaxEmulationBytes.
// The inputs are only read, never copied whole. With config.device cuda: ResourceMissing when the
// build has no CUDA backend or the machine no usable GPU, before any work.
MacEmulationResult emulate_gemm(const MatrixView& weights, const MatrixView& inputs, const MacEmulatorConfig& config);

// emulate_gemm writing the product into `output` (m x n, preallocated by the caller) and reusing
// `workspace`'s buffers, for callers that emulate repeatedly: no call faults fresh pages once the
// workspace and the output have been used at that size. The result's `output` stays empty; every
// other field, and every bit of the product, is what emulate_gemm gives. Throws as emulate_gemm
// does, and InputError when `output` is not m x n (nothing is written then).
MacEmulationResult emulate_gemm_into(const MatrixView& weights, const MatrixView& inputs,
                                     const MacEmulatorConfig& config, OutputView output, EmulationWorkspace& workspace);

// The run emulate_gemm would make, up to the tiled noisy GEMM, as plain arrays: what the GPU
// backend computes, and what its check reads (photonics/cuda/check). Throws as emulate_gemm does
// (the device is not asked for).
NoisyGemmProblem noisy_gemm_problem(const MatrixView& weights, const MatrixView& inputs,
                                    const MacEmulatorConfig& config);

}  // namespace lightwatt::photonics
