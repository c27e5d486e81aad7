// One photonic core architecture behind one interface (docs/extending.md, "A photonic
// architecture"): how a tile implements its weights, how the light is split and detected, the noise
// terms of the fused ADC kernel, its catalog keys and its JSON. emulate_gemm (mac_emulator.cpp) is
// the driver; it asks the architecture once per run or once per tile, never per sample, so the
// inner kernels stay monomorphic. Internal to photonics.
//
// Each architecture is one source in src/architectures/ and one line in the registry
// (architectures.cpp), after OpenMC's Filter / Filter::create.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/photonics/mac_emulator.hpp"

#include "adc_column.hpp"

namespace lightwatt::photonics::detail {

// Stream tag of the random draws that set implemented weights (fabrication and tuning errors),
// apart from the noise and drift streams for the same (seed, index).
constexpr std::uint64_t kWeightStream = 0x5745494748540000ULL;  // "WEIGHT"

// The weights a tile implements, for normalised targets in [-1, 1], and what detection sees.
struct ImplementedTile {
    Eigen::MatrixXd weights;           // real part of the implemented transfer, in normalised units
    Eigen::MatrixXd weights_imag;      // coherent mesh only: the imaginary leakage
    double coherent_scale = 1.0;       // coherent: sigma_max (implemented = scale * mesh matrix)
    double signal_scale = 1.0;         // analog swing per unit weight (microring 1 - D_min, mesh loss)
    Eigen::MatrixXd quantised_target;  // microring bank: what the rings were tuned for (drift reuses it)
};

// Detection constants of one configuration: current per unit normalised output and noise terms.
struct Detection {
    double responsivity = 0.0;
    double bandwidth_hz = 0.0;
    double thermal_variance = 0.0;  // A^2 over the noise bandwidth
    double dark_current = 0.0;      // A, per detector (two per balanced pair)
    double rin_per_hz = 0.0;
    double channel_power_w = 0.0;  // incoherent: per input channel at a detector; coherent: per input mode
    double lo_power_w = 0.0;       // coherent: local oscillator per output
};

// Per tile, in units of the ADC step: the gain and the coefficients of
//   sigma_v^2 = [thermal + 2qB (I_dc + 2 I_d)] / (g S)^2 + c_pp (p + offset)^2 + c_aa a^2 + c_a a
// (adc_column.hpp). The noise budget splits the same terms into
//   shot = 2qB I_dc / (g S)^2 + shot_c_pp (p^2 + a^2),   rin = (c_pp - shot_c_pp) (p + offset)^2 + c_a a,
// so the driver needs no architecture to sum it.
struct TileNoise {
    double gain = 1.0;                            // A per unit normalised output
    double thermal = 0.0, shot_per_ampere = 0.0;  // steps^2, steps^2 per A of DC light
    double c_pp = 0.0, c_aa = 0.0, c_a = 0.0;
    double shot_c_pp = 0.0;  // the shot part of c_pp (coherent), for the budget
};

// What the noise terms of every tile of a run share.
struct NoiseConstants {
    double adc_step = 1.0;         // normalised output units
    double shot_per_ampere = 0.0;  // 2 q B, A^2 per A
    double rin = 0.0;              // RIN x B, 0 when RIN is switched off
};

// The second partial sum a of the fused kernel, when the architecture has one: a = A x (coherent:
// the quadrature Im W x) or a = A (1 + x)^2 (microring: W^2 (1 + x)^2 for RIN per WDM line).
enum class AuxInput { linear, shifted_square };

// What slow drift between calibrations does (DriftParameters): nothing, rotate the homodyne LO
// phase of every column, or shift the weights (a common ring resonance shift per column chunk).
enum class DriftEffect { none, rotates_lo, shifts_weights };

class ArchitectureModel {
public:
    ArchitectureModel() = default;
    ArchitectureModel(const ArchitectureModel&) = delete;
    ArchitectureModel& operator=(const ArchitectureModel&) = delete;
    virtual ~ArchitectureModel() = default;

