#include "lightwatt/interconnect/link_json.hpp"

#include <cmath>

namespace lightwatt::interconnect {

namespace {

// JSON has no infinity: an unbounded or undefined value is null.
nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json published_json(const PublishedRange& p, double modelled, const std::string& key) {
    const PublishedCheck check{modelled, p.low, p.high};
    return {{key + "_low", p.low},
            {key + "_high", p.high},
            {"modelled_" + key, modelled},
            {"within_widened_range", check.within_widened_range()},
            {"tolerance_pct", kPublishedRangeTolerance * 100.0},
            {"source", p.source}};
}

}  // namespace

nlohmann::json link_summary_json(const LinkArchetype& a) {
    return {{"name", a.name}, {"kind", std::string(enum_name(a.kind))}, {"description", a.description}};
}

nlohmann::json optical_budget_json(const OpticalBudgetReport& o, const OpticalLane& lane) {
    nlohmann::json j;
    const bool closes = o.sensitivity.oma.has_value();
    j["tx_oma_dbm"] = o.budget.tx_oma.value();
    j["tx_average_power_dbm"] = o.tx_average_power.value();
    j["extinction_ratio_db"] = o.extinction_ratio.value();
    j["channel_loss_db"] = o.budget.channel_loss.value();
    j["penalties_db"] = o.budget.penalties.value();
    j["rx_sensitivity_oma_dbm"] = closes ? nlohmann::json(o.sensitivity.oma->value()) : nlohmann::json();
    j["ideal_rx_sensitivity_oma_dbm"] = closes ? nlohmann::json(o.sensitivity.ideal_oma->value()) : nlohmann::json();
    j["rx_implementation_penalty_db"] = o.sensitivity.implementation_penalty.value();
    j["received_oma_dbm"] = o.budget.received_oma().value();
    j["power_budget_db"] = closes ? nlohmann::json(o.budget.power_budget().value()) : nlohmann::json();
    j["margin_db"] = closes ? number_or_null(o.budget.margin().value()) : nlohmann::json();
    j["design_channel_loss_db"] = lane.design_channel_loss.value();
    j["design_margin_db"] = lane.design_margin.value();
    j["fibre_length_m"] = in_meters(lane.channel.length);
    j["max_reach_m"] = o.max_reach ? nlohmann::json(in_meters(*o.max_reach)) : nlohmann::json();
    j["required_eye_q"] = o.sensitivity.eye_q;
    if (!closes) j["note"] = "RIN error floor lies above the target BER: no optical power closes this link";
    return j;
}

nlohmann::json link_report_json(const LinkReport& r, const LinkCatalog& catalog) {
    const LinkArchetype& a = *r.archetype;
    nlohmann::json j = link_summary_json(a);
    j["lanes"] = a.lanes;
    j["symbol_rate_gbaud"] = in_gigabaud(a.symbol_rate);
    j["modulation"] = std::string(enum_name(a.modulation));
    j["fec"] = a.fec.name;
    j["line_rate_gbit_per_s"] = in_gigabits_per_second(r.line_rate);
    j["payload_rate_gbit_per_s"] = in_gigabits_per_second(r.payload_rate);
    j["module_power_w"] = in_watts(r.module_power);
    j["link_power_w"] = in_watts(r.link_power);
    j["static_power_w"] = in_watts(r.static_power);
    j["pj_per_bit"] = in_picojoules_per_bit(r.energy_per_bit);
    j["block_to_product_factor"] = a.block_to_product_factor;
    nlohmann::json breakdown = nlohmann::json::object();
    nlohmann::json end_power = nlohmann::json::object();
    for (const Component c : enum_values<Component>()) {
        if (r.end_power[c].value() == 0.0) continue;
        const std::string name(enum_name(c));
        breakdown[name] = in_picojoules_per_bit(r.component_energy_per_bit(c));
        end_power[name + "_w"] = in_watts(r.end_power[c]);
    }
    j["breakdown_pj_per_bit"] = breakdown;
    j["end_power_breakdown"] = end_power;
    if (r.optical) {
        j["budget"] = optical_budget_json(*r.optical, *a.optics);
        nlohmann::json modulator;
        if (const auto* ring = std::get_if<photonics::MicroringModulator>(&a.optics->transmitter.modulator)) {
            modulator = {{"type", "microring"},
                         {"name", ring->name},
                         {"switching_energy_pj_per_bit",
                          in_picojoules_per_bit(photonics::ring_switching_energy_per_bit(*ring, a.modulation))},
                         {"tuning_power_per_ring_w", in_watts(photonics::ring_tuning_power(*ring))}};
        } else if (const auto* mzm = std::get_if<photonics::MachZehnderModulator>(&a.optics->transmitter.modulator)) {
            modulator = {{"type", "mach-zehnder"},
                         {"name", mzm->name},
                         {"half_wave_voltage_v", in_volts(photonics::half_wave_voltage(*mzm))},
                         {"termination_power_w", in_watts(photonics::mzm_termination_power(*mzm, a.modulation))}};
        }
        modulator["extinction_ratio_db"] = r.optical->extinction_ratio.value();
        j["modulator"] = modulator;
        j["laser"] = {{"output_per_laser_dbm", to_dbm(r.optical->laser_output).value()},
                      {"output_per_laser_w", in_watts(r.optical->laser_output)},
                      {"max_output_per_laser_w", in_watts(r.optical->laser_max_output)},
                      {"within_rating", r.optical->laser_within_rating},
                      {"lasers_per_end", r.optical->lasers_per_end},
                      {"wall_plug_efficiency", a.optics->laser.wall_plug_efficiency}};
    }
    nlohmann::json published = nlohmann::json::object();
    if (a.published_module_power_w)
        published["module_power"] =
            published_json(*a.published_module_power_w, in_watts(r.module_power), "module_power_w");
    if (a.published_pj_per_bit)
        published["energy_per_bit"] =
            published_json(*a.published_pj_per_bit, in_picojoules_per_bit(r.energy_per_bit), "pj_per_bit");
    j["published"] = published;
    j["sources"] = catalog.sources_of(a);
    return j;
}

}  // namespace lightwatt::interconnect
