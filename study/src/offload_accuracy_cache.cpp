#include "lightwatt/study/offload_accuracy_cache.hpp"

#include "lightwatt/core/error.hpp"

namespace lightwatt::study {

std::vector<std::tuple<std::string, int, int, int>> sample_shapes(const std::vector<mapping::OffloadAccuracy>& s) {
    std::vector<std::tuple<std::string, int, int, int>> out;
    out.reserve(s.size());
    for (const auto& a : s) out.emplace_back(a.gemm, a.outputs_sampled, a.reduction, a.rows);
    return out;
}

bool offload_core_figure(const std::string& file, const std::string& path, const std::string& core) {
    if (file == "devices.toml") return true;
    return file == "photonic_cores.toml" && path.starts_with("cores." + core + ".");
}

std::shared_ptr<const OffloadAccuracyOutcome> OffloadAccuracyCache::get(
    const OffloadAccuracyKey& key, const std::function<std::vector<mapping::OffloadAccuracy>()>& emulate) {
    std::shared_ptr<Slot> slot;
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (const auto found = slots_.find(key); found != slots_.end()) {
            slot = found->second;
            ++hits_;
        } else {
            if (slots_.size() >= kMaxSlots) slots_.clear();
            slot = slots_.emplace(key, std::make_shared<Slot>()).first->second;
        }
    }
    // Outside the lock: other keys go on while this one is emulated; askers of this key wait.
    std::call_once(slot->once, [&] {
        ++emulations_;
        try {
            slot->outcome.accuracy = emulate();
        } catch (const InputError& e) {
            const InputErrorDetails& d = e.details();
            slot->outcome.error = (d.key.empty() ? "" : d.key + ": ") + d.problem;
        }
    });
    return {slot, &slot->outcome};
}

}  // namespace lightwatt::study
