// Laser sources: electrical power from the optical power a link needs (DSENT's back-calculation,
// docs/models/optical-links.md, "Laser").
#pragma once

#include <string>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/units.hpp"

namespace lightwatt::photonics {

struct Laser {
    std::string name;
    // Optical output over electrical input at the operating point (0, 1].
    double wall_plug_efficiency = 0.0;
    // Largest rated optical output of one laser (per output fibre for an external source).
    Power max_output_power{};
    // Relative intensity noise, one-sided, referred to the mean power (dB/Hz, negative).
    double rin_db_per_hz = 0.0;
    // Thermo-electric cooler and bias electronics drawn regardless of output (W); 0 if uncooled.
    Power fixed_power{};
    // A separate pluggable source (ELSFP) with its own supply: its power does not pass through
    // the optical engine's DC-DC conversion.
    bool external_source = false;
};

// How light reaches the modulators of one lane.
struct LaserFeed {
    // Lanes sharing one laser through a 1:N splitter (1 = a laser per lane).
    int lanes_per_laser = 1;
    // Loss from laser to modulator input besides the ideal 1:N split: coupling into the PIC,
    // splitter excess loss, and for an external source its fibre and connectors.
    Decibel feed_loss{};
};

// Electrical power of one laser delivering `optical_output`.
inline Power laser_electrical_power(const Laser& laser, Power optical_output) {
    return optical_output / laser.wall_plug_efficiency + laser.fixed_power;
}

// Optical power one laser must emit so each of its lanes gets `per_lane_at_modulator`:
//   P_laser = N * P_lane * 10^(L_feed/10)   (the 1:N split is the N; L_feed its excess)
inline Power laser_output_for_lanes(const LaserFeed& feed, Power per_lane_at_modulator) {
    return static_cast<double>(feed.lanes_per_laser) * amplify(per_lane_at_modulator, feed.feed_loss);
}

}  // namespace lightwatt::photonics
