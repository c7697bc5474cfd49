// The one generic batched wrapper: it turns an env written as plain host-device functions into a
// BatchEnv that steps N instances per call, with auto-reset, truncation, final observations and
// per-instance counter-based randomness. Threads, batching and device dispatch live here once.
//
// An env is a struct with (see classic/cartpole.h for the smallest example):
//   using Action = int32_t | float;          // discrete or box actions
//   static constexpr int kObsSize, kActionSize;  // floats per observation, actions per instance
//   static constexpr bool kStepDrawsRandom;   // false: step() never touches the Philox it is given
//   static constexpr int kStateFloats;        // State is that many floats in the reference's order
//                                             // (Gymnasium's env.unwrapped.state); 0 = not a float vector
//   struct Params { ...; int32_t max_episode_steps; template <class V> void fields(V&); };  // const
//   struct State { ... };                                                                    // POD
//   static Spec spec(const Params&);
//   LMK_HD static void reset(const Params&, State&, Philox&);
//   LMK_HD static Transition step(const Params&, State&, const Action* action, Philox&);
//   LMK_HD static void observe(const Params&, const State&, float* obs);
//   static constexpr bool kObserveStrided;    // optional, true: observe is a template on the output type
//                                             // (float* or StridedObs) and the CUDA step writes through a
//                                             // strided view, then transposes (for large observations)
//   static constexpr bool kSimdAcrossInstances;  // optional, false: the CPU fast path runs instances one
//                                             // after another instead of asking for SIMD across them (for
//                                             // steps with per-instance table lookups, e.g. maze walls)
//
// Randomness: instance i of a batch reset with `seed` owns the Philox key derive_key(seed, kEnvStream,
// i, 0) and a block counter; every step() and reset() starts at a fresh block, so the numbers an
// instance sees do not depend on the thread count, the device, or the CPU fast path.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/config.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/levels.h"

namespace lamarck::envs {

// What one step of one instance returns besides the new state.
struct Transition {
  float reward;
  bool terminated;
};

constexpr uint64_t kEnvStream = 0x656e7673;  // "envs": the key stream of env instances

// An observation row written with a stride: element k at p[k * stride]. With p = obs_t + i and stride N,
// the rows of all instances form a (kObsSize, N) array, so the threads of a warp (consecutive i) store to
// consecutive addresses. A transpose then gives the (N, kObsSize) observations.
struct StridedObs {
  float* p;
  int64_t stride;
  LMK_HD float& operator[](int64_t k) const { return p[k * stride]; }
};

// Whether Env declares kObserveStrided = true (see the interface above).
template <class Env, class = void>
struct ObserveStrided : std::false_type {};
template <class Env>
struct ObserveStrided<Env, std::void_t<decltype(Env::kObserveStrided)>> : std::bool_constant<Env::kObserveStrided> {};

// Whether Env asks for SIMD across instances on the CPU (the default; see the interface above).
template <class Env, class = void>
struct SimdAcrossInstances : std::true_type {};
template <class Env>
struct SimdAcrossInstances<Env, std::void_t<decltype(Env::kSimdAcrossInstances)>>
    : std::bool_constant<Env::kSimdAcrossInstances> {};

// Raw device pointers of a batch: what a kernel needs to step or reset instance i.
template <class Env>
struct BatchView {
  using Params = typename Env::Params;
  using State = typename Env::State;
  const Params* params;     // (1) shared or (N) per instance
  int64_t params_stride;    // 0 shared, 1 per instance
  State* states;            // (N) States; for float-vector envs (kStateFloats > 0) the same bytes hold
                            // (kStateFloats, N) planes instead: use load_state / store_state
  int64_t n;                // instances
  Key* keys;                // (N) per-instance Philox key
  uint64_t* counters;       // (N) next Philox block of each instance
  int32_t* steps;           // (N) steps taken in the current episode
  float* obs;               // (N, kObsSize)
  float* final_obs;         // (N, kObsSize), rows valid where an episode ended
  float* rewards;           // (N)
  uint8_t* terminated;      // (N)
  uint8_t* truncated;       // (N)
  float* obs_t;             // (kObsSize, N) scratch of the strided step, or nullptr
  int32_t* diverged;        // (N) diverged steps of each instance since the last full reset (box-action
                            // envs; nullptr for discrete ones)

