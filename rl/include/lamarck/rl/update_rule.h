// The update-rule interface: what the policy loss of one sample is.
//
// A rule sees, per sample, the probability ratio r = pi_new(a|s) / pi_old(a|s), the normalised
// advantage A, the new log-probability, the entropy, and the training context of its agent (update
// index n and total updates N), plus the agent's own rule parameters. It returns the per-sample policy
// loss and its partial derivatives: with respect to r, and (for rules that use them directly) with
// respect to the log-probability and the entropy. The trainer averages the losses over the minibatch
// and chains d/dr through r = exp(logp - logp_old); it never looks inside a rule.
//
// Rules are evaluated for a whole population minibatch at once (P agents x B samples): one virtual call
// per minibatch, per-sample work inside. Learned rules (LPO, TA-LPO, DPO: learned_objectives/) subclass
// UpdateRule and register a factory by name; the trainer finds them through make_update_rule.
//
// Built in: "ppo_clip" (Schulman et al. 2017, arXiv 1707.06347; parameter: the clip epsilon per agent)
// and "pg" (the plain policy gradient -r A, used by A2C, whose single step on fresh data has r = 1).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"

namespace lamarck::rl {

// Every array of a RuleBatch and a RuleOutput lives on the device of the evaluate call (exec.device): a
// rule reads and writes them there, through kernels (nn::elementwise from a .cu unit, or a table such as
// rl's ops.h) or explicit copies, never by host dereference when exec.device is cuda.
struct RuleBatch {
  int64_t P = 0, B = 0;                   // agents, samples per agent
  const float* ratio = nullptr;           // (P, B) r
  const float* advantage = nullptr;       // (P, B) normalised advantage
  const float* log_prob = nullptr;        // (P, B) log pi_new(a|s)
  const float* entropy = nullptr;         // (P, B) H(pi_new(.|s))
  const int64_t* update = nullptr;        // (P) n: updates this agent has done before this one
  const int64_t* total_updates = nullptr; // (P) N: the agent's horizon in updates
  const float* params = nullptr;          // (P, num_params) the agents' rule parameters
};

struct RuleOutput {
  float* loss = nullptr;        // (P, B) per-sample policy loss (the trainer takes the mean over B)
  float* d_ratio = nullptr;     // (P, B) d loss / d r
  float* d_log_prob = nullptr;  // (P, B) direct d loss / d logp (0 for most rules)
  float* d_entropy = nullptr;   // (P, B) direct d loss / d H (the trainer's ent_coef term is separate)
};

class UpdateRule {
 public:
  virtual ~UpdateRule() = default;
  virtual std::string name() const = 0;
  // Parameters per agent, and their default values (size num_params()).
  virtual int64_t num_params() const { return 0; }
  virtual std::vector<float> default_params() const { return {}; }
  virtual void evaluate(const Exec& exec, const RuleBatch& in, const RuleOutput& out) const = 0;
};

// PPO's clipped surrogate (ppo_clip.h): loss = -min(r A, clip(r, 1 - eps, 1 + eps) A); params = {eps}.
class PpoClipRule : public UpdateRule {
 public:
  explicit PpoClipRule(float eps = 0.2f) : eps_(eps) {}
  std::string name() const override { return "ppo_clip"; }
  int64_t num_params() const override { return 1; }
  std::vector<float> default_params() const override { return {eps_}; }
  void evaluate(const Exec& exec, const RuleBatch& in, const RuleOutput& out) const override;

 private:
  float eps_;
};

// The policy gradient: loss = -r A (gradient -A d logp at r = 1).
class PolicyGradientRule : public UpdateRule {
 public:
  std::string name() const override { return "pg"; }
  void evaluate(const Exec& exec, const RuleBatch& in, const RuleOutput& out) const override;
};

// Settings a factory may read (e.g. the PPO clip epsilon of the run config).
struct RuleOptions {
  double clip_eps = 0.2;
  std::string params_file;  // a discovered objective's parameters, for learned rules
};
using RuleFactory = std::function<std::unique_ptr<UpdateRule>(const RuleOptions&)>;

// Registers a rule under `name` (a later registration of the same name replaces it).
void register_update_rule(const std::string& name, RuleFactory factory);
// Builds a registered rule; an unknown name throws InvalidArgument listing the registered names.
std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const RuleOptions& options = {});
std::vector<std::string> update_rule_names();
// The rules rl itself registers ("ppo_clip", "pg"); other layers register the rest.
std::vector<std::string> builtin_update_rule_names();

}  // namespace lamarck::rl
