#include "idle_power.hpp"

#include <cstdio>

namespace lightwatt::gpu {

std::optional<IdleState> measure_idle(const Nvml& nvml, const std::vector<int>& devices, const IdleOptions& o) {
    const HostClock clock = steady_host_clock();
    const auto settled = settle(power_and_clock_readings(&nvml, devices), clock, o.settle);
    if (!settled || devices.empty()) return std::nullopt;
    IdleState s;
    s.settled = settled->stable;
    s.settle_s = settled->waited_s;
    for (std::size_t d = 0; d < devices.size(); ++d)
        s.sm_clock_mhz += settled->means[2 * d + 1] / static_cast<double>(devices.size());
    const Readings energies = energy_readings(&nvml, devices);
    for (double seconds = o.window_s; seconds <= kMaxLengthening * o.window_s; seconds *= 2.0) {
        const double start = clock.now_s();
        const auto polled = poll_counters(
            energies, clock, [&](double t) { return t < seconds; }, kCounterPollS);
        if (!polled) return std::nullopt;
        if (const auto p = total_power(*polled, start, clock.now_s())) {
            const auto gpus = static_cast<double>(devices.size());
            s.power_w = p->mean_power_w / gpus;
            s.uncertainty_w = p->uncertainty_w / gpus;
            s.update_period_s = p->update_period_s();
            return s;
        }
    }
    return std::nullopt;
}

std::string describe(const std::string& name, const IdleState& s) {
    char buffer[200];
    std::snprintf(buffer, sizeof buffer, "%s %.1f +- %.1f W at %.0f MHz, %s %.1f s", name.c_str(), s.power_w,
                  s.uncertainty_w, s.sm_clock_mhz, s.settled ? "settled in" : "NOT settled within", s.settle_s);
    return buffer;
}

}  // namespace lightwatt::gpu
