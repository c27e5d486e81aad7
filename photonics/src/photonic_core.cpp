#include "lightwatt/photonics/photonic_core.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "lightwatt/core/rng.hpp"
#include "lightwatt/photonics/csv_matrix.hpp"
#include "lightwatt/photonics/emulation_request.hpp"

#include "architecture.hpp"

namespace lightwatt::photonics {

namespace {

// The entry named at `key`, its source recorded in the core's `sources`.
template <class T>
const T& reference(TableReader& r, std::string_view key, const NamedCatalog<T>& entries,
                   std::map<std::string, std::string>& sources) {
    const std::string name = r.string(key);
    const T& found = entries.at(name, r, key);
    sources[entries.section() + "." + name] = entries.provenance(name).source;
    return found;
}

PhotonicCore read_core(TableReader& r, const DeviceCatalog& d, const ConverterCatalog& cv) {
    PhotonicCore core;
    core.description = r.string("description");
    auto& e = core.emulator;
    const std::string arch = r.choice("architecture", architecture_names());
    e.architecture = *architecture_from_name(arch);
    e.tile_rows = static_cast<int>(r.integer("tile_rows", 1, 4096));
    e.tile_cols = static_cast<int>(r.integer("tile_cols", 1, 4096));
    e.clock = gigahertz(r.number("clock_ghz", Range::open(0.0, 1e4)));
    e.noise_bandwidth_per_clock = r.number("noise_bandwidth_per_clock", Range{0.0, 10.0, false, true});
    e.laser = reference(r, "laser", d.lasers, core.sources);
    e.laser_power_per_core = milliwatts(r.number("laser_power_mw", Range{0.0, 1e6, false, true}));
    e.path_loss = Decibel(r.number("path_loss_db", Range::closed(0.0, 100.0)));
    e.photodetector = reference(r, "photodetector", d.photodetectors, core.sources);
    e.tia = reference(r, "tia", d.tias, core.sources);
    core.input_dac = reference(r, "input_dac", cv.dacs, core.sources);
    core.weight_dac = reference(r, "weight_dac", cv.dacs, core.sources);
    core.adc = reference(r, "adc", cv.adcs, core.sources);
    e.dac_bits = static_cast<int>(r.integer("dac_bits", 1, 24));
    e.weight_bits = static_cast<int>(r.integer("weight_bits", 1, 24));
    e.adc_bits = static_cast<int>(r.integer("adc_bits", 1, 24));
    e.adc_clip_sigmas = r.number("adc_clip_sigmas", Range::positive());
    core.modulator_energy_per_sample = picojoules(1e-3 * r.number("modulator_energy_fj", Range::non_negative()));
    core.weight_holders_per_weight = r.number("weight_holders_per_weight", Range::non_negative());
    core.holding_power = milliwatts(r.number("holding_power_mw", Range::non_negative()));
    core.accumulation_energy = picojoules(r.number("accumulation_energy_pj", Range::non_negative()));
    core.utilization = r.number(r.spelling("utilization", "utilisation"), Range::unit_interval_open_closed());
    detail::architecture_model(e.architecture).read(r, e);  // the architecture's own keys
    if (auto v = r.optional_number("drift_interval_s", Range::non_negative())) e.drift.interval = seconds(*v);
    if (auto v = r.optional_number("lo_phase_drift_psd_rad2_per_hz", Range::non_negative()))
        e.drift.lo_phase_psd_rad2_per_hz = *v;
    if (auto v = r.optional_number("ring_drift_psd_ghz2_per_hz", Range::non_negative()))
        e.drift.ring_psd_hz2_per_hz = *v * 1e18;
    core.sources[r.path()] = r.string("source");  // "cores.NAME": a report names the core's own source too
    return core;
}

}  // namespace

const PhotonicCore& PhotonicCoreCatalog::for_architecture(MacArchitecture a) const {
    for (const auto& core : cores)
        if (core.emulator.architecture == a) return core;
    throw InputError::at("architecture", std::string(architecture_name(a)),
                         "no core of this architecture in the catalog",
                         "an architecture with a [cores.NAME] entry in photonic_cores.toml");
}

PhotonicCoreCatalog read_photonic_core_catalog(TableReader root, const DeviceCatalog& devices,
                                               const ConverterCatalog& converters) {
    PhotonicCoreCatalog c;
    (void)root.table("cores");  // required, unlike other catalogs' sections
    c.cores = read_named_entries(root, "cores", [&](TableReader& r) { return read_core(r, devices, converters); });
    root.finish();
    return c;
}

PhotonicCoreCatalog load_photonic_core_catalog(const std::filesystem::path& data_dir) {
    const auto devices = load_device_catalog(data_dir);
    const auto converters = load_converter_catalog(data_dir);
    const auto cores = TomlDocument::parse_file(data_dir / "photonic_cores.toml");
    PhotonicCoreCatalog catalog = read_photonic_core_catalog(cores.root(), devices, converters);
    catalog.converters = converters;
    return catalog;
}

void read_overrides(TableReader& r, CoreOverrides& o) {
    auto integer = [&](const char* key, long long lo, long long hi, std::optional<int>& out) {
        if (auto v = r.optional_integer(key, lo, hi)) out = static_cast<int>(*v);
    };
    integer("tile_rows", 1, 4096, o.tile_rows);
    integer("tile_cols", 1, 4096, o.tile_cols);
    integer("dac_bits", 1, 24, o.dac_bits);
    integer("weight_bits", 1, 24, o.weight_bits);
    integer("adc_bits", 1, 24, o.adc_bits);
    integer("phase_dac_bits", 0, 52, o.phase_dac_bits);
    auto number = [&](std::string_view key, const Range& range, std::optional<double>& out) {
        if (auto v = r.optional_number(key, range)) out = *v;
    };
    number("laser_power_mw", Range{0.0, 1e6, false, true}, o.laser_power_mw);
    number("clock_ghz", Range::open(0.0, 1e4), o.clock_ghz);
    number("path_loss_db", Range::closed(0.0, 100.0), o.path_loss_db);
    number("adc_clip_sigmas", Range::positive(), o.adc_clip_sigmas);
    number(r.spelling("utilization", "utilisation"), Range::unit_interval_open_closed(), o.utilization);
    number("drift_ghz", Range::non_negative(), o.drift_ghz);
    number("phase_error_rad", Range::non_negative(), o.phase_error_rad);
    number("thermal_crosstalk", Range::unit_interval(), o.thermal_crosstalk);
    number("splitter_imbalance_rad", Range::non_negative(), o.splitter_imbalance_rad);
    number("drift_interval_s", Range::non_negative(), o.drift_interval_s);
    number("lo_phase_drift_psd_rad2_per_hz", Range::non_negative(), o.lo_phase_drift_psd_rad2_per_hz);
    number("ring_drift_psd_ghz2_per_hz", Range::non_negative(), o.ring_drift_psd_ghz2_per_hz);
}

PhotonicCore apply_overrides(PhotonicCore core, const CoreOverrides& o) {
    auto& e = core.emulator;
    if (o.tile_rows) e.tile_rows = *o.tile_rows;
    if (o.tile_cols) e.tile_cols = *o.tile_cols;
    if (o.dac_bits) e.dac_bits = *o.dac_bits;
    if (o.weight_bits) e.weight_bits = *o.weight_bits;
    if (o.adc_bits) e.adc_bits = *o.adc_bits;
    if (o.phase_dac_bits) e.mesh.phase_dac_bits = *o.phase_dac_bits;
    if (o.laser_power_mw) e.laser_power_per_core = milliwatts(*o.laser_power_mw);
    if (o.clock_ghz) e.clock = gigahertz(*o.clock_ghz);
    if (o.path_loss_db) e.path_loss = Decibel(*o.path_loss_db);
    if (o.adc_clip_sigmas) e.adc_clip_sigmas = *o.adc_clip_sigmas;
    if (o.utilization) core.utilization = *o.utilization;
    if (o.drift_ghz) e.microring.drift_rms = gigahertz(*o.drift_ghz);
    if (o.phase_error_rad) e.mesh.phase_error_rad_rms = *o.phase_error_rad;
    if (o.thermal_crosstalk) e.mesh.thermal_crosstalk = *o.thermal_crosstalk;
    if (o.splitter_imbalance_rad) e.mesh.splitter_imbalance_rms = *o.splitter_imbalance_rad;
    if (o.drift_interval_s) e.drift.interval = seconds(*o.drift_interval_s);
    if (o.lo_phase_drift_psd_rad2_per_hz) e.drift.lo_phase_psd_rad2_per_hz = *o.lo_phase_drift_psd_rad2_per_hz;
    if (o.ring_drift_psd_ghz2_per_hz) e.drift.ring_psd_hz2_per_hz = *o.ring_drift_psd_ghz2_per_hz * 1e18;
    if (o.seed) e.seed = *o.seed;
    return core;
}

namespace {

// A clock override no converter of the spread covers is reported at the file's clock_ghz (the
// converter selection itself only knows a sample rate).
void check_converters_cover(const PhotonicCore& core, const ConverterCatalog& converters, const TableReader& over) {
    try {
        for (const SpreadPoint point : {SpreadPoint::low, SpreadPoint::typical, SpreadPoint::high})
            (void)with_converters_at(core, converters, point);
    } catch (const InputError& e) {
        throw over.error("clock_ghz", over.value_text("clock_ghz"),
                         e.details().problem + " (" + e.details().value + ")", e.details().allowed);
    }
}

}  // namespace

EmulationRequest read_emulation_request(TableReader root, const PhotonicCoreCatalog& catalog) {
    EmulationRequest req;
    req.file = root.file();
    const std::string core_name = root.string("core");
    req.core = catalog.cores.at(core_name, root, "core");
    req.core.emulator.seed = kDefaultEmulationSeed;
    (void)root.optional_string("description");
    (void)root.optional_string("source");
    CoreOverrides o;
    if (auto seed = root.optional_integer("seed", 0, std::numeric_limits<long long>::max()))
        o.seed = static_cast<std::uint64_t>(*seed);
    req.target_enob = root.optional_number("target_enob", Range{0.0, 24.0, false, true});
    if (auto problem = root.optional_table("problem")) {
        const std::filesystem::path folder = std::filesystem::path(req.file).parent_path();
        auto load = [&](const char* key) -> std::optional<Eigen::MatrixXd> {
            const auto name = problem->optional_string(key);
            if (!name) return std::nullopt;
            const std::filesystem::path given_path(*name);
            const std::filesystem::path path = given_path.is_absolute() ? given_path : folder / given_path;
            const InputLocation at{problem->file(), problem->line_of_key(key), problem->path() + "." + key};
            return load_referenced(at, *name, [&] { return load_csv_matrix(path); });
        };
        req.weights = load("weights_csv");
        req.inputs = load("inputs_csv");
        if (req.weights) {
            req.m = req.weights->rows();
            req.k = req.weights->cols();
        }
        if (req.inputs) {
            if (req.weights && req.inputs->rows() != req.k)
                throw problem->error("inputs_csv", problem->value_text("inputs_csv"),
                                     "has " + std::to_string(req.inputs->rows()) + " rows but the weights have " +
                                         std::to_string(req.k) + " columns",
                                     "inputs with as many rows as the weights have columns");
            req.k = req.inputs->rows();
            req.n = req.inputs->cols();
        }
        const bool given = req.weights || req.inputs;
        for (const auto& [key, target] :
             {std::pair<const char*, long long*>{"m", &req.m}, {"n", &req.n}, {"k", &req.k}}) {
            const auto v = given ? problem->optional_integer(key, 1, 1 << 20)
                                 : std::optional<long long>(problem->integer(key, 1, 1 << 20));
            if (!v) continue;
            const bool fixed =
                (req.weights && (key[0] == 'm' || key[0] == 'k')) || (req.inputs && (key[0] == 'k' || key[0] == 'n'));
            if (fixed && *v != *target)
                throw problem->error(key, std::to_string(*v),
                                     "contradicts the given matrix's size (" + std::to_string(*target) + ")",
                                     "the size of the matrix given, or leave it out");
            *target = *v;
        }
        if (req.m * req.k > (1LL << 28) || req.k * req.n > (1LL << 28))
            throw problem->error("", std::to_string(req.m) + "x" + std::to_string(req.k) + "x" + std::to_string(req.n),
                                 "matrices too large to emulate in memory", "m k and k n at most 2^28 elements each");
        problem->finish();
    }
    if (auto over = root.optional_table("overrides")) {
        read_overrides(*over, o);
        over->finish();
        if (o.clock_ghz) check_converters_cover(apply_overrides(req.core, o), catalog.converters, *over);
    }
    root.finish();
    req.overrides = o;
    req.core = apply_overrides(req.core, o);
    return req;
}

Eigen::MatrixXd random_matrix(long long rows, long long cols, std::uint64_t seed, std::uint64_t stream) {
    CounterRng rng(seed, stream);
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = rng.uniform(-1.0, 1.0);
    return m;
}

MacEnergyParameters energy_parameters(const PhotonicCore& core, double weight_reuse) {
    const auto& e = core.emulator;
    MacEnergyParameters p;
    p.tile_rows = e.tile_rows;
    p.tile_cols = e.tile_cols;
    p.clock = e.clock;
    p.laser_optical_power = e.laser_power_per_core;
    p.laser_wall_plug_efficiency = e.laser.wall_plug_efficiency;
    p.input_dac = core.input_dac;
    p.weight_dac = core.weight_dac;
    p.adc = core.adc;
    p.input_dac_enob = e.dac_bits;
    p.weight_dac_enob = detail::architecture_model(e.architecture).weight_setting_bits(e);
    p.adc_enob = e.adc_bits;
    p.modulator_energy_per_sample = core.modulator_energy_per_sample;
    p.tia_power = e.tia.power;
    p.weight_holders = static_cast<int>(std::lround(core.weight_holders_per_weight * e.tile_rows * e.tile_cols));
    p.holding_power = core.holding_power;
    p.accumulation_energy = core.accumulation_energy;
    p.weight_reuse = std::max(1.0, weight_reuse);
    p.utilization = core.utilization;
    return p;
}

PowerForEnob laser_power_for_enob(const MacEmulationResult& run, const PhotonicCore& core, double target_enob) {
    PowerForEnob out;
    const double fs2 = run.adc_full_scale * run.adc_full_scale / 2.0;
    auto variance_for = [&](double enob) { return fs2 / std::pow(10.0, (6.02 * enob + 1.76) / 10.0); };
    const double measured = variance_for(run.enob);
    const NoiseBudget& b = run.predicted;
    const double static_error = std::max(0.0, measured - b.total());
    const double floor = b.rin + b.adc + static_error;
    out.ceiling_enob = (10.0 * std::log10(fs2 / std::max(floor, 1e-300)) - 1.76) / 6.02;
    const double target = variance_for(target_enob);
    if (target <= floor) {
        // No power reaches it: say what limits it.
        if (b.rin >= std::max(b.adc, static_error))
            out.regime = NoiseRegime::rin;
        else
            out.regime = b.adc >= static_error ? NoiseRegime::quantisation : NoiseRegime::static_error;
        return out;
    }
    // thermal (P0/P)^2 + shot (P0/P) = target - floor; u = P0/P.
    const double a = b.thermal, s = b.shot, rhs = target - floor;
    double u = 0.0;
    if (a > 0.0)
        u = (-s + std::sqrt(s * s + 4.0 * a * rhs)) / (2.0 * a);
    else if (s > 0.0)
        u = rhs / s;
    else
        u = 1e300;  // no power-dependent noise: any power will do
    const double p0 = in_watts(core.emulator.laser_power_per_core);
    out.laser_power_per_core = watts(u >= 1e300 ? 0.0 : p0 / u);
    const std::array<double, 5> terms = {s * u, a * u * u, b.rin, b.adc, static_error};
    out.regime = static_cast<NoiseRegime>(std::max_element(terms.begin(), terms.end()) - terms.begin());
    return out;
}

PhotonicCore with_converters_at(const PhotonicCore& core, const ConverterCatalog& converters, SpreadPoint point) {
    PhotonicCore out = core;
    const Frequency rate = core.emulator.clock;
    out.adc = select_converter(converters, ConverterKind::adc, point, rate);
    out.input_dac = select_converter(converters, ConverterKind::dac, point, rate);
    out.weight_dac = out.input_dac;
    return out;
}

}  // namespace lightwatt::photonics
