// The optical path of one transmit lane: laser -> feed (split, couplings) -> modulator ->
// output coupling. Every step is linear in power, so transmit OMA is proportional to laser output
// and the laser power a link needs follows by division (docs/models/optical-links.md, "Laser").
#pragma once

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/photonics/laser.hpp"
#include "lightwatt/photonics/modulator.hpp"

namespace lightwatt::photonics {

struct TransmitterOptics {
    LaserFeed feed;
    Modulator modulator;
    Decibel output_coupling_loss{};  // PIC to fibre at the transmitter
};

// Transmit OMA per watt of laser output:
//   OMA_tx / P_laser = (OMA/P_in of the modulator) / (N 10^(L_feed/10) 10^(L_out/10)).
double tx_oma_per_laser_output(const TransmitterOptics& tx);

inline DecibelMilliwatt tx_oma_from_laser_output(const TransmitterOptics& tx, Power laser_output) {
    return to_dbm(laser_output * tx_oma_per_laser_output(tx));
}

inline Power laser_output_for_tx_oma(const TransmitterOptics& tx, DecibelMilliwatt tx_oma) {
    return to_power(tx_oma) / tx_oma_per_laser_output(tx);
}

// Average launch power per lane for a given laser output (the modulator's mean transmission).
DecibelMilliwatt tx_average_power_from_laser_output(const TransmitterOptics& tx, Power laser_output);

}  // namespace lightwatt::photonics
