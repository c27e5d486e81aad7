// Photoreceiver noise and sensitivity (docs/models/optical-links.md, "Receiver").
//
// Noise variance at an optical level P (photocurrent I = R P), one-sided noise bandwidth B:
//   sigma^2 = i_n^2 B + 2 q (I + I_dark) B + RIN I^2 B
// (TIA input-referred noise, shot noise, laser relative intensity noise).
// Levels: P_k = P_0 + k OMA/(M-1), P_0 = OMA/(r-1) for outer extinction ratio r.
// Per-eye Q_k = R (OMA/(M-1)) / (sigma_k + sigma_{k+1}); the worst (top) eye sets the BER.
#pragma once

#include <optional>
#include <string>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/modulation.hpp"

namespace lightwatt::photonics {

struct Photodetector {
    std::string name;
    Responsivity responsivity{};
    Current dark_current{};
    Capacitance capacitance{};
};

struct Tia {
    std::string name;
    CurrentPsd input_noise_psd{};           // input-referred noise current density, squared
    double noise_bandwidth_per_baud = 0.0;  // B_n / symbol rate
    Power power{};                          // electrical power per lane
    // The power was measured on a stand-alone research circuit block (not a complete chip or a
    // product): the link model scales it to a product (docs, "Electronics").
    bool power_from_circuit_block = false;
};

struct ReceiverConditions {
    SymbolRate symbol_rate{};
    Modulation modulation = Modulation::nrz;
    double target_ber = 0.0;
    Decibel extinction_ratio{};   // of the incoming signal (outer levels)
    double rin_db_per_hz = -1e9;  // of the incoming light, referred to mean power; very negative = none
};

struct Sensitivity {
    // Noise-limited OMA at the target BER; empty when an error floor (RIN) lies above the target.
    std::optional<DecibelMilliwatt> ideal_oma;
    // ideal_oma + implementation penalty: what the budget uses.
    std::optional<DecibelMilliwatt> oma;
    Decibel implementation_penalty{};
    double eye_q = 0.0;
    Current thermal_noise_rms{};
};

// Noise standard deviation of the photocurrent at optical power `level`.
Current noise_rms(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c, Power level);

// BER of a signal of OMA `oma` under `c` (worst eye).
double bit_error_ratio(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c, Power oma);

// The per-eye Q that no OMA can exceed when RIN is present (the error floor):
//   Q_inf = (1/(M-1)) / (sqrt(RIN B) (p_top + p_below)),  p_k = 1/(r-1) + k/(M-1).
double eye_q_ceiling(const ReceiverConditions& c, Frequency noise_bandwidth);

// Smallest OMA reaching c.target_ber, then the implementation penalty added: ISI and reference
// equaliser noise enhancement, bandwidth limits, MPI, ADC resolution, which make real
// receivers several dB worse than the noise limit (802.3 DR4's stressed sensitivity, -1.9 dBm
// OMA at SECQ 3.4 dB, i.e. -5.3 dBm for a clean eye, is ~6 dB above a -11.7 dBm noise limit).
Sensitivity receiver_sensitivity(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c,
                                 Decibel implementation_penalty);

}  // namespace lightwatt::photonics
