// The batched wrapper for env families whose simulation is not a POD -- a Box2D world, MuJoCo's mjData --
// and so runs on the CPU only. It keeps Batched's contract (batched.h): N instances per call stepped in
// parallel (OpenMP over instances; an instance's result does not depend on the thread that steps it),
// per-instance counter-based keys derived from (seed, id), a fresh Philox block per reset and step,
// same-step auto-reset with final observations, truncation at max_episode_steps, levels per instance.
//
// An env is a struct with:
//   using Action = int32_t | float;
//   static constexpr int kObsSize, kActionSize;
//   struct Params { ...; int32_t max_episode_steps; template <class V> void fields(V&); };  // the level
//   struct Instance { ... };   // owns its simulation; default-constructible, need not be copyable
//   static Spec spec(const Params&);
//   static void reset(const Params&, Instance&, Philox&);   // a fresh simulation for a new episode
//   static Transition step(const Params&, Instance&, const Action* action, Philox&);
//   static void observe(const Params&, const Instance&, float* obs);
//
// Snapshots are replay logs. A simulation cannot be copied as bytes, but an episode is a deterministic
// function of its level, its reset key and counter, and the actions taken since; a snapshot holds those
// per instance (with the batch's outputs), and restore() rebuilds every instance by resetting it and
// replaying its episode's actions, so the batch continues bit-identically. The log of an instance is
// at most one episode long (it is cleared at every reset).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"
#include "lamarck/envs/levels.h"

namespace lamarck::envs {

template <class Env>
class CpuBatched final : public LevelledBatchEnv<typename Env::Params> {
 public:
  using Params = typename Env::Params;
  using Action = typename Env::Action;
  using Instance = typename Env::Instance;
  static_assert(std::is_trivially_copyable_v<Params>, "env Params must be trivially copyable");

  CpuBatched(int64_t num_envs, const Exec& exec, const Params& params = Params())
      : exec_(exec), n_(num_envs) {
    levels_ = LevelTable<Params>(Env::spec(params).name, num_envs);
    if (num_envs <= 0) throw InvalidArgument("num_envs must be > 0, got " + std::to_string(num_envs));
    if (exec.device != Device::cpu)
      throw InvalidArgument(Env::spec(params).name + " runs on the CPU only (its simulation is not plain data): "
                            "use --device cpu");
    const size_t n = size_t(n_);
    instances_.resize(n);
    keys_.resize(n);
    counters_.assign(n, 0);
    episode_counter_.assign(n, 0);
    steps_.assign(n, 0);
    replay_.resize(n);
    obs_.assign(n * Env::kObsSize, 0.0f);
    final_obs_.assign(n * Env::kObsSize, 0.0f);
    rewards_.assign(n, 0.0f);
    terminated_.assign(n, 0);
    truncated_.assign(n, 0);
    set_params({params});
  }

  void set_params(const std::vector<Params>& params) override {
    levels_.assign(params);
    spec_ = Env::spec(params[0]);
    if (!name_.empty()) spec_.name = name_;
  }
  void set_name(const std::string& name) {
    name_ = name;
    spec_.name = name;
    levels_.set_name(name);
  }
  // One path only: the "reference" batch of a CPU-only env is the same loop.
  void set_reference_path(bool) {}

  const Spec& spec() const override { return spec_; }
  int64_t num_envs() const override { return n_; }
  const Exec& exec() const override { return exec_; }

  using BatchEnv::reset;
  using LevelledBatchEnv<Params>::levels_;
  void reset(uint64_t seed, const uint64_t* ids) override {
    parallel_for(exec_, n_, [&](int64_t i) { reset_one(i, seed, ids ? ids[i] : uint64_t(i)); });
  }
  void reset_instances(uint64_t seed, const std::vector<int64_t>& instances, const uint64_t* ids) override {
    for (int64_t i : instances) levels_.check_instance(i);
    parallel_for(exec_, int64_t(instances.size()), [&](int64_t j) {
      const int64_t i = instances[size_t(j)];
      reset_one(i, seed, ids ? ids[j] : uint64_t(i));
    });
  }
  void step(const int32_t* actions) override { step_typed(actions); }
  void step(const float* actions) override { step_typed(actions); }

