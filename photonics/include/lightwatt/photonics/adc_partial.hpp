// One analog partial sum through detection noise and the ADC, in units of the ADC step (v = y /
// step), so one square root per partial sum:
//
//   sigma_v^2 = base + c_pp (p + offset_i)^2 + c_aa a^2 + c_a a     (p, a: partial sums, in steps)
//   v         = s + sigma_v z,   s = p  or, with a rotated LO, cos(phi) p - sin(phi) a
//   r         = v rounded to the nearest integer, ties to even (as the DACs round)
//   level     = clamp(r, -top - 1, top); clipped where level != r
//   out      += level * step
//
// A NaN v (only from terms that overflow float, which the laser power bound rules out) reads as the
// lowest level and counts as clipped.
//
// Written once for the CPU's scalar reference (adc_column.cpp, which every vector path matches
// bit for bit) and the GPU kernel (photonics/cuda): the same IEEE operations in the same order,
// without fused multiply-adds (-ffp-contract=off here, -fmad=false under nvcc). The standard
// library only, so that the GPU check builds with the CUDA toolkit alone.
#pragma once

#include <math.h>

#include "lightwatt/core/host_device.hpp"

namespace lightwatt::photonics::detail {

struct AdcColumnTerms {
    float base = 0.0f;     // per column: thermal + shot on the light that does not depend on y
    float c_pp = 0.0f;     // on (p + offset)^2: RIN (and coherent shot on the signal)
    float c_aa = 0.0f;     // on a^2: coherent shot on the quadrature
    float c_a = 0.0f;      // on a: microring RIN (a holds W^2 (1 + x)^2)
    float cos_phi = 1.0f;  // LO rotation (coherent drift)
    float sin_phi = 0.0f;
    float top = 0.0f;   // largest ADC level, 2^(bits-1) - 1
    float step = 0.0f;  // ADC step in output units
};

enum class AdcColumnShape {
    plain,        // p only
    offset,       // p + offset_i (dot-product engine: the W 1 term of the intensity encoding)
    aux,          // p and a (microring RIN, coherent shot)
    aux_rotated,  // p and a, signal rotated by the LO phase
};

// Partial sum p (with its offset and auxiliary sum a where Shape has them) and standard normal
// draw z: adds the digitised value to *out and returns whether the ADC clipped.
template <AdcColumnShape Shape>
LIGHTWATT_HOST_DEVICE inline bool digitise_partial(const AdcColumnTerms& t, float p, float offset, float a, float z,
                                                   float* out) {
    float variance = t.base;
    float signal = p;
    if constexpr (Shape == AdcColumnShape::offset) {
        const float s = p + offset;
        variance += t.c_pp * (s * s);
    } else {
        variance += t.c_pp * (p * p);
    }
    if constexpr (Shape == AdcColumnShape::aux || Shape == AdcColumnShape::aux_rotated) {
        variance += t.c_aa * (a * a);
        variance += t.c_a * a;
    }
    if constexpr (Shape == AdcColumnShape::aux_rotated) signal = t.cos_phi * p - t.sin_phi * a;
    const float noise = sqrtf(variance) * z;
    const float v = signal + noise;
    const float low = -t.top - 1.0f;
    // Rounded within one level beyond the range: there r is rint(v), outside it r is still outside
    // (all that decides the clip), and fmaxf turns NaN into low - 1 (fmaxf(NaN, x) = x).
    const float r = rintf(fminf(fmaxf(v, low - 1.0f), t.top + 1.0f));
    const float level = fminf(fmaxf(r, low), t.top);
    *out += level * t.step;
    return level != r;
}

}  // namespace lightwatt::photonics::detail
