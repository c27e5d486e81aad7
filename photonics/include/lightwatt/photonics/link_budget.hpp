// Optical power budget of one lane, in the 802.3 structure (docs/models/optical-links.md,
// "Link budget"): everything in OMA, so the extinction-ratio penalty is never applied again.
//
//   margin = tx_oma - channel_loss - penalties - rx_sensitivity_oma
//
// and the inverse questions: the transmit OMA (hence laser power) a target margin needs, and the
// channel loss (hence reach) a given transmitter supports.
#pragma once

#include <optional>

#include "lightwatt/core/decibel.hpp"
#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/passive.hpp"

namespace lightwatt::photonics {

struct LinkBudget {
    DecibelMilliwatt tx_oma;
    Decibel channel_loss;
    Decibel penalties;  // transmitter and dispersion penalties (e.g. TDECQ, MPI allocations)
    DecibelMilliwatt rx_sensitivity_oma;

    // Launch OMA minus receiver sensitivity: what the channel and penalties may use up.
    [[nodiscard]] Decibel power_budget() const { return tx_oma - rx_sensitivity_oma; }
    [[nodiscard]] Decibel margin() const { return tx_oma - channel_loss - penalties - rx_sensitivity_oma; }
    [[nodiscard]] DecibelMilliwatt received_oma() const { return tx_oma - channel_loss; }
};

// The transmit OMA that closes the budget with `target_margin` to spare.
inline DecibelMilliwatt required_tx_oma(DecibelMilliwatt rx_sensitivity_oma, Decibel channel_loss, Decibel penalties,
                                        Decibel target_margin) {
    return rx_sensitivity_oma + channel_loss + penalties + target_margin;
}

// The largest channel loss a transmitter supports with `target_margin` to spare.
inline Decibel max_channel_loss(DecibelMilliwatt tx_oma, Decibel penalties, DecibelMilliwatt rx_sensitivity_oma,
                                Decibel target_margin) {
    return tx_oma - rx_sensitivity_oma - penalties - target_margin;
}

// The longest fibre of `channel`'s kind whose loss stays within `max_loss`:
//   l_max = (max_loss - fixed losses) / alpha.
// Empty when the fixed losses (connectors, splices, other elements) alone exceed `max_loss`.
std::optional<Length> max_reach(const Channel& channel, Decibel max_loss);

}  // namespace lightwatt::photonics
