// Calibration (interconnect/nccl_tests.hpp, collective_fit.hpp, calibration_record.hpp): nccl-tests
// logs parsed and checked, collective models fitted to them and asked for the time of a size, on
// the measured fabric or another, and calibration records read and written.
#include <cmath>

#include "bindings.hpp"
#include "lightwatt/core/atomic_file.hpp"
#include "lightwatt/interconnect/calibration_record.hpp"

namespace lightwatt::python {

using namespace lightwatt::interconnect;

namespace {

Collective collective_of(const std::string& name) { return enum_parse_at<Collective>("collective", name); }

std::optional<Collective> optional_collective(const std::optional<std::string>& name) {
    if (!name) return std::nullopt;
    return collective_of(*name);
}

NcclProtocol protocol_of(const std::string& name) { return enum_parse_at<NcclProtocol>("protocol", name); }

Information max_fit(double max_fit_bytes) {
    if (!(max_fit_bytes >= 1.0) || !std::isfinite(max_fit_bytes))
        throw InputError::at("max_fit_bytes", format_number(max_fit_bytes), "must be positive", "a size in bytes >= 1");
    return bytes(max_fit_bytes);
}

void check_scale(int ranks, int nodes) {
    if (ranks < 1 || ranks > (1 << 24) || nodes < 1 || nodes > ranks)
        throw InputError::at("ranks, nodes", std::to_string(ranks) + ", " + std::to_string(nodes), "impossible scale",
                             "ranks >= nodes >= 1");
}

nb::object opt(const std::optional<double>& v) { return v ? nb::object(nb::float_(*v)) : nb::none(); }

nb::list row_records(const NcclTestsRun& run) {
    nb::list rows;
    for (const auto& r : run.rows) {
        nb::dict d;
        d["size_bytes"] = in_bytes(r.size);
        d["count"] = r.count;
        d["type"] = r.type;
        d["redop"] = r.redop;
        d["root"] = r.root;
        for (const auto& [prefix, half] :
             {std::pair<const char*, const NcclTestsHalf*>{"out_of_place_", &r.out_of_place},
              {"in_place_", &r.in_place}}) {
            const std::string p(prefix);
            d[nb::str((p + "time_us").c_str())] = in_microseconds(half->time);
            d[nb::str((p + "algbw_gbyte_per_s").c_str())] = in_gigabytes_per_second(half->algbw);
            d[nb::str((p + "busbw_gbyte_per_s").c_str())] = in_gigabytes_per_second(half->busbw);
            d[nb::str((p + "wrong").c_str())] = opt(half->wrong);
        }
        d["line"] = r.line;
        rows.append(d);
    }
    return rows;
}

nb::list collective_row_records(const CollectiveRecord& c) {
    nb::list rows;
    for (const auto& r : c.rows) {
        nb::dict d;
        d["collective"] = std::string(enum_name(c.collective));
        d["ranks"] = c.ranks;
        d["size_bytes"] = in_bytes(r.size);
        d["time_us"] = in_microseconds(r.time);
        d["algbw_gbyte_per_s"] = in_gigabytes_per_second(r.algbw);
        d["busbw_gbyte_per_s"] = in_gigabytes_per_second(r.busbw);
        d["in_place"] = r.in_place;
        d["energy_j"] = r.energy ? nb::object(nb::float_(in_joules(*r.energy))) : nb::none();
        rows.append(d);
    }
    return rows;
}

nb::ndarray<nb::numpy, double, nb::ndim<1>> predict_array(
    const CollectiveFit& fit, const nb::ndarray<const double, nb::ndim<1>, nb::device::cpu>& sizes) {
    auto* out = new std::vector<double>(sizes.shape(0));
    nb::capsule owner(out, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
    const auto view = sizes.view();
    for (size_t i = 0; i < sizes.shape(0); ++i) {
        const double s = view(i);
        if (!(s >= 0.0) || !std::isfinite(s))
            throw InputError::at("size_bytes", format_number(s), "not a size", "sizes >= 0 bytes");
        (*out)[i] = in_seconds(predict_time(fit, bytes(s)));
    }
    return nb::ndarray<nb::numpy, double, nb::ndim<1>>(out->data(), {out->size()}, owner);
}

double predict_scalar(const CollectiveFit& fit, double size_bytes) {
    if (!(size_bytes >= 0.0) || !std::isfinite(size_bytes))
        throw InputError::at("size_bytes", format_number(size_bytes), "not a size", "a size >= 0 bytes");
    return in_seconds(predict_time(fit, bytes(size_bytes)));
}

// `lightwatt calibrate nccl-tests LOG...` (apps/lightwatt/calibrate_command.cpp): a record with one
// collective per run, every run's model fitted on rows up to max_fit_bytes.
CalibrationRecord calibrate_nccl_tests(const std::vector<std::filesystem::path>& logs,
                                       const std::optional<std::string>& collective, double max_fit_bytes) {
    const std::optional<Collective> given = optional_collective(collective);
    const Information limit = max_fit(max_fit_bytes);
    if (logs.empty()) throw InputError::at("logs", "[]", "no log given", "one or more nccl-tests output files");
    std::string command = "lightwatt.calibrate_nccl_tests";
    for (const auto& log : logs) command += " " + log.string();
    std::vector<std::string> paths;
    for (const auto& log : logs) paths.push_back(log.string());
    return calibration_from_nccl_tests(paths, given, limit, command);
}

}  // namespace

void bind_calibration(nb::module_& m) {
    m.def("collective_names", &enum_names<Collective>, "The collectives nccl-tests measures.");
    m.def(
        "bus_bandwidth_factor",
        [](const std::string& collective, int ranks) {
            check_scale(ranks, 1);
            return bus_bandwidth_factor(collective_of(collective), ranks);
        },
        nb::arg("collective"), nb::arg("ranks"),
        "busbw / algbw: 2(n-1)/n for all_reduce, (n-1)/n for all_gather, ..., 1 for sendrecv.");
    m.def(
        "nccl_ring_latency_us",
        [](const std::string& collective, int ranks, int nodes, const std::string& protocol) {
            check_scale(ranks, nodes);
            return in_microseconds(nccl_ring_latency(collective_of(collective), ranks, nodes, protocol_of(protocol)));
        },
        nb::arg("collective"), nb::arg("ranks"), nb::arg("nodes") = 1, nb::arg("protocol") = "Simple",
        "Latency of a ring collective in NCCL's tuning model (NCCL 2.30).");

    nb::class_<HeldOutPrediction>(m, "HeldOutPrediction",
                                  "A row above the fit's size limit, predicted by the fitted model.")
        .def_prop_ro("size_bytes", [](const HeldOutPrediction& h) { return in_bytes(h.size); })
        .def_prop_ro("measured_us", [](const HeldOutPrediction& h) { return in_microseconds(h.measured); })
        .def_prop_ro("predicted_us", [](const HeldOutPrediction& h) { return in_microseconds(h.predicted); })
        .def_prop_ro("relative_error", &HeldOutPrediction::relative_error, "(predicted - measured) / measured.");

    nb::class_<CollectiveFit>(m, "CollectiveFit",
                              "t(S) = latency + S f(n) / busbw, fitted to one run of one collective.")
        .def_prop_ro("collective", [](const CollectiveFit& f) { return std::string(enum_name(f.collective)); })
        .def_ro("ranks", &CollectiveFit::ranks)
        .def_ro("nodes", &CollectiveFit::nodes)
        .def_prop_ro("latency_us", [](const CollectiveFit& f) { return in_microseconds(f.latency); })
        .def_prop_ro("bus_bandwidth_gbyte_per_s",
                     [](const CollectiveFit& f) { return in_gigabytes_per_second(f.bus_bandwidth); })
        .def_prop_ro("bus_bandwidth_factor",
                     [](const CollectiveFit& f) { return bus_bandwidth_factor(f.collective, f.ranks); })
        .def_prop_ro("max_fitted_size_bytes", [](const CollectiveFit& f) { return in_bytes(f.max_fitted_size); })
        .def_ro("halves_fitted", &CollectiveFit::halves_fitted)
        .def_ro("fit_rms_relative_error", &CollectiveFit::fit_rms_relative_error)
        .def_ro("held_out", &CollectiveFit::held_out,
                "One HeldOutPrediction per held-out half-row (the in-place and the out-of-place time of each row above "
                "the limit).")
        .def_ro("median_held_out_error", &CollectiveFit::median_held_out_error,
                "Median |relative error| of the held-out half-rows; None if none.")
        .def_prop_ro("nccl_latency_ll_us", [](const CollectiveFit& f) { return in_microseconds(f.nccl_latency_ll); })
        .def_prop_ro("nccl_latency_simple_us",
                     [](const CollectiveFit& f) { return in_microseconds(f.nccl_latency_simple); })
        .def("predict_time_s", &predict_array, nb::arg("size_bytes"),
             "Times in seconds of collectives of the given sizes (a 1-D float64 array of bytes).")
        .def("predict_time_s", &predict_scalar, nb::arg("size_bytes"),
             "Time in seconds of one collective of `size_bytes` bytes.")
        .def(
            "on_fabric",
            [](const CollectiveFit& f, double bandwidth_scale, double added_hop_latency_us, std::optional<int> ranks,
               std::optional<int> nodes) {
                if (!std::isfinite(added_hop_latency_us))
                    throw InputError::at("added_hop_latency_us", format_number(added_hop_latency_us),
                                         "not a finite number", "a latency >= 0");
                if (ranks && (*ranks < 1 || *ranks > (1 << 24))) check_scale(*ranks, 1);
                return on_fabric(f, FabricChange{bandwidth_scale, microseconds(added_hop_latency_us), ranks, nodes});
            },
            nb::kw_only(), nb::arg("bandwidth_scale") = 1.0, nb::arg("added_hop_latency_us") = 0.0,
            nb::arg("ranks").none() = nb::none(), nb::arg("nodes").none() = nb::none(),
            "The same collective on another fabric: busbw scaled by `bandwidth_scale`, `added_hop_latency_us` on every "
            "sequential "
            "step, or another rank and node count (the latency moves with NCCL's model).")
        .def("held_out_records",
             [](const CollectiveFit& f) {
                 nb::list rows;
                 for (const auto& h : f.held_out) {
                     nb::dict d;
                     d["size_bytes"] = in_bytes(h.size);
                     d["measured_us"] = in_microseconds(h.measured);
                     d["predicted_us"] = in_microseconds(h.predicted);
                     d["relative_error"] = h.relative_error();
                     rows.append(d);
                 }
                 return rows;
             })
        .def(
            "to_dict", [](const CollectiveFit& f) { return to_python(fit_json(f)); },
            "The fit as the calibration record writes it.")
        .def("__repr__", [](const CollectiveFit& f) {
            return "CollectiveFit('" + std::string(enum_name(f.collective)) + "', ranks=" + std::to_string(f.ranks) +
                   ", latency_us=" + format_number(in_microseconds(f.latency)) +
                   ", bus_bandwidth_gbyte_per_s=" + format_number(in_gigabytes_per_second(f.bus_bandwidth)) + ")";
        });

    nb::class_<NcclTestsCheck>(m, "NcclTestsCheck",
                               "A run checked against nccl-tests' own definitions of algbw, busbw and the average.")
        .def_prop_ro("avg_busbw_gbyte_per_s",
                     [](const NcclTestsCheck& c) { return in_gigabytes_per_second(c.avg_busbw); })
        .def_prop_ro("peak_busbw_gbyte_per_s",
                     [](const NcclTestsCheck& c) { return in_gigabytes_per_second(c.peak_busbw); })
        .def_ro("max_algbw_deviation", &NcclTestsCheck::max_algbw_deviation,
                "|size / time - algbw| / algbw, worst printed half.")
        .def_ro("max_busbw_deviation", &NcclTestsCheck::max_busbw_deviation,
                "|algbw x factor(ranks) - busbw| / busbw, worst half.")
        .def_ro("avg_busbw_deviation", &NcclTestsCheck::avg_busbw_deviation,
                "Against the log's \"Avg bus bandwidth\"; None if not printed.");

    nb::class_<NcclTestsRun>(m, "NcclTestsRun", "One run of an nccl-tests program as its log prints it.")
        .def_ro("file", &NcclTestsRun::file)
        .def_ro("first_line", &NcclTestsRun::first_line)
        .def_prop_ro("collective",
                     [](const NcclTestsRun& r) {
                         return r.collective ? std::optional<std::string>(enum_name(*r.collective)) : std::nullopt;
                     })
        .def_ro("program", &NcclTestsRun::program)
        .def_ro("version", &NcclTestsRun::version)
        .def_ro("ranks", &NcclTestsRun::ranks)
        .def_ro("nodes", &NcclTestsRun::nodes)
        .def_ro("devices", &NcclTestsRun::devices)
        .def_prop_ro("reported_avg_busbw_gbyte_per_s",
                     [](const NcclTestsRun& r) {
                         return r.reported_avg_busbw
                                    ? std::optional<double>(in_gigabytes_per_second(*r.reported_avg_busbw))
                                    : std::nullopt;
                     })
        .def(
            "__len__", [](const NcclTestsRun& r) { return r.rows.size(); }, "Result rows.")
        .def("to_records", &row_records,
             "The result rows: size_bytes, count, type, redop, root, then time_us, algbw_gbyte_per_s, "
             "busbw_gbyte_per_s and wrong for out_of_place_ and in_place_, and the log line.")
        .def("to_dataframe", [](const NcclTestsRun& r) { return records_to_dataframe(row_records(r)); })
        .def("check", &check_run, "Recomputes algbw, busbw and the average from the rows.")
        .def(
            "fit",
            [](const NcclTestsRun& r, double max_fit_bytes) { return fit_collective(r, max_fit(max_fit_bytes)); },
            nb::arg("max_fit_bytes") = kDefaultMaxFitBytes,
            "Fits t = latency + S f(n) / busbw on the rows up to max_fit_bytes; the larger rows are held out and "
            "predicted.")
        .def("__repr__", [](const NcclTestsRun& r) {
            return "NcclTestsRun('" + r.file + "', line " + std::to_string(r.first_line) + ", " +
                   (r.collective ? std::string(enum_name(*r.collective)) : std::string("collective unknown")) +
                   ", ranks=" + std::to_string(r.ranks) + ", " + std::to_string(r.rows.size()) + " rows)";
        });

    m.def(
        "parse_nccl_tests",
        [](const std::string& text, const std::string& file, const std::optional<std::string>& collective) {
            return parse_nccl_tests(text, file, optional_collective(collective));
        },
        nb::arg("text"), nb::arg("file") = "<string>", nb::arg("collective").none() = nb::none(),
        "Parses nccl-tests output of any layout era into runs. `collective` names the collective of logs that do not "
        "(older layouts); `file` is the name messages use. A malformed result row is an InputError naming the line.");
    m.def(
        "read_nccl_tests",
        [](const std::filesystem::path& path, const std::optional<std::string>& collective) {
            return read_nccl_tests_file(path.string(), optional_collective(collective));
        },
        nb::arg("path"), nb::arg("collective").none() = nb::none(), "parse_nccl_tests on a file.");

    nb::class_<CollectiveRecord>(m, "CollectiveRecord",
                                 "One collective of a calibration record: its rows and fitted model.")
        .def_prop_ro("collective", [](const CollectiveRecord& c) { return std::string(enum_name(c.collective)); })
        .def_ro("ranks", &CollectiveRecord::ranks)
        .def_ro("nodes", &CollectiveRecord::nodes)
        .def_ro("algorithm", &CollectiveRecord::algorithm)
        .def_ro("protocol", &CollectiveRecord::protocol)
        .def_prop_ro("avg_busbw_gbyte_per_s",
                     [](const CollectiveRecord& c) { return in_gigabytes_per_second(c.avg_busbw); })
        .def_prop_ro("peak_busbw_gbyte_per_s",
                     [](const CollectiveRecord& c) { return in_gigabytes_per_second(c.peak_busbw); })
        .def_ro("fit", &CollectiveRecord::fit)
        .def("to_records", &collective_row_records);

    nb::class_<CalibrationRecord>(m, "CalibrationRecord",
                                  "A calibration record (docs/calibration.md): schema lightwatt.calibration v1.")
        .def_prop_ro("gpu_model", [](const CalibrationRecord& r) { return r.machine.gpu_model; })
        .def_prop_ro("gpu_count", [](const CalibrationRecord& r) { return r.machine.gpu_count; })
        .def_prop_ro("nodes", [](const CalibrationRecord& r) { return r.machine.nodes; })
        .def_prop_ro("source", [](const CalibrationRecord& r) { return r.provenance.source; })
        .def_ro("collectives", &CalibrationRecord::collectives)
        .def(
            "collective_records",
            [](const CalibrationRecord& r) {
                nb::list rows;
                for (const auto& c : r.collectives)
                    for (nb::handle row : collective_row_records(c)) rows.append(row);
                return rows;
            },
            "Every collective's rows, one list.")
        .def(
            "fit",
            [](const CalibrationRecord& r, const std::string& collective, std::optional<int> ranks) {
                const Collective c = collective_of(collective);
                for (const auto& rec : r.collectives)
                    if (rec.collective == c && rec.fit && (!ranks || rec.ranks == *ranks)) return *rec.fit;
                throw InputError::at(
                    "collective", "\"" + collective + "\"" + (ranks ? " at " + std::to_string(*ranks) + " ranks" : ""),
                    "no fitted model for it in this record", "a collective the record measured");
            },
            nb::arg("collective"), nb::arg("ranks").none() = nb::none(),
            "The fitted model of a collective (at `ranks`, when given).")
        .def("to_dict", [](const CalibrationRecord& r) { return to_python(calibration_json(r)); })
        .def(
            "to_json", [](const CalibrationRecord& r) { return calibration_json(r).dump(2) + "\n"; },
            "The record as `lightwatt calibrate nccl-tests -o FILE` writes it.")
        .def(
            "save",
            [](const CalibrationRecord& r, const std::filesystem::path& path) {
                write_file_atomically(path, calibration_json(r).dump(2) + "\n");
            },
            nb::arg("path"), "Writes to_json() atomically (a temporary file renamed over `path`).");

    m.def("calibrate_nccl_tests", &calibrate_nccl_tests, nb::arg("logs"), nb::arg("collective").none() = nb::none(),
          nb::arg("max_fit_bytes") = kDefaultMaxFitBytes,
          "Imports nccl-tests logs into a calibration record, as `lightwatt calibrate nccl-tests LOG...`: one "
          "collective per run, "
          "each fitted on rows up to max_fit_bytes.");
    m.def(
        "load_calibration", [](const std::filesystem::path& path) { return load_calibration(path); }, nb::arg("path"),
        "Reads a calibration record (JSON); InputError names the file and the JSON path of a bad value.");
    m.def(
        "read_calibration",
        [](const std::string& text, const std::string& file) { return read_calibration(text, file); }, nb::arg("text"),
        nb::arg("file") = "<string>");
}

}  // namespace lightwatt::python
