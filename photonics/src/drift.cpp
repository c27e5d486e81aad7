#include "lightwatt/photonics/drift.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <new>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>

#include <fftw3.h>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/rng.hpp"

namespace lightwatt::photonics {

namespace {

constexpr double kMaxAlpha = 4.0;

void validate(std::size_t count, Time dt, double psd, double alpha) {
    if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw InputError::at("count", std::to_string(count), "too many samples for one transform",
                             "at most " + std::to_string(std::numeric_limits<int>::max()));
    if (!std::isfinite(in_seconds(dt)) || !(in_seconds(dt) > 0.0))
        throw InputError::at("dt_s", format_number(in_seconds(dt)), "sample interval must be positive",
                             "a finite interval > 0 s");
    if (!std::isfinite(psd) || psd < 0.0)
        throw InputError::at("psd_at_1hz_rad2_per_hz", format_number(psd), "PSD must be finite and not negative",
                             "a finite number >= 0");
    if (!std::isfinite(alpha) || std::abs(alpha) > kMaxAlpha)
        throw InputError::at("alpha", format_number(alpha), "spectral exponent out of range", "a number in [-4, 4]");
}

// One-sided PSD S(f) = S_1 (f / 1 Hz)^-alpha.
double psd_at(double psd_at_1hz, double alpha, double f_hz) { return psd_at_1hz * std::pow(f_hz, -alpha); }

// Two independent standard normal draws (Box-Muller) from the next two uniforms of `rng`.
std::pair<double, double> box_muller_pair(CounterRng& rng) {
    double u1 = rng.uniform();
    while (u1 <= 0.0) u1 = rng.uniform();
    const double u2 = rng.uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    return {radius * std::cos(angle), radius * std::sin(angle)};
}

struct FftwFree {
    void operator()(void* p) const { fftw_free(p); }
};
template <class T>
using FftwBuffer = std::unique_ptr<T[], FftwFree>;

FftwBuffer<fftw_complex> alloc_complex(std::size_t n) {
    fftw_complex* p = fftw_alloc_complex(n);
    if (p == nullptr) throw std::bad_alloc();
    return FftwBuffer<fftw_complex>(p);
}

FftwBuffer<double> alloc_real(std::size_t n) {
    double* p = fftw_alloc_real(n);
    if (p == nullptr) throw std::bad_alloc();
    return FftwBuffer<double>(p);
}

// An FFTW plan created and destroyed under fftw_plan_lock(); executing it needs no lock.
class FftwPlan {
public:
    template <class MakePlan>
    explicit FftwPlan(MakePlan make) {
        const std::lock_guard<std::mutex> guard(fftw_plan_lock());
        plan_ = make();
    }
    ~FftwPlan() {
        if (plan_ == nullptr) return;
        const std::lock_guard<std::mutex> guard(fftw_plan_lock());
        fftw_destroy_plan(plan_);
    }
    FftwPlan(const FftwPlan&) = delete;
    FftwPlan& operator=(const FftwPlan&) = delete;
    void execute() const {
        if (plan_ == nullptr) throw std::runtime_error("FFTW could not create a plan");
        fftw_execute(plan_);
    }

private:
    fftw_plan plan_ = nullptr;
};

}  // namespace

std::mutex& fftw_plan_lock() {
    static std::mutex lock;
    return lock;
}

std::vector<double> coloured_noise(std::size_t count, Time dt, double psd_at_1hz_rad2_per_hz, double alpha,
                                   std::uint64_t seed, std::uint64_t stream) {
    validate(count, dt, psd_at_1hz_rad2_per_hz, alpha);
    if (count < 2) return std::vector<double>(count, 0.0);

    const std::size_t n = count;
    const std::size_t bins = n / 2 + 1;  // k = 0..floor(N/2)
    const double dt_s = in_seconds(dt);
    const double df = 1.0 / (static_cast<double>(n) * dt_s);
    const bool even = n % 2 == 0;

    auto spectrum = alloc_complex(bins);
    auto signal = alloc_real(n);
    // FFTW_ESTIMATE plans without touching the arrays; c2r may overwrite its input, which is not reused.
    const FftwPlan plan(
        [&] { return fftw_plan_dft_c2r_1d(static_cast<int>(n), spectrum.get(), signal.get(), FFTW_ESTIMATE); });

    CounterRng rng(seed, stream);
    spectrum[0][0] = 0.0;  // zero mean
    spectrum[0][1] = 0.0;
    for (std::size_t k = 1; k < bins; ++k) {
        const auto [g1, g2] = box_muller_pair(rng);
        const double f = static_cast<double>(k) * df;
        // E|X_k|^2 = S(f_k) N / (2 dt)  (drift.hpp, "Normalisation").
        const double amplitude =
            std::sqrt(psd_at(psd_at_1hz_rad2_per_hz, alpha, f) * static_cast<double>(n) / (2.0 * dt_s));
        if (even && k == n / 2) {
            spectrum[k][0] = amplitude * g1;  // the Nyquist bin of a real sequence is real
            spectrum[k][1] = 0.0;
        } else {
            spectrum[k][0] = amplitude * g1 * std::numbers::sqrt2 / 2.0;
            spectrum[k][1] = amplitude * g2 * std::numbers::sqrt2 / 2.0;
        }
    }
    plan.execute();

    std::vector<double> out(n);
    const double inverse_n = 1.0 / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = signal[i] * inverse_n;
    return out;
}

std::vector<double> flicker_phase_drift(std::size_t count, Time dt, double psd_at_1hz_rad2_per_hz, std::uint64_t seed,
                                        std::uint64_t stream) {
    return coloured_noise(count, dt, psd_at_1hz_rad2_per_hz, 1.0, seed, stream);
}

double coloured_noise_variance(std::size_t count, Time dt, double psd_at_1hz_rad2_per_hz, double alpha) {
    validate(count, dt, psd_at_1hz_rad2_per_hz, alpha);
    if (count < 2) return 0.0;
    const double df = 1.0 / (static_cast<double>(count) * in_seconds(dt));
    double variance = 0.0;
    for (std::size_t k = 1; k <= count / 2; ++k) {
        const double weight = (count % 2 == 0 && k == count / 2) ? 0.5 : 1.0;
        variance += weight * psd_at(psd_at_1hz_rad2_per_hz, alpha, static_cast<double>(k) * df) * df;
    }
    return variance;
}

std::vector<double> periodogram(const std::vector<double>& x, Time dt) {
    if (!std::isfinite(in_seconds(dt)) || !(in_seconds(dt) > 0.0))
        throw InputError::at("dt_s", format_number(in_seconds(dt)), "sample interval must be positive",
                             "a finite interval > 0 s");
    const std::size_t n = x.size();
    if (n == 0) return {};
    if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw InputError::at("count", std::to_string(n), "too many samples for one transform",
                             "at most " + std::to_string(std::numeric_limits<int>::max()));
    const std::size_t bins = n / 2 + 1;
    auto signal = alloc_real(n);
    auto spectrum = alloc_complex(bins);
    const FftwPlan plan(
        [&] { return fftw_plan_dft_r2c_1d(static_cast<int>(n), signal.get(), spectrum.get(), FFTW_ESTIMATE); });
    for (std::size_t i = 0; i < n; ++i) signal[i] = x[i];
    plan.execute();

    const double dt_s = in_seconds(dt);
    std::vector<double> p(bins);
    for (std::size_t k = 0; k < bins; ++k) {
        const double power = spectrum[k][0] * spectrum[k][0] + spectrum[k][1] * spectrum[k][1];
        const bool edge = k == 0 || (n % 2 == 0 && k == n / 2);
        p[k] = (edge ? 1.0 : 2.0) * dt_s * power / static_cast<double>(n);
    }
    return p;
}

}  // namespace lightwatt::photonics
