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
    int bits = 0;              // 0 = ideal (no quantisation, no clipping)
    double full_scale = 1.0;   // the range is [-full_scale, full_scale)

    [[nodiscard]] double step() const { return 2.0 * full_scale / std::ldexp(1.0, bits); }
};

// Quantises x; sets *clipped when x lay outside the range.
inline double quantize(double x, const Quantizer& q, bool* clipped = nullptr) {
    if (q.bits <= 0) return x;
    const double step = q.step();
    const double top = std::ldexp(1.0, q.bits - 1) - 1.0;
    double level = std::nearbyint(x / step);
    const bool clip = level > top || level < -top - 1.0;
    level = std::clamp(level, -top - 1.0, top);
    if (clipped != nullptr) *clipped = clip;
    return level * step;
}

}  // namespace lightwatt::photonics