  LMK_HD const Params& params_of(int64_t i) const { return params[i * params_stride]; }

  // The state of instance i. Float-vector envs keep their states as structure-of-arrays planes (float k
  // of instance i at planes[k * n + i]): unit-stride SIMD loads on the CPU, coalesced loads on the GPU.
  LMK_HD LMK_INLINE State load_state(int64_t i) const {
    if constexpr (Env::kStateFloats > 0) {
      const float* planes = reinterpret_cast<const float*>(states);
      State s;
      float* f = reinterpret_cast<float*>(&s);  // State is kStateFloats floats (static_assert in Batched)
      LMK_UNROLL
      for (int k = 0; k < Env::kStateFloats; ++k) f[k] = planes[k * n + i];
      return s;
    } else {
      return states[i];
    }
  }
  LMK_HD LMK_INLINE void store_state(int64_t i, const State& s) const {
    if constexpr (Env::kStateFloats > 0) {
      float* planes = reinterpret_cast<float*>(states);
      const float* f = reinterpret_cast<const float*>(&s);
      LMK_UNROLL
      for (int k = 0; k < Env::kStateFloats; ++k) planes[k * n + i] = f[k];
    } else {
      states[i] = s;
    }
  }
};

// Resets instance i with the keys of (seed, id).
template <class Env>
LMK_HD inline void reset_one(const BatchView<Env>& v, int64_t i, uint64_t seed, uint64_t id) {
  const auto& p = v.params_of(i);
  v.keys[i] = derive_key(seed, kEnvStream, id, 0);
  Philox rng(v.keys[i], 0);
  typename Env::State s{};
  Env::reset(p, s, rng);
  v.store_state(i, s);
  v.counters[i] = rng.counter;
  v.steps[i] = 0;
  v.rewards[i] = 0.0f;
  v.terminated[i] = 0;
  v.truncated[i] = 0;
  Env::observe(p, s, v.obs + i * Env::kObsSize);
}

// The end of instance i's episode, on its state s (not yet stored): the final observation, then a reset
// that makes s the first state of the next episode.
template <class Env>
LMK_HD inline void end_episode(const BatchView<Env>& v, int64_t i, typename Env::State& s) {
  const auto& p = v.params_of(i);
  Env::observe(p, s, v.final_obs + i * Env::kObsSize);
  Philox rng(v.keys[i], v.counters[i]);
  Env::reset(p, s, rng);
  v.counters[i] = rng.counter;
  v.steps[i] = 0;
}

// The physics of instance i on its state s: new state, reward, terminated, truncated (Gymnasium's
// TimeLimit: truncated when the episode reaches max_episode_steps, reported even on a terminal step).
// Returns whether the episode ended.
//
// Numerical trouble is data: in a box-action env, a step whose action is not finite (a NaN or infinite
// torque) or whose reward is not (a state that blew up) has diverged. It is undone (the state stays the last finite one, the
// reward is 0), the episode is cut there (truncated, not terminated: its final observation is that last
// finite state) and the instance resets as at any episode end; diverged[i] counts it.
template <class Env>
LMK_HD LMK_INLINE bool physics(const BatchView<Env>& v, int64_t i, const typename Env::Params& p,
                               const typename Env::Action* actions, typename Env::State& s) {
  constexpr bool kBoxActions = std::is_same_v<typename Env::Action, float>;
  [[maybe_unused]] const typename Env::State before = s;
  const typename Env::Action* a = actions + i * Env::kActionSize;
  Transition t;
  if constexpr (Env::kStepDrawsRandom) {
    Philox rng(v.keys[i], v.counters[i]);
    t = Env::step(p, s, a, rng);
    v.counters[i] = rng.counter;
  } else {
    Philox unused(Key{{0, 0}});  // never drawn from: the CPU loop over instances stays vectorisable
    t = Env::step(p, s, a, unused);
  }
  bool diverged = false;
  if constexpr (kBoxActions) {
    bool finite = t.reward - t.reward == 0.0f;  // false for NaN and ±inf
    LMK_UNROLL
    for (int k = 0; k < Env::kActionSize; ++k) finite = finite & (a[k] - a[k] == 0.0f);
    diverged = !finite;
    if (diverged) {
      s = before;
      t.reward = 0.0f;
      t.terminated = false;
      v.diverged[i] += 1;
    }
  }
  const int32_t steps = v.steps[i] + 1;
  v.steps[i] = steps;
  v.rewards[i] = t.reward;
  const bool truncated = diverged | ((p.max_episode_steps > 0) & (steps >= p.max_episode_steps));
  v.terminated[i] = t.terminated ? 1 : 0;
  v.truncated[i] = truncated ? 1 : 0;
  return t.terminated | truncated;
}

// The physics of instance i with its state loaded and stored (the CPU passes).
template <class Env>
LMK_HD LMK_INLINE void physics_one(const BatchView<Env>& v, int64_t i, const typename Env::Params& p,
                                   const typename Env::Action* actions) {
  typename Env::State s = v.load_state(i);
  physics(v, i, p, actions, s);
  v.store_state(i, s);
}

// The end of an episode (if it ended) and the observation of instance i, after its physics stepped.
template <class Env>
LMK_HD inline void finish_one(const BatchView<Env>& v, int64_t i) {
  typename Env::State s = v.load_state(i);
  if (v.terminated[i] || v.truncated[i]) {
    end_episode(v, i, s);
    v.store_state(i, s);
  }
  Env::observe(v.params_of(i), s, v.obs + i * Env::kObsSize);
}

// A whole step of instance i with one load and one store of its state (the state of a large env, such as
// Seaquest's ~600 bytes, is the costliest memory traffic of a GPU step after the observation): physics,
// end of episode, observation into obs (float*, or a StridedObs for kObserveStrided envs).
template <class Env, class Obs>
LMK_HD inline void step_and_observe(const BatchView<Env>& v, int64_t i, const typename Env::Action* actions,
                                    Obs obs) {
  const auto& p = v.params_of(i);
  typename Env::State s = v.load_state(i);
  if (physics(v, i, p, actions, s)) end_episode(v, i, s);
  v.store_state(i, s);
  Env::observe(p, s, obs);
}

// The plain, obviously right step of instance i (used on the GPU and as the CPU reference).
template <class Env>
LMK_HD inline void step_one(const BatchView<Env>& v, int64_t i, const typename Env::Action* actions) {
  step_and_observe(v, i, actions, v.obs + i * Env::kObsSize);
}

template <class Env>
struct StepKernel {
  BatchView<Env> v;
  const typename Env::Action* actions;
  LMK_HD void operator()(int64_t i) const { step_one(v, i, actions); }
};

// The step of instance i with its observation written to the strided scratch obs_t (kObserveStrided envs
// on CUDA): the same physics, end of episode and observation as step_one; TransposeObs then moves the
// observations to (N, kObsSize).
template <class Env>
struct StepKernelStrided {
  BatchView<Env> v;
  const typename Env::Action* actions;
  LMK_HD void operator()(int64_t i) const { step_and_observe(v, i, actions, StridedObs{v.obs_t + i, v.n}); }
};

// out[i, k] = in[k, i]: the (K, N) scratch to (N, K) observations, one instance per call (the CPU check of
// the strided path; CUDA uses a tiled transpose, envs_cuda.cu).
struct TransposeObs {
  const float* in;  // (K, N)
  float* out;       // (N, K)
  int64_t n, k;
  LMK_HD void operator()(int64_t i) const {
    for (int64_t c = 0; c < k; ++c) out[i * k + c] = in[c * n + i];
  }
};

// Resets instance which[j] (j when which is null) with the id ids[j] (the instance's index when ids is null).
template <class Env>
struct ResetKernel {
  BatchView<Env> v;
  uint64_t seed;
  const uint64_t* ids;    // (count) instance ids, may be null
  const int64_t* which;   // (count) the instances to reset; null = all, in order
  LMK_HD void operator()(int64_t j) const {
    const int64_t i = which ? which[j] : j;
    reset_one(v, i, seed, ids ? ids[j] : uint64_t(i));
  }
};
// CUDA launches, defined for every listed env (env_list.h) in envs/src/envs_cuda.cu, and in CPU-only builds
// by envs/src/no_cuda.cpp's stubs, which throw the clear error (es, rl and learned_objectives do the same).
// `plain`: the per-instance StepKernel even for kObserveStrided envs (the reference path, for parity and
// the comparison loop of the bench).
template <class Env>
void step_cuda(const BatchView<Env>& v, const typename Env::Action* actions, int64_t n, bool plain);
// which: (n) device array of the instances to reset, null = all n; ids: (n) device array, may be null.
template <class Env>
void reset_cuda(const BatchView<Env>& v, uint64_t seed, const uint64_t* ids, const int64_t* which, int64_t n);

// The CPU fast path: chunks of instances per thread. For envs whose step draws no randomness (shared
// Params), one SIMD loop per chunk steps the physics and writes every observation; the rare instances whose
// episode ended are then fixed up one by one (final observation, reset, first observation). Otherwise the
// physics of every instance first, then resets, then observations. Gives the same bits as step_one
// (tests/envs/batched_test.cpp).
template <class Env>
void step_cpu(const BatchView<Env>& v, const typename Env::Action* actions, int64_t n, const Exec& exec) {
  constexpr int64_t kChunk = 512;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  parallel_for(exec, chunks, [&](int64_t c) {
    const int64_t begin = c * kChunk;
    const int64_t end = begin + kChunk < n ? begin + kChunk : n;
    // local copies: the uint8 flag stores may alias anything reached through the captured references
    const BatchView<Env> w = v;
    const typename Env::Action* const acts = actions;
    if constexpr (!Env::kStepDrawsRandom) {
      if (v.params_stride == 0) {
        // instances are independent: ask for SIMD (bitwise the same arithmetic, -ffp-contract=off)
        const typename Env::Params p = v.params[0];
        uint32_t any_ended = 0;
        if constexpr (SimdAcrossInstances<Env>::value) {
#pragma omp simd reduction(| : any_ended)
          for (int64_t i = begin; i < end; ++i) {
            physics_one(w, i, p, acts);
            Env::observe(p, w.load_state(i), w.obs + i * Env::kObsSize);
            any_ended |= uint32_t(w.terminated[i] | w.truncated[i]);
          }
        } else {
          for (int64_t i = begin; i < end; ++i) {
            physics_one(w, i, p, acts);
            Env::observe(p, w.load_state(i), w.obs + i * Env::kObsSize);
            any_ended |= uint32_t(w.terminated[i] | w.truncated[i]);
          }
        }
        if (any_ended)
          for (int64_t i = begin; i < end; ++i)
            if (w.terminated[i] | w.truncated[i]) finish_one(w, i);
        return;
      }
    }
    for (int64_t i = begin; i < end; ++i) physics_one(w, i, w.params_of(i), acts);
    // ended episodes (rare): final observation and reset; then every observation
    for (int64_t i = begin; i < end; ++i)
      if (w.terminated[i] | w.truncated[i]) {
        typename Env::State s = w.load_state(i);
        end_episode(w, i, s);
        w.store_state(i, s);
      }
    for (int64_t i = begin; i < end; ++i) Env::observe(w.params_of(i), w.load_state(i), w.obs + i * Env::kObsSize);
  });
}

template <class Env>
class Batched final : public LevelledBatchEnv<typename Env::Params> {
 public:
  using Params = typename Env::Params;
  using State = typename Env::State;
  using Action = typename Env::Action;
  static_assert(std::is_trivially_copyable_v<State>, "env State must be POD");
  static_assert(std::is_trivially_copyable_v<Params>, "env Params must be trivially copyable");

