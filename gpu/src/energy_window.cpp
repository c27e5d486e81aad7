#include "energy_window.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <thread>

namespace lightwatt::gpu {

void CounterUpdates::add(double begin_s, double end_s, double energy_j) {
    if (last_energy_j_ && energy_j != *last_energy_j_) updates_.push_back({*last_begin_s_, end_s, energy_j});
    last_begin_s_ = begin_s;
    last_energy_j_ = energy_j;
}

std::optional<WindowPower> aligned_power(const std::vector<CounterUpdate>& updates, double from_s, double to_s,
                                         double resolution_j) {
    const auto first =
        std::find_if(updates.begin(), updates.end(), [&](const CounterUpdate& u) { return u.after_s >= from_s; });
    const auto past = std::find_if(first, updates.end(), [&](const CounterUpdate& u) { return u.seen_s > to_s; });
    if (past - first < 2) return std::nullopt;
    const CounterUpdate& a = *first;
    const CounterUpdate& b = *(past - 1);
    const double energy_j = b.energy_j - a.energy_j;
    const double span_s = b.time_s() - a.time_s();
    const double h = a.half_width_s() + b.half_width_s();
    WindowPower p;
    p.mean_power_w = energy_j / span_s;
    p.span_s = span_s;
    p.update_intervals = static_cast<int>(past - first) - 1;
    const double high = (energy_j + resolution_j) / std::max(span_s - h, 1e-12) - p.mean_power_w;
    const double low = p.mean_power_w - (energy_j - resolution_j) / (span_s + h);
    p.uncertainty_w = std::max(high, low);
    return p;
}

std::optional<WindowPower> total_power(const std::vector<CounterUpdates>& counters, double from_s, double to_s) {
    std::optional<WindowPower> total;
    for (const CounterUpdates& c : counters) {
        const auto p = aligned_power(c.updates(), from_s, to_s);
        if (!p) return std::nullopt;
        if (!total) {
            total = p;
            continue;
        }
        total->mean_power_w += p->mean_power_w;
        total->uncertainty_w += p->uncertainty_w;
        if (p->span_s < total->span_s) {
            total->span_s = p->span_s;
            total->update_intervals = p->update_intervals;
        }
    }
    return total;
}

WindowEnergy window_energy(const WindowPower& power, double seconds, long long iterations, int gpus,
                           std::optional<double> idle_w, std::optional<double> limit_w) {
    const double per_iteration_s = seconds / static_cast<double>(iterations);
    WindowEnergy e;
    e.mean_power_w = power.mean_power_w;
    e.mean_power_uncertainty_w = power.uncertainty_w;
    e.energy_j = power.mean_power_w * per_iteration_s;
    e.energy_uncertainty_j = power.uncertainty_w * per_iteration_s;
    if (idle_w) e.energy_above_idle_j = (power.mean_power_w - *idle_w * gpus) * per_iteration_s;
    e.above_power_limit = limit_w && power.mean_power_w / gpus > *limit_w;
    return e;
}

HostClock steady_host_clock() {
    return {[] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); },
            [](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }};
}

std::optional<std::vector<CounterUpdates>> poll_counters(const Readings& read, const HostClock& clock,
                                                         const std::function<bool(double)>& more, double poll_s) {
    std::vector<CounterUpdates> out;
    const double start = clock.now_s();
    for (;;) {
        const double begin = clock.now_s();
        const auto energies = read();
        const double t = clock.now_s();
        if (!energies) return std::nullopt;
        out.resize(energies->size());
        for (std::size_t d = 0; d < energies->size(); ++d) out[d].add(begin, t, (*energies)[d]);
        if (!more(t - start)) return out;
        clock.sleep_s(poll_s);
    }
}

namespace {

struct Sample {
    double time_s;
    std::vector<double> values;
};

// Each reading's mean over `samples`, when the spread of every one is within `tolerance` of it.
std::optional<std::vector<double>> stable_means(const std::deque<Sample>& samples, double tolerance) {
    std::vector<double> means;
    for (std::size_t i = 0; i < samples.front().values.size(); ++i) {
        double low = samples.front().values[i], high = low, sum = 0.0;
        for (const Sample& s : samples) {
            low = std::min(low, s.values[i]);
            high = std::max(high, s.values[i]);
            sum += s.values[i];
        }
        const double mean = sum / static_cast<double>(samples.size());
        if (high - low > tolerance * mean) return std::nullopt;
        means.push_back(mean);
    }
    return means;
}

}  // namespace

std::optional<Settled> settle(const Readings& read, const HostClock& clock, const SettleOptions& o) {
    std::deque<Sample> recent;
    const double start = clock.now_s();
    for (;;) {
        const auto values = read();
        const double t = clock.now_s();
        if (!values) return std::nullopt;
        if (!recent.empty() && recent.front().values.size() != values->size()) return std::nullopt;
        recent.push_back({t, *values});
        // Keep the samples of the last window_s, and the one just before it, so that they span it.
        while (recent.size() > 1 && t - recent[1].time_s >= o.window_s) recent.pop_front();
        const bool spans = t - recent.front().time_s >= o.window_s;
        if (spans) {
            if (const auto means = stable_means(recent, o.tolerance)) return Settled{true, t - start, *means};
        }
        if (t - start >= o.max_s) {
            std::vector<double> means(values->size(), 0.0);
            for (const Sample& s : recent)
                for (std::size_t i = 0; i < means.size(); ++i)
                    means[i] += s.values[i] / static_cast<double>(recent.size());
            return Settled{false, t - start, means};
        }
        clock.sleep_s(o.poll_s);
    }
}

}  // namespace lightwatt::gpu
