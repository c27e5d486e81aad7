// lightwatt-measure's energy windows (gpu/src/energy_window.cpp) against a simulated NVML energy
// counter and a simulated clock: a counter that updates every 20 or 100 ms, lags the power it
// integrates and jitters, under constant and stepped power. Expected figures are worked out by hand
// in the comments from the simulated power, never taken from the code's output.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "energy_window.hpp"

using namespace lightwatt::gpu;

namespace {

// The board draws `power_w(t)` before `step_s` and `after_w` from then on; E(t) is its integral
// from 0.
struct StepPower {
    double before_w = 0.0, after_w = 0.0, step_s = 0.0;
    [[nodiscard]] double energy_j(double t) const {
        if (t <= step_s) return before_w * t;
        return before_w * step_s + after_w * (t - step_s);
    }
};

// NVML's counter as simulated: it updates at t_k = phase + k period + jitter_k (jitter uniform in
// +-jitter_s) and then holds the energy up to t_k - lag, in whole millijoules.
class SimulatedCounter {
public:
    SimulatedCounter(StepPower power, double period_s, double phase_s, double lag_s, double jitter_s)
        : power_(power), lag_s_(lag_s) {
        std::mt19937 random(12345);
        std::uniform_real_distribution<double> jitter(-jitter_s, jitter_s);
        for (int k = 0; k * period_s < 30.0; ++k) updates_.push_back(phase_s + k * period_s + jitter(random));
    }
    [[nodiscard]] double read(double t) const {
        const auto after = std::upper_bound(updates_.begin(), updates_.end(), t);
        if (after == updates_.begin()) return 0.0;
        return std::floor(power_.energy_j(std::max(0.0, *(after - 1) - lag_s_)) * 1e3) * 1e-3;
    }

private:
    StepPower power_;
    double lag_s_;
    std::vector<double> updates_;
};

// The host: a read takes 0.2 ms (an NVML call) and samples the counter halfway through it.
struct SimulatedHost {
    double now_s = 0.0;
    static constexpr double kReadS = 2e-4;
    HostClock clock() {
        return {[this] { return now_s; }, [this](double s) { now_s += s; }};
    }
    Readings counter(const SimulatedCounter& c) {
        return [this, &c]() -> std::optional<std::vector<double>> {
            const double sampled = now_s + 0.5 * kReadS;
            now_s += kReadS;
            return std::vector<double>{c.read(sampled)};
        };
    }
};

// The counter polled every kCounterPollS from `from_s` to `to_s`, as the sampler thread polls it
// during a window.
std::vector<CounterUpdate> polled(SimulatedHost& host, const SimulatedCounter& c, double from_s, double to_s) {
    host.now_s = from_s;
    const auto counters = poll_counters(
        host.counter(c), host.clock(), [&](double elapsed) { return from_s + elapsed < to_s; }, kCounterPollS);
    REQUIRE(counters.has_value());
    REQUIRE(counters->size() == 1);
    return (*counters)[0].updates();
}

// What a window read once at each end gives: the counter's last updates before the two instants.
double naive_power(const SimulatedCounter& c, double from_s, double to_s) {
    return (c.read(to_s) - c.read(from_s)) / (to_s - from_s);
}

}  // namespace

TEST_CASE("an aligned window is within its stated uncertainty at every update period, lag and jitter") {
    // 700 W throughout; the window [1, 2] s without lead-in and with it. The stated uncertainty,
    // by hand: each update is bracketed by a poll (1 ms) plus a read at each end (0.2 ms each),
    // 1.4 ms, half of it on each side of the update's time estimate, so the span is known within
    // +-1.4 ms over at least 1 - 0.1 (lead) - 2 x 0.1 (partial periods) = 0.7 s: 700 x 1.4e-3 /
    // 0.7 = 1.4 W, plus 1 mJ / 0.7 s; it must stay below 2 W and the truth within it.
    for (const double period : {0.02, 0.1}) {
        for (const double lag : {0.0, 0.03}) {
            for (const double jitter : {0.0, 0.2 * period}) {
                for (const double phase : {0.0, 0.37 * period}) {
                    CAPTURE(period);
                    CAPTURE(lag);
                    CAPTURE(jitter);
                    CAPTURE(phase);
                    const SimulatedCounter c({700.0, 700.0, 0.0}, period, phase, lag, jitter);
                    SimulatedHost host;
                    const auto updates = polled(host, c, 1.0, 2.0);
                    for (const double lead : {0.0, kCounterLeadS}) {
                        const auto p = aligned_power(updates, 1.0 + lead, 2.0);
                        REQUIRE(p.has_value());
                        CHECK(p->uncertainty_w < 2.0);
                        CHECK(std::abs(p->mean_power_w - 700.0) <= p->uncertainty_w);
                        // The measured update period is the simulated one, within the jitter of the
                        // two ends over the span's intervals.
                        CHECK(std::abs(p->update_period_s() - period) <=
                              (2.0 * jitter + 2.0 * (kCounterPollS + 2.0 * SimulatedHost::kReadS)) /
                                  p->update_intervals);
                    }
                }
            }
        }
    }
}

