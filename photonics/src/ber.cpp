#include "lightwatt/photonics/ber.hpp"

#include <cmath>
#include <numbers>

namespace lightwatt::photonics {

double gaussian_tail(double x) { return 0.5 * std::erfc(x / std::numbers::sqrt2); }

namespace {
double ser_prefactor(Modulation m) {
    const double M = levels(m);
    return 2.0 * (1.0 - 1.0 / M) / bits_per_symbol(m);
}
}  // namespace

double ber_from_eye_q(double eye_q, Modulation m) { return ser_prefactor(m) * gaussian_tail(eye_q); }

double eye_q_for_ber(double ber, Modulation m) {
    // Sweeps evaluate many designs against a few FEC thresholds: remember the last few answers.
    struct Entry {
        double ber;
        Modulation m;
        double q;
    };
    thread_local Entry cache[4] = {
        {-1, Modulation::nrz, 0}, {-1, Modulation::nrz, 0}, {-1, Modulation::nrz, 0}, {-1, Modulation::nrz, 0}};
    thread_local unsigned next_slot = 0;
    for (const Entry& e : cache)
        if (e.ber == ber && e.m == m) return e.q;

    // Solve f(q) = ln(prefactor Q_G(q)) - ln(ber) = 0. f is concave and decreasing; Newton from
    // the asymptotic guess converges in a handful of steps. d/dq ln Q_G(q) = -phi(q)/Q_G(q).
    const double target = std::log(ber / ser_prefactor(m));
    double q = std::sqrt(std::max(0.0, -2.0 * target));
    for (int i = 0; i < 50; ++i) {
        const double tail = gaussian_tail(q);
        const double f = std::log(tail) - target;
        const double pdf = std::exp(-0.5 * q * q) / std::sqrt(2.0 * std::numbers::pi);
        const double step = f / (-pdf / tail);
        q -= step;
        if (std::abs(step) < 1e-13 * std::max(1.0, q)) break;
    }
    cache[next_slot] = {ber, m, q};
    next_slot = (next_slot + 1) % 4;
    return q;
}

Power oma_from_average_power(Power average, Decibel extinction_ratio) {
    const double r = extinction_ratio.ratio();
    return 2.0 * average * (r - 1.0) / (r + 1.0);
}

Power average_power_from_oma(Power oma, Decibel extinction_ratio) {
    const double r = extinction_ratio.ratio();
    return oma * (r + 1.0) / (2.0 * (r - 1.0));
}

Decibel extinction_ratio_penalty_average_limited(Decibel extinction_ratio) {
    const double r = extinction_ratio.ratio();
    return Decibel::from_ratio((r + 1.0) / (r - 1.0));
}

Decibel extinction_ratio_penalty_peak_limited(Decibel extinction_ratio) {
    const double r = extinction_ratio.ratio();
    return Decibel::from_ratio(r / (r - 1.0));
}

}  // namespace lightwatt::photonics
