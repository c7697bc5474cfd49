#include "lamarck/learned_objectives/objective_file.h"

#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"
#include "lamarck/core/version.h"

namespace lamarck::objectives {

namespace {
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

DiscoveredObjective make_objective(const Rule& rule, Provenance provenance) {
  DiscoveredObjective o;
  o.rule = rule_name(rule.kind);
  o.features = rule_features(rule.kind);
  o.hidden = rule_inputs(rule.kind) > 0 ? kDriftHidden : 0;
  o.clip_eps = rule.constants.clip_eps;
  o.dpo_alpha = rule.constants.dpo_alpha;
  o.dpo_beta = rule.constants.dpo_beta;
  o.weights = rule.theta;
  o.provenance = std::move(provenance);
  validate(o, "objective");
  return o;
}

void validate(const DiscoveredObjective& o, const std::string& where) {
  RuleKind kind;
  try {
    kind = parse_rule(o.rule);
  } catch (const InvalidArgument& e) {
    throw FileError("'" + where + "': " + e.what());
  }
  const std::vector<std::string> expected = rule_features(kind);
  if (o.features != expected)
    throw FileError("'" + where + "': input features [" + join(o.features) + "] do not match rule '" + o.rule +
                    "', which reads [" + join(expected) + "]");
  const int64_t hidden = rule_inputs(kind) > 0 ? kDriftHidden : 0;
  if (o.hidden != hidden)
    throw FileError("'" + where + "': hidden width " + std::to_string(o.hidden) + " does not match rule '" +
                    o.rule + "' (" + std::to_string(hidden) + ")");
  if (int64_t(o.weights.size()) != rule_num_params(kind))
    throw FileError("'" + where + "': " + std::to_string(o.weights.size()) + " weights, rule '" + o.rule +
                    "' needs " + std::to_string(rule_num_params(kind)));
  for (size_t i = 0; i < o.weights.size(); ++i)
    if (!std::isfinite(o.weights[i]))
      throw FileError("'" + where + "': weight " + std::to_string(i) + " is not finite");
  if (!(o.clip_eps > 0.0 && o.clip_eps < 1.0))
    throw FileError("'" + where + "': clip_eps " + std::to_string(o.clip_eps) + " is not in (0, 1)");
  if (!(o.dpo_alpha > 0.0) || !(o.dpo_beta > 0.0))
    throw FileError("'" + where + "': dpo_alpha and dpo_beta must be > 0");
}

Rule to_rule(const DiscoveredObjective& o, const std::string& where) {
  validate(o, where);
  Rule rule;
  rule.kind = parse_rule(o.rule);
  rule.constants.clip_eps = float(o.clip_eps);
  rule.constants.dpo_alpha = float(o.dpo_alpha);
  rule.constants.dpo_beta = float(o.dpo_beta);
  rule.theta = o.weights;
  return rule;
}

void save_objective_json(const std::string& path, const DiscoveredObjective& objective) {
  DiscoveredObjective o = objective;
  o.provenance.lamarck_version = kVersion;
  validate(o, path);
  save_json(path, kObjectiveKind, kObjectiveVersion, o);
}

void save_objective_binary(const std::string& path, const DiscoveredObjective& objective) {
  DiscoveredObjective o = objective;
  o.provenance.lamarck_version = kVersion;
  validate(o, path);
  save_binary(path, kObjectiveKind, kObjectiveVersion, o);
}

void save_objective(const std::string& path, const DiscoveredObjective& objective) {
  if (ends_with(path, ".json")) save_objective_json(path, objective);
  else save_objective_binary(path, objective);
}

DiscoveredObjective load_objective(const std::string& path) {
  const std::string head = read_file(path).substr(0, 4);
  DiscoveredObjective o;
  if (head == "LMCK") load_binary(path, kObjectiveKind, kObjectiveVersion, o);
  else load_json(path, kObjectiveKind, kObjectiveVersion, o);
  validate(o, path);
  return o;
}

Rule load_rule(const std::string& path) { return to_rule(load_objective(path), path); }

Rule rule_from_name_or_file(const std::string& name_or_path) {
  if (name_or_path == "ppo_clip" || name_or_path == "ppo" || name_or_path == "dpo") {
    Rule rule;
    rule.kind = name_or_path == "dpo" ? RuleKind::dpo : RuleKind::ppo_clip;
    return rule;
  }
  if (name_or_path == "lpo" || name_or_path == "ta_lpo") {
    // the PPO-initialised drift with a zero network: PPO-clip up to the 1e-4 offset
    Rule rule;
    rule.kind = parse_rule(name_or_path);
    rule.theta.assign(size_t(rule_num_params(rule.kind)), 0.0f);
    return rule;
  }
  return load_rule(name_or_path);
}

}  // namespace lamarck::objectives
