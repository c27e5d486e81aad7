// The tornado chart of `lightwatt estimate --monte-carlo N --tornado F.svg`: per option (the
// baseline excepted), a horizontal bar per drawn figure, its length the standardised regression
// coefficient of the option's saving on the figure (-1 to 1 about a centre line), the largest on
// top, with the fit's R^2 beside the option's name.
#pragma once

#include <string>
#include <vector>

#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/sensitivity.hpp"

namespace lightwatt::cli {

std::string tornado_svg(const std::string& scenario_summary, const study::MonteCarloResult& r,
                        const std::vector<study::Sensitivity>& sensitivity);

}  // namespace lightwatt::cli
