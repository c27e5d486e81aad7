// Intensity-modulation formats: M equally spaced optical levels.
#pragma once

#include <string_view>

namespace lightwatt::photonics {

enum class Modulation { nrz, pam4 };

constexpr int levels(Modulation m) { return m == Modulation::nrz ? 2 : 4; }
constexpr int bits_per_symbol(Modulation m) { return m == Modulation::nrz ? 1 : 2; }
constexpr std::string_view name(Modulation m) { return m == Modulation::nrz ? "nrz" : "pam4"; }

}  // namespace lightwatt::photonics
