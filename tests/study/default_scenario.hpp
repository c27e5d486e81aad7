// Test helper: the default scenario (data/scenarios/default.toml) with the parsed catalog files,
// the catalogs read from them and the estimate's inputs (no offload accuracy emulation), loaded
// once per test program.
#pragma once

#include <optional>
#include <string>

#include "lightwatt/mapping/catalog_figure.hpp"

namespace lightwatt::testing {

struct DefaultScenario {
    mapping::CatalogFiles files = mapping::parse_catalog_files(LIGHTWATT_TEST_DATA_DIR);
    mapping::Catalogs catalogs = mapping::read_catalogs(files);
    mapping::Scenario scenario =
        mapping::load_scenario(std::string(LIGHTWATT_TEST_DATA_DIR) + "/scenarios/default.toml", catalogs);
    mapping::EstimateInputs inputs =
        mapping::load_estimate_inputs(scenario, catalogs, LIGHTWATT_TEST_DATA_DIR, std::nullopt, false);
};

inline const DefaultScenario& default_scenario() {
    static const DefaultScenario s;
    return s;
}

}  // namespace lightwatt::testing
