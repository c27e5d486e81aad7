// Incoherent microring weight bank (broadcast-and-weight, Tait et al., J. Lightwave Technol. 32,
// 4029 (2014)): input i rides its own WDM channel; in each row, ring i sets weight w_i by how much of
// channel i it drops to the '+' detector (the rest goes on to the '-' detector): w = 2 D - 1.
// Every ring also drops a little of the other channels (its Lorentzian tail), which is the
// crosstalk this model computes (docs/models/photonic-mac.md, "Microring weight bank").
#pragma once

#include <cstdint>

#include <Eigen/Dense>

#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/mac_emulator.hpp"

namespace lightwatt::photonics {

// Drop-port transmission of an add-drop ring at detuning df from resonance, peak-normalised:
//   D(df) = 1 / (1 + (2 df / FWHM)^2)
double lorentzian_drop(Frequency detuning, Frequency linewidth);

// FWHM linewidth f0 / Q with f0 = c / lambda.
Frequency ring_linewidth(double quality_factor, Length wavelength);

// The detuning that gives drop fraction D in (0, 1]: df = (FWHM / 2) sqrt(1/D - 1).
Frequency detuning_for_drop(double drop, Frequency linewidth);

struct MicroringBankTile {
    // Implemented weights after the digital offset and scale correction, in target units.
    Eigen::MatrixXd weights;
    // The analog signal per unit weight relative to a full-swing bank: 1 - D_min.
    double signal_scale = 1.0;
};

// A ring may detune by at most half the channel spacing (further, it would sit on the next
// channel), so its drop fraction spans [D_min, 1] with D_min = D(spacing/2). A target w in [-1, 1]
// maps to D = D_min + (1 - D_min)(1 + w)/2, i.e. the analog weight 2D - 1 = (1 - D_min) w + D_min;
// the offset D_min sum(x) is removed digitally and the scale (1 - D_min) costs signal.
double minimum_drop(const MicroringBankParameters& p);

// The weights a bank of rows implements for target weights in [-1, 1] (one row per output, one
// ring and channel per input, channel i at i x spacing): each ring is tuned as if alone, drifts by
// a static Gaussian error (drift_rms), and channel j's light passes every ring of the row in turn:
//   dropped_j = 1 - prod_i (1 - D_i(f_j)),   analog w_j = dropped_j - (1 - dropped_j),
// then corrected as above. Rings red-shift from their channel; draws come from
// CounterRng(seed, stream).
// `common_shift` moves every ring of the bank together (a temperature change) after tuning.
MicroringBankTile microring_bank_weights(const Eigen::MatrixXd& target, const MicroringBankParameters& p,
                                         std::uint64_t seed, std::uint64_t stream,
                                         Frequency common_shift = Frequency{});

}  // namespace lightwatt::photonics
