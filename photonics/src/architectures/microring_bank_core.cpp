// The broadcast-and-weight microring bank as a core: inputs on WDM channels, weights as ring drop
// fractions (microring_bank.hpp), balanced detection; RIN per WDM line and slow drift of the ring
// resonances (docs/models/photonic-mac.md, "Microring weight bank").
#include "lightwatt/photonics/microring_bank.hpp"
#include "lightwatt/photonics/quantizer.hpp"

#include "../architecture.hpp"

namespace lightwatt::photonics::detail {

namespace {

class MicroringBankCore final : public ArchitectureModel {
public:
    [[nodiscard]] std::string_view name() const override { return MacArchitecture::microring_bank.name(); }

    void read(TableReader& r, MacEmulatorConfig& c) const override {
        c.microring.quality_factor = r.number("quality_factor", Range::positive());
        c.microring.channel_spacing = gigahertz(r.number("channel_spacing_ghz", Range::positive()));
        c.microring.wavelength = nanometers(r.number("wavelength_nm", Range::open(100.0, 10000.0)));
        c.microring.drift_rms = gigahertz(r.number("drift_ghz", Range::non_negative()));
    }

    [[nodiscard]] AdcColumnShape adc_shape(const MacEmulatorConfig& c, bool /*drifting*/) const override {
        return c.rin_noise ? AdcColumnShape::aux : AdcColumnShape::plain;
    }
    [[nodiscard]] AuxInput aux_input() const override { return AuxInput::shifted_square; }
    [[nodiscard]] DriftEffect drift_effect() const override { return DriftEffect::shifts_weights; }
    [[nodiscard]] double drift_psd(const MacEmulatorConfig& c) const override { return c.drift.ring_psd_hz2_per_hz; }

    [[nodiscard]] ImplementedTile implement(const Eigen::MatrixXd& target, const MacEmulatorConfig& c,
                                            std::uint64_t tile_index) const override {
        const Quantizer weight_q{c.weight_bits, 1.0};
        ImplementedTile t;
        t.quantised_target = target.unaryExpr([&](double v) { return quantize(v, weight_q); });
        MicroringBankTile bank =
            microring_bank_weights(t.quantised_target, c.microring, c.seed ^ kWeightStream, tile_index);
        t.weights = std::move(bank.weights);
        t.signal_scale = bank.signal_scale;
        return t;
    }

    void noise_terms(const MacEmulatorConfig& /*c*/, const Detection& /*d*/, const NoiseConstants& k,
                     const ImplementedTile& /*tile*/, TileNoise& f) const override {
        f.c_a = k.rin / (k.adc_step * k.adc_step);  // RIN per WDM line: sum W^2 (1 + x)^2
    }

    [[nodiscard]] Eigen::MatrixXf aux_weights(const ImplementedTile& /*tile*/, const Eigen::MatrixXd& implemented,
                                              double /*adc_step*/) const override {
        return implemented.array().square().matrix().cast<float>();
    }

    // A common ring shift (temperature) moves every ring off its tuning; the rings were tuned for
    // the quantised target, with the same fabrication draws.
    [[nodiscard]] Eigen::MatrixXd drifted_weights(const ImplementedTile& tile, const MacEmulatorConfig& c,
                                                  std::uint64_t tile_index, double shift_hz) const override {
        return microring_bank_weights(tile.quantised_target, c.microring, c.seed ^ kWeightStream, tile_index,
                                      hertz(shift_hz))
            .weights;
    }
};

}  // namespace

const ArchitectureModel& microring_bank_model() {
    static const MicroringBankCore model;
    return model;
}

}  // namespace lightwatt::photonics::detail