  const float* observations() const override { return obs_.data(); }
  const float* final_observations() const override { return final_obs_.data(); }
  const float* rewards() const override { return rewards_.data(); }
  const uint8_t* terminated() const override { return terminated_.data(); }
  const uint8_t* truncated() const override { return truncated_.data(); }


  // ---- snapshots: replay logs ----
  std::string snapshot() const override {
    std::string out;
    put(out, uint64_t(n_));
    for (size_t i = 0; i < size_t(n_); ++i) {
      put_string(out, levels_.bytes(int64_t(i)));
      put(out, keys_[i]);
      put(out, counters_[i]);
      put(out, episode_counter_[i]);
      put(out, steps_[i]);
      put(out, uint64_t(replay_[i].size()));
      out.append(reinterpret_cast<const char*>(replay_[i].data()), sizeof(Action) * replay_[i].size());
    }
    put_vector(out, final_obs_);
    put_vector(out, rewards_);
    put_vector(out, terminated_);
    put_vector(out, truncated_);
    return out;
  }
  void restore(const std::string& snap) override {
    size_t at = 0;
    if (take<uint64_t>(snap, at) != uint64_t(n_)) bad_snapshot("another number of instances");
    const size_t n = static_cast<size_t>(n_);
    std::vector<std::string> levels(n);
    std::vector<Key> keys(n);
    std::vector<uint64_t> counters(n), episode_counter(n);
    std::vector<int32_t> steps(n);
    std::vector<std::vector<Action>> replay(n);
    for (size_t i = 0; i < n; ++i) {
      levels[i] = take_string(snap, at);
      keys[i] = take<Key>(snap, at);
      counters[i] = take<uint64_t>(snap, at);
      episode_counter[i] = take<uint64_t>(snap, at);
      steps[i] = take<int32_t>(snap, at);
      const uint64_t actions = take<uint64_t>(snap, at);
      if (actions > (snap.size() - at) / sizeof(Action)) bad_snapshot("too short");
      replay[i].resize(size_t(actions));
      std::memcpy(replay[i].data(), snap.data() + at, sizeof(Action) * size_t(actions));
      at += sizeof(Action) * size_t(actions);
      if (replay[i].size() != size_t(steps[i]) * Env::kActionSize) bad_snapshot("corrupt replay log");
    }
    std::vector<float> final_obs = take_vector<float>(snap, at), rewards = take_vector<float>(snap, at);
    std::vector<uint8_t> terminated = take_vector<uint8_t>(snap, at), truncated = take_vector<uint8_t>(snap, at);
    if (at != snap.size() || final_obs.size() != final_obs_.size() || rewards.size() != rewards_.size() ||
        terminated.size() != terminated_.size() || truncated.size() != truncated_.size())
      bad_snapshot("size mismatch");
    std::vector<int64_t> all(n);
    for (int64_t i = 0; i < n_; ++i) all[size_t(i)] = i;
    set_params(levels_.with_bytes(all, levels));
    keys_ = keys;
    episode_counter_ = episode_counter;
    replay_ = std::move(replay);
    final_obs_ = std::move(final_obs);
    rewards_ = std::move(rewards);
    terminated_ = std::move(terminated);
    truncated_ = std::move(truncated);
    // rebuild every instance: reset from the episode's start, replay its actions
    parallel_for(exec_, n_, [&](int64_t i) {
      const size_t k = size_t(i);
      const Params& p = levels_.of(i);
      Philox rng(keys_[k], episode_counter_[k]);
      Env::reset(p, instances_[k], rng);
      for (int32_t t = 0; t < steps[k]; ++t) {
        if constexpr (Env::kStepDrawsRandom) {
          Env::step(p, instances_[k], replay_[k].data() + size_t(t) * Env::kActionSize, rng);
        } else {
          Philox unused(Key{{0, 0}});
          Env::step(p, instances_[k], replay_[k].data() + size_t(t) * Env::kActionSize, unused);
        }
      }
      steps_[k] = steps[k];
      Env::observe(p, instances_[k], obs_.data() + i * Env::kObsSize);
    });
    counters_ = counters;
  }

