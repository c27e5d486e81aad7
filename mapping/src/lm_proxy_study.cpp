#include "lightwatt/mapping/lm_proxy_study.hpp"

#include <cmath>
#include <limits>

#include "lightwatt/core/json_reader.hpp"
#include "lightwatt/core/untrusted_input.hpp"

namespace lightwatt::mapping {

namespace {

constexpr const char* kSchemaDoc = "docs/python.md, \"A small-model proxy\"";
// Perplexity is the exponential of a mean cross-entropy, at least 1; the ceiling only keeps the
// figures finite.
constexpr double kMaxPerplexity = 1e12;

LmProxyPoint read_point(const JsonReader& p) {
    p.only({"core", "bits", "laser_power_mw", "perplexities", "pj_per_mac", "mean", "spread"});
    LmProxyPoint out;
    out.core = p.text("core", true);
    if (out.core.empty()) throw p.error("core", "\"\"", "empty", "a photonic core preset's name");
    out.bits = static_cast<int>(p.integer("bits", 1, 32));
    out.laser_power = milliwatts(p.number("laser_power_mw", std::numeric_limits<double>::min(), 1e9));
    out.mean_perplexity = p.number("mean", 1.0, kMaxPerplexity);
    out.seed_spread = p.number("spread", 0.0, kMaxPerplexity);
    return out;
}

bool same_setting(const LmProxyPoint& a, const LmProxyPoint& b) {
    return a.core == b.core && a.bits == b.bits && a.laser_power == b.laser_power;
}

// How far apart two powers are on a logarithmic scale.
double log_distance(Power a, Power b) { return std::abs(std::log(in_watts(a) / in_watts(b))); }

// The core's precision in the study's sense: one number for input DACs, weights and ADC.
std::optional<int> uniform_bits(const photonics::MacEmulatorConfig& core) {
    if (core.dac_bits != core.weight_bits || core.dac_bits != core.adc_bits) return std::nullopt;
    return core.dac_bits;
}

}  // namespace

LmProxyStudy read_lm_proxy_study(std::string_view text, const std::string& file) {
    const nlohmann::json j =
        parse_json_document(text, file, "the small-model proxy study (" + std::string(kSchemaDoc) + ")");
    const JsonReader root(j, file, "", kSchemaDoc);
    LmProxyStudy out;
    out.file = file;
    out.label = root.text("label", true);
    // Every figure in data/ names its source.
    if (root.text("source", true).empty()) throw root.error("source", "\"\"", "empty", "where the figures come from");
    out.float_perplexity = root.number("float_perplexity", 1.0, kMaxPerplexity);
    const std::size_t n = root.size("points");
    if (n == 0) throw root.error("points", "[]", "no points", "the study's settings, at least one");
    for (std::size_t i = 0; i < n; ++i) {
        const JsonReader p = root.element("points", i);
        LmProxyPoint point = read_point(p);
        for (const LmProxyPoint& seen : out.points)
            if (same_setting(seen, point))
                throw p.error("core", "\"" + point.core + "\"", "a setting (core, bits, laser_power_mw) given twice",
                              "each setting once");
        out.points.push_back(std::move(point));
    }
    return out;
}

LmProxyStudy load_lm_proxy_study(const std::filesystem::path& file) {
    return read_lm_proxy_study(read_input_file(file, "the small-model proxy study (JSON)", kMaxTextFileBytes),
                               file.string());
}

double LmProxyLookup::perplexity_change_pct() const {
    return 100.0 * (point->mean_perplexity / study->float_perplexity - 1.0);
}

double LmProxyLookup::seed_spread_pct() const { return 100.0 * point->seed_spread / study->float_perplexity; }

LmProxyLookup lm_proxy_lookup(std::shared_ptr<const LmProxyStudy> study, const std::string& core_name,
                              const photonics::MacEmulatorConfig& core) {
    LmProxyLookup out{std::move(study), core_name, uniform_bits(core), core.laser_power_per_core, nullptr};
    if (!out.bits) return out;
    for (const LmProxyPoint& p : out.study->points) {
        if (p.core != core_name || p.bits != *out.bits) continue;
        if (out.point == nullptr) {
            out.point = &p;
            continue;
        }
        const double d = log_distance(p.laser_power, out.laser_power);
        const double best = log_distance(out.point->laser_power, out.laser_power);
        if (d < best || (d == best && p.laser_power < out.point->laser_power)) out.point = &p;
    }
    return out;
}

}  // namespace lightwatt::mapping
