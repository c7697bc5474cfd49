// lamarck._lamarck: the compiled half of the Python module. Each layer binds itself in bind_<layer>.cpp;
// the Python package (python/lamarck/*.py) builds the user-facing API on top.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "lamarck/core/error.h"
#include "lamarck/core/version.h"

namespace py = pybind11;

PYBIND11_MODULE(_lamarck, m) {
  m.doc() = "lamarck: discovering learning algorithms by evolution (compiled core)";
  m.attr("__version__") = lamarck::kVersion;
  m.attr("with_cuda") = lamarck::kWithCuda;

  // lamarck's boundary errors become Python exceptions with the same message
  static py::exception<lamarck::Error> error(m, "Error", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const lamarck::InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const lamarck::FileError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const lamarck::Error& e) {
      error(e.what());
    }
  });

  lamarck::python::bind_envs(m.def_submodule("envs", "batched environments"));
  lamarck::python::bind_es(m.def_submodule("es", "evolution strategies"));
  lamarck::python::bind_learned_objectives(m.def_submodule("objectives", "discovered objectives"));
  lamarck::python::bind_rl(m.def_submodule("rl", "inner-loop training"));
  lamarck::python::bind_ued(m.def_submodule("ued", "level replay buffers and level scores"));
}
