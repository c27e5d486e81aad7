// Which drawn inputs move an output most: standardised regression coefficients (SRC) of the output
// on the inputs over Monte Carlo draws (Saltelli et al., "Global Sensitivity Analysis: The
// Primer", Wiley 2008, section 1.2.5). The least-squares fit y = b0 + sum_j b_j x_j gives
// SRC_j = b_j s_j / s_y (s: standard deviations over the draws). For independent inputs and a fit
// with R^2 near 1, SRC_j^2 is the share of the output's variance due to input j (its first-order
// Sobol index) and the shares add up to R^2; R^2 is reported so that a response far from linear
// shows. SRCs reuse the draws the Monte Carlo made; Sobol indices would need N (k + 2) more
// estimates (Saltelli's scheme) to say the same of a near-linear response.
#pragma once

#include <cstddef>
#include <vector>

namespace lightwatt::study {

struct Sensitivity {
    std::vector<double> src;          // per input; 0 for an input that did not vary
    double r_squared = 0.0;           // of the linear fit; 1 for an output that did not vary
    std::vector<std::size_t> ranked;  // inputs by |SRC|, largest first
};

// `x` draw-major (x[d * inputs + j]), `y` one value per draw.
Sensitivity standardised_regression(const std::vector<double>& x, std::size_t inputs, const std::vector<double>& y);

}  // namespace lightwatt::study
