// Intensity-modulation formats: M equally spaced optical levels.
#pragma once

#include "lightwatt/core/enum_table.hpp"

namespace lightwatt::photonics {

enum class Modulation { nrz, pam4 };

constexpr int levels(Modulation m) { return m == Modulation::nrz ? 2 : 4; }
constexpr int bits_per_symbol(Modulation m) { return m == Modulation::nrz ? 1 : 2; }

}  // namespace lightwatt::photonics

template <>
struct lightwatt::EnumTable<lightwatt::photonics::Modulation> {
    static constexpr auto entries = std::to_array<EnumEntry<photonics::Modulation>>(
        {{photonics::Modulation::nrz, "nrz"}, {photonics::Modulation::pam4, "pam4"}});
};
