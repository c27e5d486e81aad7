// The estimate as a JSON document: what `lightwatt estimate --json` prints and the Python
// module's Estimate.to_dict() returns (docs/scenario-file.md lists the keys).
#pragma once

#include <nlohmann/json.hpp>

#include "lightwatt/mapping/scenario.hpp"

namespace lightwatt::mapping {

nlohmann::json estimate_json(const Scenario& s, const Estimate& e);

}  // namespace lightwatt::mapping
