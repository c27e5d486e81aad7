// The JSON documents of `lightwatt solve --json` and `lightwatt estimate --monte-carlo N --json`,
// built once here for the command line and Python alike (keys in docs/models/uncertainty.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lightwatt/study/monte_carlo.hpp"
#include "lightwatt/study/saving_solve.hpp"
#include "lightwatt/study/sensitivity.hpp"

namespace lightwatt::study {

// Per option, the standardised regression coefficients of its saving on the drawn figures.
std::vector<Sensitivity> saving_sensitivities(const MonteCarloResult& r);

nlohmann::json monte_carlo_json(const std::string& scenario_file, const MonteCarloResult& r,
                                const std::vector<Sensitivity>& sensitivity);

nlohmann::json saving_answer_json(const mapping::CatalogFigure& f, const SavingQuestion& q, const SavingAnswer& a);

}  // namespace lightwatt::study
