// lightwatt: the command line. Parses, dispatches to the verbs, maps errors to exit codes
// (docs/contract.md): 0 success, 2 bad input or usage, 3 missing resource or an output that could not be
// written, 130 a sweep interrupted by SIGINT, 1 internal error.
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <fcntl.h>

#include <CLI/CLI.hpp>

#include "lightwatt/core/atomic_file.hpp"
#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/core/data_dir.hpp"
#include "lightwatt/core/error.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "calibrate_command.hpp"
#include "emulate_command.hpp"
#include "estimate_command.hpp"
#include "frontier_command.hpp"
#include "measure_command.hpp"
#include "solve_command.hpp"
#include "sweep_command.hpp"
#include "link_commands.hpp"

namespace {

// A standard stream that was closed when the program started is reopened on /dev/null read-only:
// no file opened later takes its number, and writes to it still fail, so a closed stdout is
// reported (exit 3) as `cat` reports it.
void hold_closed_standard_streams() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        if (::open("/dev/null", O_RDONLY) != fd) std::abort();  // cannot happen: fd is the lowest free
    }
}

void add_output_options(CLI::App* cmd, lightwatt::cli::OutputOptions& out) {
    cmd->add_flag("--json", out.json, "print JSON (keys carry their unit as a suffix)");
    cmd->add_option("-o,--output", out.output_file, "write the result to FILE atomically instead of stdout");
}

