#include "emulate_command.hpp"

#include <cstdio>
#include <iostream>

#include "lightwatt/core/error.hpp"
#include "lightwatt/photonics/emulation.hpp"

namespace lightwatt::cli {

using namespace lightwatt::photonics;

namespace {

EmulationRequest build_request(const std::filesystem::path& data_dir, const EmulateOptions& o,
                               const PhotonicCoreCatalog& catalog) {
    EmulationRequest req;
    if (o.file) {
        const auto doc = TomlDocument::parse_file(*o.file);
        req = read_emulation_request(doc.root(), catalog);
    } else {
        req.core = catalog.for_architecture(MacArchitecture::dot_product_engine);
        req.core.emulator.seed = kDefaultEmulationSeed;
    }
    if (o.arch) {
        // Another architecture's core, with the file's overrides and seed applied to it. The
        // library's errors about its "architecture" are about --arch here.
        const std::uint64_t seed = req.core.emulator.seed;
        try {
            req.core = catalog.for_architecture(architecture_named(*o.arch));
        } catch (const InputError& e) {
            throw rename_key(e, "architecture", "--arch");
        }
        req.core.emulator.seed = seed;
        req.core = apply_overrides(req.core, req.overrides);
    }
    for (const auto& [flag, value, target] :
         {std::tuple{"--m", o.m, &req.m}, std::tuple{"--n", o.n, &req.n}, std::tuple{"--k", o.k, &req.k}}) {
        if (!value) continue;
        if (*value < 1 || *value > (1 << 20))
            throw InputError::at(flag, std::to_string(*value), "size out of range", "an integer in [1, 1048576]");
        const bool fixed_by_matrix =
            (req.weights && (flag[2] == 'm' || flag[2] == 'k')) || (req.inputs && (flag[2] == 'k' || flag[2] == 'n'));
        if (fixed_by_matrix && *value != *target)
            throw InputError::at(flag, std::to_string(*value),
                                 "contradicts the size of the matrix the file gives (" + std::to_string(*target) + ")",
                                 "leave it out, or the matrix's size");
        *target = *value;
    }
    for (const auto& [flag, value] : {std::pair{"m", req.m}, std::pair{"k", req.k}, std::pair{"n", req.n}})
        if (value > (1 << 20))
            throw InputError::at(flag, std::to_string(value), "size out of range (from the file's matrix)",
                                 "at most 1048576");
    if (req.m * req.k > (1LL << 28) || req.k * req.n > (1LL << 28) || req.m * req.n > (1LL << 28))
        throw InputError::at("--m/--n/--k",
                             std::to_string(req.m) + "x" + std::to_string(req.k) + "x" + std::to_string(req.n),
                             "matrices too large to emulate in memory", "m k, k n and m n at most 2^28 elements each");
    if (o.seed) {
        if (*o.seed < 0)
            throw InputError::at("--seed", std::to_string(*o.seed), "negative seed", "an integer in [0, 2^63 - 1]");
        req.core.emulator.seed = static_cast<std::uint64_t>(*o.seed);
    }
    if (o.overrides.tile_rows && (*o.overrides.tile_rows < 1 || *o.overrides.tile_rows > 4096))
        throw InputError::at("--tile", std::to_string(*o.overrides.tile_rows), "tile size out of range",
                             "an integer in [1, 4096]");
    if (o.target_enob) {
        if (!(*o.target_enob > 0.0 && *o.target_enob <= 24.0))
            throw InputError::at("--target-enob", format_number(*o.target_enob), "out of range", "a number in (0, 24]");
        req.target_enob = o.target_enob;
    }
    req.core = apply_overrides(req.core, o.overrides);
    if (o.device) req.core.emulator.device = enum_parse_at<EmulatorDevice>("--device", *o.device);
    // Before anything big is allocated: the tiles the settings imply must fit, whichever source
    // (flags, file, CSV) gave the sizes.
    check_emulation_size(req.m, req.k, req.n, req.core.emulator, "--m/--n/--k, --tile");
    (void)data_dir;
    return req;
}

std::string text_report(const EmulationReport& report) {
    const EmulationRequest& req = report.request;
    const MacEmulationResult& r = report.result;
    const EnergySpread& spread = report.energy;
    const double macs_per_s = report.macs_per_s;
    const std::optional<PowerForEnob>& inverse = report.inverse;
    const MacEnergyBreakdown& energy = spread.typical;
    const auto& e = req.core.emulator;
    char line[256];
    std::string out;
    std::snprintf(line, sizeof line, "%s (%s): %lld x %lld times %lld x %lld on %d x %d tiles, seed %llu\n",
                  req.core.name.c_str(), std::string(architecture_name(e.architecture)).c_str(), req.m, req.k, req.k,
                  req.n, e.tile_rows, e.tile_cols, static_cast<unsigned long long>(e.seed));
    out += line;
    const ArchitectureLabels labels = architecture_labels(e);
    std::snprintf(line, sizeof line, "laser %.3g mW per core; %.3g uW per %s; DAC %d, %s %d, ADC %d bits\n\n",
                  in_milliwatts(e.laser_power_per_core), in_microwatts(r.detector_power_per_channel),
                  std::string(labels.channel).c_str(), e.dac_bits, std::string(labels.weight_setting).c_str(),
                  labels.weight_setting_bits, e.adc_bits);
    out += line;
    std::snprintf(line, sizeof line,
                  "accuracy   SNR %.2f dB, ENOB %.2f bits, relative RMS error %.3g, clipped %.3g %% (%zu of %zu "
                  "partial sums)\n",
                  r.snr_db, r.enob, r.rel_rms_error, 100.0 * r.clipped_fraction, r.clipped_partial_sums,
                  r.partial_sums);
    out += line;
    const double total = r.predicted.total();
    const double all = total + r.static_error;
    std::snprintf(line, sizeof line,
                  "error      %s-limited: shot %.0f %%, thermal %.0f %%, RIN %.0f %%, ADC %.0f %%, static %.0f %% of "
                  "the error per partial sum\n",
                  std::string(enum_name(r.regime)).c_str(), 100.0 * r.predicted.shot / all,
                  100.0 * r.predicted.thermal / all, 100.0 * r.predicted.rin / all, 100.0 * r.predicted.adc / all,
                  100.0 * r.static_error / all);
    out += line;
    const double low = std::min(in_picojoules(spread.low.total()), in_picojoules(energy.total()));
    const double high = std::max(in_picojoules(spread.high.total()), in_picojoules(energy.total()));
    std::snprintf(line, sizeof line,
                  "energy     %.4g pJ/MAC (%.4g to %.4g with the converter survey's best and upper bound) at %.3g "
                  "MAC/s per core\n",
                  in_picojoules(energy.total()), low, high, macs_per_s);
    out += line;
    TextTable t({"part", "pJ/MAC", "share %"}, {false, true, true});
    for (const auto& row : mac_energy_records(spread)) {
        if (row["pj_per_mac"].get<double>() == 0.0) continue;
        t.add({row["part"].get<std::string>(), fixed(row["pj_per_mac"].get<double>(), 4),
               fixed(row["share_pct"].get<double>(), 1)});
    }
    out += "\n" + t.render();
    if (inverse) {
        out += "\n";
        if (inverse->laser_power_per_core) {
            std::snprintf(line, sizeof line,
                          "for ENOB %.2f: %.4g mW of laser per core (%.4g mW electrical), %s-limited\n",
                          *req.target_enob, in_milliwatts(*inverse->laser_power_per_core),
                          in_milliwatts(*inverse->laser_power_per_core) / e.laser.wall_plug_efficiency,
                          std::string(enum_name(inverse->regime)).c_str());
        } else {
            std::snprintf(line, sizeof line,
                          "for ENOB %.2f: out of reach; no optical power gets past %.2f bits (%s-limited)\n",
                          *req.target_enob, inverse->ceiling_enob, std::string(enum_name(inverse->regime)).c_str());
        }
        out += line;
    }
    return out;
}

}  // namespace

void emulate(const std::filesystem::path& data_dir, const EmulateOptions& options, const OutputOptions& out) {
    const auto catalog = load_photonic_core_catalog(data_dir);
    const EmulationRequest req = build_request(data_dir, options, catalog);
    const EmulationReport report = run_emulation(req, catalog, std::nullopt, [&] {
        if (!out.json) std::fprintf(stderr, "lightwatt: emulating %lld x %lld x %lld ...\n", req.m, req.k, req.n);
    });
    emit(out, out.json ? render_json(emulation_json(report)) : text_report(report));
}

}  // namespace lightwatt::cli
