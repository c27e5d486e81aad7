// Sweep results and their Pareto frontiers (study/sweep_results.hpp, pareto.hpp) for
// lightwatt.read_sweep and lightwatt.frontier: the same reader and the same frontier as
// `lightwatt frontier`, so the Python tables and the command line cannot disagree.
#include "bindings.hpp"
#include "lightwatt/study/output_keys.hpp"
#include "lightwatt/study/pareto.hpp"
#include "lightwatt/study/sweep_results.hpp"

namespace lightwatt::python {

namespace {

using namespace lightwatt::study;

// {"columns": {name: list}, "axes": [...], "files": [...]}: numbers (NaN where a row has none),
// texts, and `feasible` as booleans, in the files' column order.
nb::dict read_results(const std::vector<std::filesystem::path>& paths) {
    const SweepResults r = read_sweep_results(paths);
    nb::dict columns;
    for (const ResultColumn& c : r.columns) {
        const nb::str name(c.name.c_str());
        if (c.name == "feasible") {
            nb::list flags;
            for (const char f : r.feasible) flags.append(nb::bool_(f != 0));
            columns[name] = flags;
        } else if (c.numeric) {
            columns[name] = nb::cast(c.numbers);
        } else {
            columns[name] = nb::cast(c.texts);
        }
    }
    nb::dict out;
    out["columns"] = columns;
    out["axes"] = nb::cast(r.axes);
    out["files"] = nb::cast(r.files);
    return out;
}

nb::dict key_dict(const OutputKey& k) {
    nb::dict d;
    d["key"] = k.key;
    d["unit"] = k.unit;
    d["label"] = k.label;
    d["better"] = std::string(enum_name(k.better));
    return d;
}

}  // namespace

void bind_results(nb::module_& m) {
    m.def("_read_sweep_results", &read_results, nb::arg("paths"),
          "Sweep folders or CSV / JSON-lines files of rows as columns (lightwatt.read_sweep makes the DataFrame).");
    m.def(
        "output_key", [](const std::string& key, const std::string& flag) { return key_dict(output_key(key, flag)); },
        nb::arg("key"), nb::arg("argument") = "key",
        "A sweep row's numeric output: its key, unit, label and which way is better ('more' or 'less'); "
        "InputError naming the closest key for any other.");
    m.def(
        "output_keys",
        [] {
            nb::list out;
            for (const OutputKey& k : output_keys()) out.append(key_dict(k));
            return out;
        },
        "Every numeric output of a sweep row, in the rows' order.");
    m.def(
        "_pareto_front",
        [](const std::vector<double>& x, const std::vector<double>& y, const std::string& x_key,
           const std::string& y_key) {
            if (x.size() != y.size())
                throw InputError::at("y", std::to_string(y.size()) + " values",
                                     "not as many as x's " + std::to_string(x.size()), "one y per x");
            return pareto_front(x, y, output_key(x_key, "x").better, output_key(y_key, "y").better);
        },
        nb::arg("x"), nb::arg("y"), nb::arg("x_key"), nb::arg("y_key"),
        "Indices of the non-dominated points, x ascending, each output in its key's direction.");
}

}  // namespace lightwatt::python
