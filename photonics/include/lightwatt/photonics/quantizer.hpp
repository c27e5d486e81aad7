// Uniform mid-tread quantiser with a symmetric full-scale range and clipping, as a DAC or ADC of
// `bits` bits sees its input (docs/models/photonic-mac.md, "Converters").
//
//   step = 2 FS / 2^bits, levels k step for k in [-2^(bits-1), 2^(bits-1) - 1]
//
// Inside the range the error is uniform in [-step/2, step/2): variance step^2 / 12.
#pragma once

#include <algorithm>
#include <cmath>

namespace lightwatt::photonics {

struct Quantizer {
    int bits = 0;             // 0 = ideal (no quantisation, no clipping)
    double full_scale = 1.0;  // the range is [-full_scale, full_scale)

    [[nodiscard]] double levels() const {
        return bits < 63 ? static_cast<double>(1ULL << bits) : std::ldexp(1.0, bits);
    }
    [[nodiscard]] double step() const { return 2.0 * full_scale / levels(); }
};

// Round to nearest, ties to even (as std::nearbyint in the default rounding mode) without a library
// call: adding and removing 1.5 * 2^52 leaves no fraction bits in a double below 2^51.
inline double round_to_nearest_even(double v) {
    constexpr double shifter = 0x1.8p52;
    if (!(std::abs(v) < 0x1.0p51)) return std::nearbyint(v);
    return (v + shifter) - shifter;
}

// Quantises x; sets *clipped when x lay outside the range.
inline double quantize(double x, const Quantizer& q, bool* clipped = nullptr) {
    if (q.bits <= 0) return x;
    const double step = q.step();
    const double top = q.levels() / 2.0 - 1.0;
    double level = round_to_nearest_even(x / step);
    const bool clip = level > top || level < -top - 1.0;
    level = std::clamp(level, -top - 1.0, top);
    if (clipped != nullptr) *clipped = clip;
    return level * step;
}

}  // namespace lightwatt::photonics
