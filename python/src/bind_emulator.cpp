// The photonic MAC emulator (photonics/mac_emulator.hpp, photonic_core.hpp, mac_energy.hpp):
// NumPy matrices multiplied through a photonic core, with the accuracy, the energy per MAC by
// part and the laser power a target ENOB needs.
//
// No copies: the weights and inputs must be Fortran-ordered float64 arrays (the Python layer,
// lightwatt.emulate, converts anything else once); the core reads them in place through an
// Eigen::Ref. The result's `output` and `exact` are views of the result's own memory. The GIL is
// released while the emulator runs, so other Python threads go on meanwhile.
//
// The request goes through the same reader as an emulation file (read_emulation_request): core
// name, seed, target ENOB and [overrides] are validated there, with its messages.

#include "bindings.hpp"
#include "lightwatt/core/closest_match.hpp"
#include "lightwatt/photonics/emulation.hpp"
#include "lightwatt/photonics/photonic_core.hpp"

namespace lightwatt::python {

using namespace lightwatt::photonics;

namespace {

using InputArray = nb::ndarray<const double, nb::ndim<2>, nb::f_contig, nb::device::cpu>;
using OutputArray = nb::ndarray<nb::numpy, double, nb::ndim<2>, nb::f_contig>;

struct PyCoreCatalog {
    std::shared_ptr<const PhotonicCoreCatalog> catalog;
    std::filesystem::path data_dir;
};

// run_emulation's report (photonics/emulation.hpp), the command line's.
using PyEmulation = EmulationReport;

struct RequestArgs {
    std::optional<std::string> core, architecture;
    std::optional<long long> seed;
    std::optional<double> target_enob;
    nb::object overrides;
    int threads = 0;
    std::string device = "cpu";
};

std::string core_name_for(const PhotonicCoreCatalog& catalog, const RequestArgs& a) {
    if (a.core && a.architecture)
        throw InputError::at("architecture", "\"" + *a.architecture + "\"",
                             "given together with core = \"" + *a.core + "\"", "one of core or architecture");
    if (a.core) return *a.core;
    if (a.architecture) return catalog.for_architecture(architecture_named(*a.architecture)).name;
    return catalog.for_architecture(MacArchitecture::dot_product_engine).name;
}

// The request as an emulation file would state it, read by the file's reader.
EmulationRequest make_request(const PhotonicCoreCatalog& catalog, const RequestArgs& a, const std::string& caller,
                              std::optional<std::array<long long, 3>> problem) {
    toml::table t;
    t.insert("core", core_name_for(catalog, a));
    if (a.seed) t.insert("seed", static_cast<int64_t>(*a.seed));
    if (a.target_enob) t.insert("target_enob", *a.target_enob);
    if (problem) t.insert("problem", toml::table{{"m", (*problem)[0]}, {"n", (*problem)[1]}, {"k", (*problem)[2]}});
    if (a.overrides.is_valid() && !a.overrides.is_none())
        t.insert("overrides", to_toml_table(a.overrides, "overrides"));
    const TableReader root(t, std::make_shared<const std::string>(caller), "");
    EmulationRequest req = read_emulation_request(root, catalog);
    if (a.threads < 0 || a.threads > 4096)
        throw InputError::at("threads", std::to_string(a.threads), "out of range", "0 (every core) to 4096");
    req.core.emulator.threads = a.threads;
    req.core.emulator.device = enum_parse_at<EmulatorDevice>("device", a.device);
    return req;
}

OutputArray view_of(Eigen::MatrixXd& m) {
    return OutputArray(m.data(), {static_cast<size_t>(m.rows()), static_cast<size_t>(m.cols())}, nb::handle());
}

double pj(Energy e) { return in_picojoules(e); }

nb::object energy_records(const PyEmulation& e) { return to_python(mac_energy_records(e.energy)); }

nb::dict describe_core(const PhotonicCore& c) {
    const auto& e = c.emulator;
    nb::dict d;
    d["name"] = c.name;
    d["description"] = c.description;
    d["architecture"] = std::string(architecture_name(e.architecture));
    d["tile_rows"] = e.tile_rows;
    d["tile_cols"] = e.tile_cols;
    d["clock_ghz"] = in_gigahertz(e.clock);
    d["laser_power_mw"] = in_milliwatts(e.laser_power_per_core);
    d["laser_wall_plug_efficiency"] = e.laser.wall_plug_efficiency;
    d["path_loss_db"] = e.path_loss.value();
    d["dac_bits"] = e.dac_bits;
    d["weight_bits"] = e.weight_bits;
    d["adc_bits"] = e.adc_bits;
    d["adc_clip_sigmas"] = e.adc_clip_sigmas;
    d["utilization"] = c.utilization;
    d["sources"] = nb::cast(c.sources);
    return d;
}

std::vector<std::string> quoted(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const std::string& name : names) out.push_back("\"" + name + "\"");
    return out;
}

// The registry answers the architectures' names (photonics/src/architectures.cpp).
const std::string kRequestDoc =
    "`core` names a core of photonic_cores.toml, or `architecture` (" +
    join_alternatives(quoted(architecture_names())) +
    ") picks that architecture's core (default: the dot-product engine). `seed` (default "
    "20261125) fixes every random draw: the same seed gives the same result on any thread count. `target_enob` also "
    "asks for the laser power that ENOB needs. `overrides` is a dict of the [overrides] keys of an emulation file "
    "(docs/emulator-file.md: tile_rows, tile_cols, dac_bits, weight_bits, adc_bits, laser_power_mw, clock_ghz, "
    "path_loss_db, ...). `threads` 0 uses every core. `full_reference` None compares with the full exact product up "
    "to 2^30 MACs and with sampled columns beyond. `device` \"cuda\" runs the tiled GEMM on an NVIDIA GPU where the "
    "build "
    "has the CUDA backend and the machine a GPU (else ResourceMissing); the result's `backend` names where it ran.";

const std::string kEmulateDoc =
    "Multiplies `weights` (m x k) by `inputs` (k x n), both float64 in Fortran order (read in place, never copied; "
    "anything else is a TypeError: lightwatt.emulate converts). The GIL is released while it runs. " +
    kRequestDoc;
const std::string kEmulateRandomDoc =
    "Multiplies random matrices uniform in [-1, 1] (m x k times k x n), drawn from the seed exactly as "
    "`lightwatt emulate --m M --n N --k K --seed S` draws them. The GIL is released while it runs. " +
    kRequestDoc;

}  // namespace

