#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <thread>
#include <vector>

#include "lightwatt/core/error.hpp"
#include "lightwatt/photonics/drift.hpp"

using namespace lightwatt;
using namespace lightwatt::photonics;

namespace {

constexpr std::size_t kCount = 4096;
constexpr int kRealisations = 64;
const Time kDt = seconds(1e-3);  // 1 kHz sampling: df = 0.244 Hz, Nyquist 500 Hz
constexpr double kPsd = 1e-6;    // rad^2/Hz at 1 Hz

bool near(double value, double expected, double relative) { return std::abs(value / expected - 1.0) <= relative; }

// Periodogram averaged over kRealisations streams.
std::vector<double> mean_periodogram(double alpha) {
    std::vector<double> sum(kCount / 2 + 1, 0.0);
    for (int r = 0; r < kRealisations; ++r) {
        const auto x = coloured_noise(kCount, kDt, kPsd, alpha, 42, static_cast<std::uint64_t>(r));
        const auto p = periodogram(x, kDt);
        for (std::size_t k = 0; k < p.size(); ++k) sum[k] += p[k];
    }
    for (double& v : sum) v /= kRealisations;
    return sum;
}

struct LineFit {
    double slope;
    double intercept;
};

// Least squares of log10 P against log10 f over bins [k_lo, k_hi].
LineFit log_log_fit(const std::vector<double>& p, std::size_t k_lo, std::size_t k_hi) {
    const double df = 1.0 / (static_cast<double>(kCount) * in_seconds(kDt));
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    double n = 0;
    for (std::size_t k = k_lo; k <= k_hi; ++k) {
        const double x = std::log10(static_cast<double>(k) * df);
        const double y = std::log10(p[k]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        n += 1;
    }
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    return {slope, (sy - slope * sx) / n};
}

double mean_square(const std::vector<double>& x) {
    double s = 0;
    for (double v : x) s += v * v;
    return s / static_cast<double>(x.size());
}

}  // namespace

TEST_CASE("1/f noise: the averaged periodogram falls with slope -1 over the middle decades") {
    const auto p = mean_periodogram(1.0);
    // Bins 10..1000 of 2048: f = 2.4 Hz .. 244 Hz, two decades away from both ends.
    const LineFit fit = log_log_fit(p, 10, 1000);
    INFO("slope " << fit.slope << ", S(1 Hz) " << std::pow(10.0, fit.intercept));
    CHECK(std::abs(fit.slope + 1.0) < 0.1);
    // The level: S(1 Hz) = 1e-6 rad^2/Hz, within 10 % (the log of an average of 64 periodograms is
    // biased by about -1/(2 x 64) in ln).
    CHECK(near(std::pow(10.0, fit.intercept), kPsd, 0.10));
}

TEST_CASE("other exponents: alpha = 2 (random walk) gives slope -2, alpha = 0 a flat spectrum") {
    CHECK(std::abs(log_log_fit(mean_periodogram(2.0), 10, 1000).slope + 2.0) < 0.1);
    CHECK(std::abs(log_log_fit(mean_periodogram(0.0), 10, 1000).slope) < 0.1);
}

TEST_CASE("white noise (alpha = 0): flat at the requested PSD, band power = PSD x bandwidth") {
    const auto p = mean_periodogram(0.0);
    const double df = 1.0 / (static_cast<double>(kCount) * in_seconds(kDt));
    double level = 0.0;
    double band_power = 0.0;
    for (std::size_t k = 1; k < kCount / 2; ++k) {
        level += p[k];
        band_power += p[k] * df;
    }
    level /= static_cast<double>(kCount / 2 - 1);
    band_power += p[kCount / 2] * df;  // the half-width Nyquist bin
    CHECK(near(level, kPsd, 0.05));
    const double f_min = df;
    const double f_nyquist = 1.0 / (2.0 * in_seconds(kDt));
    CHECK(near(band_power, kPsd * (f_nyquist - f_min), 0.05));
    CHECK(p[0] == doctest::Approx(0.0).scale(1e-30));  // zero mean
}

TEST_CASE("white noise (alpha = 0): the variance is PSD x 1/(2 dt) within 3 %") {
    double variance = 0.0;
    for (int r = 0; r < kRealisations; ++r)
        variance += mean_square(coloured_noise(kCount, kDt, kPsd, 0.0, 7, static_cast<std::uint64_t>(r)));
    variance /= kRealisations;
    const double expected = kPsd / (2.0 * in_seconds(kDt));  // 5e-4 rad^2
    CHECK(near(variance, expected, 0.03));
    CHECK(near(coloured_noise_variance(kCount, kDt, kPsd, 0.0), expected, 1e-3));
    CHECK(near(variance, coloured_noise_variance(kCount, kDt, kPsd, 0.0), 0.03));
}

TEST_CASE("the variance of 1/f noise matches the predicted sum of S(f_k) df, which grows as ln N") {
    double variance = 0.0;
    for (int r = 0; r < kRealisations; ++r)
        variance += mean_square(flicker_phase_drift(kCount, kDt, kPsd, 3, static_cast<std::uint64_t>(r)));
    variance /= kRealisations;
    const double predicted = coloured_noise_variance(kCount, kDt, kPsd, 1.0);
    // Sum over k of S_1 / (k df) x df = S_1 H(N/2) ~ S_1 (ln(N/2) + 0.5772), Nyquist bin half weight.
    CHECK(near(predicted, kPsd * (std::log(kCount / 2.0) + 0.5772), 0.01));
    // 1/f power sits in the lowest bins, so realisations scatter more than white noise does.
    CHECK(near(variance, predicted, 0.10));
}

TEST_CASE("samples are Gaussian: 68.3 % within one standard deviation") {
    const auto x = coloured_noise(1u << 16, kDt, kPsd, 0.0, 11, 0);
    const double sigma = std::sqrt(mean_square(x));
    std::size_t inside = 0;
    for (double v : x) inside += std::abs(v) <= sigma ? 1u : 0u;
    CHECK(static_cast<double>(inside) / static_cast<double>(x.size()) == doctest::Approx(0.6827).epsilon(0.01));
}

TEST_CASE("deterministic for (seed, stream); different streams and seeds differ") {
    const auto a = flicker_phase_drift(kCount, kDt, kPsd, 5, 9);
    const auto b = flicker_phase_drift(kCount, kDt, kPsd, 5, 9);
    CHECK(a == b);
    CHECK(a != flicker_phase_drift(kCount, kDt, kPsd, 5, 10));
    CHECK(a != flicker_phase_drift(kCount, kDt, kPsd, 6, 9));

    // Concurrent callers get the same bytes (FFTW planning is serialised).
    std::vector<std::vector<double>> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&results, t] { results[t] = flicker_phase_drift(kCount, kDt, kPsd, 5, 9); });
    for (auto& t : threads) t.join();
    for (const auto& r : results) CHECK(r == a);
}