  Batched(int64_t num_envs, const Exec& exec, const Params& params = Params())
      : exec_(exec), n_(num_envs) {
    levels_ = LevelTable<Params>(Env::spec(params).name, num_envs);
    if (num_envs <= 0) throw InvalidArgument("num_envs must be > 0, got " + std::to_string(num_envs));
    require_device(exec);
    const Device d = exec.device;
    states_ = DeviceArray<State>(n_, d);
    keys_ = DeviceArray<Key>(n_, d);
    counters_ = DeviceArray<uint64_t>(n_, d);
    steps_ = DeviceArray<int32_t>(n_, d);
    obs_ = DeviceArray<float>(n_ * Env::kObsSize, d);
    final_obs_ = DeviceArray<float>(n_ * Env::kObsSize, d);
    rewards_ = DeviceArray<float>(n_, d);
    terminated_ = DeviceArray<uint8_t>(n_, d);
    truncated_ = DeviceArray<uint8_t>(n_, d);
    if constexpr (std::is_same_v<Action, float>) diverged_ = DeviceArray<int32_t>(n_, d);
    set_params(std::vector<Params>{params});
  }

  // Shared Params (size 1) or one Params per instance (size N); takes effect at the next reset.
  void set_params(const std::vector<Params>& params) override {
    levels_.assign(params);
    params_ = DeviceArray<Params>(params, exec_.device);
    spec_ = Env::spec(params[0]);
    if (!name_.empty()) spec_.name = name_;
  }
  // The registry name, when it differs from the env's own (e.g. "MinAtar/Breakout-ref").
  void set_name(const std::string& name) {
    name_ = name;
    spec_.name = name;
    levels_.set_name(name);
  }
  const std::vector<Params>& params() const { return levels_.all(); }

