// The parts of lightwatt._core, one file each, and what they share: conversions between Python
// and the C++ values (JSON documents, TOML tables), argument errors in the project's InputError
// form, and the pure-Python table helper.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nanobind/nanobind.h>
// Every type caster the module uses, in every file: a cast compiled without its caster in one
// file and with it in another would be two different functions under one name.
#include <nanobind/ndarray.h>
#include <nanobind/stl/array.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "lightwatt/core/error.hpp"

namespace lightwatt::python {

namespace nb = nanobind;

void bind_errors(nb::module_& m);
void bind_links(nb::module_& m);
void bind_receiver(nb::module_& m);
void bind_emulator(nb::module_& m);
void bind_calibration(nb::module_& m);
void bind_estimate(nb::module_& m);
void bind_results(nb::module_& m);
void bind_sweep(nb::module_& m);

// A JSON document as Python objects: objects become dicts, arrays lists, null None.
nb::object to_python(const nlohmann::json& j);
// Records (lists of objects whose key order is the columns' order) as a list of dicts in that order.
nb::object to_python(const nlohmann::ordered_json& j);

// A Python dict of scalars, lists and nested dicts as a TOML table; `where` names the argument
// in the InputError raised for a value TOML cannot hold.
toml::table to_toml_table(nb::handle dict, const std::string& where);
// Sets `value` at a dotted key ("workload.batch") of `table`, creating tables on the way.
void set_dotted(toml::table& table, const std::string& dotted_key, nb::handle value, const std::string& where);

// A finite number in [lo, hi] (closed), or an InputError naming the argument.
double checked_number(const std::string& name, double value, double lo, double hi, const std::string& allowed);

// lightwatt.tables.to_dataframe(records): pandas is imported only when this is called.
nb::object records_to_dataframe(nb::handle records);

}  // namespace lightwatt::python
