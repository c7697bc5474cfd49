// One minibatch step of the actor-critic update for P agents at once: the inner step of the Trainer,
// callable on its own (tests compare it with a JAX/optax computation of the same loss).
//   forward the actor and critic on the minibatch, the head's log-probabilities and entropies, the loss
//   of ppo_loss_grads (the update rule's policy term, the value and entropy terms), then backward through
//   the head and both networks into the agents' gradient rows; with a trajectory rule's extra head, its loss
//   against the rule's targets and its backward pass too.
#pragma once

#include <cstdint>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/nn/dense.h"
#include "lamarck/rl/agent.h"
#include "lamarck/rl/ppo_loss.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::rl {

struct Minibatch {
  int64_t P = 0, M = 0;                   // agents, samples per agent
  const float* obs = nullptr;             // (P, M, obs_dim)
  const int32_t* actions = nullptr;       // (P, M), discrete action spaces
  const float* box_actions = nullptr;     // (P, M, action_dim), continuous (the sampled, unclipped action)
  const float* old_log_prob = nullptr;    // (P, M) from the rollout
  const float* old_value = nullptr;       // (P, M)
  const float* advantage = nullptr;       // (P, M) raw GAE advantages
  const float* returns = nullptr;         // (P, M) value targets
  const int64_t* update = nullptr;        // (P) update index n of each agent
  const int64_t* total_updates = nullptr; // (P) horizon N of each agent
  const float* rule_params = nullptr;     // (P, rule.num_params())
  // a trajectory rule's extra head (layout.extra_dim > 0): its targets and loss (trajectory_rule.h)
  const float* extra_targets = nullptr;   // (P, M, layout.extra_dim)
  bool extra_categorical = false;         // cross-entropy against a distribution; else squared error
  double extra_coef = 1.0;
};

// Scratch arrays and activation caches on the device of the call, sized on first use.
struct MinibatchWorkspace {
  nn::MlpCache<float> actor, critic, extra;
  nn::MlpGradWorkspace<float> grad;
  DeviceArray<float> log_prob, entropy, d_log_prob, d_entropy, d_value, d_head, d_extra, extra_loss;
  LossWorkspace loss;
};

// params, the minibatch's arrays and grads live on exec.device (update, total_updates and rule_params
// too). grads: (P, layout.num_params), overwritten. terms (optional, host): (P) per-agent loss terms.
void minibatch_gradients(const Exec& exec, const AgentLayout& layout, const UpdateRule& rule,
                         const LossSettings& settings, const float* params, const Minibatch& mb,
                         MinibatchWorkspace& ws, float* grads, LossTerms* terms);

}  // namespace lamarck::rl
