// Link archetypes and their evaluation (interconnect/link_catalog.hpp, link_archetype.hpp,
// link_json.hpp, budget_file.hpp): the catalog, one link's power by component, pJ/bit, optical
// budget and margin, variants of an archetype's optics, and budget files.

#include "bindings.hpp"
#include "lightwatt/interconnect/budget_file.hpp"
#include "lightwatt/interconnect/link_json.hpp"

namespace lightwatt::python {

using namespace lightwatt::interconnect;

namespace {

// Python-side holders: a report or an archetype keeps the catalog it came from alive (reports
// point at their archetype; JSON renders the catalog entries they use).
struct PyLinkCatalog {
    std::shared_ptr<const interconnect::LinkCatalog> catalog;
    std::filesystem::path data_dir;
};

struct PyArchetype {
    std::shared_ptr<const interconnect::LinkCatalog> catalog;
    std::shared_ptr<const interconnect::LinkArchetype> archetype;
};

struct PyLinkReport {
    std::shared_ptr<const interconnect::LinkCatalog> catalog;
    std::shared_ptr<const interconnect::LinkArchetype> archetype;
    interconnect::LinkReport report;  // report.archetype points at *archetype
};

PyLinkReport evaluate_archetype(const PyArchetype& a) {
    PyLinkReport r{a.catalog, a.archetype, evaluate(*a.archetype)};
    r.report.archetype = r.archetype.get();
    return r;
}

std::optional<std::pair<double, double>> range_of(const std::optional<PublishedRange>& p) {
    if (!p) return std::nullopt;
    return std::pair{p->low, p->high};
}

const OpticalLane& optics_of(const LinkArchetype& a, const char* what) {
    if (!a.optics)
        throw InputError::at(what, a.name, "the link has no optical lane (" + std::string(enum_name(a.kind)) + ")",
                             "an optical link: dsp-pluggable, lpo, cpo or optical-io");
    return *a.optics;
}

std::optional<double> margin_db(const LinkReport& r) {
    if (!r.optical || !r.optical->sensitivity.oma) return std::nullopt;
    return r.optical->budget.margin().value();
}

nb::dict by_component(const EnumArray<Component, Power>& values, double scale) {
    nb::dict out;
    for (const Component c : enum_values<Component>())
        out[nb::str(std::string(enum_name(c)).c_str())] = in_watts(values[c]) * scale;
    return out;
}

nb::dict breakdown_pj_per_bit(const LinkReport& r) {
    nb::dict out;
    for (const Component c : enum_values<Component>()) {
        out[nb::str(std::string(enum_name(c)).c_str())] = in_picojoules_per_bit(r.component_energy_per_bit(c));
    }
    return out;
}

double laser_power_w(const LinkReport& r) { return in_watts(r.end_power[Component::laser]); }

nb::dict record_of(const PyLinkReport& p) {
    const LinkReport& r = p.report;
    const LinkArchetype& a = *p.archetype;
    nb::dict d;
    d["name"] = a.name;
    d["kind"] = std::string(enum_name(a.kind));
    d["payload_rate_gbit_per_s"] = in_gigabits_per_second(r.payload_rate);
    d["line_rate_gbit_per_s"] = in_gigabits_per_second(r.line_rate);
    d["module_power_w"] = in_watts(r.module_power);
    d["static_power_w"] = in_watts(r.static_power);
    d["link_power_w"] = in_watts(r.link_power);
    d["laser_power_w"] = laser_power_w(r);
    d["pj_per_bit"] = in_picojoules_per_bit(r.energy_per_bit);
    d["margin_db"] = margin_db(r) ? nb::object(nb::float_(*margin_db(r))) : nb::none();
    d["laser_output_mw"] = r.optical ? nb::object(nb::float_(in_milliwatts(r.optical->laser_output))) : nb::none();
    const auto published = range_of(a.published_module_power_w);
    d["published_module_power_w_low"] = published ? nb::object(nb::float_(published->first)) : nb::none();
    d["published_module_power_w_high"] = published ? nb::object(nb::float_(published->second)) : nb::none();
    for (const Component c : enum_values<Component>()) {
        d[nb::str((std::string(enum_name(c)) + "_pj_per_bit").c_str())] =
            in_picojoules_per_bit(r.component_energy_per_bit(c));
    }
    return d;
}

PyArchetype with_optics(const PyArchetype& self, std::optional<double> design_channel_loss_db,
                        std::optional<double> design_margin_db, std::optional<double> penalties_db,
                        std::optional<double> fibre_length_m, std::optional<double> laser_wall_plug_efficiency,
                        std::optional<double> rx_implementation_penalty_db) {
    LinkArchetype a = *self.archetype;
    OpticalLane lane = optics_of(a, "with_optics");
    if (design_channel_loss_db)
        lane.design_channel_loss = Decibel(
            checked_number("design_channel_loss_db", *design_channel_loss_db, 0.0, 60.0, "a loss in [0, 60] dB"));
    if (design_margin_db)
        lane.design_margin =
            Decibel(checked_number("design_margin_db", *design_margin_db, -20.0, 30.0, "a margin in [-20, 30] dB"));
    if (penalties_db)
        lane.penalties = Decibel(checked_number("penalties_db", *penalties_db, 0.0, 30.0, "penalties in [0, 30] dB"));
    if (fibre_length_m)
        lane.channel.length =
            meters(checked_number("fibre_length_m", *fibre_length_m, 0.0, 1e6, "a length in [0, 1e6] m"));
    if (rx_implementation_penalty_db)
        lane.rx_implementation_penalty = Decibel(checked_number(
            "rx_implementation_penalty_db", *rx_implementation_penalty_db, 0.0, 30.0, "a penalty in [0, 30] dB"));
    if (laser_wall_plug_efficiency) {
        if (!(*laser_wall_plug_efficiency > 0.0) || !(*laser_wall_plug_efficiency <= 1.0))
            throw InputError::at("laser_wall_plug_efficiency", format_number(*laser_wall_plug_efficiency),
                                 "out of range", "an efficiency in (0, 1]");
        lane.laser.wall_plug_efficiency = *laser_wall_plug_efficiency;
    }
    a.optics = lane;
    return PyArchetype{self.catalog, std::make_shared<const LinkArchetype>(std::move(a))};
}

template <class T>
const T& entry(const NamedCatalog<T>& entries, const std::string& name, const char* section) {
    if (const T* found = entries.find(name)) return *found;
    throw InputError::unknown("name", name, entries.sorted_names(), std::string("unknown ") + section);
}

}  // namespace

void bind_links(nb::module_& m) {
    nb::class_<OpticalBudgetReport>(
        m, "OpticalBudget", "A link's optical lane as evaluated: the budget on its deployed channel and its laser.")
        .def_prop_ro(
            "budget", [](const OpticalBudgetReport& o) { return o.budget; }, "The LinkBudget on the deployed channel.")
        .def_prop_ro("sensitivity", [](const OpticalBudgetReport& o) { return o.sensitivity; })
        .def_prop_ro("tx_oma_dbm", [](const OpticalBudgetReport& o) { return o.budget.tx_oma.value(); })
        .def_prop_ro("tx_average_power_dbm", [](const OpticalBudgetReport& o) { return o.tx_average_power.value(); })
        .def_prop_ro("extinction_ratio_db", [](const OpticalBudgetReport& o) { return o.extinction_ratio.value(); })
        .def_prop_ro("channel_loss_db", [](const OpticalBudgetReport& o) { return o.budget.channel_loss.value(); })
        .def_prop_ro("penalties_db", [](const OpticalBudgetReport& o) { return o.budget.penalties.value(); })
        .def_prop_ro("rx_sensitivity_oma_dbm",
                     [](const OpticalBudgetReport& o) {
                         return o.sensitivity.oma ? std::optional<double>(o.sensitivity.oma->value()) : std::nullopt;
                     })
        .def_prop_ro(
            "margin_db",
            [](const OpticalBudgetReport& o) {
                return o.sensitivity.oma ? std::optional<double>(o.budget.margin().value()) : std::nullopt;
            },
            "None when a RIN floor keeps the link from closing at any power.")
        .def_prop_ro(
            "laser_output_mw", [](const OpticalBudgetReport& o) { return in_milliwatts(o.laser_output); },
            "Optical output of one laser, sized for the design channel.")
        .def_prop_ro("laser_max_output_mw",
                     [](const OpticalBudgetReport& o) { return in_milliwatts(o.laser_max_output); })
        .def_ro("laser_within_rating", &OpticalBudgetReport::laser_within_rating)
        .def_ro("lasers_per_end", &OpticalBudgetReport::lasers_per_end)
        .def_prop_ro(
            "max_reach_m",
            [](const OpticalBudgetReport& o) {
                return o.max_reach ? std::optional<double>(in_meters(*o.max_reach)) : std::nullopt;
            },
            "Longest fibre at the designed transmit OMA and zero margin.");

    nb::class_<PyArchetype>(m, "LinkArchetype",
                            "A link archetype from data/links.toml (or a variant made with with_optics).")
        .def_prop_ro("name", [](const PyArchetype& a) { return a.archetype->name; })
        .def_prop_ro("kind", [](const PyArchetype& a) { return std::string(enum_name(a.archetype->kind)); })
        .def_prop_ro("description", [](const PyArchetype& a) { return a.archetype->description; })
        .def_prop_ro("source", [](const PyArchetype& a) { return a.archetype->source; })
        .def_prop_ro(
            "lanes", [](const PyArchetype& a) { return a.archetype->lanes; }, "Lanes per direction.")
        .def_prop_ro("symbol_rate_gbaud", [](const PyArchetype& a) { return in_gigabaud(a.archetype->symbol_rate); })
        .def_prop_ro("modulation", [](const PyArchetype& a) { return std::string(enum_name(a.archetype->modulation)); })
        .def_prop_ro("fec", [](const PyArchetype& a) { return a.archetype->fec.name; })
        .def_prop_ro("line_rate_gbit_per_s",
                     [](const PyArchetype& a) { return in_gigabits_per_second(line_rate(*a.archetype)); })
        .def_prop_ro("payload_rate_gbit_per_s",
                     [](const PyArchetype& a) { return in_gigabits_per_second(payload_rate(*a.archetype)); })
        .def_prop_ro("block_to_product_factor",
                     [](const PyArchetype& a) { return a.archetype->block_to_product_factor; })
        .def_prop_ro("has_optics", [](const PyArchetype& a) { return a.archetype->optics.has_value(); })
        .def_prop_ro(
            "published_module_power_w",
            [](const PyArchetype& a) { return range_of(a.archetype->published_module_power_w); },
            "(low, high) from the catalog's source, or None.")
        .def_prop_ro("published_pj_per_bit",
                     [](const PyArchetype& a) { return range_of(a.archetype->published_pj_per_bit); })
        .def_prop_ro(
            "design_channel_loss_db",
            [](const PyArchetype& a) {
                return optics_of(*a.archetype, "design_channel_loss_db").design_channel_loss.value();
            },
            "The worst channel loss the laser is sized for (InputError for a link without optics).")
        .def_prop_ro(
            "design_margin_db",
            [](const PyArchetype& a) { return optics_of(*a.archetype, "design_margin_db").design_margin.value(); })
        .def_prop_ro("penalties_db",
                     [](const PyArchetype& a) { return optics_of(*a.archetype, "penalties_db").penalties.value(); })
        .def_prop_ro(
            "fibre_length_m",
            [](const PyArchetype& a) { return in_meters(optics_of(*a.archetype, "fibre_length_m").channel.length); },
            "Fibre length of the deployed channel the budget reports.")
        .def_prop_ro(
            "channel_loss_db",
            [](const PyArchetype& a) {
                return photonics::channel_loss(optics_of(*a.archetype, "channel_loss_db").channel).value();
            },
            "Loss of the deployed channel.")
        .def_prop_ro("laser_wall_plug_efficiency",
                     [](const PyArchetype& a) {
                         return optics_of(*a.archetype, "laser_wall_plug_efficiency").laser.wall_plug_efficiency;
                     })
        .def_prop_ro("photodetector",
                     [](const PyArchetype& a) { return optics_of(*a.archetype, "photodetector").photodetector; })
        .def_prop_ro("tia", [](const PyArchetype& a) { return optics_of(*a.archetype, "tia").tia; })
        .def("with_optics", &with_optics, nb::kw_only(), nb::arg("design_channel_loss_db").none() = nb::none(),
             nb::arg("design_margin_db").none() = nb::none(), nb::arg("penalties_db").none() = nb::none(),
             nb::arg("fibre_length_m").none() = nb::none(), nb::arg("laser_wall_plug_efficiency").none() = nb::none(),
             nb::arg("rx_implementation_penalty_db").none() = nb::none(),
             "A copy with its optical lane changed: the design channel the laser is sized for, the margin kept on it, "
             "the "
             "budget's penalties, the deployed fibre length, the laser's efficiency or the receiver's implementation "
             "penalty. "
             "InputError for a link without optics or a value out of range.")
        .def("evaluate", &evaluate_archetype, "Power by component, pJ/bit and optical budget at full symmetric load.")
        .def("to_dict", [](const PyArchetype& a) { return to_python(link_summary_json(*a.archetype)); })
        .def("__repr__", [](const PyArchetype& a) {
            return "LinkArchetype('" + a.archetype->name + "', kind='" + std::string(enum_name(a.archetype->kind)) +
                   "')";
        });

    nb::class_<PyLinkReport>(
        m, "LinkReport",
        "A link evaluated at full symmetric load. Powers: `module_power_w` one end's module, `link_power_w` and "
        "`static_power_w` both ends; `pj_per_bit` both ends' power over both directions' payload.")
        .def_prop_ro("name", [](const PyLinkReport& r) { return r.archetype->name; })
        .def_prop_ro("kind", [](const PyLinkReport& r) { return std::string(enum_name(r.archetype->kind)); })
        .def_prop_ro("archetype",
                     [](const PyLinkReport& r) {
                         return PyArchetype{r.catalog, r.archetype};
                     })
        .def_prop_ro(
            "line_rate_gbit_per_s", [](const PyLinkReport& r) { return in_gigabits_per_second(r.report.line_rate); },
            "Per direction.")
        .def_prop_ro(
            "payload_rate_gbit_per_s",
            [](const PyLinkReport& r) { return in_gigabits_per_second(r.report.payload_rate); }, "Per direction.")
        .def_prop_ro("module_power_w", [](const PyLinkReport& r) { return in_watts(r.report.module_power); })
        .def_prop_ro("static_power_w", [](const PyLinkReport& r) { return in_watts(r.report.static_power); })
        .def_prop_ro("link_power_w", [](const PyLinkReport& r) { return in_watts(r.report.link_power); })
        .def_prop_ro("pj_per_bit", [](const PyLinkReport& r) { return in_picojoules_per_bit(r.report.energy_per_bit); })
        .def_prop_ro(
            "laser_power_w", [](const PyLinkReport& r) { return laser_power_w(r.report); },
            "Electrical power of the lasers of one end (0 without optics).")
        .def_prop_ro(
            "margin_db", [](const PyLinkReport& r) { return margin_db(r.report); },
            "Margin of the deployed channel's budget; None without optics or when no power closes the link.")
        .def_prop_ro(
            "optical", [](const PyLinkReport& r) { return r.report.optical; },
            "The OpticalBudget, or None without optics.")
        .def_prop_ro(
            "breakdown_pj_per_bit", [](const PyLinkReport& r) { return breakdown_pj_per_bit(r.report); },
            "pJ/bit by component; the values sum to pj_per_bit.")
        .def_prop_ro(
            "end_power_w", [](const PyLinkReport& r) { return by_component(r.report.end_power, 1.0); },
            "Power of one end by component.")
        .def_prop_ro("end_static_power_w",
                     [](const PyLinkReport& r) { return by_component(r.report.end_static_power, 1.0); })
        .def_prop_ro(
            "within_published_range",
            [](const PyLinkReport& r) -> std::optional<bool> {
                const auto& p = r.archetype->published_module_power_w;
                if (!p) return std::nullopt;
                return PublishedCheck{in_watts(r.report.module_power), p->low, p->high}.within_widened_range();
            },
            "Module power within the published range widened by 15 %; None without a published range.")
        .def(
            "sources", [](const PyLinkReport& r) { return r.catalog->sources_of(*r.archetype); },
            "Catalog entries used, with their sources.")
        .def("to_record", &record_of, "One flat row: the headline figures and `<component>_pj_per_bit` columns.")
        .def(
            "breakdown_records",
            [](const PyLinkReport& r) {
                nb::list rows;
                const double half = in_watts(r.report.link_power) / 2.0;
                for (const Component c : enum_values<Component>()) {
                    nb::dict row;
                    row["link"] = r.archetype->name;
                    row["component"] = std::string(enum_name(c));
                    row["w_per_end"] = in_watts(r.report.end_power[c]);
                    row["static_w_per_end"] = in_watts(r.report.end_static_power[c]);
                    row["pj_per_bit"] = in_picojoules_per_bit(r.report.component_energy_per_bit(c));
                    row["share_pct"] = half > 0.0 ? 100.0 * in_watts(r.report.end_power[c]) / half : 0.0;
                    rows.append(row);
                }
                return rows;
            },
            "Power and pJ/bit by component, one row each.")
        .def(
            "to_dict", [](const PyLinkReport& r) { return to_python(link_report_json(r.report, *r.catalog)); },
            "The document `lightwatt link show NAME --json` prints.")
        .def("__repr__", [](const PyLinkReport& r) {
            return "LinkReport('" + r.archetype->name +
                   "', pj_per_bit=" + format_number(in_picojoules_per_bit(r.report.energy_per_bit)) +
                   ", module_power_w=" + format_number(in_watts(r.report.module_power)) + ")";
        });

    nb::class_<BudgetStudy>(m, "BudgetStudy",
                            "A lane budget from a budget file (docs/budget-file.md) and its inverse answers.")
        .def_ro("file", &BudgetStudy::file)
        .def_ro("link", &BudgetStudy::link, "The archetype the lane starts from, if any.")
        .def_ro("budget", &BudgetStudy::budget)
        .def_prop_ro("margin_db", [](const BudgetStudy& s) { return s.budget.margin().value(); })
        .def_prop_ro("target_margin_db", [](const BudgetStudy& s) { return s.target_margin.value(); })
        .def_prop_ro("required_tx_oma_dbm", [](const BudgetStudy& s) { return s.required_tx_oma.value(); })
        .def_prop_ro("max_channel_loss_db", [](const BudgetStudy& s) { return s.max_channel_loss.value(); })
        .def_prop_ro("max_reach_m",
                     [](const BudgetStudy& s) {
                         return s.max_reach ? std::optional<double>(in_meters(*s.max_reach)) : std::nullopt;
                     })
        .def_prop_ro("required_laser_output_mw",
                     [](const BudgetStudy& s) {
                         return s.required_laser_output ? std::optional<double>(in_milliwatts(*s.required_laser_output))
                                                        : std::nullopt;
                     })
        .def_prop_ro("required_laser_electrical_w",
                     [](const BudgetStudy& s) {
                         return s.required_laser_electrical
                                    ? std::optional<double>(in_watts(*s.required_laser_electrical))
                                    : std::nullopt;
                     })
        .def(
            "to_dict", [](const BudgetStudy& s) { return to_python(budget_study_json(s)); },
            "The document `lightwatt link budget FILE --json` prints.");

    nb::class_<PyLinkCatalog>(m, "LinkCatalog", "devices.toml, electronics.toml and links.toml of a data folder.")
        .def_static(
            "load",
            [](const std::filesystem::path& data_dir) {
                return PyLinkCatalog{std::make_shared<const LinkCatalog>(load_link_catalog(data_dir)), data_dir};
            },
            nb::arg("data_dir"), nb::call_guard<nb::gil_scoped_release>(),
            "Loads the catalogs of `data_dir` (lightwatt.link_catalog() passes the package's data folder).")
        .def_prop_ro("data_dir", [](const PyLinkCatalog& c) { return c.data_dir; })
        .def_prop_ro(
            "names",
            [](const PyLinkCatalog& c) {
                std::vector<std::string> out;
                for (const auto& a : c.catalog->links()) out.push_back(a.name);
                return out;
            },
            "Archetype names in catalog order.")
        .def("__len__", [](const PyLinkCatalog& c) { return c.catalog->links().size(); })
        .def("__contains__",
             [](const PyLinkCatalog& c, const std::string& name) {
                 for (const auto& a : c.catalog->links())
                     if (a.name == name) return true;
                 return false;
             })
        .def(
            "archetype",
            [](const PyLinkCatalog& c, const std::string& name) {
                return PyArchetype{c.catalog, std::make_shared<const LinkArchetype>(c.catalog->find(name))};
            },
            nb::arg("name"), "The archetype `name`; InputError naming the closest known link when unknown.")
        .def(
            "evaluate",
            [](const PyLinkCatalog& c, const std::string& name) {
                return evaluate_archetype(
                    PyArchetype{c.catalog, std::make_shared<const LinkArchetype>(c.catalog->find(name))});
            },
            nb::arg("name"), "Evaluates the archetype `name` (what `lightwatt link show NAME` prints).")
        .def(
            "compare",
            [](const PyLinkCatalog& c, std::optional<std::vector<std::string>> names) {
                std::vector<PyLinkReport> out;
                if (!names) {
                    for (const auto& a : c.catalog->links())
                        out.push_back(
                            evaluate_archetype(PyArchetype{c.catalog, std::make_shared<const LinkArchetype>(a)}));
                } else {
                    for (const auto& n : *names)
                        out.push_back(evaluate_archetype(
                            PyArchetype{c.catalog, std::make_shared<const LinkArchetype>(c.catalog->find(n))}));
                }
                return out;
            },
            nb::arg("names").none() = nb::none(),
            "Reports of the named links (all when None), as `lightwatt link compare`.")
        .def(
            "budget_study",
            [](const PyLinkCatalog& c, const std::filesystem::path& file) {
                return load_budget_study(file, *c.catalog);
            },
            nb::arg("file"), "Reads a budget file (docs/budget-file.md) against this catalog.")
        .def(
            "budget_study_from_string",
            [](const PyLinkCatalog& c, const std::string& text, const std::string& name) {
                const auto doc = TomlDocument::parse_string(text, name);
                return read_budget_study(doc.root(), *c.catalog);
            },
            nb::arg("text"), nb::arg("name") = "<string>",
            "The same from TOML text; `name` is the file name messages use.")
        .def_prop_ro("photodetector_names",
                     [](const PyLinkCatalog& c) { return c.catalog->devices().photodetectors.sorted_names(); })
        .def_prop_ro("tia_names", [](const PyLinkCatalog& c) { return c.catalog->devices().tias.sorted_names(); })
        .def(
            "photodetector",
            [](const PyLinkCatalog& c, const std::string& name) {
                return entry(c.catalog->devices().photodetectors, name, "photodetector");
            },
            nb::arg("name"), "A photodetector of devices.toml.")
        .def(
            "tia",
            [](const PyLinkCatalog& c, const std::string& name) {
                return entry(c.catalog->devices().tias, name, "TIA");
            },
            nb::arg("name"), "A TIA of devices.toml.")
        .def(
            "sources_of",
            [](const PyLinkCatalog& c, const std::string& name) {
                return c.catalog->sources_of(c.catalog->find(name));
            },
            nb::arg("name"), "The catalog entries the link uses, \"section.name\" -> source.")
        .def("__repr__", [](const PyLinkCatalog& c) {
            return "LinkCatalog(" + std::to_string(c.catalog->links().size()) + " links, '" + c.data_dir.string() +
                   "')";
        });
}

}  // namespace lightwatt::python
