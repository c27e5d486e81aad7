#include "lightwatt/study/output_keys.hpp"

#include <algorithm>

#include "lightwatt/core/error.hpp"
#include "lightwatt/mapping/system_energy.hpp"

namespace lightwatt::study {

namespace {

std::vector<OutputKey> make_output_keys() {
    std::vector<OutputKey> keys{
        {"j_per_token", "J/token", "energy per token, all in (IT and facility)", Better::less},
        {"gpu_only_j_per_token", "J/token", "energy per token of the GPUs alone", Better::less},
        {"tokens_per_s", "tokens/s", "tokens per second of a replica", Better::more},
        {"saving_vs_baseline_pct", "%", "energy saved against the baseline option", Better::more},
        {"tokens_per_s_per_megawatt", "tokens/s per MW", "tokens per second per MW of facility power", Better::more},
        {"inter_token_latency_ms", "ms", "time between a request's output tokens", Better::less},
        {"tokens_per_s_per_user", "tokens/s per user", "output tokens per second one request sees", Better::more},
        // A photonic option's least accurate offloaded GEMM (empty for other options).
        {"offload_snr_db", "dB", "SNR of the least accurate offloaded GEMM", Better::more},
        {"offload_enob", "bits", "effective bits of the least accurate offloaded GEMM", Better::more},
        {"offload_rel_rms_error", "RMS error / RMS output", "relative RMS error of the least accurate offloaded GEMM",
         Better::less},
        // The small-model proxy study at the option's core (empty when it is not in the study).
        {"lm_proxy_perplexity_change_pct", "%",
         "perplexity change of the small-model proxy (data/studies/lm-perplexity.json) at the option's core",
         Better::less},
    };
    for (const mapping::EnergyPart part : enum_values<mapping::EnergyPart>())
        keys.push_back({std::string(enum_name(part)) + "_j_per_token", "J/token",
                        "energy per token of " + std::string(enum_name(part)), Better::less});
    return keys;
}

}  // namespace

std::span<const OutputKey> output_keys() {
    static const std::vector<OutputKey> keys = make_output_keys();
    return keys;
}

const OutputKey& output_key(std::string_view key, const std::string& flag) {
    const auto keys = output_keys();
    const auto found = std::find_if(keys.begin(), keys.end(), [&](const OutputKey& k) { return k.key == key; });
    if (found != keys.end()) return *found;
    std::vector<std::string> names;
    for (const OutputKey& k : keys) names.push_back(k.key);
    throw InputError::unknown(flag, key, names, "not a numeric output of a sweep row");
}

std::string axis_title(const OutputKey& k) { return k.unit + " (" + k.key + ")"; }

}  // namespace lightwatt::study
