// The batched-environment contract that trainers (rl/, meta/) and the Python module code against.
//
// A BatchEnv holds N = P * E environment instances of one kind, laid out population-major: agent p
// owns instances [p * E, (p + 1) * E). One call steps all N (virtual dispatch once per batch, never
// per step). Arrays live on the BatchEnv's device (host memory for Device::cpu).
//
// Auto-reset (Gymnasium "next-step"-free semantics, as in gymnax/EnvPool same-step): when instance i
// ends in step(), terminated[i] or truncated[i] is set, reward[i] is the last reward of the episode,
// final_observations() row i holds the observation the episode ended in, and observations() row i
// already holds the first observation of the next episode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"

namespace lamarck::envs {

// An observation or action space.
struct Space {
  enum class Kind { discrete, box };
  Kind kind = Kind::box;
  int64_t n = 0;               // discrete: number of actions
  std::vector<int64_t> shape;  // box: element shape, e.g. {4} or {10, 10, 4}
  std::vector<float> low, high;  // box: per-element bounds (size = product of shape), may be +-inf
  int64_t size() const {       // elements per instance (1 for discrete)
    if (kind == Kind::discrete) return 1;
    int64_t s = 1;
    for (int64_t d : shape) s *= d;
    return s;
  }
};

struct Spec {
  std::string name;            // registry name, e.g. "CartPole-v1", "MinAtar/Breakout"
  Space observation;           // always float32 box
  Space action;                // discrete (int32 actions) or box (float32 actions)
  int64_t max_episode_steps = 0;  // truncation limit; 0 = none
};

class BatchEnv {
 public:
  virtual ~BatchEnv() = default;
  virtual const Spec& spec() const = 0;
  virtual int64_t num_envs() const = 0;
  virtual const Exec& exec() const = 0;

  // Resets every instance; instance i draws its randomness from keys derived from (seed, i).
  void reset(uint64_t seed) { reset(seed, nullptr); }
  // The same with instance i keyed by (seed, instance_ids[i]) (device array of N ids; null: i). Two
  // instances with the same seed and id see the same random numbers (common random numbers).
  virtual void reset(uint64_t seed, const uint64_t* instance_ids) = 0;
  // Steps every instance. Discrete envs take (N) int32 actions; box envs take (N, action size) float32.
  virtual void step(const int32_t* actions) = 0;
  virtual void step(const float* actions) = 0;

  virtual const float* observations() const = 0;        // (N, obs size)
  virtual const float* final_observations() const = 0;  // (N, obs size), rows valid where done
  virtual const float* rewards() const = 0;             // (N)
  virtual const uint8_t* terminated() const = 0;        // (N) 0/1
  virtual const uint8_t* truncated() const = 0;         // (N) 0/1
  // Steps since the last full reset whose action or reward was not finite (box-action envs): each was
  // undone, cut the episode (truncated) and reset the instance (batched.h, physics). A host copy: for
  // summaries, not for every step.
  virtual int64_t diverged_steps() const { return 0; }

  // ---- state access (checkpoints, the Python module) --------------------------------------------
  // Floats per instance of the env's physical state in its reference's order (Gymnasium's
  // `env.unwrapped.state` for classic control); 0 when the env has no such vector (e.g. MinAtar).
  virtual int64_t state_size() const { return 0; }
  // Copies the (N, state_size) physical states to / from host memory. set_state keeps each instance's
  // episode step count and random stream, and recomputes observations() from the new states.
  virtual void get_state(float* /*out*/) const { throw Error(spec().name + " has no physical state vector"); }
  virtual void set_state(const float* /*in*/) { throw Error(spec().name + " has no physical state vector"); }
  // An opaque byte snapshot of everything that determines the future of the batch (states, random
  // streams, step counts, observations); restore() of it makes the batch continue bit-identically.
  virtual std::string snapshot() const { throw Error(spec().name + " does not support snapshots"); }
  virtual void restore(const std::string& /*snapshot*/) { throw Error(spec().name + " does not support snapshots"); }

  // ---- levels: the per-instance Params --------------------------------------------------------------
  // A level is one instance's Params: the physical constants of a classic-control env, the conventions of
  // a MinAtar game, the layout of a procedurally generated one. Every instance starts on the env's level
  // (the registry's defaults with params_json applied); any subset can be given its own. A written level
  // takes effect at once for the instance's dynamics and from its next reset for its initial state;
  // reset_instances starts those instances on it now. Instances are indices in [0, num_envs()).
  //
  // The fields of instance's level: path, type and current value (as JSON), in declaration order.
  virtual std::vector<ConfigField> level_fields(int64_t instance = 0) const { no_levels(instance); }
  // The level of `instance` as one-line JSON with every field (set_levels reads it back exactly).
  virtual std::string get_level(int64_t instance) const { no_levels(instance); }
  // Writes levels: `levels` holds one JSON object for all `instances`, or one per instance. Each object
  // overrides fields of that instance's current level and is validated like params_json (unknown keys
  // with the nearest valid key, types, ranges); on an error nothing is written.
  virtual void set_levels(const std::vector<int64_t>& instances, const std::vector<std::string>& /*levels*/) {
    no_levels(instances.empty() ? 0 : instances[0]);
  }
  // The level of `instance` in its compact canonical binary form (every field in order, no padding: equal
  // levels have equal bytes), and the matching writer (one form for all instances, or one per instance).
  virtual std::string get_level_bytes(int64_t instance) const { no_levels(instance); }
  virtual void set_level_bytes(const std::vector<int64_t>& instances, const std::vector<std::string>& /*levels*/) {
    no_levels(instances.empty() ? 0 : instances[0]);
  }
  // FNV-1a of the canonical binary form: equal levels, equal hashes, on every machine.
  uint64_t level_hash(int64_t instance) const {
    const std::string bytes = get_level_bytes(instance);
    return fnv1a64(bytes.data(), bytes.size());
  }
  // Resets the listed instances only (the others keep their episodes): instance instances[j] is keyed by
  // (seed, ids[j]), or (seed, instances[j]) when ids is null (host array, one id per listed instance).
  virtual void reset_instances(uint64_t seed, const std::vector<int64_t>& instances, const uint64_t* ids = nullptr) {
    (void)seed;
    (void)ids;
    no_levels(instances.empty() ? 0 : instances[0]);
  }

 private:
  [[noreturn]] void no_levels(int64_t) const { throw Error(spec().name + " has no per-instance levels"); }
};

}  // namespace lamarck::envs
