// JSON rendering of link reports, following the contract (docs/contract.md): keys carry their unit as a
// suffix; pj_per_bit is the headline; breakdown_pj_per_bit sums to it.
#pragma once

#include <nlohmann/json.hpp>

#include "lightwatt/interconnect/link_archetype.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"

namespace lightwatt::interconnect {

// Published module figures are checked against their range widened by this fraction on both
// sides (issue #2: "lands within the published range widened by 15%").
inline constexpr double kPublishedRangeTolerance = 0.15;

struct PublishedCheck {
    double modelled = 0.0;
    double low = 0.0;
    double high = 0.0;
    [[nodiscard]] bool within_widened_range() const {
        return modelled >= low * (1.0 - kPublishedRangeTolerance) &&
               modelled <= high * (1.0 + kPublishedRangeTolerance);
    }
};

nlohmann::json link_summary_json(const LinkArchetype& a);
nlohmann::json link_report_json(const LinkReport& r, const LinkCatalog& catalog);
nlohmann::json optical_budget_json(const OpticalBudgetReport& o, const OpticalLane& lane);

}  // namespace lightwatt::interconnect