TEST_CASE("a window read once at each end is off by up to one update's energy; the aligned one is not") {
    // Updates every 100 ms at 0.0, 0.1, ... s, no lag, 700 W. Read at 1.099 s the counter still
    // holds its 1.0 s update (700 J); at 2.001 s it holds the 2.0 s one (1400 J): 700 J over
    // 0.902 s = 776.05 W, 76 W high (the 754 W of an H200 record whose limit is 700 W).
    const SimulatedCounter c({700.0, 700.0, 0.0}, 0.1, 0.0, 0.0, 0.0);
    CHECK(naive_power(c, 1.099, 2.001) == doctest::Approx(776.05).epsilon(1e-4));
    SimulatedHost host;
    const auto p = aligned_power(polled(host, c, 1.099, 2.001), 1.099, 2.001);
    REQUIRE(p.has_value());
    CHECK(std::abs(p->mean_power_w - 700.0) <= p->uncertainty_w);
    CHECK(76.0 > 30.0 * p->uncertainty_w);
}

TEST_CASE("a power step at the window's start: the lead-in keeps the lagging counter's older energy out") {
    // 127 W (a context open, idle) until 1.0 s, then 700 W (a GEMM); updates at 0.01 + 0.1 k s,
    // each holding the energy up to 50 ms earlier. Window [1, 2] s.
    const SimulatedCounter c({127.0, 700.0, 1.0}, 0.1, 0.01, 0.05, 0.0);
    SimulatedHost host;
    const auto updates = polled(host, c, 1.0, 2.0);
    // Without the lead-in: from the 1.01 s update (energy to 0.96 s) to the 1.91 s one (to 1.86 s):
    // 127 x 0.04 + 700 x 0.86 = 607.08 J over 0.9 s = 674.5 W, 25.5 W low.
    const auto no_lead = aligned_power(updates, 1.0, 2.0);
    REQUIRE(no_lead.has_value());
    CHECK(no_lead->mean_power_w == doctest::Approx(674.53).epsilon(3e-3));
    CHECK(700.0 - no_lead->mean_power_w > 10.0 * no_lead->uncertainty_w);
    // With it: from the 1.11 s update (to 1.06 s) to 1.91 s: all 700 W.
    const auto led = aligned_power(updates, 1.0 + kCounterLeadS, 2.0);
    REQUIRE(led.has_value());
    CHECK(std::abs(led->mean_power_w - 700.0) <= led->uncertainty_w);
    // Read once at each end: the 0.91 s update (to 0.86 s) and the 1.91 s one: 127 x 0.14 + 700 x
    // 0.86 = 619.78 J over 1 s, 80 W low.
    CHECK(naive_power(c, 1.0, 2.0) == doctest::Approx(619.78).epsilon(1e-4));
}

TEST_CASE("a window with fewer than two updates after its lead-in has no power: it is lengthened") {
    // Updates every 100 ms; after the 0.1 s lead-in, [1.1, 1.15] s holds at most one.
    const SimulatedCounter c({700.0, 700.0, 0.0}, 0.1, 0.0, 0.0, 0.0);
    SimulatedHost host;
    CHECK_FALSE(aligned_power(polled(host, c, 1.0, 1.15), 1.0 + kCounterLeadS, 1.15).has_value());
}

TEST_CASE("several GPUs' windows add up, each over its own counter's updates") {
    // Two GPUs at 700 W and 400 W whose counters update at different times (every 20 and 100 ms).
    const SimulatedCounter a({700.0, 700.0, 0.0}, 0.02, 0.003, 0.0, 0.0);
    const SimulatedCounter b({400.0, 400.0, 0.0}, 0.1, 0.051, 0.0, 0.0);
    SimulatedHost host;
    host.now_s = 1.0;
    const Readings both = [&]() -> std::optional<std::vector<double>> {
        const double sampled = host.now_s + 0.5 * SimulatedHost::kReadS;
        host.now_s += SimulatedHost::kReadS;
        return std::vector<double>{a.read(sampled), b.read(sampled)};
    };
    const auto counters = poll_counters(
        both, host.clock(), [](double elapsed) { return elapsed < 1.0; }, kCounterPollS);
    REQUIRE(counters.has_value());
    const auto p = total_power(*counters, 1.0 + kCounterLeadS, 2.0);
    REQUIRE(p.has_value());
    CHECK(std::abs(p->mean_power_w - 1100.0) <= p->uncertainty_w);
    // A counter that cannot be read gives no window at all.
    const Readings broken = [] { return std::optional<std::vector<double>>(); };
    CHECK_FALSE(poll_counters(
                    broken, host.clock(), [](double) { return true; }, kCounterPollS)
                    .has_value());
}

