// Forward error correction and line coding: the BER a receiver must reach before decoding,
// and the share of line bits that carry payload.
#pragma once

#include <string>

namespace lightwatt::photonics {

struct FecScheme {
    std::string name;
    double pre_fec_ber_threshold = 0.0;   // BER at the decoder input the code corrects to target
    double code_rate = 1.0;               // k/n, e.g. 514/544 for RS(544,514)
    double line_coding_efficiency = 1.0;  // e.g. 256/257 for 256b/257b transcoding
};

// Payload bits per line bit.
inline double payload_fraction(const FecScheme& f) { return f.code_rate * f.line_coding_efficiency; }

}  // namespace lightwatt::photonics
