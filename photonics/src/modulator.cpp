#include "lightwatt/photonics/modulator.hpp"

#include <cmath>
#include <numbers>

namespace lightwatt::photonics {

ModulatorTransfer modulator_transfer(const MicroringModulator& ring) {
    const double r = ring.extinction_ratio.ratio();
    return {(1.0 - 1.0 / r) / ring.insertion_loss.ratio(), ring.extinction_ratio};
}

Voltage half_wave_voltage(const MachZehnderModulator& mzm) {
    // V_pi L is in V cm; the length is a Length.
    return volts(mzm.vpi_length_volt_cm / in_centimeters(mzm.phase_shifter_length));
}

ModulatorTransfer modulator_transfer(const MachZehnderModulator& mzm) {
    const double phase_fraction = std::min(1.0, (mzm.drive_swing / half_wave_voltage(mzm)).value());
    const double s = std::sin(std::numbers::pi * phase_fraction / 2.0);
    const double r = s < 1.0 ? (1.0 + s) / (1.0 - s) : 1e6;  // full swing: extinction limited elsewhere
    return {s / mzm.insertion_loss.ratio(), Decibel::from_ratio(r)};
}

ModulatorTransfer modulator_transfer(const Modulator& m) {
    return std::visit([](const auto& mod) { return modulator_transfer(mod); }, m);
}

EnergyPerBit ring_switching_energy_per_bit(const MicroringModulator& ring, Modulation m) {
    const int M = levels(m);
    // E[max(0, k' - k)] for k, k' i.i.d. uniform on {0..M-1}: sum_{d=1}^{M-1} d (M - d) / M^2.
    double mean_up_step = 0.0;
    for (int d = 1; d < M; ++d) mean_up_step += static_cast<double>(d * (M - d));
    mean_up_step /= static_cast<double>(M * M);
    const Energy per_symbol =
        ring.junction_capacitance * ring.drive_swing * ring.drive_swing * (mean_up_step / (M - 1));
    return per_symbol / bits(bits_per_symbol(m));
}

Power ring_tuning_power(const MicroringModulator& ring) { return ring.tuning_range / ring.heater_efficiency; }

Power mzm_termination_power(const MachZehnderModulator& mzm, Modulation m) {
    const double mean_square_fraction = (m == Modulation::nrz) ? 0.25 : 5.0 / 36.0;
    return mzm.drive_swing * mzm.drive_swing * mean_square_fraction / mzm.termination;
}

}  // namespace lightwatt::photonics
