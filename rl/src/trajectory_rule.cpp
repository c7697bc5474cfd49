#include "lamarck/rl/trajectory_rule.h"

#include <map>
#include <mutex>

#include "lamarck/core/error.h"
#include "lamarck/rl/gae.h"

namespace lamarck::rl {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, TrajectoryRuleFactory>& registry() {
  static std::map<std::string, TrajectoryRuleFactory> r = {
      {"gae", [] { return std::make_unique<GaeRule>(); }},
  };
  return r;
}

}  // namespace

void GaeRule::targets(const Exec& exec, const Trajectory& in, const TrajectoryTargets& out) const {
  GaeArgs g;
  g.P = in.P;
  g.T = in.T;
  g.E = in.E;
  g.gamma = float(in.gamma);
  g.lambda = float(in.lambda);
  g.rewards = in.rewards;
  g.values = in.values;
  g.dones = in.dones;
  g.last_values = in.last_values;
  g.advantages = out.advantages;
  g.returns = out.value_targets;
  gae(exec, g);
}

void register_trajectory_rule(const std::string& name, TrajectoryRuleFactory factory) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry()[name] = std::move(factory);
}

std::vector<std::string> trajectory_rule_names() {
  std::lock_guard<std::mutex> lock(registry_mutex());
  std::vector<std::string> names;
  for (const auto& kv : registry()) names.push_back(kv.first);
  return names;
}

std::unique_ptr<TrajectoryRule> make_trajectory_rule(const std::string& name) {
  TrajectoryRuleFactory factory;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto it = registry().find(name);
    if (it != registry().end()) factory = it->second;
  }
  if (!factory) throw_unknown_choice("trajectory rule (targets)", name, trajectory_rule_names());
  return factory();
}

}  // namespace lamarck::rl
