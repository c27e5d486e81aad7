// Optical modulators: how much of the light reaching them becomes signal (OMA), and what
// driving them costs (docs/models/optical-links.md, "Modulators").
#pragma once

#include <string>
#include <variant>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/modulation.hpp"

namespace lightwatt::photonics {

// Depletion-mode microring modulator (through port).
struct MicroringModulator {
    std::string name;
    Capacitance junction_capacitance{};
    Voltage drive_swing{};               // peak-to-peak
    Decibel insertion_loss{};            // at the '1' (highest) level
    Decibel extinction_ratio{};          // outer levels, P_top / P_bottom
    Length tuning_range{};               // resonance shift the heater must supply on average
    LengthPerPower heater_efficiency{};  // resonance shift per heater power
};

// Travelling-wave Mach-Zehnder modulator biased at quadrature, push-pull.
struct MachZehnderModulator {
    std::string name;
    double vpi_length_volt_cm = 0.0;  // V_pi * L, V cm: the phase shifter's efficiency
    Length phase_shifter_length{};
    Voltage drive_swing{};     // peak-to-peak across the arm pair
    Resistance termination{};  // travelling-wave electrode termination
    Decibel insertion_loss{};  // excess loss with no drive, bias loss excluded
};

using Modulator = std::variant<MicroringModulator, MachZehnderModulator>;

// OMA at the modulator output per unit input power (the linear "modulation gain"), and the
// outer-level extinction ratio.
struct ModulatorTransfer {
    double oma_per_input_power = 0.0;
    Decibel extinction_ratio{};
};

// Microring: P_top = P_in / IL, P_bottom = P_top / r, so OMA = P_in (1 - 1/r) / IL
// (DSENT OpticalWavelength::getLaserPower's 1/(1 - 10^(-ER/10)) factor).
ModulatorTransfer modulator_transfer(const MicroringModulator& ring);
// MZM at quadrature, phase swing dphi = pi V_pp / V_pi: T = (1 +- sin(dphi/2))/2 of the
// unbiased transmission, so OMA = P_in sin(pi V_pp / (2 V_pi)) / IL, r = (1 + s)/(1 - s).
ModulatorTransfer modulator_transfer(const MachZehnderModulator& mzm);
ModulatorTransfer modulator_transfer(const Modulator& m);

// V_pi of the MZM: (V_pi L) / L.
Voltage half_wave_voltage(const MachZehnderModulator& mzm);

// Energy drawn from the supply per bit by a CMOS driver charging the ring's junction capacitance:
// each upward step of k levels costs C V_pp^2 k/(M-1); for i.i.d. equiprobable symbols
//   E_bit = C V_pp^2 E[max(0, k_next - k_now)] / ((M - 1) log2 M)
// which is the familiar C V^2 / 4 for NRZ (Miller, Opt. Express 20, A293 (2012)).
EnergyPerBit ring_switching_energy_per_bit(const MicroringModulator& ring, Modulation m);
// Heater power to hold one ring on resonance: tuning range / heater efficiency (DSENT
// OpticalLinkBackendTx::getRingTuningPower).
Power ring_tuning_power(const MicroringModulator& ring);
// Power dissipated in the travelling-wave termination: <V^2>/R with <V^2> = V_pp^2/4 for NRZ
// and 5 V_pp^2/36 for equiprobable PAM4 levels.
Power mzm_termination_power(const MachZehnderModulator& mzm, Modulation m);

}  // namespace lightwatt::photonics