  // Use the plain per-instance kernel (StepKernel) instead of the fast path: the CPU's chunked loop, or
  // CUDA's strided observations and transpose (for tests and the bench's comparison loop).
  void set_reference_path(bool on) { reference_path_ = on; }
  // Use the strided-observation kernel and transpose that CUDA runs, on the CPU (for tests; envs with
  // kObserveStrided only).
  void set_strided_path(bool on) {
    if (on && !ObserveStrided<Env>::value)
      throw InvalidArgument(spec_.name + ": no strided observation path (kObserveStrided)");
    strided_path_ = on;
  }

  const Spec& spec() const override { return spec_; }
  int64_t num_envs() const override { return n_; }
  const Exec& exec() const override { return exec_; }

  using BatchEnv::reset;
  using LevelledBatchEnv<Params>::levels_;
  void reset(uint64_t seed, const uint64_t* instance_ids) override {
    if (diverged_.size() > 0) memory::fill_zero(diverged_.data(), sizeof(int32_t) * size_t(n_), exec_.device);
    reset_kernel(seed, instance_ids, nullptr, n_);
  }
  int64_t diverged_steps() const override {
    int64_t total = 0;
    for (int32_t c : diverged_.to_host()) total += c;
    return total;
  }

  // ---- levels: LevelledBatchEnv (levels.h), plus subset resets ----
  void reset_instances(uint64_t seed, const std::vector<int64_t>& instances, const uint64_t* ids) override {
    for (int64_t i : instances) levels_.check_instance(i);
    if (instances.empty()) return;
    const DeviceArray<int64_t> which(instances, exec_.device);
    DeviceArray<uint64_t> id_array;
    if (ids) id_array = DeviceArray<uint64_t>(std::vector<uint64_t>(ids, ids + instances.size()), exec_.device);
    reset_kernel(seed, ids ? id_array.data() : nullptr, which.data(), int64_t(instances.size()));
    synchronize(exec_);  // `which` and `id_array` are freed on return
  }
  void step(const int32_t* actions) override { step_typed(actions); }
  void step(const float* actions) override { step_typed(actions); }

