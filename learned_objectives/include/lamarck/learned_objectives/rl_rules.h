// The learned_objectives rules as rl::UpdateRule, so that the rl trainer can train with any of them:
//
//   rl::Trainer trainer(config, P, exec, {}, objectives::load_update_rule("run/objective_mean.json"));
//
// register_rl_rules() adds every rule of the table (rules.h) that rl does not build in — "dpo", "lpo",
// "ta_lpo" (zero network = PPO-initialised start, or the weights of RuleOptions::params_file when set) — and
// "objective" (requires params_file) to rl's registry; call it once before make_update_rule. The trainer's per-agent rule parameters are the drift-net weights, so
// meta-training hands each agent its candidate's row through Trainer::set_rule_params.
#pragma once

#include <memory>
#include <string>

#include "lamarck/learned_objectives/rule_batch.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::objectives {

class ObjectiveUpdateRule : public rl::UpdateRule {
 public:
  explicit ObjectiveUpdateRule(Rule rule) : rule_(std::move(rule)) {}
  std::string name() const override { return rule_name(rule_.kind); }
  int64_t num_params() const override { return rule_num_params(rule_.kind); }
  std::vector<float> default_params() const override { return rule_.theta; }
  // progress = n/N and log_horizon = ln N per agent from the batch's update counters.
  void evaluate(const Exec& exec, const rl::RuleBatch& in, const rl::RuleOutput& out) const override;
  const Rule& rule() const { return rule_; }

 private:
  Rule rule_;
};

// A rule from a discovered-objective file (or a rule of the table by name, rule_from_name_or_file).
std::shared_ptr<const rl::UpdateRule> load_update_rule(const std::string& name_or_path);
std::shared_ptr<const rl::UpdateRule> make_update_rule(const Rule& rule);

// Registers the table's rules and "objective" with rl's update-rule registry (idempotent).
void register_rl_rules();

}  // namespace lamarck::objectives
