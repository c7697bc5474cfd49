// lamarck._lamarck.envs: a BatchEnv as a Python object over numpy arrays. The Gymnasium-style vector
// env (python/lamarck/envs.py) is built on this.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "bindings.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/rng.h"
#include "lamarck/envs/maze/levels.h"
#include "lamarck/envs/registry.h"

namespace py = pybind11;

namespace lamarck::python {
namespace {

using envs::BatchEnv;
using envs::Space;

// A host copy of a (rows, cols) float array of the env (which may live on the GPU).
py::array_t<float> host_copy(const float* data, Device device, int64_t rows, int64_t cols, bool flat) {
  py::array_t<float> out = flat ? py::array_t<float>({rows}) : py::array_t<float>({rows, cols});
  memory::copy(out.mutable_data(), Device::cpu, data, device, sizeof(float) * size_t(rows * cols));
  return out;
}

py::array_t<bool> host_flags(const uint8_t* data, Device device, int64_t n) {
  py::array_t<bool> out({n});
  memory::copy(out.mutable_data(), Device::cpu, data, device, size_t(n));  // 0/1 bytes are valid bools
  return out;
}

py::dict space_dict(const Space& s) {
  py::dict d;
  d["kind"] = s.kind == Space::Kind::discrete ? "discrete" : "box";
  d["n"] = s.n;
  d["shape"] = py::tuple(py::cast(s.shape));
  d["low"] = py::array_t<float>(py::ssize_t(s.low.size()), s.low.data());
  d["high"] = py::array_t<float>(py::ssize_t(s.high.size()), s.high.data());
  return d;
}

class PyBatchEnv {
 public:
  PyBatchEnv(const std::string& name, int64_t num_envs, const std::string& params_json, const std::string& device)
      : env_(envs::make_env(name, num_envs, Exec{parse_device(device), 0}, params_json)) {
    const Space& obs = env_->spec().observation;
    obs_size_ = obs.size();
    const Space& act = env_->spec().action;
    discrete_ = act.kind == Space::Kind::discrete;
    action_size_ = act.size();
    actions_ = DeviceArray<char>(num_envs * 4 * action_size_, env_->exec().device);
  }

  void reset(uint64_t seed) { env_->reset(seed); }

  // Validates the actions' shape and dtype against the action space; never lets a bad array through.
  void step(const py::array& actions) {
    const int64_t n = env_->num_envs();
    const std::string name = env_->spec().name;
    if (discrete_) {
      if (actions.ndim() != 1 || actions.shape(0) != n)
        throw InvalidArgument(name + ": actions must have shape (" + std::to_string(n) + ",), got " + shape_text(actions));
      const char kind = actions.dtype().kind();
      if (kind != 'i' && kind != 'u')
        throw InvalidArgument(name + ": discrete actions must be integers, got dtype " +
                              std::string(py::str(actions.dtype())));
      // checked as 64-bit values before the narrowing to int32 (2^32 must not wrap to action 0)
      auto a = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(actions);
      if (kind == 'u' && actions.itemsize() == 8) {  // uint64 above 2^63 would read as negative: check raw
        auto u = py::array_t<uint64_t, py::array::c_style | py::array::forcecast>::ensure(actions);
        for (int64_t i = 0; i < n; ++i)
          if (u.data()[i] > uint64_t(INT64_MAX))
            throw InvalidArgument(name + ": action " + std::to_string(u.data()[i]) + " of env " + std::to_string(i) +
                                  " is outside [0, " + std::to_string(env_->spec().action.n) + ")");
      }
      const int64_t* p = a.data();
      const int64_t count = env_->spec().action.n;
      std::vector<int32_t> narrow(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        if (p[i] < 0 || p[i] >= count)
          throw InvalidArgument(name + ": action " + std::to_string(p[i]) + " of env " + std::to_string(i) +
                                " is outside [0, " + std::to_string(count) + ")");
        narrow[size_t(i)] = int32_t(p[i]);
      }
      env_->step(device_actions(narrow.data(), n));
    } else {
      const bool flat_ok = action_size_ == 1 && actions.ndim() == 1 && actions.shape(0) == n;
      const bool full_ok = actions.ndim() == 2 && actions.shape(0) == n && actions.shape(1) == action_size_;
      if (!flat_ok && !full_ok)
        throw InvalidArgument(name + ": actions must have shape (" + std::to_string(n) + ", " +
                              std::to_string(action_size_) + "), got " + shape_text(actions));
      const char kind = actions.dtype().kind();
      if (kind != 'f' && kind != 'i' && kind != 'u')
        throw InvalidArgument(name + ": box actions must be numbers, got dtype " + std::string(py::str(actions.dtype())));
      auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(actions);
      for (int64_t i = 0; i < n * action_size_; ++i)
        if (!std::isfinite(a.data()[i]))
          throw InvalidArgument(name + ": action " + std::to_string(a.data()[i]) + " of env " +
                                std::to_string(i / action_size_) + " is not finite");
      env_->step(device_actions(a.data(), n * action_size_));
    }
  }

