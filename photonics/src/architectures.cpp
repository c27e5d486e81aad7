// The registry of photonic core architectures: one line per architecture (docs/extending.md,
// "A photonic architecture"). Each factory lives in its architecture's source.
#include <algorithm>

#include "lightwatt/core/error.hpp"

#include "architecture.hpp"

namespace lightwatt::photonics {

namespace detail {

const ArchitectureModel& coherent_mesh_model();       // architectures/coherent_mesh_core.cpp
const ArchitectureModel& microring_bank_model();      // architectures/microring_bank_core.cpp
const ArchitectureModel& dot_product_engine_model();  // architectures/dot_product_engine.cpp

const std::vector<const ArchitectureModel*>& architecture_registry() {
    static const std::vector<const ArchitectureModel*> models = {
        &coherent_mesh_model(),
        &microring_bank_model(),
        &dot_product_engine_model(),
    };
    return models;
}

const ArchitectureModel& architecture_model(MacArchitecture a) {
    for (const ArchitectureModel* model : architecture_registry())
        if (model->name() == a.name()) return *model;
    throw InputError::at("architecture", std::string(a.name()), "unknown architecture",
                         "one of the registered architectures (photonics/src/architectures.cpp)");
}

void ArchitectureModel::split_light(const MacEmulatorConfig& c, double transmission, Detection& d) const {
    d.channel_power_w =
        in_watts(c.laser_power_per_core) / (static_cast<double>(c.tile_cols) * c.tile_rows) * transmission;
}

double ArchitectureModel::signal_gain(const Detection& d, const ImplementedTile& tile) const {
    return d.responsivity * d.channel_power_w / 2.0 * tile.signal_scale;
}

// Default behaviour of the optional per-tile steps: an architecture that declares an auxiliary
// sum or weight drift overrides them; reaching these is a bug in that architecture.
Eigen::MatrixXf ArchitectureModel::aux_weights(const ImplementedTile& /*tile*/, const Eigen::MatrixXd& /*implemented*/,
                                               double /*adc_step*/) const {
    throw std::logic_error(std::string(name()) + ": an auxiliary partial sum without aux_weights");
}

Eigen::MatrixXd ArchitectureModel::drifted_weights(const ImplementedTile& /*tile*/, const MacEmulatorConfig& /*c*/,
                                                   std::uint64_t /*tile_index*/, double /*shift_hz*/) const {
    throw std::logic_error(std::string(name()) + ": weight drift without drifted_weights");
}

}  // namespace detail

std::string_view architecture_name(MacArchitecture a) { return a.name(); }

std::optional<MacArchitecture> architecture_from_name(std::string_view name) {
    for (const detail::ArchitectureModel* model : detail::architecture_registry())
        if (model->name() == name) return MacArchitecture(model->name());
    return std::nullopt;
}

MacArchitecture architecture_named(std::string_view name) {
    if (const auto a = architecture_from_name(name)) return *a;
    throw InputError::unknown("architecture", name, architecture_names(), "unknown architecture");
}

const std::vector<std::string>& architecture_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const detail::ArchitectureModel* model : detail::architecture_registry()) out.emplace_back(model->name());
        return out;
    }();
    return names;
}

ArchitectureLabels architecture_labels(const MacEmulatorConfig& c) {
    const detail::ArchitectureModel& model = detail::architecture_model(c.architecture);
    return {model.channel_label(), model.weight_setting_label(), model.weight_setting_bits(c)};
}

}  // namespace lightwatt::photonics