  const float* observations() const override { return obs_.data(); }
  const float* final_observations() const override { return final_obs_.data(); }
  const float* rewards() const override { return rewards_.data(); }
  const uint8_t* terminated() const override { return terminated_.data(); }
  const uint8_t* truncated() const override { return truncated_.data(); }

  // Per-instance states (copied to / from the host; the device layout is the BatchView's) and episode step
  // counts (device memory), for tests and rendering.
  std::vector<State> host_states() const {
    std::vector<State> raw = states_.to_host();
    std::vector<State> out(raw.size());
    const BatchView<Env> v = host_view(raw.data());
    for (int64_t i = 0; i < n_; ++i) out[size_t(i)] = v.load_state(i);
    return out;
  }
  void set_host_states(const std::vector<State>& states) {
    if (int64_t(states.size()) != n_)
      throw InvalidArgument("set_host_states: expected " + std::to_string(n_) + " states, got " +
                            std::to_string(states.size()));
    std::vector<State> raw(states.size());
    const BatchView<Env> v = host_view(raw.data());
    for (int64_t i = 0; i < n_; ++i) v.store_state(i, states[size_t(i)]);
    states_.copy_from_host(raw.data(), n_);
    observe_all();
  }
  const int32_t* episode_steps() const { return steps_.data(); }