  py::array_t<float> observations() const { return host_copy(env_->observations(), device(), n(), obs_size_, false); }
  py::array_t<float> final_observations() const {
    return host_copy(env_->final_observations(), device(), n(), obs_size_, false);
  }
  py::array_t<float> rewards() const { return host_copy(env_->rewards(), device(), n(), 1, true); }
  py::array_t<bool> terminated() const { return host_flags(env_->terminated(), device(), n()); }
  py::array_t<bool> truncated() const { return host_flags(env_->truncated(), device(), n()); }

  int64_t state_size() const { return env_->state_size(); }
  py::array_t<float> get_state() const {
    const int64_t d = env_->state_size();
    if (d == 0) throw InvalidArgument(env_->spec().name + " has no physical state vector: use snapshot()/restore()");
    py::array_t<float> out({n(), d});
    env_->get_state(out.mutable_data());
    return out;
  }
  void set_state(const py::array& state) {
    const int64_t d = env_->state_size();
    if (d == 0) throw InvalidArgument(env_->spec().name + " has no physical state vector: use snapshot()/restore()");
    if (state.ndim() != 2 || state.shape(0) != n() || state.shape(1) != d)
      throw InvalidArgument(env_->spec().name + ": state must have shape (" + std::to_string(n()) + ", " +
                            std::to_string(d) + "), got " + shape_text(state));
    if (state.dtype().kind() != 'f')
      throw InvalidArgument(env_->spec().name + ": state must be floating point, got dtype " +
                            std::string(py::str(state.dtype())));
    auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(state);
    env_->set_state(a.data());
  }
  py::bytes snapshot() const { return py::bytes(env_->snapshot()); }
  void restore(const py::bytes& data) { env_->restore(std::string(data)); }

  // levels: JSON strings and canonical bytes per instance (the Python layer turns JSON into dicts)
  std::string get_level(int64_t i) const { return env_->get_level(i); }
  void set_levels(const std::vector<int64_t>& instances, const std::vector<std::string>& levels) {
    env_->set_levels(instances, levels);
  }
  py::bytes get_level_bytes(int64_t i) const { return py::bytes(env_->get_level_bytes(i)); }
  void set_level_bytes(const std::vector<int64_t>& instances, const std::vector<py::bytes>& levels) {
    std::vector<std::string> raw(levels.begin(), levels.end());
    env_->set_level_bytes(instances, raw);
  }
  uint64_t level_hash(int64_t i) const { return env_->level_hash(i); }
  std::vector<std::tuple<std::string, std::string, std::string>> level_fields(int64_t i) const {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (const ConfigField& f : env_->level_fields(i)) out.emplace_back(f.path, f.type, f.value);
    return out;
  }
  void reset_instances(uint64_t seed, const std::vector<int64_t>& instances) { env_->reset_instances(seed, instances); }

