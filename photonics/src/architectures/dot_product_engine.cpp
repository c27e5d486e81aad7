// The generic analog dot-product engine (photonic tensor core class): inputs on intensity-modulated
// light p = p_ch (1 + x) / 2, weights as quantised transmissions, balanced detection, one laser per
// core (docs/models/photonic-mac.md, "Dot-product engine").
#include "lightwatt/photonics/quantizer.hpp"

#include "../architecture.hpp"

namespace lightwatt::photonics::detail {

namespace {

class DotProductEngine final : public ArchitectureModel {
public:
    [[nodiscard]] std::string_view name() const override { return MacArchitecture::dot_product_engine.name(); }

    void read(TableReader& /*r*/, MacEmulatorConfig& /*c*/) const override {}  // no keys of its own

    [[nodiscard]] AdcColumnShape adc_shape(const MacEmulatorConfig& c, bool /*drifting*/) const override {
        return c.rin_noise ? AdcColumnShape::offset : AdcColumnShape::plain;
    }

    [[nodiscard]] bool has_offset() const override { return true; }

    [[nodiscard]] ImplementedTile implement(const Eigen::MatrixXd& target, const MacEmulatorConfig& c,
                                            std::uint64_t /*tile_index*/) const override {
        const Quantizer weight_q{c.weight_bits, 1.0};
        ImplementedTile t;
        t.weights = target.unaryExpr([&](double v) { return quantize(v, weight_q); });
        return t;
    }

    void noise_terms(const MacEmulatorConfig& /*c*/, const Detection& /*d*/, const NoiseConstants& k,
                     const ImplementedTile& /*tile*/, TileNoise& f) const override {
        f.c_pp = k.rin;  // RIN on the whole current incl. the offset, one laser
    }
};

}  // namespace

const ArchitectureModel& dot_product_engine_model() {
    static const DotProductEngine model;
    return model;
}

}  // namespace lightwatt::photonics::detail
