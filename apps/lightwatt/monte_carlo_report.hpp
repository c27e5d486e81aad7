// The report of `lightwatt estimate --monte-carlo N`: each option's J/token, saving and tokens per
// second in the power budget as median and 5-95 % interval, the probability that it beats the
// baseline, and the ranking of the drawn figures by how much they move its saving
// (study/monte_carlo.hpp, study/sensitivity.hpp), as text (the JSON: study/uncertainty_json.hpp).
#pragma once

#include <string>
#include <vector>

#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/sensitivity.hpp"

namespace lightwatt::cli {

// SRCs smaller than this are sampling noise of figures the saving does not depend on (another
// option's link): about 1/sqrt(draws) at 10^4 draws. The text report and the tornado chart show
// the same figures.
inline constexpr double kShownSrc = 0.005;

std::string monte_carlo_text(const std::string& scenario_file, const study::MonteCarloResult& r,
                             const std::vector<study::Sensitivity>& sensitivity);

}  // namespace lightwatt::cli
