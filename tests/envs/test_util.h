// Helpers shared by the envs tests: random actions and a hash of a whole rollout.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"

namespace lamarck::envs::testing {

// A gtest name for a test parametrised by env name: "MinAtar/Breakout-ref" -> "MinAtar_Breakout_ref".
inline std::string env_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// FNV-1a over 64-bit words (then the tail bytes) of raw memory.
inline uint64_t fnv1a(const void* data, size_t bytes, uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const uint8_t*>(data);
  size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
  }
  for (; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// Uniform random actions for step t (discrete: [0, n); box: [low, high) of the action space or [-1, 1)).
struct RandomActions {
  std::vector<int32_t> discrete;
  std::vector<float> box;
  void fill(const BatchEnv& env, uint64_t seed, uint64_t t) {
    const Space& a = env.spec().action;
    const int64_t n = env.num_envs();
    Philox rng(derive_key(seed, 99, 0, t));
    if (a.kind == Space::Kind::discrete) {
      discrete.resize(size_t(n));
      for (auto& x : discrete) x = int32_t(rng.below(uint32_t(a.n)));
    } else {
      box.resize(size_t(n * a.size()));
      for (size_t i = 0; i < box.size(); ++i) {
        const size_t k = i % size_t(a.size());
        const float lo = a.low.empty() ? -1.0f : a.low[k], hi = a.high.empty() ? 1.0f : a.high[k];
        box[i] = rng.uniform(lo, hi);
      }
    }
  }
  void step(BatchEnv& env) const {
    if (env.spec().action.kind == Space::Kind::discrete)
      env.step(discrete.data());
    else
      env.step(box.data());
  }
};

// Hash of every observation, reward and done flag of a `steps`-step random rollout (CPU envs).
inline uint64_t rollout_hash(BatchEnv& env, uint64_t seed, int steps, int64_t* episodes = nullptr) {
  const int64_t n = env.num_envs();
  const int64_t obs = env.spec().observation.size();
  env.reset(seed);
  uint64_t h = fnv1a(env.observations(), sizeof(float) * size_t(n * obs));
  RandomActions actions;
  int64_t ended = 0;
  for (int t = 0; t < steps; ++t) {
    actions.fill(env, seed, uint64_t(t));
    actions.step(env);
    h = fnv1a(env.observations(), sizeof(float) * size_t(n * obs), h);
    h = fnv1a(env.rewards(), sizeof(float) * size_t(n), h);
    h = fnv1a(env.terminated(), size_t(n), h);
    h = fnv1a(env.truncated(), size_t(n), h);
    for (int64_t i = 0; i < n; ++i) {
      if (env.terminated()[i] || env.truncated()[i]) {
        ++ended;
        h = fnv1a(env.final_observations() + i * obs, sizeof(float) * size_t(obs), h);
      }
    }
  }
  if (episodes) *episodes = ended;
  return h;
}

}  // namespace lamarck::envs::testing
