// Sweeps (study/, docs/sweep-file.md): a sweep file read and checked against the catalogs, and the
// rows of any range of its design points, evaluated with the GIL released, the same text a chunk
// file of `lightwatt sweep` holds. The pure-Python layer (lightwatt/sweep.py) cuts the points into
// chunks, runs them here or on Dask workers, and types the rows as a DataFrame.
#include "bindings.hpp"
#include "lightwatt/core/parallel_for.hpp"
#include "lightwatt/study/sweep_run.hpp"
#include "py_catalogs.hpp"

namespace lightwatt::python {

using namespace lightwatt::study;

namespace {

// The sweep file and the evaluator that refers to it and to the catalogs, kept alive together.
struct PySweep {
    PyCatalogs catalogs;
    std::shared_ptr<const SweepFile> file;
    std::shared_ptr<const PointEvaluator> evaluator;
};

PySweep make(const PyCatalogs& c, SweepFile f) {
    auto file = std::make_shared<const SweepFile>(std::move(f));
    auto evaluator = std::make_shared<const PointEvaluator>(*file, *c.catalogs, c.data_dir);
    return PySweep{c, std::move(file), std::move(evaluator)};
}

PySweep sweep_from_file(const PyCatalogs& c, const std::filesystem::path& path) {
    nb::gil_scoped_release release;
    return make(c, load_sweep_file(path));
}

PySweep sweep_from_string(const PyCatalogs& c, const std::string& text, const std::string& name,
                          const std::filesystem::path& folder) {
    nb::gil_scoped_release release;
    const auto doc = TomlDocument::parse_string(text, name);
    SweepFile f = read_sweep_file(doc.root(), folder);
    f.text = text;
    return make(c, std::move(f));
}

std::string axis_type(const Axis& a) {
    if (a.kind != AxisKind::values) return a.integer ? "int" : "float";
    const AxisValue& first = a.values.front();
    if (std::holds_alternative<std::string>(first)) return "str";
    if (std::holds_alternative<bool>(first)) return "bool";
    const bool any_float = std::any_of(a.values.begin(), a.values.end(),
                                       [](const AxisValue& v) { return std::holds_alternative<double>(v); });
    return any_float ? "float" : "int";
}

// Each column's type: the axes' from their values, a Monte Carlo sweep's drawn figures floats;
// option, announced and reason text, feasible a bool, every figure a float (empty, NaN, in a row
// the estimate refused).
std::vector<std::string> column_types(const PySweep& s) {
    std::vector<std::string> out(s.evaluator->drawn_figures().size(), "float");
    for (const Axis& a : s.file->space.axes) out.push_back(axis_type(a));
    for (const auto& c : output_columns_after_axes())
        out.emplace_back(c == "option" || c == "announced" || c == "reason" ? "str"
                         : c == "feasible"                                  ? "bool"
                                                                            : "float");
    return out;
}

std::string rows(const PySweep& s, std::size_t first, std::size_t count, int threads, const std::string& format) {
    const auto f = enum_parse<RowFormat>(format);
    if (!f) throw InputError::unknown("format", format, enum_names<RowFormat>(), "unknown format");
    const std::size_t points = s.file->space.point_count();
    if (first > points || count > points - first)
        throw InputError::at("count", std::to_string(count),
                             "points " + std::to_string(first) + " + " + std::to_string(count) +
                                 " beyond the sweep's " + std::to_string(points),
                             "first + count <= " + std::to_string(points));
    if (threads < 0) throw InputError::at("threads", std::to_string(threads), "negative", "0 (default) or more");
    nb::gil_scoped_release release;
    return point_rows(*s.evaluator, first, count, *f, threads == 0 ? default_thread_count() : threads);
}

}  // namespace

void bind_sweep(nb::module_& m) {
    nb::class_<PySweep>(m, "Sweep",
                        "A sweep file (docs/sweep-file.md) read and checked against the catalogs: its design points' "
                        "rows, one per point and option, for any range of point indices.")
        .def_static("from_file", &sweep_from_file, nb::arg("catalogs"), nb::arg("path"),
                    "Reads a sweep file; its scenario is relative to the file's folder.")
        .def_static("from_string", &sweep_from_string, nb::arg("catalogs"), nb::arg("text"),
                    nb::arg("name") = "<string>", nb::arg("folder") = ".",
                    "A sweep file's TOML text; `name` is the file name messages use, `folder` the one its scenario "
                    "is relative to.")
        .def_prop_ro(
            "text", [](const PySweep& s) { return s.file->text; }, "The sweep file's TOML text.")
        .def_prop_ro(
            "name", [](const PySweep& s) { return s.file->file; }, "The sweep file's name.")
        .def_prop_ro(
            "point_count", [](const PySweep& s) { return s.file->space.point_count(); },
            "Design points: the product of the list and range axes times the samples, or a Monte Carlo sweep's draws.")
        .def_prop_ro(
            "options", [](const PySweep& s) { return s.evaluator->base().options; },
            "The options each point is estimated for, in row order.")
        .def_prop_ro(
            "columns", [](const PySweep& s) { return s.evaluator->columns(); }, "The rows' columns.")
        .def_prop_ro("column_types", &column_types, "Each column's type: \"int\", \"float\", \"str\" or \"bool\".")
        .def("rows", &rows, nb::arg("first"), nb::arg("count"), nb::arg("threads") = 0, nb::arg("format") = "csv",
             "The rows of design points first .. first + count - 1, as the text of a chunk file (CSV with its "
             "header, or JSON lines); the GIL is released meanwhile. threads 0: $LIGHTWATT_THREADS, then the "
             "hardware's.");
}

}  // namespace lightwatt::python