// The catalog folder, from --data-dir when given; the library's key "data_dir" is the flag here.
std::filesystem::path data_dir_flag(const std::optional<std::string>& option) {
    try {
        return lightwatt::find_data_dir(option ? std::optional<std::filesystem::path>(*option) : std::nullopt);
    } catch (const lightwatt::InputError& e) {
        throw lightwatt::rename_key(e, "data_dir", "--data-dir");
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace lightwatt;
    hold_closed_standard_streams();
    CLI::App app{
        "lightwatt: optical interconnect and photonic compute energy, from device physics to joules per token"};
    app.set_version_flag("--version", std::string("lightwatt ") + LIGHTWATT_VERSION);
    app.require_subcommand(1);
    std::optional<std::string> data_dir_option;
    app.add_option("--data-dir", data_dir_option,
                   "folder of catalogs (default: $LIGHTWATT_DATA, then the installed data)");

    cli::OutputOptions out;
    RunOutputs outputs;
    out.outputs = &outputs;
    std::string name, budget_file;
    std::vector<std::string> names;
    auto* link = app.add_subcommand("link", "optical and electrical link models")->require_subcommand(1);
    auto* list = link->add_subcommand("list", "list the link archetypes in the catalog");
    auto* show = link->add_subcommand("show", "power, pJ/bit breakdown and optical budget of one link");
    show->add_option("NAME", name, "link name (see `lightwatt link list`)")->required();
    auto* compare = link->add_subcommand("compare", "compare links side by side (all when no NAME is given)");
    compare->add_option("NAME", names, "link names");
    auto* budget = link->add_subcommand("budget", "power budget and inverse answers from a budget file");
    budget->add_option("FILE", budget_file, "budget file (TOML, see docs/budget-file.md)")->required();
    cli::EmulateOptions em;
    auto* emulate =
        app.add_subcommand("emulate", "multiply matrices through a photonic core: accuracy and energy per MAC");
    emulate->add_option("FILE", em.file, "emulation file (TOML, see docs/emulator-file.md)");
    emulate->add_option("--arch", em.arch, "architecture: " + join_alternatives(photonics::architecture_names()));
    emulate->add_option("--m", em.m, "rows of the weight matrix");
    emulate->add_option("--n", em.n, "columns of the input matrix");
    emulate->add_option("--k", em.k, "inner dimension");
    emulate->add_option("--adc-bits", em.overrides.adc_bits, "ADC resolution");
    emulate->add_option("--dac-bits", em.overrides.dac_bits, "input DAC resolution");
    emulate->add_option("--weight-bits", em.overrides.weight_bits, "weight resolution");
    emulate->add_option("--laser-power-mw", em.overrides.laser_power_mw, "laser optical power per core, mW");
    emulate->add_option("--tile", em.overrides.tile_rows, "square tile size (rows = columns)");
    emulate->add_option("--target-enob", em.target_enob, "also report the laser power this ENOB needs");
    emulate->add_option("--seed", em.seed, "random seed, 0 to 2^63-1 (default 20261125, printed)");
    emulate->add_option("--device", em.device,
                        "where the tiled GEMM runs: cpu (default) or cuda (an NVIDIA GPU; exit 3 when this build or "
                        "machine has none)");
    cli::CalibrateNcclOptions cal;
    auto* calibrate = app.add_subcommand("calibrate", "calibration records from measurements")->require_subcommand(1);
    auto* nccl = calibrate->add_subcommand("nccl-tests",
                                           "import nccl-tests logs and fit a latency-bandwidth model per collective");
    nccl->add_option("LOG", cal.logs, "nccl-tests standard output, one or more files")->required();
    nccl->add_option("--collective", cal.collective,
                     "the collective of logs that do not name it (older nccl-tests layouts)");
    nccl->add_option("--max-fit-bytes", cal.max_fit_bytes,
                     "rows up to this size are fitted, larger ones predicted (default 1 GiB)");
    cli::EstimateOptions est;
    auto* estimate = app.add_subcommand("estimate", "energy per token of each optical option for a serving scenario");
    estimate->add_option("SCENARIO", est.file,
                         "scenario file (TOML, docs/scenario-file.md; default data/scenarios/default.toml)");
    estimate->add_option("--calibration", est.calibration,
                         "calibration record (JSON) instead of the scenario's profile");
    estimate->add_flag("--csv", est.csv, "print CSV, one row per option");
    estimate->add_option("--plot", est.plot, "write a stacked-bar chart of the breakdown per option (SVG)");
    estimate->add_option("--monte-carlo", est.monte_carlo,
                         "draw the catalog figures that have a published range N times (1 to 10^6): medians, 5-95 % "
                         "intervals, P(beats baseline), what moves each saving");
    estimate->add_option("--tornado", est.tornado,
                         "with --monte-carlo: write a tornado chart of what moves each option's saving (SVG)");
    estimate->add_option("--seed", est.seed, "seed of the --monte-carlo draws, 0 to 2^63-1 (default 20261125)");
    cli::SweepOptions sw;
    auto* sweep = app.add_subcommand(
        "sweep", "every design point of a sweep file with every option: chunks of rows and a manifest in a folder");
    sweep->add_option("SWEEP", sw.inputs, "sweep file (TOML, docs/sweep-file.md); with --merge, the shards' folders")
        ->required();
    sweep->add_option("-o,--output", sw.out_dir, "folder for the chunks and manifest.json (new or empty)")->required();
    auto* format = sweep->add_option("--format", sw.format, "rows as csv (default) or jsonl");
    auto* threads =
        sweep->add_option("--threads", sw.threads, "threads (default: $LIGHTWATT_THREADS, then the hardware's)");
    auto* resume =
        sweep->add_flag("--resume", sw.resume, "continue the sweep in the -o folder after its last complete chunk");
    auto* shard = sweep->add_option("--shard", sw.shard,
                                    "evaluate only shard I of N (I/N, 0 <= I < N): a contiguous chunk range");
    sweep->add_flag("--merge", sw.merge, "join the complete folders of every shard of one sweep into -o")
        ->excludes(format, threads, resume, shard);
    sweep->add_flag("--quiet", sw.quiet, "no progress line on stderr");
    sweep->add_flag("--json", out.json, "print the manifest (JSON) instead of the summary");
    cli::FrontierOptions fr;
    auto* frontier = app.add_subcommand(
        "frontier", "the Pareto frontier of sweep results per option or system (tokens/s per MW against per user)");
    frontier->add_option("RESULTS", fr.results, "sweep -o folders, or rows as FILE.csv / FILE.jsonl")->required();
    frontier->add_option("--x", fr.x, "output on the x axis (default tokens_per_s_per_user)");
    frontier->add_option("--y", fr.y, "output on the y axis (default tokens_per_s_per_megawatt)");
    frontier->add_option("--by", fr.by, "one frontier per option (default) or per system");
    frontier->add_option("--plot", fr.plot, "write the frontiers as a chart, one curve per group (SVG)");
    cli::SolveOptions so;
    auto* solve = app.add_subcommand(
        "solve", "the value of a catalog figure at which an option saves a given share of J/token over another");
    solve->add_option("SCENARIO", so.file,
                      "scenario file (TOML, docs/scenario-file.md; default data/scenarios/default.toml)");
    solve
        ->add_option("--parameter", so.parameter,
                     "the catalog figure, by its dotted key in its data file (e.g. systems.dgx_h100.pue)")
        ->required();
    solve->add_option("--option", so.option, "the option that saves (one the scenario compares)")->required();
    solve->add_option("--versus", so.versus, "the option it saves over (default: baseline)");
    solve->add_option("--saving-pct", so.saving_pct, "the saving of J/token, percent")->required();
    solve
        ->add_option("--range", so.range,
                     "LO,HI: the values to search (default: the published low-high, or a "
                     "factor of 2 around the catalog's value)")
        ->delimiter(',');
    // Everything after `measure` goes to lightwatt-measure unchanged.
    auto* measure = app.add_subcommand(
        "measure", "GEMMs, copies and NCCL collectives on this machine's GPUs (runs lightwatt-measure)");
    measure->prefix_command();
    for (auto* cmd : {list, show, compare, budget, emulate, nccl, estimate, frontier, solve})
        add_output_options(cmd, out);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }

    try {
        // Every output path is checked before any work, so a bad one costs nothing.
        if (!out.output_file.empty()) outputs.expect(out.output_file, "-o");
        if (est.plot) outputs.expect(*est.plot, "--plot");
        if (fr.plot) outputs.expect(*fr.plot, "--plot");
        if (est.tornado) outputs.expect(*est.tornado, "--tornado");
        if (*nccl) cli::calibrate_nccl_tests(cal, out);
        if (*measure) {
            cli::run_measure(measure->remaining());
        }
        if (*nccl || *frontier) {
            if (*frontier) cli::frontier(fr, out);
            outputs.commit();
            return 0;
        }
        const auto data_dir = data_dir_flag(data_dir_option);
        if (*list) cli::link_list(data_dir, out);
        if (*show) cli::link_show(data_dir, name, out);
        if (*compare) cli::link_compare(data_dir, names, out);
        if (*budget) cli::link_budget(data_dir, budget_file, out);
        if (*estimate) cli::estimate(data_dir, est, out);
        if (*solve) cli::solve(data_dir, so, out);
        if (*sweep) {
            const int code = cli::sweep(data_dir, sw, out);
            outputs.commit();
            return code;
        }
        if (*emulate) {
            em.overrides.tile_cols = em.overrides.tile_rows;
            cli::emulate(data_dir, em, out);
        }
        outputs.commit();
        return 0;
    } catch (const InputError& e) {
        std::cerr << "lightwatt: error: " << e.what() << "\n";
        return 2;
    } catch (const OutputError& e) {
        std::cerr << "lightwatt: error: " << escape_text(e.what()) << "\n";
        return 3;
    } catch (const ResourceMissing& e) {
        std::cerr << "lightwatt: missing resource: " << e.what() << "\n";
        return 3;
    } catch (const std::bad_alloc&) {
        // The working set is checked before the big allocations; reaching this is a missed case.
        std::cerr << "lightwatt: error: out of memory\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "lightwatt: internal error (please report): " << escape_text(e.what()) << "\n";
        return 1;
    }
}
