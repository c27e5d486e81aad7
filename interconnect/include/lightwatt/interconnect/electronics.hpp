// Electrical circuits of a link end: host SerDes, DSP/retimer chips, modulator drivers,
// housekeeping and power conversion (docs/models/optical-links.md, "Electronics").
#pragma once

#include <string>

#include "lightwatt/core/units.hpp"

namespace lightwatt::interconnect {

// A circuit whose power is a fixed part per lane plus an energy per bit it carries:
//   P = lanes (P_lane + E_bit R_lane)
// static_fraction: the share of that power drawn with no traffic (bias, clocks, CDR lock);
// the rest scales with the bits that toggle.
struct Circuit {
    std::string name;
    Power power_per_lane{};
    EnergyPerBit energy_per_bit{};
    double static_fraction = 1.0;
    // Measured on a stand-alone research circuit block rather than a complete chip or product:
    // scaled by the block-to-product factor when composed into a link.
    bool from_circuit_block = false;
};

inline Power circuit_power(const Circuit& c, int lanes, DataRate lane_rate) {
    return static_cast<double>(lanes) * (c.power_per_lane + c.energy_per_bit * lane_rate);
}

// Module management: microcontroller, monitors, CMIS housekeeping; drawn regardless of traffic.
struct Housekeeping {
    std::string name;
    Power power{};
};

// Research papers measure circuit blocks without what a product adds around them (PLLs and clock
// distribution, control and monitoring, I/O, supply and temperature corners). One factor, fitted
// on one product whose lanes can be counted, scales block figures to product figures.
struct BlockToProduct {
    double factor = 1.0;  // >= 1
    std::string source;
};

// DC-DC conversion from the host rail to the module's internal rails.
struct PowerConversion {
    std::string name;
    double efficiency = 1.0;  // (0, 1]
};

}  // namespace lightwatt::interconnect
