// The catalogs a Python `Catalogs` object holds, shared by the parts of the module that read
// scenarios (bind_estimate.cpp) and sweeps (bind_sweep.cpp).
#pragma once

#include <filesystem>
#include <memory>

#include "lightwatt/mapping/scenario.hpp"

namespace lightwatt::python {

struct PyCatalogs {
    std::shared_ptr<const mapping::Catalogs> catalogs;
    std::filesystem::path data_dir;
};

}  // namespace lightwatt::python