 private:
  void reset_one(int64_t i, uint64_t seed, uint64_t id) {
    const size_t k = size_t(i);
    keys_[k] = derive_key(seed, kEnvStream, id, 0);
    counters_[k] = 0;
    begin_episode(i);
    rewards_[k] = 0.0f;
    terminated_[k] = 0;
    truncated_[k] = 0;
  }
  // A new episode of instance i from its key and counter; its first observation.
  void begin_episode(int64_t i) {
    const size_t k = size_t(i);
    const Params& p = levels_.of(i);
    episode_counter_[k] = counters_[k];
    Philox rng(keys_[k], counters_[k]);
    Env::reset(p, instances_[k], rng);
    counters_[k] = rng.counter;
    steps_[k] = 0;
    replay_[k].clear();
    Env::observe(p, instances_[k], obs_.data() + i * Env::kObsSize);
  }

  template <class A>
  void step_typed(const A* actions) {
    if constexpr (!std::is_same_v<A, Action>) {
      (void)actions;
      throw InvalidArgument(spec_.name + ": step() takes " +
                            (std::is_same_v<Action, int32_t> ? "int32 (discrete)" : "float32 (box)") + " actions");
    } else {
      parallel_for(exec_, n_, [&](int64_t i) {
        const size_t k = size_t(i);
        const Params& p = levels_.of(i);
        const Action* a = actions + i * Env::kActionSize;
        Transition t;
        if constexpr (Env::kStepDrawsRandom) {
          Philox rng(keys_[k], counters_[k]);
          t = Env::step(p, instances_[k], a, rng);
          counters_[k] = rng.counter;
        } else {
          Philox unused(Key{{0, 0}});
          t = Env::step(p, instances_[k], a, unused);
        }
        replay_[k].insert(replay_[k].end(), a, a + Env::kActionSize);
        const int32_t steps = ++steps_[k];
        rewards_[k] = t.reward;
        const bool truncated = p.max_episode_steps > 0 && steps >= p.max_episode_steps;
        terminated_[k] = t.terminated ? 1 : 0;
        truncated_[k] = truncated ? 1 : 0;
        if (t.terminated || truncated) {
          Env::observe(p, instances_[k], final_obs_.data() + i * Env::kObsSize);
          begin_episode(i);
        } else {
          Env::observe(p, instances_[k], obs_.data() + i * Env::kObsSize);
        }
      });
    }
  }

  template <class T>
  static void put(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  static void put_string(std::string& out, const std::string& s) {
    put(out, uint64_t(s.size()));
    out.append(s);
  }
  template <class T>
  static void put_vector(std::string& out, const std::vector<T>& v) {
    put(out, uint64_t(v.size()));
    out.append(reinterpret_cast<const char*>(v.data()), sizeof(T) * v.size());
  }
  template <class T>
  T take(const std::string& in, size_t& at) const {
    if (sizeof(T) > in.size() - at) bad_snapshot("too short");
    T v;
    std::memcpy(&v, in.data() + at, sizeof(T));
    at += sizeof(T);
    return v;
  }
  std::string take_string(const std::string& in, size_t& at) const {
    const uint64_t n = take<uint64_t>(in, at);
    if (n > in.size() - at) bad_snapshot("too short");
    std::string s = in.substr(at, size_t(n));
    at += size_t(n);
    return s;
  }
  template <class T>
  std::vector<T> take_vector(const std::string& in, size_t& at) const {
    const uint64_t n = take<uint64_t>(in, at);
    if (n > (in.size() - at) / sizeof(T)) bad_snapshot("too short");
    const size_t count = static_cast<size_t>(n);
    std::vector<T> v(count);
    std::memcpy(v.data(), in.data() + at, sizeof(T) * count);
    at += sizeof(T) * count;
    return v;
  }
  [[noreturn]] void bad_snapshot(const char* why) const {
    throw InvalidArgument(spec_.name + ": snapshot is not of this batch (" + why + ")");
  }

  Spec spec_;
  Exec exec_;
  int64_t n_;
  std::string name_;
  std::vector<Instance> instances_;
  std::vector<Key> keys_;
  std::vector<uint64_t> counters_;         // next Philox block of each instance
  std::vector<uint64_t> episode_counter_;  // the block its current episode's reset started at
  std::vector<int32_t> steps_;
  std::vector<std::vector<Action>> replay_;  // the current episode's actions, for snapshots
  std::vector<float> obs_, final_obs_, rewards_;
  std::vector<uint8_t> terminated_, truncated_;
};

}  // namespace lamarck::envs
