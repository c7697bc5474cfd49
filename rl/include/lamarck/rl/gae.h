// Generalised advantage estimation.
//   J. Schulman, P. Moritz, S. Levine, M. Jordan, P. Abbeel, "High-Dimensional Continuous Control Using
//   Generalized Advantage Estimation", ICLR 2016.
// Semantics of CleanRL ppo.py / PureJaxRL ppo.py: done_t marks that the episode ended at step t
// (terminated or truncated: neither reference bootstraps through a time limit), so
//   delta_t = r_t + gamma * V_{t+1} * (1 - done_t) - V_t
//   A_t     = delta_t + gamma * lambda * (1 - done_t) * A_{t+1},   A_T = 0, V_T = last_values
//   R_t     = A_t + V_t   (the value target)
// Layout: rollout arrays are (P, T, E): agent-major, then time, then env (a step writes one contiguous
// E-block per agent); last_values is (P, E).
#pragma once

#include <cstdint>

#include "lamarck/core/backend.h"

namespace lamarck::rl {

struct GaeArgs {
  int64_t P = 0, T = 0, E = 0;
  float gamma = 0.99f, lambda = 0.95f;
  const float* rewards = nullptr;      // (P, T, E)
  const float* values = nullptr;       // (P, T, E)
  const uint8_t* dones = nullptr;      // (P, T, E)
  const float* last_values = nullptr;  // (P, E)
  float* advantages = nullptr;         // (P, T, E) out
  float* returns = nullptr;            // (P, T, E) out
};

// The reverse scan, one (agent, env) sequence at a time, in double: the reference.
void gae_reference(const GaeArgs& a);
// The fast version: one (agent, env) column per thread, time reversed, on exec.device (arrays there too).
void gae(const Exec& exec, const GaeArgs& a);

}  // namespace lamarck::rl
