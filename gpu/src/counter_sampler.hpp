// Polls energy counters on a thread of its own while a window's work runs, so that the thread
// launching the work is never slowed by NVML's calls; the updates are read once the window is
// over (energy_window.hpp).
#pragma once

#include <atomic>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "energy_window.hpp"

namespace lightwatt::gpu {

class CounterSampler {
public:
    CounterSampler(Readings read, HostClock clock, double poll_s)
        : thread_([this, read = std::move(read), clock = std::move(clock), poll_s] {
              polled_ = poll_counters(
                  read, clock, [this](double) { return !stop_.load(); }, poll_s);
          }) {}
    ~CounterSampler() { stop(); }
    CounterSampler(const CounterSampler&) = delete;
    CounterSampler& operator=(const CounterSampler&) = delete;

    // Stops polling after one last read; each counter's updates, or empty when a reading failed.
    std::optional<std::vector<CounterUpdates>> stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        return polled_;
    }

private:
    std::atomic<bool> stop_{false};
    std::optional<std::vector<CounterUpdates>> polled_;
    std::thread thread_;  // last: started once the members it writes exist
};

}  // namespace lightwatt::gpu