    // The name in catalogs, flags and JSON ("dot-product-engine").
    [[nodiscard]] virtual std::string_view name() const = 0;

    // --- catalog and reports ---
    // Reads the architecture's own keys of a [cores.NAME] entry into `c`.
    virtual void read(TableReader& r, MacEmulatorConfig& c) const = 0;
    // Adds the architecture's own settings to a result's JSON.
    virtual void write(const MacEmulatorConfig& /*c*/, nlohmann::json& /*j*/) const {}
    // The bits of the DACs that set a weight (energy per MAC, reports) and what they set.
    [[nodiscard]] virtual int weight_setting_bits(const MacEmulatorConfig& c) const { return c.weight_bits; }
    [[nodiscard]] virtual std::string_view weight_setting_label() const { return "weights"; }
    // What one detector's per-channel optical power is (reports).
    [[nodiscard]] virtual std::string_view channel_label() const { return "channel at a detector"; }

    // --- the emulation, per run ---
    // Splits the laser's light over channels (and LO), after the path loss. Default: every input
    // channel broadcast to the n rows of the core, k x n channel copies (incoherent cores).
    virtual void split_light(const MacEmulatorConfig& c, double transmission, Detection& d) const;
    // Shape of the fused ADC kernel; `drifting`: drift sequences exist for this run.
    [[nodiscard]] virtual AdcColumnShape adc_shape(const MacEmulatorConfig& c, bool drifting) const = 0;
    [[nodiscard]] virtual AuxInput aux_input() const { return AuxInput::linear; }
    // DC light on a detector: true when it follows the inputs (incoherent intensity encoding,
    // sum_j p_ch (1 + x_j) / 2), false when it is a fixed local oscillator.
    [[nodiscard]] virtual bool dc_light_follows_inputs() const { return true; }
    // True when the kernel adds the intensity offset (W 1) / S to every partial sum.
    [[nodiscard]] virtual bool has_offset() const { return false; }
    [[nodiscard]] virtual DriftEffect drift_effect() const { return DriftEffect::none; }
    // One-sided PSD at 1 Hz of this architecture's drift (0: none).
    [[nodiscard]] virtual double drift_psd(const MacEmulatorConfig& /*c*/) const { return 0.0; }

    // --- the emulation, per tile ---
    [[nodiscard]] virtual ImplementedTile implement(const Eigen::MatrixXd& target, const MacEmulatorConfig& c,
                                                    std::uint64_t tile_index) const = 0;
    // Current per unit of normalised output y. Default: offset intensity encoding
    // p = p_ch (1 + x) / 2 with balanced weights, I = (R p_ch / 2) y, times the tile's swing.
    [[nodiscard]] virtual double signal_gain(const Detection& d, const ImplementedTile& tile) const;
    // The architecture's coefficients c_pp, c_aa, c_a (and shot_c_pp) of `f`, whose gain is set.
    virtual void noise_terms(const MacEmulatorConfig& c, const Detection& d, const NoiseConstants& k,
                             const ImplementedTile& tile, TileNoise& f) const = 0;
    // The weights of the auxiliary sum (AuxInput), in float; `implemented`: the tile's weights as
    // implemented now (drift may have moved them).
    [[nodiscard]] virtual Eigen::MatrixXf aux_weights(const ImplementedTile& tile, const Eigen::MatrixXd& implemented,
                                                      double adc_step) const;
    // The weights of a tile under a common drift `shift_hz` (DriftEffect::shifts_weights).
    [[nodiscard]] virtual Eigen::MatrixXd drifted_weights(const ImplementedTile& tile, const MacEmulatorConfig& c,
                                                          std::uint64_t tile_index, double shift_hz) const;
};

// The registered architectures, in the order of architecture_names().
const std::vector<const ArchitectureModel*>& architecture_registry();
// The model of a registered architecture; throws InputError for an unknown one.
const ArchitectureModel& architecture_model(MacArchitecture a);

}  // namespace lightwatt::photonics::detail
