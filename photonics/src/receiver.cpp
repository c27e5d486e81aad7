#include "lightwatt/photonics/receiver.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/constants.hpp"
#include "lightwatt/photonics/ber.hpp"

namespace lightwatt::photonics {

namespace {

Frequency noise_bandwidth(const Tia& tia, const ReceiverConditions& c) {
    return tia.noise_bandwidth_per_baud * c.symbol_rate;
}

double rin_per_hz(const ReceiverConditions& c) { return std::pow(10.0, c.rin_db_per_hz / 10.0); }

// Optical power of level k of M for a given OMA and extinction ratio.
Power level_power(Power oma, double extinction_ratio, int k, int M) {
    const Power bottom = oma / (extinction_ratio - 1.0);
    return bottom + oma * (static_cast<double>(k) / (M - 1));
}

// Worst per-eye Q over the M-1 eyes.
double worst_eye_q(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c, Power oma) {
    const int M = levels(c.modulation);
    const double r = c.extinction_ratio.ratio();
    const Current spacing = pd.responsivity * oma / static_cast<double>(M - 1);
    double worst = 1e300;
    Current sigma_below = noise_rms(pd, tia, c, level_power(oma, r, 0, M));
    for (int k = 1; k < M; ++k) {
        const Current sigma_above = noise_rms(pd, tia, c, level_power(oma, r, k, M));
        worst = std::min(worst, (spacing / (sigma_below + sigma_above)).value());
        sigma_below = sigma_above;
    }
    return worst;
}

}  // namespace

Current noise_rms(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c, Power level) {
    const Frequency B = noise_bandwidth(tia, c);
    const Current photocurrent = pd.responsivity * level;
    const auto thermal = tia.input_noise_psd * B;
    const auto shot = 2.0 * constants::elementary_charge * (photocurrent + pd.dark_current) * B;
    // RIN is a density in 1/Hz given as dB/Hz: RIN * B is a plain number.
    const auto rin = (rin_per_hz(c) * in_hertz(B)) * photocurrent * photocurrent;
    return boost::units::sqrt(thermal + shot + rin);
}

double bit_error_ratio(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c, Power oma) {
    return ber_from_eye_q(worst_eye_q(pd, tia, c, oma), c.modulation);
}

double eye_q_ceiling(const ReceiverConditions& c, Frequency noise_bandwidth) {
    const double rin_b = rin_per_hz(c) * in_hertz(noise_bandwidth);
    if (rin_b <= 0.0) return 1e300;
    const int M = levels(c.modulation);
    const double r = c.extinction_ratio.ratio();
    // Levels in units of OMA: p_k = 1/(r-1) + k/(M-1); the top eye is the worst.
    const double p_top = 1.0 / (r - 1.0) + 1.0;
    const double p_below = 1.0 / (r - 1.0) + static_cast<double>(M - 2) / (M - 1);
    return (1.0 / (M - 1)) / (std::sqrt(rin_b) * (p_top + p_below));
}

Sensitivity receiver_sensitivity(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c,
                                 Decibel implementation_penalty) {
    Sensitivity out;
    out.implementation_penalty = implementation_penalty;
    out.eye_q = eye_q_for_ber(c.target_ber, c.modulation);
    out.thermal_noise_rms = boost::units::sqrt(tia.input_noise_psd * noise_bandwidth(tia, c));
    const double q = out.eye_q;
    // Shot noise and RIN grow with the signal, so Q rises more slowly than OMA and saturates at
    // a RIN ceiling. Above the ceiling no OMA reaches the target.
    if (q >= eye_q_ceiling(c, noise_bandwidth(tia, c))) return out;

    // ln Q is a smooth, increasing, concave function of ln OMA: secant iteration in the log-log
    // plane from the thermal-only solution (where the slope is exactly 1).
    const int M = levels(c.modulation);
    double x = std::log((2.0 * q * out.thermal_noise_rms * static_cast<double>(M - 1) / pd.responsivity).value());
    double lnq = std::log(worst_eye_q(pd, tia, c, Power::from_value(std::exp(x))));
    double slope = 1.0;
    const double target = std::log(q);
    for (int i = 0; i < 100 && std::abs(lnq - target) > 1e-13; ++i) {
        const double x_next = x + (target - lnq) / slope;
        const double lnq_next = std::log(worst_eye_q(pd, tia, c, Power::from_value(std::exp(x_next))));
        if (x_next != x) slope = std::clamp((lnq_next - lnq) / (x_next - x), 1e-3, 1.0);
        x = x_next;
        lnq = lnq_next;
    }
    out.ideal_oma = to_dbm(Power::from_value(std::exp(x)));
    out.oma = *out.ideal_oma + implementation_penalty;
    return out;
}

}  // namespace lightwatt::photonics
