// Trajectory-level rules: what the trainer learns from an agent's whole rollout. Where an UpdateRule
// (update_rule.h) sees one sample's ratio and advantage, a TrajectoryRule sees every step of the
// rollout -- rewards, terminations and truncations, the values and log-probabilities recorded while
// acting, the value of the state after the last step, the agent's place in its lifetime -- and returns
// the per-step targets the trainer then fits: the advantage that weights each step in the policy loss
// and the value head's regression target. The trainer applies whatever the rule returns and never
// names a rule: GAE is the built-in rule "gae"; LPG-style rules, learned or fixed, are other entries.
//
// Adding one: a class deriving TrajectoryRule and one register_trajectory_rule line (see
// tests/rl/trajectory_rule_test.cpp, where advantage actor-critic written against this interface alone
// reproduces the built-in A2C bit for bit). Arrays live on the device of the call (exec.device); a rule
// reads and writes them there (kernels from a .cu unit, or parallel_for on the CPU).
//
// Not yet in the interface (planned with LPG, TA-LPG): rule parameters searched by meta-training, policy
// logits, and targets for extra agent heads (LPG's prediction vector y(s)).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"

namespace lamarck::rl {

// One update's rollout of P agents on E envs each, T steps: arrays (P, T, E) agent-major, then time,
// then env (step t of agent p's env e at (p * T + t) * E + e).
struct Trajectory {
  int64_t P = 0, T = 0, E = 0;
  const float* rewards = nullptr;         // (P, T, E) r_t
  const uint8_t* terminated = nullptr;    // (P, T, E) the episode ended at step t in a terminal state
  const uint8_t* truncated = nullptr;     // (P, T, E) the episode was cut at step t (time limit)
  const uint8_t* dones = nullptr;         // (P, T, E) terminated | truncated
  const float* values = nullptr;          // (P, T, E) V(s_t) when acting
  const float* last_values = nullptr;     // (P, E) V(s_T), the state after the last step
  const float* log_probs = nullptr;       // (P, T, E) log pi(a_t | s_t) when acting
  const int64_t* update = nullptr;        // (P) updates this agent has done before this one
  const int64_t* total_updates = nullptr; // (P) the agent's horizon in updates
  double gamma = 0.99, lambda = 0.95;     // the run config's discount and GAE lambda
};

struct TrajectoryTargets {
  float* advantages = nullptr;     // (P, T, E) the policy-loss weight of each step (the trainer normalises it
                                   // per minibatch when norm_adv)
  float* value_targets = nullptr;  // (P, T, E) what the value head regresses on
};

class TrajectoryRule {
 public:
  virtual ~TrajectoryRule() = default;
  virtual std::string name() const = 0;
  virtual void targets(const Exec& exec, const Trajectory& in, const TrajectoryTargets& out) const = 0;
};

// Generalised advantage estimation (gae.h): A = GAE(gamma, lambda), value target A + V. Built in as "gae".
class GaeRule : public TrajectoryRule {
 public:
  std::string name() const override { return "gae"; }
  void targets(const Exec& exec, const Trajectory& in, const TrajectoryTargets& out) const override;
};

using TrajectoryRuleFactory = std::function<std::unique_ptr<TrajectoryRule>()>;
// Registers a rule under `name` (a later registration of the same name replaces it).
void register_trajectory_rule(const std::string& name, TrajectoryRuleFactory factory);
// Builds a registered rule; an unknown name throws InvalidArgument with the nearest registered one.
std::unique_ptr<TrajectoryRule> make_trajectory_rule(const std::string& name);
std::vector<std::string> trajectory_rule_names();

}  // namespace lamarck::rl
