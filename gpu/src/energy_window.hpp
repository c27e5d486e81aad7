// Power from a cumulative energy counter that updates in steps (NVML's total-energy counter:
// every 20-100 ms on Hopper), without CUDA or NVML, so that it is tested on any machine with a
// simulated counter and clock (tests/gpu/energy_window_test.cpp).
//
// A window read at two arbitrary instants is off by up to one update's energy at each end: the
// readings hold the counter's value at its last update, not at the instant read. Over 1 s at
// 700 W with 100 ms updates that is up to +-70 W. Aligned windows avoid it: the counter is polled
// and each update (a change of its value) is timed within the two polls that bracket it; the
// window's power is the energy between two updates over the time between them, exact up to the
// brackets' widths and the counter's resolution. The counter may lag the power it integrates:
// an update at time t holds the energy up to t - lag, so a window whose power changes at its
// start skips a lead-in of at least the lag (docs/calibration.md, "Measuring on a GPU").
#pragma once

#include <functional>
#include <optional>
#include <vector>

namespace lightwatt::gpu {

// NVML reports the counter in millijoules.
inline constexpr double kCounterResolutionJ = 1e-3;
// How often the counters are polled during a window: the brackets of its two updates are about
// this wide, 0.2 % of a 1 s window.
inline constexpr double kCounterPollS = 1e-3;
// The part of a GPU window left out before its first update: the counter may lag the power by up
// to one update period, 100 ms at most on the GPUs seen, and the work's first moments ramp up (an
// assumption the GPU check, gpu/tests/power_check.py, puts to the test: no window above the limit).
inline constexpr double kCounterLeadS = 0.1;
// A window whose counters updated fewer than twice (after the lead-in) is lengthened, up to this
// many times the asked length: a counter that never updates gives no energy rather than no end.
inline constexpr double kMaxLengthening = 16.0;

// One update of the counter: it happened after `after_s` (when the last read still showing the
// old value began) and by `seen_s` (when the first read showing `energy_j` ended), host times in
// seconds: a read samples the counter somewhere between its call's start and end.
struct CounterUpdate {
    double after_s = 0.0, seen_s = 0.0;
    double energy_j = 0.0;
    [[nodiscard]] double time_s() const { return 0.5 * (after_s + seen_s); }
    [[nodiscard]] double half_width_s() const { return 0.5 * (seen_s - after_s); }
};

// The updates of one counter, from its polls in time order.
class CounterUpdates {
public:
    // A read that began at begin_s and ended at end_s.
    void add(double begin_s, double end_s, double energy_j);
    [[nodiscard]] const std::vector<CounterUpdate>& updates() const { return updates_; }

private:
    std::optional<double> last_begin_s_, last_energy_j_;
    std::vector<CounterUpdate> updates_;
};

struct WindowPower {
    double mean_power_w = 0.0;
    double uncertainty_w = 0.0;  // a bound: the true mean lies within +- this (see aligned_power)
    double span_s = 0.0;         // between the two updates the power is taken over
    int update_intervals = 0;    // counter updates in the span, less one
    [[nodiscard]] double update_period_s() const { return span_s / update_intervals; }
};

// The mean power between the first update wholly after `from_s` and the last one by `to_s`;
// empty when fewer than two updates lie there (the window is too short: lengthen it).
// With the bracket half-widths h_a + h_b = h and the resolution q on each reading, the true
// energy is dE +- q and the true span s +- h, so the true power lies in
// [(dE - q) / (s + h), (dE + q) / (s - h)]; the uncertainty is the wider side's distance from dE / s.
std::optional<WindowPower> aligned_power(const std::vector<CounterUpdate>& updates, double from_s, double to_s,
                                         double resolution_j = kCounterResolutionJ);

// Several GPUs' windows together: the sum of their powers and of their uncertainties, over the
// shortest span; empty when one is.
std::optional<WindowPower> total_power(const std::vector<CounterUpdates>& counters, double from_s, double to_s);

// A row's energy figures from its window of `seconds` and `iterations` on `gpus` GPUs:
// energy per iteration (the mean power over the window's aligned span times its duration), with
// its uncertainty, above `idle_w` per GPU, and the flag of a mean power per GPU above `limit_w`.
struct WindowEnergy {
    double energy_j = 0.0, energy_uncertainty_j = 0.0;
    std::optional<double> energy_above_idle_j;
    double mean_power_w = 0.0, mean_power_uncertainty_w = 0.0;  // all the window's GPUs together
    bool above_power_limit = false;
};
WindowEnergy window_energy(const WindowPower& power, double seconds, long long iterations, int gpus,
                           std::optional<double> idle_w, std::optional<double> limit_w);

// The host's clock and sleep, in seconds: the steady clock on the GPU machine, a simulated one
// in the tests.
struct HostClock {
    std::function<double()> now_s;
    std::function<void(double)> sleep_s;
};
HostClock steady_host_clock();

// Several readings taken together (the counters or the power and clocks of every GPU); empty when
// one could not be read.
using Readings = std::function<std::optional<std::vector<double>>()>;

// Polls `read` (one energy counter per GPU) every `poll_s` while `more(seconds since the start)`
// says so, and returns each counter's updates; empty when a reading fails.
std::optional<std::vector<CounterUpdates>> poll_counters(const Readings& read, const HostClock& clock,
                                                         const std::function<bool(double)>& more, double poll_s);

// Settling before an idle measurement: polled every poll_s, the state is stable once, over the
// last window_s, the spread of every reading (each GPU's power and SM clock) is at most
// `tolerance` of its mean ((max - min) <= tolerance x mean); it is given up after max_s.
struct SettleOptions {
    double poll_s = 0.1, window_s = 2.0, tolerance = 0.03, max_s = 30.0;
};

struct Settled {
    bool stable = false;
    double waited_s = 0.0;
    std::vector<double> means;  // each reading's mean over the last window
};

// Empty when a reading fails.
std::optional<Settled> settle(const Readings& read, const HostClock& clock, const SettleOptions& options);

}  // namespace lightwatt::gpu
