// lamarck._lamarck.objectives: discovered-objective files and their drift, evaluated by the same C++
// code the trainers use (rule_at, in double precision).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.h"
#include "lamarck/core/error.h"
#include "lamarck/learned_objectives/objective_file.h"

namespace py = pybind11;

namespace lamarck::python {
namespace {

using objectives::DiscoveredObjective;
using objectives::Rule;

struct PyObjective {
  DiscoveredObjective file;
  Rule rule;
  std::string path;
};

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Evaluates the rule at every (r, Â, n/N, ln N) of equally long flat arrays; returns (drift, d drift/dr,
// loss, d loss/dr), each the same length.
py::tuple evaluate(const PyObjective& o, const DoubleArray& ratio, const DoubleArray& advantage,
                   const DoubleArray& progress, const DoubleArray& log_horizon) {
  const py::ssize_t n = ratio.size();
  if (advantage.size() != n || progress.size() != n || log_horizon.size() != n)
    throw InvalidArgument("ratio, advantage, progress and horizon must broadcast to one shape");
  DoubleArray drift(n), ddrift(n), loss(n), dloss(n);
  const double *r = ratio.data(), *a = advantage.data(), *p = progress.data(), *h = log_horizon.data();
  double *out_drift = drift.mutable_data(), *out_ddrift = ddrift.mutable_data();
  double *out_loss = loss.mutable_data(), *out_dloss = dloss.mutable_data();
  for (py::ssize_t i = 0; i < n; ++i) {
    if (!(r[i] > 0)) throw InvalidArgument("ratio must be > 0, got " + std::to_string(r[i]) + " at index " + std::to_string(i));
    const auto s = objectives::rule_at(o.rule, r[i], a[i], p[i], h[i]);
    out_drift[i] = s.drift;
    out_ddrift[i] = s.ddrift_dr;
    out_loss[i] = s.loss;
    out_dloss[i] = s.dloss_dr;
  }
  return py::make_tuple(drift, ddrift, loss, dloss);
}

py::dict metadata(const PyObjective& o) {
  const auto& f = o.file;
  py::dict provenance;
  provenance["source"] = f.provenance.source;
  provenance["config"] = f.provenance.config;
  provenance["generation"] = f.provenance.generation;
  provenance["candidate"] = f.provenance.candidate;
  provenance["fitness"] = f.provenance.has_fitness ? py::object(py::float_(f.provenance.fitness)) : py::none();
  provenance["lamarck_version"] = f.provenance.lamarck_version;
  py::dict d;
  d["path"] = o.path;
  d["rule"] = f.rule;
  d["features"] = f.features;
  d["hidden"] = f.hidden;
  d["clip_eps"] = f.clip_eps;
  d["dpo_alpha"] = f.dpo_alpha;
  d["dpo_beta"] = f.dpo_beta;
  d["num_params"] = f.weights.size();
  d["provenance"] = provenance;
  return d;
}

}  // namespace

void bind_learned_objectives(py::module_ m) {
  py::class_<PyObjective>(m, "Objective")
      .def_property_readonly("metadata", &metadata)
      .def_property_readonly("weights",
                             [](const PyObjective& o) {
                               return py::array_t<float>(py::ssize_t(o.file.weights.size()), o.file.weights.data());
                             })
      .def("evaluate", &evaluate, py::arg("ratio"), py::arg("advantage"), py::arg("progress"), py::arg("log_horizon"));
  m.def(
      "load",
      [](const std::string& path) {
        PyObjective o;
        o.path = path;
        o.file = objectives::load_objective(path);
        o.rule = objectives::to_rule(o.file, path);
        return o;
      },
      py::arg("path"), "Loads a discovered-objective file (JSON or binary), validated.");
  m.def(
      "builtin",
      [](const std::string& name) {
        objectives::parse_rule(name);  // a rule of the table, or a clear error naming the choices
        PyObjective o;
        o.path = "";
        o.rule = objectives::rule_from_name_or_file(name);
        o.file = objectives::make_objective(o.rule);
        return o;
      },
      py::arg("name"), "A rule of the table by name (rule_names()): its default constants and zero parameters (for lpo and ta_lpo, the PPO-initialised start).");
  m.def("rule_names", &objectives::rule_names);
  m.def(
      "feature_names", [](const std::string& rule) { return objectives::rule_features(objectives::parse_rule(rule)); },
      py::arg("rule"), "The input features of a rule, in weight order.");
}

}  // namespace lamarck::python
