// A sweep file (docs/sweep-file.md): a base scenario, named by a path relative to the sweep file's
// folder, and the axes that vary its keys. Reading checks the file on its own (forms, ranges,
// counts, names); whether each axis names a key the scenario reads is checked against the base
// scenario by the point evaluator (sweep_rows.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "lightwatt/core/toml_reader.hpp"
#include "lightwatt/study/design_space.hpp"

namespace lightwatt::study {

// An axis-free sweep's Monte Carlo draws ([monte_carlo] draws, seed): design point d is draw d of
// the catalog figures with a published range (monte_carlo.hpp), the draws of `lightwatt estimate
// --monte-carlo DRAWS --seed SEED` on the base scenario.
struct MonteCarloDraws {
    std::size_t draws = 0;
    std::uint64_t seed = 0;
};

struct SweepFile {
    std::string file, description;
    std::string text;                // the file's bytes, for the sweep's hash
    std::filesystem::path scenario;  // the base scenario, resolved against the sweep file's folder
    int scenario_line = 0;
    // Whether photonic options' rows carry their offloaded GEMMs' accuracy (sweep_rows.hpp): off
    // unless asked, since each distinct core and GEMM shape costs an emulation of about 10^4
    // estimates, which a sweep over the batch would pay once per batch up to 64.
    bool offload_accuracy = false;
    // No axes then, and space.samples holds the draws, so that a draw is a design point to the
    // runs, chunks, shards and manifests.
    std::optional<MonteCarloDraws> monte_carlo;
    DesignSpace space;
};

// Reads a sweep file; InputError (file, line, key) for a missing or malformed axis, an empty list,
// a count of 0, a log range through zero, a random interval with from >= to, samples without a
// random axis (or a random axis without samples and seed), an axis name that is an output column,
// axes beside [monte_carlo], a draw count outside 1 to 10^6 or a [monte_carlo] without a seed.
SweepFile read_sweep_file(TableReader root, const std::filesystem::path& folder);
SweepFile load_sweep_file(const std::filesystem::path& file);
// A sweep file's TOML text, named `name` in messages, its scenario resolved against `folder`.
SweepFile parse_sweep_file(std::string text, const std::string& name, const std::filesystem::path& folder);

}  // namespace lightwatt::study
