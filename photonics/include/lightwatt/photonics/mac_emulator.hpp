// The photonic matrix-multiply emulator: a GEMM tiled onto photonic cores, each tile computed the
// way the hardware would (its weights as implemented, inputs through DACs and modulators, light
// through the critical path to balanced detectors), with shot, thermal/TIA and RIN noise from the
// optical power, ADC quantisation of every partial sum and electronic accumulation across tiles
// (docs/models/photonic-mac.md).
//
// Determinism: work is cut into blocks of (tile row, column chunk) fixed by the problem, never by
// the thread count; each block draws from its own CounterRng stream (seed, block).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/laser.hpp"
#include "lightwatt/photonics/receiver.hpp"

namespace lightwatt::photonics {

// A photonic core architecture, by its registered name (photonics/src/architectures.cpp; one source
// per architecture, docs/extending.md). The three shipped ones have constants; any registered one
// comes from architecture_from_name. emulate_gemm refuses a name nobody registered.
class MacArchitecture {
public:
    constexpr explicit MacArchitecture(std::string_view name) : name_(name) {}
    static const MacArchitecture coherent_mesh, microring_bank, dot_product_engine;
    [[nodiscard]] constexpr std::string_view name() const { return name_; }
    friend constexpr bool operator==(MacArchitecture a, MacArchitecture b) { return a.name_ == b.name_; }

private:
    std::string_view name_;  // a registered architecture's own name: static storage
};
inline constexpr MacArchitecture MacArchitecture::coherent_mesh{"coherent-mesh"};
inline constexpr MacArchitecture MacArchitecture::microring_bank{"microring-bank"};
inline constexpr MacArchitecture MacArchitecture::dot_product_engine{"dot-product-engine"};

// Answered by the registry.
std::string_view architecture_name(MacArchitecture a);
std::optional<MacArchitecture> architecture_from_name(std::string_view name);
// The same, or an InputError keyed "architecture" naming the closest registered one.
MacArchitecture architecture_named(std::string_view name);
const std::vector<std::string>& architecture_names();

// Which error source sets the error of a design at its operating point: the largest of the noise
// terms and `static_error` (weight and input resolution, crosstalk, fabrication errors, drift).
enum class NoiseRegime { shot, thermal, rin, quantisation, static_error };

}  // namespace lightwatt::photonics

template <>
struct lightwatt::EnumTable<lightwatt::photonics::NoiseRegime> {
    using enum photonics::NoiseRegime;
    static constexpr auto entries = std::to_array<EnumEntry<photonics::NoiseRegime>>(
        {{shot, "shot"}, {thermal, "thermal"}, {rin, "rin"}, {quantisation, "quantisation"}, {static_error, "static"}});
    static constexpr std::string_view noun = "noise regime";
};

namespace lightwatt::photonics {

struct MicroringBankParameters {
    double quality_factor = 0.0;  // loaded Q: linewidth = f0 / Q
    Frequency channel_spacing{};  // WDM grid
    Length wavelength{};          // centre wavelength (for f0 = c / lambda)
    Frequency drift_rms{};        // static random resonance error per ring (thermal drift)
};

struct CoherentMeshParameters {
    int phase_dac_bits = 0;
    double phase_error_rad_rms = 0.0;
    double thermal_crosstalk = 0.0;
    double splitter_imbalance_rms = 0.0;
    Decibel mzi_insertion_loss{};
};

// Slow drift between calibrations, as 1/f noise generated through an FFT (drift.hpp). The columns
// of the input are spread evenly over `interval` (the time between calibrations), so the run sees
// the drift accumulated over that interval: the homodyne receivers' phase against the local
// oscillator (coherent mesh) and a common thermal shift of a row of rings (microring bank).
struct DriftParameters {
    Time interval{};                        // 0 = no drift
    double lo_phase_psd_rad2_per_hz = 0.0;  // one-sided PSD at 1 Hz of the LO phase (coherent mesh)
    double ring_psd_hz2_per_hz = 0.0;       // one-sided PSD at 1 Hz of the ring resonance (microring bank)
};

struct MacEmulatorConfig {
    MacArchitecture architecture = MacArchitecture::dot_product_engine;
    int tile_rows = 64;  // outputs per core (n)
    int tile_cols = 64;  // inputs per core (k)
    Frequency clock{};   // samples per second per channel
    double noise_bandwidth_per_clock = 0.5;
    // Light: the laser's optical output per core, its source model, and the critical-path loss
    // from laser to detector besides the ideal splits (modulators, couplers, waveguides).
    Power laser_power_per_core{};
    Laser laser;
    Decibel path_loss{};
    Photodetector photodetector;
    Tia tia;
    // Converters and weight resolution.
    int dac_bits = 8;     // input DACs
    int weight_bits = 8;  // weight setting (microring/engine); mesh uses phase_dac_bits
    int adc_bits = 8;
    double adc_clip_sigmas = 4.0;  // ADC full scale = this many RMS of the exact partial sums
    MicroringBankParameters microring;
    CoherentMeshParameters mesh;
    DriftParameters drift;
    std::uint64_t seed = 1;
    int threads = 0;  // 0 = default_thread_count()
    // Accuracy metrics against the full exact product (an extra GEMM in double). When false, SNR,
    // relative error and the histogram come from an evenly spaced sample of at most 128 output
    // columns and `exact` holds only those columns (large runs, benchmarks).
    bool full_reference = true;
    // Noise switches (for studies and tests; all on for a physical run).
    bool shot_noise = true;
    bool thermal_noise = true;
    bool rin_noise = true;
};

// How reports name an architecture's settings: what one channel's detector power is per, what sets
// a weight and with how many bits (the energy model charges those DACs).
struct ArchitectureLabels {
    std::string_view channel;         // "channel at a detector", "input mode"
    std::string_view weight_setting;  // "weights", "phase DACs"
    int weight_setting_bits = 0;
};
ArchitectureLabels architecture_labels(const MacEmulatorConfig& c);

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
};

// A read-only view of a column-major matrix of doubles: a MatrixXd binds to it without a copy, and
// so does memory owned elsewhere (a Fortran-ordered NumPy array through the Python module).
using MatrixView = Eigen::Ref<const Eigen::MatrixXd>;

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
// The inputs are only read, never copied whole.
MacEmulationResult emulate_gemm(const MatrixView& weights, const MatrixView& inputs, const MacEmulatorConfig& config);

}  // namespace lightwatt::photonics