TEST_CASE("the periodogram's normalisation: Parseval and a pure tone") {
    const auto x = coloured_noise(1000, kDt, kPsd, 1.0, 1, 1);  // even, not a power of two
    const auto p = periodogram(x, kDt);
    const double df = 1.0 / (1000.0 * in_seconds(kDt));
    double sum = 0.0;
    for (double v : p) sum += v * df;
    CHECK(sum == doctest::Approx(mean_square(x)).epsilon(1e-10));

    // A sinusoid of amplitude 0.3 rad at bin 50 carries 0.3^2 / 2 of power, all in that bin.
    std::vector<double> tone(1000);
    for (std::size_t n = 0; n < tone.size(); ++n)
        tone[n] = 0.3 * std::cos(2.0 * std::numbers::pi * 50.0 * static_cast<double>(n) / 1000.0);
    const auto pt = periodogram(tone, kDt);
    CHECK(pt[50] * df == doctest::Approx(0.045));
}

TEST_CASE("odd lengths and the trivial lengths work") {
    const std::size_t odd = 4095;
    double variance = 0.0;
    for (int r = 0; r < kRealisations; ++r)
        variance += mean_square(coloured_noise(odd, kDt, kPsd, 0.0, 2, static_cast<std::uint64_t>(r)));
    CHECK(near(variance / kRealisations, coloured_noise_variance(odd, kDt, kPsd, 0.0), 0.03));
    CHECK(coloured_noise(0, kDt, kPsd, 1.0, 1, 1).empty());
    CHECK(coloured_noise(1, kDt, kPsd, 1.0, 1, 1) == std::vector<double>{0.0});
    CHECK(coloured_noise(2, kDt, kPsd, 1.0, 1, 1).size() == 2);
    const auto zero = coloured_noise(64, kDt, 0.0, 1.0, 1, 1);
    for (double v : zero) CHECK(v == 0.0);
}

TEST_CASE("invalid arguments are InputErrors naming the argument") {
    auto key_of = [](auto&& call) -> std::string {
        try {
            call();
        } catch (const InputError& e) {
            return e.details().key;
        }
        return "(no error)";
    };
    CHECK(key_of([] { (void)coloured_noise(16, seconds(0.0), kPsd, 1.0, 1, 1); }) == "dt_s");
    CHECK(key_of([] { (void)coloured_noise(16, seconds(-1.0), kPsd, 1.0, 1, 1); }) == "dt_s");
    CHECK(key_of([] { (void)coloured_noise(16, kDt, -1.0, 1.0, 1, 1); }) == "psd_at_1hz_rad2_per_hz");
    CHECK(key_of([] { (void)coloured_noise(16, kDt, std::nan(""), 1.0, 1, 1); }) == "psd_at_1hz_rad2_per_hz");
    CHECK(key_of([] { (void)coloured_noise(16, kDt, kPsd, std::nan(""), 1, 1); }) == "alpha");
    CHECK(key_of([] { (void)coloured_noise(16, kDt, kPsd, 7.0, 1, 1); }) == "alpha");
    CHECK(key_of([] { (void)periodogram({1.0, 2.0}, seconds(0.0)); }) == "dt_s");
}