  const envs::Spec& spec() const { return env_->spec(); }
  int64_t n() const { return env_->num_envs(); }
  Device device() const { return env_->exec().device; }
  bool discrete() const { return discrete_; }

 private:
  static std::string shape_text(const py::array& a) {
    std::string s = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
    return s + (a.ndim() == 1 ? ",)" : ")");
  }
  // Host actions as the env's device expects them (a copy only when the env is on the GPU).
  template <class T>
  const T* device_actions(const T* host, int64_t count) {
    if (device() == Device::cpu) return host;
    memory::copy(actions_.data(), device(), host, Device::cpu, sizeof(T) * size_t(count));
    return reinterpret_cast<const T*>(actions_.data());
  }

  std::unique_ptr<BatchEnv> env_;
  int64_t obs_size_ = 0, action_size_ = 0;
  bool discrete_ = true;
  DeviceArray<char> actions_;
};

py::array_t<uint8_t> image_array(const envs::Image& im) {
  py::array_t<uint8_t> out({py::ssize_t(im.height), py::ssize_t(im.width), py::ssize_t(3)});
  std::memcpy(out.mutable_data(), im.rgb.data(), im.rgb.size());
  return out;
}

// lamarck._lamarck.envs.maze: levels as JSON strings (python/lamarck/maze.py turns them into dicts).
void bind_maze(py::module_ m) {
  namespace mz = envs::maze;
  m.def("holdout_names", &mz::holdout_names);
  m.def("standard_holdout_names", &mz::standard_holdout_names);
  m.def("holdout", [](const std::string& name) { return mz::level_json(mz::holdout_level(name)); }, py::arg("name"));
  m.def("parse", [](const std::string& text) { return mz::level_json(mz::parse_level(text)); }, py::arg("text"));
  m.def("text", [](const std::string& json) { return mz::level_text(mz::level_from_json(json)); }, py::arg("level"));
  m.def("validate", [](const std::string& json) { mz::level_from_json(json); }, py::arg("level"));
  m.def(
      "stats",
      [](const std::string& json, int32_t max_steps, bool penalize_time) {
        const mz::LevelStats s = mz::level_stats(mz::level_from_json(json), max_steps, penalize_time);
        py::dict d;
        d["walls"] = s.walls;
        d["solvable"] = s.solvable;
        d["shortest_path"] = s.shortest_path;
        d["optimal_actions"] = s.optimal_actions;
        d["optimal_return"] = s.optimal_return;
        return d;
      },
      py::arg("level"), py::arg("max_steps") = 250, py::arg("penalize_time") = true);
  m.def(
      "generate",
      [](int64_t n, int width, int height, int n_walls, uint64_t seed) {
        if (n < 0) throw InvalidArgument("maze.generate: n must be >= 0");
        if (width < 1 || width > mz::kMaxSide || height < 1 || height > mz::kMaxSide)
          throw InvalidArgument("maze.generate: width and height must be in [1, " + std::to_string(mz::kMaxSide) + "]");
        if (n_walls < 0 || n_walls > width * height - 2)
          throw InvalidArgument("maze.generate: n_walls must be in [0, width * height - 2 = " +
                                std::to_string(width * height - 2) + "]");
        std::vector<std::string> out;
        for (int64_t i = 0; i < n; ++i) {
          Philox rng(derive_key(seed, 0x6d617a65, uint64_t(i), 0));
          out.push_back(mz::level_json(mz::generate_level(width, height, n_walls, rng)));
        }
        return out;
      },
      py::arg("n"), py::arg("width"), py::arg("height"), py::arg("n_walls"), py::arg("seed"));
  m.def(
      "mutate",
      [](const std::vector<std::string>& levels, int n_edits, uint64_t seed) {
        if (n_edits < 0) throw InvalidArgument("maze.mutate: n_edits must be >= 0");
        std::vector<std::string> out;
        for (size_t i = 0; i < levels.size(); ++i) {
          mz::Layout l = mz::level_from_json(levels[i]);
          Philox rng(derive_key(seed, 0x6d757461, uint64_t(i), 0));
          mz::mutate_level(l, n_edits, rng);
          out.push_back(mz::level_json(l));
        }
        return out;
      },
      py::arg("levels"), py::arg("n_edits"), py::arg("seed"));
  m.def("image", [](const std::string& json, int cell) { return image_array(mz::draw_level(mz::level_from_json(json), cell)); },
        py::arg("level"), py::arg("cell") = 24);
}

}  // namespace

void bind_envs(py::module_ m) {
  bind_maze(m.def_submodule("maze", "maze levels: holdouts, text, telemetry, generator and mutator"));
  m.def("has_level_text", &envs::env_has_level_text, py::arg("name"));
  m.def("level_from_text", &envs::level_from_text, py::arg("name"), py::arg("text"));
  m.def("level_to_text", &envs::level_to_text, py::arg("name"), py::arg("level_json"));
  m.def("render_level", [](const std::string& name, const std::string& json) { return image_array(envs::render_level(name, json)); },
        py::arg("name"), py::arg("level_json"));
  m.def("names", [] { return envs::env_names(); }, "Every registered env name.");
  m.def("describe", &envs::env_description, py::arg("name"));
  m.def("params_json", &envs::env_params_json, py::arg("name"), py::arg("params_json") = "",
        "The env's Params (with overrides applied) as JSON.");
  py::class_<PyBatchEnv>(m, "BatchEnv")
      .def(py::init<const std::string&, int64_t, const std::string&, const std::string&>(), py::arg("name"),
           py::arg("num_envs"), py::arg("params_json") = "", py::arg("device") = "cpu")
      .def("reset", &PyBatchEnv::reset, py::arg("seed"))
      .def("step", &PyBatchEnv::step, py::arg("actions"))
      .def("observations", &PyBatchEnv::observations)
      .def("final_observations", &PyBatchEnv::final_observations)
      .def("rewards", &PyBatchEnv::rewards)
      .def("terminated", &PyBatchEnv::terminated)
      .def("truncated", &PyBatchEnv::truncated)
      .def("state_size", &PyBatchEnv::state_size)
      .def("get_state", &PyBatchEnv::get_state)
      .def("set_state", &PyBatchEnv::set_state, py::arg("state"))
      .def("snapshot", &PyBatchEnv::snapshot)
      .def("restore", &PyBatchEnv::restore, py::arg("snapshot"))
      .def("get_level", &PyBatchEnv::get_level, py::arg("instance"))
      .def("set_levels", &PyBatchEnv::set_levels, py::arg("instances"), py::arg("levels"))
      .def("get_level_bytes", &PyBatchEnv::get_level_bytes, py::arg("instance"))
      .def("set_level_bytes", &PyBatchEnv::set_level_bytes, py::arg("instances"), py::arg("levels"))
      .def("level_hash", &PyBatchEnv::level_hash, py::arg("instance"))
      .def("level_fields", &PyBatchEnv::level_fields, py::arg("instance"))
      .def("reset_instances", &PyBatchEnv::reset_instances, py::arg("seed"), py::arg("instances"))
      .def_property_readonly("num_envs", &PyBatchEnv::n)
      .def_property_readonly("name", [](const PyBatchEnv& e) { return e.spec().name; })
      .def_property_readonly("max_episode_steps", [](const PyBatchEnv& e) { return e.spec().max_episode_steps; })
      .def_property_readonly("observation_space", [](const PyBatchEnv& e) { return space_dict(e.spec().observation); })
      .def_property_readonly("action_space", [](const PyBatchEnv& e) { return space_dict(e.spec().action); });
}

}  // namespace lamarck::python
