// The frontier chart (`lightwatt frontier --plot`): one curve per option or system through its
// frontier points, axes titled with their units, ticks at 1-2-5 steps and a legend; the canvas
// is sized to hold every label.
#pragma once

#include <string>

#include "lightwatt/study/pareto.hpp"
#include "lightwatt/study/sweep_results.hpp"

namespace lightwatt::cli {

// InputError when there are more groups than colours that tell apart (svg.hpp's palette).
std::string frontier_svg(const study::SweepResults& results, const study::Frontier& f);

}  // namespace lightwatt::cli
