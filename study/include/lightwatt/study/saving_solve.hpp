// The inverse question of `lightwatt solve`: the value of one catalog figure (catalog_figure.hpp)
// at which option A saves X % of J/token over option B. The search range (given; the figure's
// published low-high; or a factor of 2 around the catalog's value, cut to what the catalog's
// reader accepts) is bracketed on an even grid of 16 steps, and the first step over which the
// saving crosses X % is bisected until it is 10^-9 of the range wide (an integer figure: until
// it is one wide, the answer its end at which A still saves X %). A saving that no value in the
// range reaches is an answer too: the savings at both ends say how far off it is.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "lightwatt/core/enum_table.hpp"
#include "lightwatt/mapping/catalog_figure.hpp"

namespace lightwatt::study {

enum class SearchRange { given, published, factor_of_2 };

}  // namespace lightwatt::study

template <>
struct lightwatt::EnumTable<lightwatt::study::SearchRange> {
    using enum study::SearchRange;
    static constexpr auto entries = std::to_array<EnumEntry<study::SearchRange>>(
        {{given, "given"}, {published, "published"}, {factor_of_2, "factor_of_2"}});
};

namespace lightwatt::study {

struct SavingQuestion {
    std::string option;                              // A
    std::string versus = "baseline";                 // B
    double saving_pct = 0.0;                         // X: 100 (1 - J/token of A / J/token of B)
    std::optional<std::pair<double, double>> range;  // low < high; unset: published or factor of 2
};

struct SavingAnswer {
    double low = 0.0, high = 0.0;  // the range searched
    SearchRange range_from = SearchRange::given;
    double saving_pct_at_low = 0.0, saving_pct_at_high = 0.0;
    std::optional<double> value;  // the figure's value at X %; unset when none in the range gives it
    double saving_pct_at_value = 0.0;
    double tolerance = 0.0;  // the width of the last bracket
    int estimates = 0;
};

// What the solver needs to estimate the scenario on changed catalogs.
struct SolveInputs {
    const mapping::Scenario* scenario = nullptr;
    const mapping::Catalogs* catalogs = nullptr;
    const mapping::CatalogFiles* files = nullptr;
    const mapping::EstimateInputs* inputs = nullptr;  // on `catalogs`
    std::filesystem::path data_dir;                   // to load the inputs again for llms / gpus figures
};

// InputError (key "--option", "--versus", "--range") for an option the scenario does not compare,
// A = B, a range whose low is not below its high or that the catalog's reader refuses, and a
// figure of value 0 without a range.
SavingAnswer solve_saving(const SolveInputs& in, const mapping::CatalogFigure& figure, const SavingQuestion& q);

}  // namespace lightwatt::study