TEST_CASE("a window above the enforced power limit is flagged, never clamped") {
    // 1211 fp8 8192^3 GEMMs in 1.1 s at 754 W against a 700 W limit: 754 x 1.1 / 1211 =
    // 0.684888 J each, (754 - 127) x 1.1 / 1211 = 0.569529 J above a 127 W context idle.
    const WindowPower high{754.0, 1.5, 0.9, 9};
    const WindowEnergy e = window_energy(high, 1.1, 1211, 1, 127.0, 700.0);
    CHECK(e.above_power_limit);
    CHECK(e.mean_power_w == 754.0);
    CHECK(e.energy_j == doctest::Approx(0.684888).epsilon(1e-5));
    CHECK(*e.energy_above_idle_j == doctest::Approx(0.569529).epsilon(1e-5));
    CHECK(e.energy_uncertainty_j == doctest::Approx(1.5 * 1.1 / 1211));
    CHECK_FALSE(window_energy({690.0, 1.5, 0.9, 9}, 1.1, 1211, 1, 127.0, 700.0).above_power_limit);
    // A collective's window over 8 GPUs: the limit is per GPU. 5520 W = 690 W each, 5680 W = 710 W.
    CHECK_FALSE(window_energy({5520.0, 10.0, 0.9, 9}, 1.0, 100, 8, std::nullopt, 700.0).above_power_limit);
    CHECK(window_energy({5680.0, 10.0, 0.9, 9}, 1.0, 100, 8, std::nullopt, 700.0).above_power_limit);
    // Without a known limit nothing is flagged.
    CHECK_FALSE(window_energy(high, 1.1, 1211, 1, std::nullopt, std::nullopt).above_power_limit);
}

TEST_CASE("settling stops once power and clock are stable, and gives up at its time bound") {
    // After a run: power decays from 300 W to 81 W with a 2 s time constant, the SM clock stays at
    // 1980 MHz until 3 s, then 345 MHz. Stable over a 2 s window within 3 %: the clock from 5 s;
    // the power once its spread over the window, 219 x (1 - e^-w/2) x e^(-(t - w) / 2) for a window
    // of w seconds, is at most 3 % of its mean there, 81 W + about the spread again: spread <= 2.43
    // / 0.97 = 2.505 W. The window reaches back to the last poll at least 2 s before, so w lies
    // between 2 and 2.1 s (one poll more): t >= 2 + 2 ln(138.4 / 2.505) = 10.02 s for w = 2 s, t >=
    // 2.1 + 2 ln(142.4 / 2.505) = 10.18 s for w = 2.1 s; the first poll past that, within 0.1 s.
    SimulatedHost host;
    const Readings decaying = [&]() -> std::optional<std::vector<double>> {
        const double t = host.now_s;
        return std::vector<double>{81.0 + 219.0 * std::exp(-t / 2.0), t < 3.0 ? 1980.0 : 345.0};
    };
    const auto s = settle(decaying, host.clock(), SettleOptions{});
    REQUIRE(s.has_value());
    CHECK(s->stable);
    CHECK(s->waited_s >= 10.02);
    CHECK(s->waited_s <= 10.18 + 0.1 + 1e-9);
    CHECK(s->means[0] > 81.0 + 2.0);
    CHECK(s->means[0] < 81.0 + 3.0);
    CHECK(s->means[1] == 345.0);

    // Power swinging +-10 % for ever: not stable; given up at 30 s (the first poll past it).
    host.now_s = 0.0;
    const Readings swinging = [&]() -> std::optional<std::vector<double>> {
        return std::vector<double>{100.0 + 10.0 * std::sin(host.now_s), 345.0};
    };
    const auto gave_up = settle(swinging, host.clock(), SettleOptions{});
    REQUIRE(gave_up.has_value());
    CHECK_FALSE(gave_up->stable);
    CHECK(gave_up->waited_s >= 30.0);
    CHECK(gave_up->waited_s < 30.1 + 1e-9);
    CHECK(gave_up->means[1] == 345.0);
}
