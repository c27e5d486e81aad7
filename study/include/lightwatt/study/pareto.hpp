// Pareto frontiers of sweep results: the rows no other row beats on both of two outputs, each in
// its own direction (output_keys.hpp), per group (option or system). A row is dominated when
// another is at least as good on both outputs and better on one; rows that tie exactly are kept
// together. Sorting once makes it O(n log n) (Kung, Luccio and Preparata, J. ACM 22 (1975) 469,
// the two-dimensional case).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "lightwatt/study/output_keys.hpp"
#include "lightwatt/study/sweep_results.hpp"

namespace lightwatt::study {

// The indices of the non-dominated points of (x[i], y[i]), ordered by x ascending; NaN points
// are never on the frontier. x and y have the same length.
std::vector<std::size_t> pareto_front(std::span<const double> x, std::span<const double> y, Better x_better,
                                      Better y_better);

// Which rows a frontier compares with one another.
enum class GroupBy { option, system };

}  // namespace lightwatt::study

template <>
struct lightwatt::EnumTable<lightwatt::study::GroupBy> {
    static constexpr auto entries = std::to_array<EnumEntry<study::GroupBy>>(
        {{study::GroupBy::option, "option"}, {study::GroupBy::system, "system"}});
    static constexpr std::string_view noun = "grouping";
};

namespace lightwatt::study {

struct FrontierGroup {
    std::string name;               // the option's or the system's
    std::vector<std::size_t> rows;  // the frontier's rows of the results, by x ascending
};

struct Frontier {
    const OutputKey* x = nullptr;
    const OutputKey* y = nullptr;
    GroupBy by = GroupBy::option;
    std::size_t feasible_rows = 0;      // the rows compared: feasible, with both outputs
    std::vector<FrontierGroup> groups;  // in the order the groups first appear in the results
};

// The frontier of each group's feasible rows with both outputs. InputError when x or y is no
// output key (the closest named), or when the results lack its column, or lack a `system`
// column (an axis over deployment.system named "system") for GroupBy::system.
Frontier frontier(const SweepResults& results, const std::string& x_key, const std::string& y_key, GroupBy by);

}  // namespace lightwatt::study
