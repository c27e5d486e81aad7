// NVML, loaded at run time (libnvidia-ml.so.1 comes with the driver, not the toolkit): the
// board's total-energy counter (mJ since the driver loaded; Volta and newer), power, clocks and
// the enforced power limit. Read only; nothing is ever set (docs/calibration.md, "Measuring").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "energy_window.hpp"

namespace lightwatt::gpu {

class Nvml {
public:
    // Loads libnvidia-ml and initialises it; `error()` says why when it could not.
    Nvml();
    ~Nvml();
    Nvml(const Nvml&) = delete;
    Nvml& operator=(const Nvml&) = delete;

    [[nodiscard]] bool available() const { return handle_ != nullptr && initialised_; }
    [[nodiscard]] const std::string& error() const { return error_; }

    // The GPUs NVML sees (all of the machine's, whatever CUDA_VISIBLE_DEVICES says); no CUDA
    // context is opened, so an idle GPU stays idle.
    [[nodiscard]] std::optional<unsigned> device_count() const;
    // Energy counter of device `index` in joules, or empty when the device does not expose it.
    [[nodiscard]] std::optional<double> energy_j(unsigned index) const;
    [[nodiscard]] std::optional<double> power_w(unsigned index) const;
    [[nodiscard]] std::optional<double> sm_clock_mhz(unsigned index) const;
    [[nodiscard]] std::optional<double> memory_clock_mhz(unsigned index) const;
    [[nodiscard]] std::optional<double> power_limit_w(unsigned index) const;

private:
    void* handle_ = nullptr;
    bool initialised_ = false;
    std::string error_;
};

// The energy counters of `devices`, in joules (NVML's index of a GPU taken to be its CUDA index,
// as they are without CUDA_VISIBLE_DEVICES).
Readings energy_readings(const Nvml* nvml, std::vector<int> devices);
// The power (W) and SM clock (MHz) of each of `devices`, in that order: what settles before an
// idle measurement.
Readings power_and_clock_readings(const Nvml* nvml, std::vector<int> devices);

}  // namespace lightwatt::gpu