void bind_emulator(nb::module_& m) {
    nb::class_<PyEmulation>(m, "EmulationResult",
                            "A GEMM through a photonic core: the product, its accuracy and its energy per MAC.")
        .def_prop_ro(
            "output", [](PyEmulation& e) { return view_of(e.result.output); }, nb::rv_policy::reference_internal,
            "The emulated product (m x n, float64, Fortran order): a view of the result's memory, no copy.")
        .def_prop_ro(
            "exact", [](PyEmulation& e) { return view_of(e.result.exact); }, nb::rv_policy::reference_internal,
            "The exact product on `reference_columns` (all columns when full_reference).")
        .def_prop_ro("reference_columns",
                     [](const PyEmulation& e) {
                         std::vector<long long> out(e.result.reference_columns.begin(),
                                                    e.result.reference_columns.end());
                         return out;
                     })
        .def_ro("full_reference", &PyEmulation::full_reference)
        .def_prop_ro("core", [](const PyEmulation& e) { return e.request.core.name; })
        .def_prop_ro(
            "architecture",
            [](const PyEmulation& e) { return std::string(architecture_name(e.request.core.emulator.architecture)); })
        .def_prop_ro("seed", [](const PyEmulation& e) { return e.request.core.emulator.seed; })
        .def_prop_ro(
            "backend", [](const PyEmulation& e) { return std::string(enum_name(e.result.backend)); },
            "Where the tiled GEMM ran: \"cpu\" or \"cuda\".")
        .def_prop_ro("m", [](const PyEmulation& e) { return e.request.m; })
        .def_prop_ro("n", [](const PyEmulation& e) { return e.request.n; })
        .def_prop_ro("k", [](const PyEmulation& e) { return e.request.k; })
        .def_prop_ro("tile_rows", [](const PyEmulation& e) { return e.request.core.emulator.tile_rows; })
        .def_prop_ro("tile_cols", [](const PyEmulation& e) { return e.request.core.emulator.tile_cols; })
        .def_prop_ro("dac_bits", [](const PyEmulation& e) { return e.request.core.emulator.dac_bits; })
        .def_prop_ro("weight_bits", [](const PyEmulation& e) { return e.request.core.emulator.weight_bits; })
        .def_prop_ro("adc_bits", [](const PyEmulation& e) { return e.request.core.emulator.adc_bits; })
        .def_prop_ro(
            "laser_power_mw",
            [](const PyEmulation& e) { return in_milliwatts(e.request.core.emulator.laser_power_per_core); },
            "Laser optical power per core.")
        .def_prop_ro("snr_db", [](const PyEmulation& e) { return e.result.snr_db; })
        .def_prop_ro("enob", [](const PyEmulation& e) { return e.result.enob; })
        .def_prop_ro(
            "rel_rms_error", [](const PyEmulation& e) { return e.result.rel_rms_error; },
            "||output - exact||_F / ||exact||_F.")
        .def_prop_ro(
            "clipped_pct", [](const PyEmulation& e) { return 100.0 * e.result.clipped_fraction; },
            "Partial sums outside the ADC range, % of all digitised partial sums.")
        .def_prop_ro(
            "clipped_partial_sums", [](const PyEmulation& e) { return e.result.clipped_partial_sums; },
            "How many digitised partial sums fell outside the ADC range.")
        .def_prop_ro(
            "partial_sums", [](const PyEmulation& e) { return e.result.partial_sums; },
            "How many partial sums were digitised (every output's, one per k tile).")
        .def_prop_ro("noise_regime", [](const PyEmulation& e) { return std::string(enum_name(e.result.regime)); })
        .def_prop_ro(
            "noise_budget",
            [](const PyEmulation& e) {
                nb::dict d;
                d["shot"] = e.result.predicted.shot;
                d["thermal"] = e.result.predicted.thermal;
                d["rin"] = e.result.predicted.rin;
                d["adc"] = e.result.predicted.adc;
                d["static"] = e.result.static_error;
                return d;
            },
            "Mean-square error per partial sum by source, in normalised output units.")
        .def_prop_ro("partial_sum_rms", [](const PyEmulation& e) { return e.result.partial_sum_rms; })
        .def_prop_ro("adc_full_scale", [](const PyEmulation& e) { return e.result.adc_full_scale; })
        .def_prop_ro("detector_power_per_channel_w",
                     [](const PyEmulation& e) { return in_watts(e.result.detector_power_per_channel); })
        .def_prop_ro("energy_pj_per_mac", [](const PyEmulation& e) { return pj(e.energy.typical.total()); })
        .def_prop_ro(
            "energy_pj_per_mac_low",
            [](const PyEmulation& e) { return std::min(pj(e.energy.low.total()), pj(e.energy.typical.total())); },
            "With the converter survey's best converters (at most the typical figure).")
        .def_prop_ro(
            "energy_pj_per_mac_high",
            [](const PyEmulation& e) { return std::max(pj(e.energy.high.total()), pj(e.energy.typical.total())); },
            "With converters at the survey's upper bound (at least the typical figure).")
        .def_prop_ro(
            "breakdown_pj_per_mac",
            [](const PyEmulation& e) {
                nb::dict d;
                for (const MacEnergyPart part : enum_values<MacEnergyPart>())
                    d[nb::str(std::string(enum_name(part)).c_str())] = pj(e.energy.typical.part(part));
                return d;
            },
            "pJ/MAC by part; the values sum to energy_pj_per_mac.")
        .def_ro("macs_per_s", &PyEmulation::macs_per_s, "Useful MACs per second of one core (modelled).")
        .def_prop_ro("target_enob", [](const PyEmulation& e) { return e.request.target_enob; })
        .def_prop_ro(
            "laser_power_for_target_mw",
            [](const PyEmulation& e) -> std::optional<double> {
                if (!e.inverse || !e.inverse->laser_power_per_core) return std::nullopt;
                return in_milliwatts(*e.inverse->laser_power_per_core);
            },
            "Laser optical power per core that target_enob needs; None without a target or when it lies above the "
            "ceiling.")
        .def_prop_ro(
            "ceiling_enob",
            [](const PyEmulation& e) {
                return e.inverse ? std::optional<double>(e.inverse->ceiling_enob) : std::nullopt;
            },
            "The ENOB unlimited light would reach (with a target_enob only).")
        .def_prop_ro(
            "target_regime",
            [](const PyEmulation& e) {
                return e.inverse ? std::optional<std::string>(enum_name(e.inverse->regime)) : std::nullopt;
            },
            "The largest error term at the target's laser power (at the ceiling when the target lies above it); with a "
            "target_enob only.")
        .def_prop_ro(
            "laser_electrical_power_for_target_w",
            [](const PyEmulation& e) -> std::optional<double> {
                if (!e.inverse || !e.inverse->laser_power_per_core) return std::nullopt;
                return in_watts(*e.inverse->laser_power_per_core) / e.request.core.emulator.laser.wall_plug_efficiency;
            },
            "Wall-plug power of that laser per core (optical power / wall-plug efficiency), as to_dict()['inverse'] "
            "has it.")
        .def("energy_records", &energy_records, "Energy per MAC by part, one row each (typical, low, high, share).")
        .def(
            "to_dataframe", [](const PyEmulation& e) { return records_to_dataframe(energy_records(e)); },
            "energy_records() as a pandas DataFrame (pandas is imported now).")
        .def(
            "to_dict", [](const PyEmulation& e) { return to_python(emulation_json(e)); },
            "The document `lightwatt emulate --json` prints.")
        .def("__repr__", [](const PyEmulation& e) {
            return "EmulationResult(core='" + e.request.core.name + "', " + std::to_string(e.request.m) + "x" +
                   std::to_string(e.request.k) + "x" + std::to_string(e.request.n) +
                   ", snr_db=" + format_number(e.result.snr_db) + ", enob=" + format_number(e.result.enob) +
                   ", energy_pj_per_mac=" + format_number(pj(e.energy.typical.total())) + ")";
        });

    nb::class_<PyCoreCatalog>(m, "PhotonicCoreCatalog", "photonic_cores.toml with the devices and converters it uses.")
        .def_static(
            "load",
            [](const std::filesystem::path& data_dir) {
                return PyCoreCatalog{std::make_shared<const PhotonicCoreCatalog>(load_photonic_core_catalog(data_dir)),
                                     data_dir};
            },
            nb::arg("data_dir"), nb::call_guard<nb::gil_scoped_release>())
        .def_prop_ro("data_dir", [](const PyCoreCatalog& c) { return c.data_dir; })
        .def_prop_ro("names", [](const PyCoreCatalog& c) { return c.catalog->cores.sorted_names(); })
        .def_prop_ro_static("architectures", [](nb::handle) { return architecture_names(); })
        .def(
            "describe",
            [](const PyCoreCatalog& c, const std::string& name) {
                const PhotonicCore* core = c.catalog->cores.find(name);
                if (core == nullptr) {
                    throw InputError::unknown("name", name, c.catalog->cores.sorted_names(), "unknown core");
                }
                return describe_core(*core);
            },
            nb::arg("name"), "A core's settings and sources.")
        .def(
            "emulate",
            [](const PyCoreCatalog& c, const InputArray& weights, const InputArray& inputs,
               std::optional<std::string> core, std::optional<std::string> architecture, std::optional<long long> seed,
               std::optional<double> target_enob, std::optional<nb::dict> overrides, int threads,
               std::optional<bool> full_reference, const std::string& device) {
                EmulationRequest req = make_request(*c.catalog,
                                                    {core, architecture, seed, target_enob,
                                                     overrides ? nb::object(*overrides) : nb::none(), threads, device},
                                                    "emulate()", std::nullopt);
                req.m = static_cast<long long>(weights.shape(0));
                req.k = static_cast<long long>(weights.shape(1));
                req.n = static_cast<long long>(inputs.shape(1));
                const Eigen::Map<const Eigen::MatrixXd> w(weights.data(), static_cast<Eigen::Index>(weights.shape(0)),
                                                          static_cast<Eigen::Index>(weights.shape(1)));
                const Eigen::Map<const Eigen::MatrixXd> x(inputs.data(), static_cast<Eigen::Index>(inputs.shape(0)),
                                                          static_cast<Eigen::Index>(inputs.shape(1)));
                nb::gil_scoped_release release;
                return run_emulation(req, *c.catalog, w, x, full_reference);
            },
            nb::arg("weights").noconvert(), nb::arg("inputs").noconvert(), nb::kw_only(),
            nb::arg("core").none() = nb::none(), nb::arg("architecture").none() = nb::none(),
            nb::arg("seed").none() = nb::none(), nb::arg("target_enob").none() = nb::none(),
            nb::arg("overrides").none() = nb::none(), nb::arg("threads") = 0,
            nb::arg("full_reference").none() = nb::none(), nb::arg("device") = "cpu", kEmulateDoc.c_str())
        .def(
            "emulate_random",
            [](const PyCoreCatalog& c, long long m_rows, long long n_cols, long long k_inner,
               std::optional<std::string> core, std::optional<std::string> architecture, std::optional<long long> seed,
               std::optional<double> target_enob, std::optional<nb::dict> overrides, int threads,
               std::optional<bool> full_reference, const std::string& device) {
                EmulationRequest req =
                    make_request(*c.catalog,
                                 {core, architecture, seed, target_enob,
                                  overrides ? nb::object(*overrides) : nb::none(), threads, device},
                                 "emulate_random()", std::array<long long, 3>{m_rows, n_cols, k_inner});
                nb::gil_scoped_release release;
                return run_emulation(req, *c.catalog, full_reference);
            },
            nb::arg("m"), nb::arg("n"), nb::arg("k"), nb::kw_only(), nb::arg("core").none() = nb::none(),
            nb::arg("architecture").none() = nb::none(), nb::arg("seed").none() = nb::none(),
            nb::arg("target_enob").none() = nb::none(), nb::arg("overrides").none() = nb::none(),
            nb::arg("threads") = 0, nb::arg("full_reference").none() = nb::none(), nb::arg("device") = "cpu",
            kEmulateRandomDoc.c_str())
        .def("__repr__", [](const PyCoreCatalog& c) {
            return "PhotonicCoreCatalog(" + std::to_string(c.catalog->cores.size()) + " cores, '" +
                   c.data_dir.string() + "')";
        });
}

}  // namespace lightwatt::python
