// lamarck._lamarck.ued: the level replay buffer and the level scores of meta/ (level_sampler.h,
// ued_scores.h), for curricula written in Python over any env with levels.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>

#include "bindings.h"
#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/meta/level_sampler.h"
#include "lamarck/meta/ued_scores.h"

namespace py = pybind11;

namespace lamarck::python {

namespace {

// A sampler with its own random stream (seeded once; every draw advances it).
struct PySampler {
  meta::LevelSampler sampler;
  Philox rng;
  PySampler(const meta::LevelSamplerConfig& c, uint64_t seed) : sampler(c), rng(derive_key(seed, 0x756564ull, 0, 0)) {}
};

py::array_t<double> as_array(const std::vector<double>& v) { return py::array_t<double>(py::ssize_t(v.size()), v.data()); }

// One of the sampler's weight vectors, over the held levels only (the sampler's are capacity long).
template <std::vector<double> (meta::LevelSampler::*Weights)() const>
py::array_t<double> held_weights(const PySampler& s) {
  std::vector<double> w = (s.sampler.*Weights)();
  w.resize(size_t(s.sampler.size()));
  return as_array(w);
}

}  // namespace

void bind_ued(py::module_ m) {
  py::class_<PySampler>(m, "LevelSampler")
      .def(py::init([](int64_t capacity, double replay_prob, double staleness_coef, double min_fill_ratio,
                       const std::string& prioritization, double temperature, int64_t topk_k, bool duplicate_check,
                       uint64_t seed) {
             meta::LevelSamplerConfig c;
             c.capacity = capacity;
             c.replay_prob = replay_prob;
             c.staleness_coef = staleness_coef;
             c.min_fill_ratio = min_fill_ratio;
             c.prioritization = prioritization;
             c.temperature = temperature;
             c.topk_k = topk_k;
             c.duplicate_check = duplicate_check;
             return new PySampler(c, seed);
           }),
           py::arg("capacity") = 4000, py::arg("replay_prob") = 0.8, py::arg("staleness_coef") = 0.3,
           py::arg("min_fill_ratio") = 0.5, py::arg("prioritization") = "rank", py::arg("temperature") = 0.3,
           py::arg("topk_k") = 4, py::arg("duplicate_check") = true, py::arg("seed") = 0)
      .def_property_readonly("size", [](const PySampler& s) { return s.sampler.size(); })
      .def_property_readonly("capacity", [](const PySampler& s) { return s.sampler.capacity(); })
      .def_property_readonly("episode_count", [](const PySampler& s) { return s.sampler.episode_count(); })
      .def("level", [](const PySampler& s, int64_t i) {
        if (i < 0 || i >= s.sampler.size()) throw InvalidArgument("slot " + std::to_string(i) + " is empty");
        return s.sampler.level(i);
      })
      .def("extra", [](const PySampler& s, int64_t i) {
        if (i < 0 || i >= s.sampler.size()) throw InvalidArgument("slot " + std::to_string(i) + " is empty");
        const meta::LevelExtra& e = s.sampler.extra(i);
        py::dict d;
        d["max_return"] = e.max_return;
        d["mutations"] = e.mutations;
        d["optimal_return"] = e.optimal_return;
        return d;
      })
      .def_property_readonly("scores", [](const PySampler& s) {
        std::vector<double> v;
        for (int64_t i = 0; i < s.sampler.size(); ++i) v.push_back(s.sampler.score(i));
        return as_array(v);
      })
      .def_property_readonly("timestamps", [](const PySampler& s) {
        std::vector<int64_t> v;
        for (int64_t i = 0; i < s.sampler.size(); ++i) v.push_back(s.sampler.timestamp(i));
        return py::array_t<int64_t>(py::ssize_t(v.size()), v.data());
      })
      .def("score_weights", &held_weights<&meta::LevelSampler::score_weights>)
      .def("staleness_weights", &held_weights<&meta::LevelSampler::staleness_weights>)
      .def("replay_weights", &held_weights<&meta::LevelSampler::replay_weights>)
      .def("sample_replay_decision", [](PySampler& s) { return s.sampler.sample_replay_decision(s.rng); })
      .def("sample_replay_levels", [](PySampler& s, int64_t n) {
        if (n < 1) throw InvalidArgument("sample_replay_levels: n must be at least 1");
        return s.sampler.sample_replay_levels(s.rng, n);
      }, py::arg("n"))
      .def("insert", [](PySampler& s, const std::string& level, float score, float max_return, int32_t mutations,
                        float optimal_return) {
        meta::LevelExtra e;
        e.max_return = max_return;
        e.mutations = mutations;
        e.optimal_return = optimal_return;
        return s.sampler.insert(level, score, e);
      }, py::arg("level"), py::arg("score"), py::arg("max_return") = 0.0f, py::arg("mutations") = 0,
         py::arg("optimal_return") = std::numeric_limits<float>::quiet_NaN())
      .def("update", [](PySampler& s, int64_t slot, float score, float max_return, int32_t mutations,
                        float optimal_return) {
        meta::LevelExtra e;
        e.max_return = max_return;
        e.mutations = mutations;
        e.optimal_return = optimal_return;
        s.sampler.update(slot, score, e);
      }, py::arg("slot"), py::arg("score"), py::arg("max_return") = 0.0f, py::arg("mutations") = 0,
         py::arg("optimal_return") = std::numeric_limits<float>::quiet_NaN())
      .def("find", [](const PySampler& s, const std::string& level) { return s.sampler.find(level); });

  m.def("score_names", [] { return meta::ued_score_names(); });
  // (T, N) rollout arrays -> per column: score, max_return, mean_return, episodes
  m.def("score", [](const std::string& kind, py::array_t<uint8_t, py::array::c_style | py::array::forcecast> dones,
                    py::array_t<float, py::array::c_style | py::array::forcecast> rewards,
                    py::array_t<float, py::array::c_style | py::array::forcecast> values,
                    py::array_t<float, py::array::c_style | py::array::forcecast> advantages,
                    py::array_t<float, py::array::c_style | py::array::forcecast> previous_max_return,
                    py::array_t<float, py::array::c_style | py::array::forcecast> optimal_return) {
    const meta::UedScore k = meta::parse_ued_score(kind);
    if (dones.ndim() != 2) throw InvalidArgument("score: dones must be (T, N)");
    const int64_t T = dones.shape(0), N = dones.shape(1);
    for (auto* a : {&rewards, &values, &advantages})
      if (a->ndim() != 2 || a->shape(0) != T || a->shape(1) != N)
        throw InvalidArgument("score: rewards, values and advantages must be (T, N) like dones");
    if (previous_max_return.size() != N || optimal_return.size() != N)
      throw InvalidArgument("score: previous_max_return and optimal_return need N values");
    meta::RolloutView v;
    v.T = T;
    v.rows = N;
    v.dones = dones.data();
    v.rewards = rewards.data();
    v.values = values.data();
    v.advantages = advantages.data();
    py::array_t<float> score(N), max_return(N), mean_return(N);
    py::array_t<int64_t> episodes(N);
    for (int64_t r = 0; r < N; ++r) {
      const meta::RowScore s = meta::score_row(k, v, r, previous_max_return.data()[r], optimal_return.data()[r]);
      score.mutable_data()[r] = s.score;
      max_return.mutable_data()[r] = s.max_return;
      mean_return.mutable_data()[r] = s.mean_return;
      episodes.mutable_data()[r] = s.episodes;
    }
    py::dict out;
    out["score"] = score;
    out["max_return"] = max_return;
    out["mean_return"] = mean_return;
    out["episodes"] = episodes;
    return out;
  });
}

}  // namespace lamarck::python
