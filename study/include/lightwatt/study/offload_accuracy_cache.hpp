// The offloaded GEMMs' accuracy of sweep rows (mapping/offload_accuracy.hpp), emulated once per
// distinct input and kept: a photonic option's emulation takes milliseconds to seconds where its
// energy takes microseconds, and most points of a sweep change neither the core nor the sampled
// shapes (the samples are capped at 256 outputs and 64 token rows, so batches above 64 share one).
// Shared by a sweep's threads; each key is emulated by one thread while others asking for it wait,
// so the count of emulations is exact and the rows do not depend on the thread count.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "lightwatt/mapping/offload_accuracy.hpp"

namespace lightwatt::study {

// Everything an emulation reads: the core's catalog name, the point's values of the catalog axes
// that can change the core's settings (offload_core_figure), each sample's GEMM and shape in
// stream order (offload_samples), and the seed.
struct OffloadAccuracyKey {
    std::string core;
    std::vector<double> core_figures;
    std::vector<std::tuple<std::string, int, int, int>> samples;  // GEMM, outputs, k, rows
    std::uint64_t seed = 0;
    auto operator<=>(const OffloadAccuracyKey&) const = default;
};

// The samples' part of the key.
std::vector<std::tuple<std::string, int, int, int>> sample_shapes(const std::vector<mapping::OffloadAccuracy>& s);

// Whether a catalog figure (its data file and dotted path) can change core `core`'s emulator
// settings: a figure of its entry in photonic_cores.toml, or any of devices.toml (its laser,
// photodetector and TIA). Converter energies (converters.toml) price the core but are not
// emulated.
bool offload_core_figure(const std::string& file, const std::string& path, const std::string& core);

struct OffloadAccuracyOutcome {
    std::vector<mapping::OffloadAccuracy> accuracy;
    std::string error;  // the emulator's refusal (a sample too large), as a row's reason
};

class OffloadAccuracyCache {
public:
    // The outcome for `key`: `emulate` runs when no thread has run it for the key (an InputError
    // it throws is kept as the outcome's error), else the kept outcome.
    std::shared_ptr<const OffloadAccuracyOutcome> get(
        const OffloadAccuracyKey& key, const std::function<std::vector<mapping::OffloadAccuracy>()>& emulate);
    [[nodiscard]] std::size_t emulations() const { return emulations_; }
    [[nodiscard]] std::size_t hits() const { return hits_; }

private:
    struct Slot {
        std::once_flag once;
        OffloadAccuracyOutcome outcome;
    };
    // Each kept outcome is a few numbers per GEMM; past this many distinct keys the cache starts
    // again, so memory stays flat in the number of points.
    static constexpr std::size_t kMaxSlots = 1024;
    std::mutex mutex_;
    std::map<OffloadAccuracyKey, std::shared_ptr<Slot>> slots_;
    std::atomic<std::size_t> emulations_{0}, hits_{0};
};

}  // namespace lightwatt::study
