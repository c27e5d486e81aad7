// lightwatt.InputError (a ValueError) and lightwatt.ResourceMissing (a RuntimeError): the C++
// exceptions the command line maps to exit codes 2 and 3, with the same messages. An InputError
// also carries the parts of its message as attributes: file, line, key, value, problem, allowed.
// The libraries' warnings become Python warnings (FutureWarning for a deprecation, else UserWarning).
#include <exception>

#include "bindings.hpp"
#include "lightwatt/core/warning.hpp"

namespace lightwatt::python {

namespace {

PyObject* input_error_type = nullptr;
PyObject* resource_missing_type = nullptr;

void raise_input_error(const InputError& e) {
    nb::object error = nb::steal(PyObject_CallOneArg(input_error_type, nb::str(e.what()).ptr()));
    if (!error.is_valid()) return;  // the call set a Python error already
    const InputErrorDetails& d = e.details();
    error.attr("file") = nb::str(d.file.c_str());
    error.attr("line") = nb::int_(d.line);
    error.attr("key") = nb::str(d.key.c_str());
    error.attr("value") = nb::str(d.value.c_str());
    error.attr("problem") = nb::str(d.problem.c_str());
    error.attr("allowed") = nb::str(d.allowed.c_str());
    PyErr_SetObject(input_error_type, error.ptr());
}

void translate(const std::exception_ptr& p, void*) {
    try {
        std::rethrow_exception(p);
    } catch (const InputError& e) {
        raise_input_error(e);
    } catch (const ResourceMissing& e) {
        PyErr_SetString(resource_missing_type, e.what());
    }
}

// A library warning as a Python warning: a deprecation as a FutureWarning (shown by default,
// unlike DeprecationWarning: it is the user's input that is deprecated, not an API), anything else
// as a UserWarning; an error where the user's warnings filter says so. Library code may run
// without the GIL.
void warn_in_python(WarningKind kind, const std::string& message) {
    nb::gil_scoped_acquire gil;
    PyObject* category = kind == WarningKind::deprecated ? PyExc_FutureWarning : PyExc_UserWarning;
    if (PyErr_WarnEx(category, message.c_str(), 1) != 0) throw nb::python_error();
}

}  // namespace

void bind_errors(nb::module_& m) {
    input_error_type = PyErr_NewExceptionWithDoc(
        "lightwatt._core.InputError",
        "Bad input: an unknown name, a malformed or missing file, a wrong type or an impossible value "
        "(the command line's exit code 2). The message is the C++ one: FILE:LINE: KEY = VALUE: PROBLEM. "
        "Allowed: ALLOWED. Its parts are the attributes file, line, key, value, problem and allowed.",
        PyExc_ValueError, nullptr);
    resource_missing_type = PyErr_NewExceptionWithDoc(
        "lightwatt._core.ResourceMissing",
        "A needed resource is absent: no catalog folder found, no GPU, a helper program not built "
        "(the command line's exit code 3).",
        PyExc_RuntimeError, nullptr);
    if (input_error_type == nullptr || resource_missing_type == nullptr) throw nb::python_error();
    m.attr("InputError") = nb::handle(input_error_type);
    m.attr("ResourceMissing") = nb::handle(resource_missing_type);
    nb::register_exception_translator(translate);
    set_warning_handler(warn_in_python);
}

}  // namespace lightwatt::python
