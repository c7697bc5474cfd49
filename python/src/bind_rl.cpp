// lamarck._lamarck.rl: an inner-loop training run (PPO/A2C, any update rule or discovered objective),
// returning the learning curves as numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "lamarck/core/config.h"
#include "lamarck/learned_objectives/rl_rules.h"
#include "lamarck/rl/trainer.h"

namespace py = pybind11;

namespace lamarck::python {

void bind_rl(py::module_ m) {
  objectives::register_rl_rules();
  m.def("update_rule_names", [] { return rl::update_rule_names(); },
        "Every registered update rule (a train config's \"rule\"), fixed and learned.");
  m.def(
      "train",
      [](const std::string& config_json, int64_t seeds, const std::string& objective, const std::string& device) {
        if (seeds <= 0) throw InvalidArgument("seeds must be > 0, got " + std::to_string(seeds));
        rl::TrainConfig config = parse_config<rl::TrainConfig>(config_json, "train config");
        config.validate();
        std::shared_ptr<const rl::UpdateRule> rule;
        if (!objective.empty()) rule = objectives::load_update_rule(objective);
        rl::Trainer trainer(config, seeds, Exec{parse_device(device), 0}, {}, rule);
        {
          py::gil_scoped_release release;  // training holds no Python objects
          trainer.run();
        }
        const int64_t updates = trainer.max_updates();
        py::array_t<float> curves({seeds, updates});
        for (int64_t p = 0; p < seeds; ++p) {
          const auto& c = trainer.curve(p);
          for (int64_t n = 0; n < updates; ++n) curves.mutable_at(p, n) = n < int64_t(c.size()) ? c[size_t(n)] : NAN;
        }
        const auto finals = trainer.final_returns();
        py::dict out;
        out["curves"] = curves;
        out["final_returns"] = py::array_t<double>(py::ssize_t(finals.size()), finals.data());
        out["env_steps_per_seed"] = trainer.env_steps_per_agent();
        out["steps_per_update"] = config.num_envs * config.num_steps;
        out["config"] = config_to_json(config);
        return out;
      },
      py::arg("config_json"), py::arg("seeds"), py::arg("objective"), py::arg("device"));
}

}  // namespace lamarck::python
