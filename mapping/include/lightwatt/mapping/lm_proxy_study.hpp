// The small-model proxy study (data/studies/lm-perplexity.json, written by `make lm-study`,
// python/lightwatt/lm_study.py; docs/python.md, "A small-model proxy"): a tiny byte-level
// transformer's held-out perplexity with its linear layers on a photonic core preset, over
// precisions and laser powers. The estimate reports, for each photonic offload option, the study's
// point at the option's core and precision and the nearest laser power, beside the offloaded GEMMs'
// accuracy on uniform test matrices (offload_accuracy.hpp). A proxy: the model has tens of
// thousands of parameters, not a production language model's billions. Read once with the
// catalogs, looked up once per option when the estimate's inputs are loaded.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lightwatt/core/units.hpp"
#include "lightwatt/photonics/mac_config.hpp"

namespace lightwatt::mapping {

// The study's file in the data folder.
inline constexpr std::string_view kLmProxyStudyFile = "studies/lm-perplexity.json";

// One setting of the grid: the model on core preset `core` with its input DACs, weights and ADC at
// `bits`, `laser_power` of light per core; its perplexity averaged over the noise seeds and their
// population standard deviation.
struct LmProxyPoint {
    std::string core;
    int bits = 0;
    Power laser_power{};
    double mean_perplexity = 0.0;
    double seed_spread = 0.0;
};

struct LmProxyStudy {
    std::string file;   // as read, for reports
    std::string label;  // the file's own: what the model is and is not
    double float_perplexity = 0.0;
    std::vector<LmProxyPoint> points;
};

// The study in `text`; InputError (the file, the key's JSON path, the value) for a malformed file,
// a missing or out-of-range figure, an unknown key or a setting given twice.
LmProxyStudy read_lm_proxy_study(std::string_view text, const std::string& file);
LmProxyStudy load_lm_proxy_study(const std::filesystem::path& file);

// The study at one core: `point` is the grid's setting of `core` at `bits` with the laser power
// nearest the core's, or null when the core or its precision is not in the study.
struct LmProxyLookup {
    std::shared_ptr<const LmProxyStudy> study;  // keeps `point` alive; its label and file for reports
    std::string core;
    std::optional<int> bits;  // the core's precision; none when its DACs, weights and ADC differ
    Power laser_power{};      // the core's
    const LmProxyPoint* point = nullptr;

    // The perplexity above the float model's, in percent of it, and the seed spread likewise.
    [[nodiscard]] double perplexity_change_pct() const;
    [[nodiscard]] double seed_spread_pct() const;
};

// The lookup for catalog core `core_name` with emulator settings `core`. The study sets the input
// DACs, weights and ADC to one precision, so a core whose three differ is not in it. Laser power:
// the nearest on a logarithmic scale (the grid's powers are decades apart and the shot-noise-limited
// SNR goes with the power's ratio); of two equally near, the lower (the larger loss).
LmProxyLookup lm_proxy_lookup(std::shared_ptr<const LmProxyStudy> study, const std::string& core_name,
                              const photonics::MacEmulatorConfig& core);

}  // namespace lightwatt::mapping
