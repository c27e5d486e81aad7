// Slow phase drift of phase shifters as power-law ("coloured") noise, generated through an FFT
// (FFTW3): white Gaussian noise shaped in the frequency domain, then an inverse real FFT.
//
// The target is a one-sided power spectral density
//     S(f) = S_1 (f / 1 Hz)^-alpha      [rad^2/Hz],  S_1 = psd_at_1hz_rad2_per_hz,
// alpha = 1 for flicker (1/f) drift, 0 for white noise, 2 for a random walk, over the frequencies a
// sequence of N = count samples at interval dt can hold: f_k = k df, df = 1/(N dt), from
// f_min = df (k = 1) to the Nyquist frequency 1/(2 dt) (k = N/2). The mean (k = 0) is zero.
//
// Normalisation. With the unnormalised DFT X_k = sum_n x_n e^{-2 pi i k n / N}, Parseval gives
// (1/N) sum_n x_n^2 = (1/N^2) sum_k |X_k|^2, and a real x pairs bin k with bin N-k, so the bins
// 0 < k < N/2 carry variance 2 |X_k|^2 / N^2 each. Asking that to equal S(f_k) df = S(f_k)/(N dt),
// the power of the one-sided spectrum in the bin's width, gives E|X_k|^2 = S(f_k) N / (2 dt). So
//     X_k = sqrt(S(f_k) N / (2 dt)) (g_1 + i g_2) / sqrt(2)      (0 < k < N/2; g_1, g_2 ~ N(0, 1)),
//     X_{N/2} = sqrt(S(f_{N/2}) N / (2 dt)) g_1                   (N even: a real bin of half width),
//     x_n = (1/N) sum_k X_k e^{+2 pi i k n / N}                   (FFTW's c2r output divided by N).
// The variance of the sequence is then sum_{k=1}^{N/2} S(f_k) df (the Nyquist bin weighted 1/2),
// coloured_noise_variance() below; for white noise it is S_1 (1/(2 dt) - 1/(2 N dt)) ~ S_1 / (2 dt).
// The one-sided periodogram P_k = 2 dt |X_k|^2 / N (periodogram() below) has expectation S(f_k)
// for 0 < k < N/2 (S(f_{N/2})/2 at the half-width Nyquist bin).
//
// A sequence is one period of a circular process: it wraps smoothly from its last sample to its
// first, and its slowest component has period N dt. For a drift record that must not wrap,
// generate a longer sequence and use a part of it (which lowers f_min accordingly).
//
// Determinism: the draws come from CounterRng(seed, stream) in a fixed order (bins k = 1..N/2, one
// Box-Muller pair per bin), so the same arguments give the same vector. FFTW's planner is not
// thread-safe: plans are created and destroyed per call under a process-wide mutex of this
// module (executing a plan is thread-safe). Other code in the same process that plans FFTW
// transforms concurrently must not bypass that mutex; call fftw_plan_lock() to share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "lightwatt/core/units.hpp"

namespace lightwatt::photonics {

// `count` samples at interval `dt` of zero-mean Gaussian noise with one-sided PSD
// psd_at_1hz_rad2_per_hz x (f / 1 Hz)^-alpha, in radians. count 0 gives an empty vector and
// count 1 a single 0 (no frequency above zero fits). InputError (keys "count", "dt_s",
// "psd_at_1hz_rad2_per_hz", "alpha") for count > 2^31 - 1, dt not positive, a negative PSD, alpha
// outside [-4, 4], or non-finite values.
[[nodiscard]] std::vector<double> coloured_noise(std::size_t count, Time dt, double psd_at_1hz_rad2_per_hz,
                                                 double alpha, std::uint64_t seed, std::uint64_t stream);

// Flicker (1/f) phase drift: coloured_noise with alpha = 1.
[[nodiscard]] std::vector<double> flicker_phase_drift(std::size_t count, Time dt, double psd_at_1hz_rad2_per_hz,
                                                      std::uint64_t seed, std::uint64_t stream);

// The expected variance (rad^2) of coloured_noise(count, dt, psd, alpha, ...): sum over k = 1..N/2
// of S(f_k) df, the Nyquist bin (N even) weighted 1/2. For alpha = 1 it grows as ln(N/2) + 0.577.
[[nodiscard]] double coloured_noise_variance(std::size_t count, Time dt, double psd_at_1hz_rad2_per_hz, double alpha);

// The one-sided periodogram of x (rad^2/Hz): P_k = 2 dt |X_k|^2 / N for 0 < k < N/2 and
// dt |X_k|^2 / N for k = 0 and k = N/2 (N even), at f_k = k / (N dt), k = 0..floor(N/2). With this
// normalisation sum_k P_k df = (1/N) sum_n x_n^2. Empty for an empty x.
[[nodiscard]] std::vector<double> periodogram(const std::vector<double>& x, Time dt);

// The mutex that serialises FFTW plan creation and destruction in this module.
std::mutex& fftw_plan_lock();

}  // namespace lightwatt::photonics
