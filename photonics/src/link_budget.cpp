#include "lightwatt/photonics/link_budget.hpp"

namespace lightwatt::photonics {

std::optional<Length> max_reach(const Channel& channel, Decibel max_loss) {
    const Decibel room = max_loss - fixed_channel_loss(channel);
    if (room.value() < 0.0) return std::nullopt;
    return kilometers(room.value() / channel.fibre.attenuation_db_per_km);
}

}  // namespace lightwatt::photonics
