// What a photonic core is to the emulator: its architecture (by registered name), the noise
// regimes a report names, and the settings of one emulation (MacEmulatorConfig). Plain structs
// without the matrix library, so the catalogs and the system model that name cores do not compile
// Eigen; the emulator itself is mac_emulator.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Where emulate_gemm runs the tiled noisy GEMM: on the CPU, or on an NVIDIA GPU where the build has
// the CUDA backend (photonics/cuda) and the machine a usable GPU (else ResourceMissing).
enum class EmulatorDevice { cpu, cuda };

}  // namespace lightwatt::photonics

template <>
struct lightwatt::EnumTable<lightwatt::photonics::EmulatorDevice> {
    using enum photonics::EmulatorDevice;
    static constexpr auto entries = std::to_array<EnumEntry<photonics::EmulatorDevice>>({{cpu, "cpu"}, {cuda, "cuda"}});
    static constexpr std::string_view noun = "device";
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
    EmulatorDevice device = EmulatorDevice::cpu;
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

}  // namespace lightwatt::photonics
