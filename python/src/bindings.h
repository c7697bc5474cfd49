#pragma once

#include <pybind11/pybind11.h>

namespace lamarck::python {
void bind_envs(pybind11::module_ m);
void bind_es(pybind11::module_ m);
void bind_learned_objectives(pybind11::module_ m);
void bind_rl(pybind11::module_ m);
void bind_ued(pybind11::module_ m);
}  // namespace lamarck::python
