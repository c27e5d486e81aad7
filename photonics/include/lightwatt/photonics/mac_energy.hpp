// Energy per multiply-accumulate of a photonic core, by part (docs/models/photonic-mac.md,
// "Energy"). One clock cycle of one core computes n x k MACs (n outputs, k inputs):
//
//   laser          P_laser / WPE / f                        (static: charged by time)
//   input DACs     k E_DAC(b_in)            + k E_mod        (per input sample)
//   weight DACs    n k E_DAC(b_w) / reuse                    (weight-stationary: reloaded per batch)
//   weight hold    N_hold P_hold / f                         (thermal tuning, static)
//   ADCs           n E_ADC(b_out)
//   TIAs           n P_TIA / f
//   accumulation   n E_add                                   (partial sums across K tiles)
//
// Energy per MAC is the cycle's total over n k u, with u the utilization (the share of cycles that
// do useful MACs: idle cycles still burn the static parts).
#pragma once

#include <array>
#include <string_view>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/converter.hpp"

namespace lightwatt::photonics {

struct MacEnergyParameters {
    int tile_rows = 64;  // n
    int tile_cols = 64;  // k
    Frequency clock{};
    Power laser_optical_power{};  // per core
    double laser_wall_plug_efficiency = 0.0;
    ConverterModel input_dac;
    ConverterModel weight_dac;
    ConverterModel adc;
    double input_dac_enob = 8.0;
    double weight_dac_enob = 8.0;
    double adc_enob = 8.0;
    Energy modulator_energy_per_sample{};  // input modulator drive per sample
    Power tia_power{};                     // per output channel
    int weight_holders = 0;                // heaters held on per core (rings, phase shifters)
    Power holding_power{};                 // per holder, mean
    Energy accumulation_energy{};          // one digital addition of a partial sum
    double weight_reuse = 1.0;             // input columns per weight load
    double utilization = 1.0;              // (0, 1]
};

enum class MacEnergyPart { laser, input_dac, modulator, weight_dac, weight_hold, adc, tia, accumulation };

}  // namespace lightwatt::photonics

template <>
struct lightwatt::EnumTable<lightwatt::photonics::MacEnergyPart> {
    using enum photonics::MacEnergyPart;
    static constexpr auto entries =
        std::to_array<EnumEntry<photonics::MacEnergyPart>>({{laser, "laser"},
                                                            {input_dac, "input_dac"},
                                                            {modulator, "modulator"},
                                                            {weight_dac, "weight_dac"},
                                                            {weight_hold, "weight_hold"},
                                                            {adc, "adc"},
                                                            {tia, "tia"},
                                                            {accumulation, "accumulation"}});
};

namespace lightwatt::photonics {

struct MacEnergyBreakdown {
    EnumArray<MacEnergyPart, Energy> per_mac{};
    [[nodiscard]] Energy total() const;
    [[nodiscard]] Energy part(MacEnergyPart p) const { return per_mac[p]; }
};

MacEnergyBreakdown mac_energy(const MacEnergyParameters& p);

// Useful MACs per second of one core: n k f u.
double macs_per_second(const MacEnergyParameters& p);

}  // namespace lightwatt::photonics
