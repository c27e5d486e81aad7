// Physical constants, each with its unit and source. Tunable parameters belong in data/, not here.
//
// Source: CODATA 2018 recommended values (Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021)).
// Since the 2019 SI redefinition e, k_B, h and c are exact.
#pragma once

#include "lightwatt/core/units.hpp"

namespace lightwatt::constants {

// Elementary charge, C = A s (exact, CODATA 2018).
inline const auto elementary_charge = 1.602176634e-19 * units::ampere * units::second;
// Boltzmann constant, J/K (exact, CODATA 2018).
inline const auto boltzmann = 1.380649e-23 * units::joule / units::kelvin;
// Planck constant, J s (exact, CODATA 2018).
inline const auto planck = 6.62607015e-34 * units::joule * units::second;
// Speed of light in vacuum, m/s (exact, CODATA 2018).
inline const auto speed_of_light = 299792458.0 * units::meter / units::second;

}  // namespace lightwatt::constants
