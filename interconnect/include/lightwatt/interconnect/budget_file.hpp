// `lightwatt link budget FILE.toml`: a lane's power budget from a file, forward (margin) and
// inverse (the transmit OMA and laser power a target margin needs, the longest reach).
// Format: docs/budget-file.md; example: data/budgets/400gbase-dr4.toml.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"
#include "lightwatt/photonics/link_budget.hpp"

namespace lightwatt::interconnect {

struct BudgetStudy {
    std::string file;
    std::optional<std::string> link;  // the archetype the lane starts from, if any
    photonics::LinkBudget budget;
    Decibel target_margin{};
    std::optional<photonics::Channel> channel;  // when given by parts (reach answers need it)
    // Inverse answers at the target margin.
    DecibelMilliwatt required_tx_oma;
    Decibel max_channel_loss{};
    std::optional<Length> max_reach;  // needs a fibre attenuation
    bool reach_limited_by_fixed_losses = false;
    std::optional<Power> required_laser_output;      // needs a link's transmitter optics
    std::optional<Power> required_laser_electrical;  // per laser
};

// The lane a budget file describes, validated (InputError otherwise): the forward budget, the
// target margin and the channel by parts; the inverse answers are left to solve_budget.
BudgetStudy read_budget(TableReader root, const LinkCatalog& catalog);
// The inverse answers at the target margin: the transmit OMA it needs, the largest channel loss,
// the longest reach (with a fibre attenuation) and, with a link, the laser power.
BudgetStudy solve_budget(BudgetStudy study, const LinkCatalog& catalog);
// read_budget, then solve_budget.
BudgetStudy read_budget_study(TableReader root, const LinkCatalog& catalog);
BudgetStudy load_budget_study(const std::filesystem::path& file, const LinkCatalog& catalog);
nlohmann::json budget_study_json(const BudgetStudy& s);

}  // namespace lightwatt::interconnect
