// The two idle states of a GPU (docs/calibration.md, "Measuring on a GPU"): with no process on it
// (device idle, clocks down), and with a CUDA context open but no kernel running (context idle,
// clocks up: 81 W at 345 MHz against 127 W at 1980 MHz on an H200). Each is measured once its
// power and SM clock have settled, through NVML only, so that the device idle is taken before
// the process opens any CUDA context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "energy_window.hpp"
#include "nvml_energy.hpp"

namespace lightwatt::gpu {

struct IdleOptions {
    SettleOptions settle;
    double window_s = 1.0;  // the counter window after settling (lengthened if it saw too few updates)
};

struct IdleState {
    double power_w = 0.0, uncertainty_w = 0.0;  // per GPU
    double sm_clock_mhz = 0.0;                  // the GPUs' mean over the settled window
    bool settled = false;                       // false: measured when the settling gave up
    double settle_s = 0.0;                      // the time spent settling
    double update_period_s = 0.0;               // of the energy counter, as measured
};

// The idle state `devices` are in; empty when NVML cannot read their power, clocks or energy.
std::optional<IdleState> measure_idle(const Nvml& nvml, const std::vector<int>& devices, const IdleOptions& o);

// "device idle 81.2 +- 0.1 W at 345 MHz, settled in 2.1 s" (`name` first), for the record's
// source and stderr.
std::string describe(const std::string& name, const IdleState& s);

}  // namespace lightwatt::gpu
