// The fused inner kernel of the emulator: one column of analog partial sums through detection
// noise and the ADC, accumulated into the digital output, in one pass while the column is in
// cache (docs/performance.md). Internal to photonics.
//
// Everything is in units of the ADC step (v = y / step), so one square root per partial sum:
//
//   sigma_v^2 = base + c_pp (p + offset_i)^2 + c_aa a^2 + c_a a     (p, a: partial sums, in steps)
//   v         = s + sigma_v z,   s = p  or, with a rotated LO, cos(phi) p - sin(phi) a
//   level     = round half away from zero of clamp(v, -top - 1, top); NaN -> 0
//   out      += level * step
//
// `p` and `a` arrive already scaled by 1 / step. The vector paths (AVX-512 or AVX where the build
// targets them, cmake/LightwattArch.cmake; SSE2 on every x86-64 CPU; one lane for the tail) and the
// scalar reference run the same IEEE operations in the same order, without fused multiply-adds, so
// the result is the same bits on every path: it depends neither on the row count's remainder nor
// on the CPU the build targets.
#pragma once

#include <cstddef>

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

// Digitises `rows` partial sums and adds them to out; returns how many were clipped.
std::size_t digitise_column(AdcColumnShape shape, const AdcColumnTerms& terms, const float* p, const float* offset,
                            const float* a, const float* z, float* out, std::ptrdiff_t rows);

// The kernel's paths, widest first: digitise_column runs the widest one the build targets; each
// vector path does its remainder on 4 lanes (SSE2) and then one. The others stay callable so the
// tests can hold every path the build has to the scalar reference (which is also the kernel on
// CPUs without SSE2).
enum class ColumnPath { avx512, avx, sse2, scalar };

[[nodiscard]] bool column_path_compiled(ColumnPath path);

// digitise_column on one path; returns 0 and changes nothing for a path the build lacks.
std::size_t digitise_column_on(ColumnPath path, AdcColumnShape shape, const AdcColumnTerms& terms, const float* p,
                               const float* offset, const float* a, const float* z, float* out, std::ptrdiff_t rows);

}  // namespace lightwatt::photonics::detail
