#include "lightwatt/interconnect/link_archetype.hpp"

#include <cmath>

#include "lightwatt/photonics/ber.hpp"

namespace lightwatt::interconnect {

DataRate line_rate(const LinkArchetype& a) {
    return static_cast<double>(a.lanes * photonics::bits_per_symbol(a.modulation)) * a.symbol_rate * bits(1.0);
}

DataRate payload_rate(const LinkArchetype& a) { return line_rate(a) * photonics::payload_fraction(a.fec); }

EnergyPerBit LinkReport::component_energy_per_bit(Component c) const {
    // Both ends' power over both directions' payload: one end's power over one direction's.
    return end_power[c] / payload_rate;
}

namespace {

OpticalBudgetReport evaluate_optics(const LinkArchetype& a, const OpticalLane& o) {
    using namespace photonics;
    OpticalBudgetReport r;
    const ModulatorTransfer transfer = modulator_transfer(o.transmitter.modulator);
    r.extinction_ratio = transfer.extinction_ratio;
    const ReceiverConditions conditions{a.symbol_rate, a.modulation, a.fec.pre_fec_ber_threshold,
                                        transfer.extinction_ratio, o.laser.rin_db_per_hz};
    r.sensitivity = receiver_sensitivity(o.photodetector, o.tia, conditions, o.rx_implementation_penalty);

    const Decibel deployed_loss = channel_loss(o.channel) + o.rx_coupling_loss;
    r.lasers_per_end = (a.lanes + o.transmitter.feed.lanes_per_laser - 1) / o.transmitter.feed.lanes_per_laser;
    r.laser_max_output = o.laser.max_output_power;
    if (!r.sensitivity.oma) {
        // A RIN floor above the target BER: no laser power closes this link. Report the
        // laser at its rating and the budget with the floor as the receiver's limit.
        r.laser_output = o.laser.max_output_power;
        r.laser_within_rating = false;
        const DecibelMilliwatt tx = tx_oma_from_laser_output(o.transmitter, r.laser_output);
        r.budget = {tx, deployed_loss, o.penalties, DecibelMilliwatt(std::numeric_limits<double>::infinity())};
        r.tx_average_power = tx_average_power_from_laser_output(o.transmitter, r.laser_output);
        return r;
    }
    const DecibelMilliwatt sensitivity = *r.sensitivity.oma;
    const DecibelMilliwatt tx_oma =
        required_tx_oma(sensitivity, o.design_channel_loss + o.rx_coupling_loss, o.penalties, o.design_margin);
    r.laser_output = laser_output_for_tx_oma(o.transmitter, tx_oma);
    r.laser_within_rating = r.laser_output <= o.laser.max_output_power;
    r.tx_average_power = tx_average_power_from_laser_output(o.transmitter, r.laser_output);
    r.budget = {tx_oma, deployed_loss, o.penalties, sensitivity};
    Channel with_rx_coupling = o.channel;
    with_rx_coupling.other_loss += o.rx_coupling_loss;
    r.max_reach = max_reach(with_rx_coupling, max_channel_loss(tx_oma, o.penalties, sensitivity, Decibel(0.0)));
    return r;
}

}  // namespace

LinkReport evaluate(const LinkArchetype& a) {
    LinkReport r;
    r.archetype = &a;
    r.line_rate = line_rate(a);
    r.payload_rate = payload_rate(a);
    const DataRate lane_rate = r.line_rate / static_cast<double>(a.lanes);
    auto& p = r.end_power;
    auto& s = r.end_static_power;
    auto add = [&](Component c, Power total, double static_fraction) {
        p[c] += total;
        s[c] += total * static_fraction;
    };

    // One end transmits `lanes` and receives `lanes`: circuits rated per bit carried count the
    // line rate of one direction (a SerDes or DSP lane pair at each end is one transmitter and
    // one receiver, whose energy per bit the catalogs quote together).
    const auto product = [&](bool from_block) { return from_block ? a.block_to_product_factor : 1.0; };
    const auto add_circuit = [&](Component c, const std::optional<Circuit>& circuit) {
        if (!circuit) return;
        add(c, product(circuit->from_circuit_block) * circuit_power(*circuit, a.lanes, lane_rate),
            circuit->static_fraction);
    };
    add_circuit(Component::host_serdes, a.host_serdes);
    add_circuit(Component::dsp, a.dsp);
    add_circuit(Component::driver, a.driver);

    if (a.optics) {
        const OpticalLane& o = *a.optics;
        if (const auto* ring = std::get_if<photonics::MicroringModulator>(&o.transmitter.modulator)) {
            const Power switching = static_cast<double>(a.lanes) *
                                    photonics::ring_switching_energy_per_bit(*ring, a.modulation) * lane_rate;
            add(Component::modulator, switching, 0.0);
            const int tuned_rings = a.lanes * (1 + o.rx_filter_rings_per_lane);
            add(Component::tuning, static_cast<double>(tuned_rings) * photonics::ring_tuning_power(*ring), 1.0);
        }
        // Linear TIAs are biased analog stages: their power does not depend on traffic.
        add(Component::tia, product(o.tia.power_from_circuit_block) * static_cast<double>(a.lanes) * o.tia.power, 1.0);
        r.optical = evaluate_optics(a, o);
        const Power per_laser = photonics::laser_electrical_power(o.laser, r.optical->laser_output);
        add(Component::laser, static_cast<double>(r.optical->lasers_per_end) * per_laser, 1.0);
    }
    if (a.housekeeping) add(Component::housekeeping, a.housekeeping->power, 1.0);
    if (a.conversion) {
        // Conversion loss on everything the module draws (all but host SerDes, and an external
        // laser source, which has its own supply): P/eta - P.
        const bool external_laser = a.optics && a.optics->laser.external_source;
        Power load{}, static_load{};
        for (const Component c : enum_values<Component>()) {
            if (c == Component::host_serdes) continue;
            if (external_laser && c == Component::laser) continue;
            load += p[c];
            static_load += s[c];
        }
        const double overhead = 1.0 / a.conversion->efficiency - 1.0;
        p[Component::power_conversion] = load * overhead;
        s[Component::power_conversion] = static_load * overhead;
    }
    if (a.idle_fill) s = p;

    Power end_total{}, end_static{};
    for (const Component c : enum_values<Component>()) {
        end_total += p[c];
        end_static += s[c];
        if (c != Component::host_serdes) r.module_power += p[c];
    }
    r.link_power = 2.0 * end_total;
    r.static_power = 2.0 * end_static;
    r.energy_per_bit = r.link_power / (2.0 * r.payload_rate);
    return r;
}

}  // namespace lightwatt::interconnect
