#include "lightwatt/photonics/emulation.hpp"

#include <cassert>

#include "architecture.hpp"

namespace lightwatt::photonics {

namespace {

// The core with the catalog's best and upper-bound converters for its clock; InputError when the
// survey does not cover the clock, before minutes of emulation are spent.
struct SpreadCores {
    PhotonicCore low, high;
};

SpreadCores spread_cores(const EmulationRequest& request, const PhotonicCoreCatalog& catalog) {
    return {with_converters_at(request.core, catalog.converters, SpreadPoint::low),
            with_converters_at(request.core, catalog.converters, SpreadPoint::high)};
}

bool wants_full_reference(const EmulationRequest& r, std::optional<bool> full_reference) {
    const double macs = static_cast<double>(r.m) * static_cast<double>(r.k) * static_cast<double>(r.n);
    return full_reference.value_or(macs <= kFullReferenceMaxMacs);
}

EmulationReport run(const EmulationRequest& request, const SpreadCores& spread, const MatrixView& weights,
                    const MatrixView& inputs, std::optional<bool> full_reference, const BeforeEmulating& before) {
    // The request's sizes price the run (weight reuse over n) and decide the full reference.
    assert(weights.rows() == request.m && weights.cols() == request.k && inputs.rows() == request.k &&
           inputs.cols() == request.n);
    EmulationReport out;
    out.full_reference = wants_full_reference(request, full_reference);
    MacEmulatorConfig config = request.core.emulator;
    config.full_reference = out.full_reference;
    if (before) before();
    out.result = emulate_gemm(weights, inputs, config);
    // Weights are reused across the n input columns.
    const double reuse = static_cast<double>(request.n);
    const MacEnergyParameters params = energy_parameters(request.core, reuse);
    out.energy.typical = mac_energy(params);
    out.energy.low = mac_energy(energy_parameters(spread.low, reuse));
    out.energy.high = mac_energy(energy_parameters(spread.high, reuse));
    out.macs_per_s = macs_per_second(params);
    if (request.target_enob) out.inverse = laser_power_for_enob(out.result, request.core, *request.target_enob);
    out.request = request;
    return out;
}

}  // namespace

EmulationReport run_emulation(const EmulationRequest& request, const PhotonicCoreCatalog& catalog,
                              std::optional<bool> full_reference, const BeforeEmulating& before) {
    const SpreadCores spread = spread_cores(request, catalog);
    const std::uint64_t seed = request.core.emulator.seed;
    const Eigen::MatrixXd weights =
        request.weights ? *request.weights : random_matrix(request.m, request.k, seed, kWeightsStream);
    const Eigen::MatrixXd inputs =
        request.inputs ? *request.inputs : random_matrix(request.k, request.n, seed, kInputsStream);
    return run(request, spread, weights, inputs, full_reference, before);
}

EmulationReport run_emulation(const EmulationRequest& request, const PhotonicCoreCatalog& catalog,
                              const MatrixView& weights, const MatrixView& inputs, std::optional<bool> full_reference,
                              const BeforeEmulating& before) {
    return run(request, spread_cores(request, catalog), weights, inputs, full_reference, before);
}

nlohmann::ordered_json mac_energy_records(const EnergySpread& energy) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    const double total = in_picojoules(energy.typical.total());
    for (const MacEnergyPart part : enum_values<MacEnergyPart>()) {
        const double typical = in_picojoules(energy.typical.part(part));
        rows.push_back({{"part", std::string(enum_name(part))},
                        {"pj_per_mac", typical},
                        {"pj_per_mac_low", in_picojoules(energy.low.part(part))},
                        {"pj_per_mac_high", in_picojoules(energy.high.part(part))},
                        {"share_pct", total > 0.0 ? 100.0 * typical / total : 0.0}});
    }
    return rows;
}

nlohmann::json emulation_json(const EmulationReport& report) {
    const EmulationRequest& request = report.request;
    const MacEmulationResult& r = report.result;
    const EnergySpread& spread = report.energy;
    const std::optional<PowerForEnob>& inverse = report.inverse;
    const MacEnergyBreakdown& energy = spread.typical;
    const auto& e = request.core.emulator;
    nlohmann::json j;
    j["core"] = request.core.name;
    j["arch"] = std::string(architecture_name(e.architecture));
    j["m"] = request.m;
    j["n"] = request.n;
    j["k"] = request.k;
    j["seed"] = e.seed;
    j["backend"] = std::string(enum_name(r.backend));
    j["tile_rows"] = e.tile_rows;
    j["tile_cols"] = e.tile_cols;
    j["dac_bits"] = e.dac_bits;
    j["weight_bits"] = e.weight_bits;
    j["adc_bits"] = e.adc_bits;
    j["laser_power_w"] = in_watts(e.laser_power_per_core);
    j["detector_power_per_channel_w"] = in_watts(r.detector_power_per_channel);
    j["snr_db"] = r.snr_db;
    j["enob"] = r.enob;
    j["rel_rms_error"] = r.rel_rms_error;
    j["clipped_pct"] = 100.0 * r.clipped_fraction;
    j["clipped_partial_sums"] = r.clipped_partial_sums;
    j["partial_sums"] = r.partial_sums;
    j["noise_regime"] = std::string(enum_name(r.regime));
    j["noise_budget"] = {{"shot", r.predicted.shot}, {"thermal", r.predicted.thermal},
                         {"rin", r.predicted.rin},   {"adc", r.predicted.adc},
                         {"static", r.static_error}, {"units", "mean square error per partial sum, normalised output"}};
    detail::architecture_model(e.architecture).write(e, j);
    j["energy_pj_per_mac"] = in_picojoules(energy.total());
    // Converter energies at the catalog's best and upper bound; ordered, since the preset's own
    // converters need not sit between them.
    j["energy_pj_per_mac_low"] = std::min(in_picojoules(spread.low.total()), in_picojoules(energy.total()));
    j["energy_pj_per_mac_high"] = std::max(in_picojoules(spread.high.total()), in_picojoules(energy.total()));
    nlohmann::json parts = nlohmann::json::object();
    for (const auto& row : mac_energy_records(spread))
        parts[row["part"].get<std::string>()] = row["pj_per_mac"].get<double>();
    j["breakdown_pj_per_mac"] = parts;
    j["modelled_macs_per_s"] = report.macs_per_s;
    j["error_histogram"] = {{"edges_in_rms_errors", r.error_histogram_edges}, {"counts", r.error_histogram}};
    if (inverse) {
        nlohmann::json inv;
        inv["target_enob"] = request.target_enob.value_or(0.0);
        inv["ceiling_enob"] = inverse->ceiling_enob;
        inv["regime"] = std::string(enum_name(inverse->regime));
        if (inverse->laser_power_per_core) {
            inv["laser_power_w"] = in_watts(*inverse->laser_power_per_core);
            inv["laser_electrical_power_w"] = in_watts(*inverse->laser_power_per_core) / e.laser.wall_plug_efficiency;
        } else {
            inv["laser_power_w"] = nullptr;
            inv["note"] = "the target lies above the ceiling that no optical power overcomes";
        }
        j["inverse"] = inv;
    }
    j["sources"] = request.core.sources;
    return j;
}

}  // namespace lightwatt::photonics