  // ---- state access and snapshots (BatchEnv) ----
  int64_t state_size() const override { return Env::kStateFloats; }
  void get_state(float* out) const override {
    if constexpr (Env::kStateFloats == 0) {
      BatchEnv::get_state(out);
    } else {
      static_assert(sizeof(State) == sizeof(float) * Env::kStateFloats, "State must be kStateFloats floats");
      const std::vector<State> states = host_states();
      std::memcpy(out, states.data(), sizeof(State) * states.size());
    }
  }
  void set_state(const float* in) override {
    if constexpr (Env::kStateFloats == 0) {
      BatchEnv::set_state(in);
    } else {
      std::vector<State> states(static_cast<size_t>(n_));
      std::memcpy(states.data(), in, sizeof(State) * states.size());
      set_host_states(states);
    }
  }
  std::string snapshot() const override {
    std::string out;
    append(out, states_);
    append(out, keys_);
    append(out, counters_);
    append(out, steps_);
    append(out, obs_);
    append(out, final_obs_);
    append(out, rewards_);
    append(out, terminated_);
    append(out, truncated_);
    append(out, diverged_);  // empty for discrete-action envs
    return out;
  }
  void restore(const std::string& snap) override {
    size_t at = 0;
    take(snap, at, states_);
    take(snap, at, keys_);
    take(snap, at, counters_);
    take(snap, at, steps_);
    take(snap, at, obs_);
    take(snap, at, final_obs_);
    take(snap, at, rewards_);
    take(snap, at, terminated_);
    take(snap, at, truncated_);
    take(snap, at, diverged_);
    if (at != snap.size()) throw InvalidArgument(spec_.name + ": snapshot is not of this batch (size mismatch)");
  }

  BatchView<Env> view() {
    return BatchView<Env>{params_.data(), params_.size() == 1 ? 0 : 1, states_.data(), n_, keys_.data(),
                          counters_.data(), steps_.data(), obs_.data(), final_obs_.data(),
                          rewards_.data(), terminated_.data(), truncated_.data(), obs_t_.data(),
                          diverged_.data()};
  }

