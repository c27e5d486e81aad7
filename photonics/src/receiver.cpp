#include "lightwatt/photonics/receiver.hpp"

#include <algorithm>
#include <cmath>

#include "lightwatt/core/constants.hpp"
#include "lightwatt/photonics/ber.hpp"

namespace lightwatt::photonics {

namespace {

Frequency noise_bandwidth(const Tia& tia, const ReceiverConditions& c) {
    return bandwidth_per_symbol_rate(tia.noise_bandwidth_per_baud, c.symbol_rate);
}

double rin_per_hz(const ReceiverConditions& c) { return std::pow(10.0, c.rin_db_per_hz / 10.0); }

// The noise model reduced to SI numbers once per call, so the inner solve does no unit
// conversions or pow(): sigma^2(P) = thermal + shot_per_ampere (R P + I_dark) + rin_b (R P)^2.
struct NoiseTerms {
    double thermal_variance;  // A^2
    double shot_per_ampere;   // 2 q B, A
    double rin_b;             // RIN B, dimensionless
    double responsivity;      // A/W
    double dark_current;      // A
    double extinction_ratio;  // linear
    int levels;

    NoiseTerms(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c) {
        const Frequency B = noise_bandwidth(tia, c);
        thermal_variance = (tia.input_noise_psd * B).value();
        shot_per_ampere = (2.0 * constants::elementary_charge * B).value();
        rin_b = rin_per_hz(c) * in_hertz(B);
        responsivity = in_amperes_per_watt(pd.responsivity);
        dark_current = in_amperes(pd.dark_current);
        extinction_ratio = c.extinction_ratio.ratio();
        levels = photonics::levels(c.modulation);
    }

    [[nodiscard]] double sigma(double power_w) const {
        const double i = responsivity * power_w;
        return std::sqrt(thermal_variance + shot_per_ampere * (i + dark_current) + rin_b * i * i);
    }

    // Worst per-eye Q over the M-1 eyes for an OMA in watts. Levels:
    // P_k = P_0 + k OMA/(M-1), P_0 = OMA/(r-1).
    [[nodiscard]] double worst_eye_q(double oma_w) const {
        const double step = oma_w / (levels - 1);
        const double bottom = oma_w / (extinction_ratio - 1.0);
        const double spacing = responsivity * step;
        double worst = 1e300;
        double sigma_below = sigma(bottom);
        for (int k = 1; k < levels; ++k) {
            const double sigma_above = sigma(bottom + k * step);
            worst = std::min(worst, spacing / (sigma_below + sigma_above));
            sigma_below = sigma_above;
        }
        return worst;
    }
};

}  // namespace

Current noise_rms(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c, Power level) {
    return amperes(NoiseTerms(pd, tia, c).sigma(in_watts(level)));
}

double bit_error_ratio(const Photodetector& pd, const Tia& tia, const ReceiverConditions& c, Power oma) {
    return ber_from_eye_q(NoiseTerms(pd, tia, c).worst_eye_q(in_watts(oma)), c.modulation);
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
    out.thermal_noise_rms = sqrt(tia.input_noise_psd * noise_bandwidth(tia, c));
    const double q = out.eye_q;
    // Shot noise and RIN grow with the signal, so Q rises more slowly than OMA and saturates at
    // a RIN ceiling. Above the ceiling no OMA reaches the target.
    if (q >= eye_q_ceiling(c, noise_bandwidth(tia, c))) return out;

    // ln Q is a smooth, increasing, concave function of ln OMA: secant iteration in the log-log
    // plane from the thermal-only solution (where the slope is exactly 1).
    const NoiseTerms noise(pd, tia, c);
    double x = std::log(2.0 * q * std::sqrt(noise.thermal_variance) * (noise.levels - 1) / noise.responsivity);
    double lnq = std::log(noise.worst_eye_q(std::exp(x)));
    double slope = 1.0;
    const double target = std::log(q);
    // Converged when the step in ln OMA is below 1e-12 (a relative power error of 1e-12).
    for (int i = 0; i < 100; ++i) {
        const double step = (target - lnq) / slope;
        const double x_next = x + step;
        const double lnq_next = std::log(noise.worst_eye_q(std::exp(x_next)));
        if (x_next != x) slope = std::clamp((lnq_next - lnq) / (x_next - x), 1e-3, 1.0);
        x = x_next;
        lnq = lnq_next;
        if (std::abs(step) < 1e-12) break;
    }
    out.ideal_oma = to_dbm(watts(std::exp(x)));
    out.oma = *out.ideal_oma + implementation_penalty;
    return out;
}

}  // namespace lightwatt::photonics
