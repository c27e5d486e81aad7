// The coherent MZI mesh as a core (SVD route: two Clements meshes and attenuators, mzi_mesh.hpp):
// inputs on the field amplitude of k modes, balanced homodyne readout against a local oscillator;
// shot noise on the signal light and slow drift of the LO phase (docs/models/photonic-mac.md,
// "Coherent mesh").
#include <cmath>

#include "lightwatt/photonics/mzi_mesh.hpp"

#include "../architecture.hpp"

namespace lightwatt::photonics::detail {

namespace {

class CoherentMeshCore final : public ArchitectureModel {
public:
    [[nodiscard]] std::string_view name() const override { return MacArchitecture::coherent_mesh.name(); }

    void read(TableReader& r, MacEmulatorConfig& c) const override {
        c.mesh.phase_dac_bits = static_cast<int>(r.integer("phase_dac_bits", 0, 52));
        c.mesh.phase_error_rad_rms = r.number("phase_error_rad", Range::non_negative());
        c.mesh.thermal_crosstalk = r.number("thermal_crosstalk", Range::unit_interval());
        c.mesh.splitter_imbalance_rms = r.number("splitter_imbalance_rad", Range::non_negative());
        c.mesh.mzi_insertion_loss = Decibel(r.number("mzi_insertion_loss_db", Range::closed(0.0, 10.0)));
    }
    void write(const MacEmulatorConfig& c, nlohmann::json& j) const override {
        j["phase_dac_bits"] = c.mesh.phase_dac_bits;
    }
    [[nodiscard]] int weight_setting_bits(const MacEmulatorConfig& c) const override { return c.mesh.phase_dac_bits; }
    [[nodiscard]] std::string_view weight_setting_label() const override { return "phase DACs"; }
    [[nodiscard]] std::string_view channel_label() const override { return "input mode"; }

    void split_light(const MacEmulatorConfig& c, double transmission, Detection& d) const override {
        // Half the light is the signal, split over the k input modes; half is the LO, split over
        // the n outputs' homodyne receivers.
        const double laser_w = in_watts(c.laser_power_per_core);
        d.channel_power_w = laser_w / 2.0 / c.tile_cols * transmission;
        d.lo_power_w = laser_w / 2.0 / c.tile_rows * transmission;
    }

    [[nodiscard]] AdcColumnShape adc_shape(const MacEmulatorConfig& c, bool drifting) const override {
        if (drifting) return AdcColumnShape::aux_rotated;
        return c.shot_noise ? AdcColumnShape::aux : AdcColumnShape::plain;
    }
    [[nodiscard]] bool dc_light_follows_inputs() const override { return false; }
    [[nodiscard]] DriftEffect drift_effect() const override { return DriftEffect::rotates_lo; }
    [[nodiscard]] double drift_psd(const MacEmulatorConfig& c) const override {
        return c.drift.lo_phase_psd_rad2_per_hz;
    }

    [[nodiscard]] ImplementedTile implement(const Eigen::MatrixXd& target, const MacEmulatorConfig& c,
                                            std::uint64_t tile_index) const override {
        const SvdMeshes meshes = svd_meshes(target);
        MeshImperfections imp;
        imp.phase_dac_bits = c.mesh.phase_dac_bits;
        imp.phase_error_rad_rms = c.mesh.phase_error_rad_rms;
        imp.thermal_crosstalk = c.mesh.thermal_crosstalk;
        imp.splitter_imbalance_rms = c.mesh.splitter_imbalance_rms;
        imp.mzi_insertion_loss = c.mesh.mzi_insertion_loss;
        imp.balance_edge_loss = true;  // laid out so every path crosses the same number of MZIs
        const Eigen::MatrixXcd mesh = implemented_matrix(meshes, imp, c.seed ^ kWeightStream, tile_index);
        // The meshes' insertion loss scales every output alike; the system calibrates that scale
        // out digitally (least squares against the target), which costs signal, not accuracy:
        // s = <Re M, W> / <W, W>.
        const double target_norm = target.squaredNorm();
        const double scale = target_norm > 0.0 ? (mesh.real().cwiseProduct(target)).sum() / target_norm : 1.0;
        const double safe_scale = std::abs(scale) > 1e-12 ? scale : 1.0;
        ImplementedTile t;
        t.weights = mesh.real() / safe_scale;
        t.weights_imag = mesh.imag() / safe_scale;
        t.coherent_scale = meshes.sigma_max > 0.0 ? meshes.sigma_max : 1.0;
        t.signal_scale = safe_scale;
        return t;
    }

    // Homodyne: I = 2 R sqrt(P_LO p_ch) y / sigma_max, times the calibrated mesh scale.
    [[nodiscard]] double signal_gain(const Detection& d, const ImplementedTile& tile) const override {
        return 2.0 * d.responsivity * std::sqrt(d.lo_power_w * d.channel_power_w) / tile.coherent_scale *
               tile.signal_scale;
    }

    void noise_terms(const MacEmulatorConfig& c, const Detection& d, const NoiseConstants& k,
                     const ImplementedTile& tile, TileNoise& f) const override {
        // Shot on the signal light: 2qB R p_ch |b|^2 with b = (fg y, fg y_imag).
        const double fg = tile.signal_scale / tile.coherent_scale;
        f.shot_c_pp =
            c.shot_noise ? k.shot_per_ampere * d.responsivity * d.channel_power_w * fg * fg / (f.gain * f.gain) : 0.0;
        f.c_pp = f.shot_c_pp + k.rin;
        f.c_aa = f.shot_c_pp;
    }

    [[nodiscard]] Eigen::MatrixXf aux_weights(const ImplementedTile& tile, const Eigen::MatrixXd& /*implemented*/,
                                              double adc_step) const override {
        return (tile.weights_imag / adc_step).cast<float>();
    }
};

}  // namespace

const ArchitectureModel& coherent_mesh_model() {
    static const CoherentMeshCore model;
    return model;
}

}  // namespace lightwatt::photonics::detail