 private:
  // A view whose only valid members are the state layout (for host copies of the states).
  BatchView<Env> host_view(State* states) const {
    BatchView<Env> v{};
    v.states = states;
    v.n = n_;
    return v;
  }
  template <class T>
  static void append(std::string& out, const DeviceArray<T>& a) {
    if (a.size() == 0) return;  // (diverged_ of a discrete-action env)
    const std::vector<T> host = a.to_host();
    out.append(reinterpret_cast<const char*>(host.data()), sizeof(T) * host.size());
  }
  template <class T>
  void take(const std::string& in, size_t& at, DeviceArray<T>& a) const {
    if (a.size() == 0) return;
    const size_t bytes = sizeof(T) * size_t(a.size());
    if (at + bytes > in.size()) throw InvalidArgument(spec_.name + ": snapshot is not of this batch (too short)");
    std::vector<T> host(size_t(a.size()));
    std::memcpy(host.data(), in.data() + at, bytes);
    a.copy_from_host(host.data(), a.size());
    at += bytes;
  }
  void reset_kernel(uint64_t seed, const uint64_t* ids, const int64_t* which, int64_t count) {
    if (exec_.device == Device::cuda) {
      reset_cuda<Env>(view(), seed, ids, which, count);
      return;
    }
    parallel_for(exec_, count, ResetKernel<Env>{view(), seed, ids, which});
  }
  // Recomputes observations() from the states (after set_state).
  void observe_all() {
    const std::vector<State> states = host_states();
    std::vector<float> obs(static_cast<size_t>(n_ * Env::kObsSize));
    const std::vector<Params> params = params_.to_host();
    for (int64_t i = 0; i < n_; ++i)
      Env::observe(params[size_t(params.size() == 1 ? 0 : i)], states[size_t(i)], obs.data() + i * Env::kObsSize);
    obs_.copy_from_host(obs.data(), int64_t(obs.size()));
  }

  template <class A>
  void step_typed(const A* actions) {
    if constexpr (!std::is_same_v<A, Action>) {
      (void)actions;
      throw InvalidArgument(spec_.name + ": step() takes " +
                            (std::is_same_v<Action, int32_t> ? "int32 (discrete)" : "float32 (box)") +
                            " actions");
    } else {
      // the strided path's scratch, allocated on its first use (a reference batch never needs it)
      const bool strided = ObserveStrided<Env>::value && !reference_path_ &&
                           (exec_.device == Device::cuda || strided_path_);
      if (strided) obs_t_.ensure(n_ * Env::kObsSize, exec_.device);
      if (exec_.device == Device::cuda) {
        step_cuda<Env>(view(), actions, n_, reference_path_);
      } else if (reference_path_) {
        parallel_for(exec_, n_, StepKernel<Env>{view(), actions});
      } else if (strided_path_) {
        if constexpr (ObserveStrided<Env>::value) {  // (set_strided_path refuses other envs)
          const BatchView<Env> v = view();
          parallel_for(exec_, n_, StepKernelStrided<Env>{v, actions});
          parallel_for(exec_, n_, TransposeObs{v.obs_t, v.obs, n_, Env::kObsSize});
        }
      } else {
        step_cpu<Env>(view(), actions, n_, exec_);
      }
    }
  }

  Spec spec_;
  Exec exec_;
  int64_t n_;
  bool reference_path_ = false, strided_path_ = false;
  std::string name_;
  DeviceArray<Params> params_;
  DeviceArray<State> states_;
  DeviceArray<Key> keys_;
  DeviceArray<uint64_t> counters_;
  DeviceArray<int32_t> steps_;
  DeviceArray<float> obs_, final_obs_, rewards_;
  DeviceArray<uint8_t> terminated_, truncated_;
  DeviceArray<int32_t> diverged_;  // (N) box-action envs only (physics()); empty otherwise
  DeviceArray<float> obs_t_;  // (kObsSize, N) scratch of the strided step (CUDA, or the CPU test path);
                              // empty until that step first runs
};

// Params from optional JSON (validated against Params::fields: unknown keys, types, ranges).
template <class Params>
Params params_from_json(const std::string& json, const std::string& env_name, Params defaults = Params()) {
  const Params p = json.empty() ? defaults : parse_config<Params>(json, env_name + " params", defaults);
  validate_params(p);
  return p;
}

}  // namespace lamarck::envs
