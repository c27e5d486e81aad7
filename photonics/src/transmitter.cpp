#include "lightwatt/photonics/transmitter.hpp"

#include "lightwatt/photonics/ber.hpp"

namespace lightwatt::photonics {

double tx_oma_per_laser_output(const TransmitterOptics& tx) {
    const ModulatorTransfer m = modulator_transfer(tx.modulator);
    const double split = static_cast<double>(tx.feed.lanes_per_laser);
    return m.oma_per_input_power / (split * tx.feed.feed_loss.ratio() * tx.output_coupling_loss.ratio());
}

DecibelMilliwatt tx_average_power_from_laser_output(const TransmitterOptics& tx, Power laser_output) {
    const ModulatorTransfer m = modulator_transfer(tx.modulator);
    const Power oma = laser_output * tx_oma_per_laser_output(tx);
    return to_dbm(average_power_from_oma(oma, m.extinction_ratio));
}

}  // namespace lightwatt::photonics
