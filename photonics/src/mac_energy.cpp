#include "lightwatt/photonics/mac_energy.hpp"

namespace lightwatt::photonics {

Energy MacEnergyBreakdown::total() const {
    Energy sum{};
    for (const auto& e : per_mac) sum += e;
    return sum;
}

MacEnergyBreakdown mac_energy(const MacEnergyParameters& p) {
    const double n = p.tile_rows, k = p.tile_cols;
    const Time cycle = 1.0 / p.clock;
    EnumArray<MacEnergyPart, Energy> per_cycle{};
    auto set = [&](MacEnergyPart part, Energy e) { per_cycle[part] = e; };
    set(MacEnergyPart::laser, p.laser_optical_power / p.laser_wall_plug_efficiency * cycle);
    set(MacEnergyPart::input_dac, k * energy_per_conversion(p.input_dac, p.input_dac_enob));
    set(MacEnergyPart::modulator, k * p.modulator_energy_per_sample);
    set(MacEnergyPart::weight_dac, n * k * energy_per_conversion(p.weight_dac, p.weight_dac_enob) / p.weight_reuse);
    set(MacEnergyPart::weight_hold, static_cast<double>(p.weight_holders) * p.holding_power * cycle);
    set(MacEnergyPart::adc, n * energy_per_conversion(p.adc, p.adc_enob));
    set(MacEnergyPart::tia, n * p.tia_power * cycle);
    set(MacEnergyPart::accumulation, n * p.accumulation_energy);
    // Static parts (laser, holding, TIA bias) burn on idle cycles too; converters and modulators
    // act only on useful cycles. Per useful MAC: static / (n k u) + dynamic / (n k).
    MacEnergyBreakdown b;
    const double macs = n * k;
    for (const MacEnergyPart part : enum_values<MacEnergyPart>()) {
        const bool is_static =
            part == MacEnergyPart::laser || part == MacEnergyPart::weight_hold || part == MacEnergyPart::tia;
        b.per_mac[part] = per_cycle[part] / (is_static ? macs * p.utilization : macs);
    }
    return b;
}

double macs_per_second(const MacEnergyParameters& p) {
    return static_cast<double>(p.tile_rows) * p.tile_cols * in_hertz(p.clock) * p.utilization;
}

}  // namespace lightwatt::photonics
