#include "nvml_energy.hpp"

#include <dlfcn.h>

namespace lightwatt::gpu {

namespace {

// The few NVML entry points used, declared from NVML's public API reference (nvml.h is not part
// of the CUDA toolkit install here); all return nvmlReturn_t, 0 = NVML_SUCCESS.
using NvmlDevice = struct NvmlDeviceOpaque*;
using InitFn = int (*)();
using CountFn = int (*)(unsigned*);
using HandleFn = int (*)(unsigned, NvmlDevice*);
using EnergyFn = int (*)(NvmlDevice, unsigned long long*);
using UintFn = int (*)(NvmlDevice, unsigned*);
using ClockFn = int (*)(NvmlDevice, int, unsigned*);
constexpr int kClockSm = 1;   // NVML_CLOCK_SM
constexpr int kClockMem = 2;  // NVML_CLOCK_MEM

template <class Fn>
Fn symbol(void* handle, const char* name) {
    return handle == nullptr ? nullptr : reinterpret_cast<Fn>(dlsym(handle, name));
}

NvmlDevice device(void* handle, unsigned index) {
    const auto get = symbol<HandleFn>(handle, "nvmlDeviceGetHandleByIndex_v2");
    NvmlDevice d = nullptr;
    if (get == nullptr || get(index, &d) != 0) return nullptr;
    return d;
}

}  // namespace

Nvml::Nvml() {
    handle_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
        error_ = "libnvidia-ml.so.1 not found (it comes with the NVIDIA driver)";
        return;
    }
    const auto init = symbol<InitFn>(handle_, "nvmlInit_v2");
    if (init == nullptr || init() != 0) {
        error_ = "nvmlInit_v2 failed";
        return;
    }
    initialised_ = true;
}

Nvml::~Nvml() {
    if (initialised_) {
        if (const auto shutdown = symbol<InitFn>(handle_, "nvmlShutdown")) shutdown();
    }
    if (handle_ != nullptr) dlclose(handle_);
}

std::optional<unsigned> Nvml::device_count() const {
    const auto fn = symbol<CountFn>(available() ? handle_ : nullptr, "nvmlDeviceGetCount_v2");
    unsigned count = 0;
    if (fn == nullptr || fn(&count) != 0) return std::nullopt;
    return count;
}

std::optional<double> Nvml::energy_j(unsigned index) const {
    const auto fn = symbol<EnergyFn>(available() ? handle_ : nullptr, "nvmlDeviceGetTotalEnergyConsumption");
    const NvmlDevice d = available() ? device(handle_, index) : nullptr;
    unsigned long long mj = 0;
    if (fn == nullptr || d == nullptr || fn(d, &mj) != 0) return std::nullopt;
    return static_cast<double>(mj) * 1e-3;
}

std::optional<double> Nvml::power_w(unsigned index) const {
    const auto fn = symbol<UintFn>(available() ? handle_ : nullptr, "nvmlDeviceGetPowerUsage");
    const NvmlDevice d = available() ? device(handle_, index) : nullptr;
    unsigned mw = 0;
    if (fn == nullptr || d == nullptr || fn(d, &mw) != 0) return std::nullopt;
    return mw * 1e-3;
}

std::optional<double> Nvml::power_limit_w(unsigned index) const {
    const auto fn = symbol<UintFn>(available() ? handle_ : nullptr, "nvmlDeviceGetEnforcedPowerLimit");
    const NvmlDevice d = available() ? device(handle_, index) : nullptr;
    unsigned mw = 0;
    if (fn == nullptr || d == nullptr || fn(d, &mw) != 0) return std::nullopt;
    return mw * 1e-3;
}

static std::optional<double> clock_of(void* handle, bool ok, unsigned index, int which) {
    const auto fn = symbol<ClockFn>(ok ? handle : nullptr, "nvmlDeviceGetClockInfo");
    const NvmlDevice d = ok ? device(handle, index) : nullptr;
    unsigned mhz = 0;
    if (fn == nullptr || d == nullptr || fn(d, which, &mhz) != 0) return std::nullopt;
    return static_cast<double>(mhz);
}

std::optional<double> Nvml::sm_clock_mhz(unsigned index) const {
    return clock_of(handle_, available(), index, kClockSm);
}
std::optional<double> Nvml::memory_clock_mhz(unsigned index) const {
    return clock_of(handle_, available(), index, kClockMem);
}

Readings energy_readings(const Nvml* nvml, std::vector<int> devices) {
    return [nvml, devices = std::move(devices)]() -> std::optional<std::vector<double>> {
        std::vector<double> out;
        for (const int d : devices) {
            const auto e = nvml->energy_j(static_cast<unsigned>(d));
            if (!e) return std::nullopt;
            out.push_back(*e);
        }
        return out;
    };
}

Readings power_and_clock_readings(const Nvml* nvml, std::vector<int> devices) {
    return [nvml, devices = std::move(devices)]() -> std::optional<std::vector<double>> {
        std::vector<double> out;
        for (const int d : devices) {
            const auto p = nvml->power_w(static_cast<unsigned>(d));
            const auto c = nvml->sm_clock_mhz(static_cast<unsigned>(d));
            if (!p || !c) return std::nullopt;
            out.push_back(*p);
            out.push_back(*c);
        }
        return out;
    };
}

}  // namespace lightwatt::gpu
