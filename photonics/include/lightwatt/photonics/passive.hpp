// Passive optical parts and the channel between transmitter and receiver
// (docs/models/optical-links.md, "Channel").
#pragma once

#include <string>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/units.hpp"

namespace lightwatt::photonics {

struct Fibre {
    std::string name;
    double attenuation_db_per_km = 0.0;  // cabled attenuation at the operating wavelength
};

// An on-chip waveguide: propagation loss per length.
struct Waveguide {
    std::string name;
    double loss_db_per_cm = 0.0;
};

inline Decibel waveguide_loss(const Waveguide& w, Length length) {
    return Decibel(w.loss_db_per_cm * in_centimeters(length));
}

// Any element described by an insertion loss: connector pair, splice, coupler, mux/demux.
struct LossElement {
    std::string name;
    Decibel insertion_loss{};
};

// Fibre loss alpha * length.
inline Decibel fibre_loss(const Fibre& f, Length length) {
    return Decibel(f.attenuation_db_per_km * in_kilometers(length));
}

// The transmitter-to-receiver channel of one lane:
//   L = alpha l + N_conn IL_conn + N_splice IL_splice + sum of other elements.
struct Channel {
    Fibre fibre;
    Length length{};
    LossElement connector;
    int connectors = 0;
    LossElement splice;
    int splices = 0;
    Decibel other_loss{};  // mux/demux, couplers in the path, as a sum
};

inline Decibel channel_loss(const Channel& c) {
    return fibre_loss(c.fibre, c.length) + static_cast<double>(c.connectors) * c.connector.insertion_loss +
           static_cast<double>(c.splices) * c.splice.insertion_loss + c.other_loss;
}

// Channel loss apart from the fibre, the part that does not grow with length.
inline Decibel fixed_channel_loss(const Channel& c) {
    Channel no_fibre = c;
    no_fibre.length = meters(0.0);
    return channel_loss(no_fibre);
}

}  // namespace lightwatt::photonics
