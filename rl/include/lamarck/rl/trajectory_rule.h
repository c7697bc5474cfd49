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
// What a rule may declare beyond GAE's inputs and outputs, as LPG (Oh et al., "Discovering Reinforcement
// Learning Algorithms", NeurIPS 2020, arXiv 2007.08794) and TA-LPG need:
//   - per-agent parameters (num_params, default_params; meta-training's candidates, Trainer::
//     set_trajectory_params), handed to the rule as Trajectory::params;
//   - the policy's outputs while acting (needs_logits: categorical logits, Gaussian means);
//   - extra agent outputs (extra_heads: LPG's prediction vector y(s)): the trainer gives every agent a head
//     network of that width, records its outputs on the rollout (and after the last step), and fits them
//     to the rule's extra_targets with the declared loss, alongside the policy and value terms.
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
  // ---- what a rule declares it needs (null / 0 otherwise)
  int64_t A = 0;                          // policy outputs per state (actions, or action dimensions)
  const float* logits = nullptr;          // (P, T, E, A) the policy's outputs when acting (needs_logits)
  int64_t m = 0;                          // extra outputs per state (extra_heads().dim)
  const float* extras = nullptr;          // (P, T, E, m) y(s_t) when acting
  const float* last_extras = nullptr;     // (P, E, m) y(s_T)
  const float* params = nullptr;          // (P, num_params) the agents' rule parameters
};

// An extra agent head and how the trainer fits it to the rule's targets (per sample, averaged over the
// minibatch, times coef): squared: 0.5 Σ_k (y_k - target_k)²; categorical: the cross-entropy
// -Σ_k target_k log softmax(y)_k of a target distribution (LPG's KL(target || softmax(y)) up to the
// target's own entropy, which has no gradient).
struct ExtraHeads {
  enum class Loss { squared, categorical };
  int64_t dim = 0;  // outputs per state; 0: no extra head
  Loss loss = Loss::squared;
  double coef = 1.0;
};

struct TrajectoryTargets {
  float* advantages = nullptr;     // (P, T, E) the policy-loss weight of each step (the trainer normalises it
                                   // per minibatch when norm_adv)
  float* value_targets = nullptr;  // (P, T, E) what the value head regresses on
  float* extra_targets = nullptr;  // (P, T, E, m) what the extra head is fitted to (when extra_heads().dim > 0)
};

class TrajectoryRule {
 public:
  virtual ~TrajectoryRule() = default;
  virtual std::string name() const = 0;
  virtual void targets(const Exec& exec, const Trajectory& in, const TrajectoryTargets& out) const = 0;
  // Parameters per agent and their defaults (size num_params()).
  virtual int64_t num_params() const { return 0; }
  virtual std::vector<float> default_params() const { return {}; }
  // Whether the rule reads Trajectory::logits (recording them costs a copy per step).
  virtual bool needs_logits() const { return false; }
  virtual ExtraHeads extra_heads() const { return {}; }
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
