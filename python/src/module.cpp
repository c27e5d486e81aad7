// lightwatt._core: the compiled half of the lightwatt Python package. The pure-Python layer
// (python/lightwatt/) re-exports it, finds the data folder and turns tables into DataFrames.

#include "bindings.hpp"
#include "lightwatt/core/data_dir.hpp"

namespace nb = nanobind;

NB_MODULE(_core, m) {
    using namespace lightwatt;
    m.doc() =
        "lightwatt's C++ models (links, receivers, the photonic MAC emulator, calibration, J/token, sweeps). "
        "Use it through the `lightwatt` package.";
    m.attr("__version__") = LIGHTWATT_VERSION;
    python::bind_errors(m);
    m.def("find_data_dir", &find_data_dir, nb::arg("explicit_dir").none(),
          "The catalog folder the C++ loaders use: `explicit_dir` when given (it must hold links.toml, or "
          "InputError), then $LIGHTWATT_DATA, then an installed or source-tree data/ (ResourceMissing when none).");
    python::bind_receiver(m);
    python::bind_links(m);
    python::bind_emulator(m);
    python::bind_calibration(m);
    python::bind_estimate(m);
    python::bind_results(m);
    python::bind_sweep(m);
}
