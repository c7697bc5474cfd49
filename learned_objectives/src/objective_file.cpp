#include "lamarck/learned_objectives/objective_file.h"

#include <cmath>
#include <cstdio>

#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"
#include "lamarck/core/version.h"

namespace lamarck::objectives {

namespace {
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Version 1's layout (no weights_checksum), read into a DiscoveredObjective.
struct VersionOne {
  DiscoveredObjective& o;
  template <class Archive>
  void serialize(Archive& ar) {
    o.serialize_v1(ar);
  }
};
}  // namespace

std::string weights_checksum_of(const std::vector<float>& weights) {
  const uint64_t h = fnv1a64(weights.data(), weights.size() * sizeof(float));
  char text[19];
  std::snprintf(text, sizeof(text), "0x%016llx", static_cast<unsigned long long>(h));
  return text;
}

DiscoveredObjective make_objective(const Rule& rule, Provenance provenance) {
  DiscoveredObjective o;
  const RuleInfo& info = rule_info(rule.kind);
  o.rule = info.name;
  o.features = info.features;
  o.hidden = info.hidden;
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
  const RuleInfo& info = rule_info(kind);
  const std::vector<std::string>& expected = info.features;
  if (o.features != expected)
    throw FileError("'" + where + "': input features [" + join(o.features) + "] do not match rule '" + o.rule +
                    "', which reads [" + join(expected) + "]");
  if (o.hidden != info.hidden)
    throw FileError("'" + where + "': hidden width " + std::to_string(o.hidden) + " does not match rule '" +
                    o.rule + "' (" + std::to_string(info.hidden) + ")");
  if (int64_t(o.weights.size()) != info.num_params)
    throw FileError("'" + where + "': " + std::to_string(o.weights.size()) + " weights, rule '" + o.rule +
                    "' needs " + std::to_string(info.num_params));
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
  o.weights_checksum = weights_checksum_of(o.weights);
  validate(o, path);
  save_json(path, kObjectiveKind, kObjectiveVersion, o);
}

void save_objective_binary(const std::string& path, const DiscoveredObjective& objective) {
  DiscoveredObjective o = objective;
  o.provenance.lamarck_version = kVersion;
  o.weights_checksum = weights_checksum_of(o.weights);
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
  const VersionRange versions(1, kObjectiveVersion);
  const FileTag tag =
      head == "LMCK" ? load_binary_with(path, kObjectiveKind, versions,
                                        [&](auto& ar, uint32_t version) {
                                          if (version == 1) ar(VersionOne{o});
                                          else ar(o);
                                        })
                     : load_json_with(path, kObjectiveKind, versions, [&](auto& ar, uint32_t version) {
                         if (version == 1) ar(cereal::make_nvp("data", VersionOne{o}));
                         else ar(cereal::make_nvp("data", o));
                       });
  validate(o, path);
  if (tag.version >= 2 && o.weights_checksum != weights_checksum_of(o.weights))
    throw FileError("'" + path + "': the weights do not match weights_checksum '" + o.weights_checksum +
                    "' (the file is damaged; a file whose weights were edited on purpose must drop the checksum "
                    "and say version 1)");
  return o;
}

Rule load_rule(const std::string& path) { return to_rule(load_objective(path), path); }

Rule rule_from_name_or_file(const std::string& name_or_path) {
  // a rule of the table by name (and PPO's common short name): its default constants and a zero
  // parameter vector, which for the drift nets is the PPO-initialised start (PPO-clip up to the 1e-4 offset)
  const std::string name = name_or_path == "ppo" ? std::string("ppo_clip") : name_or_path;
  for (const std::string& known : rule_names())
    if (name == known) {
      Rule rule;
      rule.kind = parse_rule(name);
      rule.theta.assign(size_t(rule_num_params(rule.kind)), 0.0f);
      return rule;
    }
  return load_rule(name_or_path);
}

}  // namespace lamarck::objectives
