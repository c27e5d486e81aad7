#include "lightwatt/photonics/microring_bank.hpp"

#include <cmath>

#include "lightwatt/core/constants.hpp"
#include "lightwatt/core/rng.hpp"

namespace lightwatt::photonics {

double lorentzian_drop(Frequency detuning, Frequency linewidth) {
    const double x = 2.0 * (detuning / linewidth).value();
    return 1.0 / (1.0 + x * x);
}

Frequency ring_linewidth(double quality_factor, Length wavelength) {
    return (constants::speed_of_light / wavelength) / quality_factor;
}

Frequency detuning_for_drop(double drop, Frequency linewidth) {
    return linewidth / 2.0 * std::sqrt(std::max(0.0, 1.0 / drop - 1.0));
}

double minimum_drop(const MicroringBankParameters& p) {
    return lorentzian_drop(p.channel_spacing / 2.0, ring_linewidth(p.quality_factor, p.wavelength));
}

MicroringBankTile microring_bank_weights(const Eigen::MatrixXd& target, const MicroringBankParameters& p,
                                         std::uint64_t seed, std::uint64_t stream, Frequency common_shift) {
    const Frequency linewidth = ring_linewidth(p.quality_factor, p.wavelength);
    const double fwhm = in_hertz(linewidth);
    const double spacing = in_hertz(p.channel_spacing);
    const double drift = in_hertz(p.drift_rms);
    const double d_min = minimum_drop(p);
    const Eigen::Index rows = target.rows(), k = target.cols();
    GaussianSource gauss(CounterRng(seed, stream));
    MicroringBankTile tile;
    tile.signal_scale = 1.0 - d_min;
    tile.weights.resize(rows, k);
    std::vector<double> resonance(static_cast<std::size_t>(k));
    for (Eigen::Index r = 0; r < rows; ++r) {
        for (Eigen::Index i = 0; i < k; ++i) {
            const double w = std::clamp(target(r, i), -1.0, 1.0);
            const double drop = d_min + (1.0 - d_min) * (1.0 + w) / 2.0;
            const double detune = in_hertz(detuning_for_drop(drop, linewidth));
            resonance[static_cast<std::size_t>(i)] =
                static_cast<double>(i) * spacing + detune + drift * gauss.next() + in_hertz(common_shift);
        }
        for (Eigen::Index j = 0; j < k; ++j) {
            const double channel = static_cast<double>(j) * spacing;
            double remaining = 1.0;
            for (Eigen::Index i = 0; i < k; ++i) {
                const double x = 2.0 * (channel - resonance[static_cast<std::size_t>(i)]) / fwhm;
                remaining *= 1.0 - 1.0 / (1.0 + x * x);
            }
            const double analog = (1.0 - remaining) - remaining;
            tile.weights(r, j) = (analog - d_min) / (1.0 - d_min);
        }
    }
    return tile;
}

}  // namespace lightwatt::photonics
