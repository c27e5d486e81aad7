// Bit error ratio, Q factor, OMA and extinction ratio (docs/models/optical-links.md, "Receiver").
//
// Gaussian noise, M equally spaced levels, Gray coding, errors only between neighbouring levels:
//   symbol error ratio  SER = 2 (1 - 1/M) Q_G(q)         (Q_G(x) = erfc(x/sqrt 2)/2)
//   bit error ratio     BER = SER / log2 M
// where q = (level spacing) / (sum of the two neighbouring noise rms) is the per-eye Q.
// NRZ: BER = Q_G(q). PAM4: BER = (3/4) Q_G(q).
#pragma once

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/photonics/modulation.hpp"

namespace lightwatt::photonics {

// Gaussian upper tail probability Q_G(x) = P(N(0,1) > x).
double gaussian_tail(double x);

double ber_from_eye_q(double eye_q, Modulation m);

// The per-eye Q that gives `ber` (0 < ber < BER at q = 0). Newton iteration on log BER;
// accurate to 1e-12 relative.
double eye_q_for_ber(double ber, Modulation m);

// Optical modulation amplitude from average power and extinction ratio r = P1/P0 (outer levels):
//   OMA = 2 P_avg (r - 1)/(r + 1).
Power oma_from_average_power(Power average, Decibel extinction_ratio);
Power average_power_from_oma(Power oma, Decibel extinction_ratio);

// Power penalty of a finite extinction ratio relative to an infinite one
// (Maxim HFAN-2.2.0; Ramaswami, "Optical Networks", sec. 5.4):
//   at fixed average power  10 log10((r + 1)/(r - 1))
//   at fixed peak power     10 log10(r/(r - 1))
// It applies when converting average or peak power to OMA, never again to a budget stated in OMA.
Decibel extinction_ratio_penalty_average_limited(Decibel extinction_ratio);
Decibel extinction_ratio_penalty_peak_limited(Decibel extinction_ratio);

}  // namespace lightwatt::photonics
