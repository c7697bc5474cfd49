#include "lamarck/rl/trajectory_rule.h"

#include "lamarck/core/error.h"
#include "lamarck/core/registry.h"
#include "lamarck/rl/gae.h"

namespace lamarck::rl {
namespace {
NamedRegistry<TrajectoryRuleFactory>& registry() {
  static NamedRegistry<TrajectoryRuleFactory> r("trajectory rule (targets)",
                                                {{"gae", [] { return std::make_unique<GaeRule>(); }}});
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
  registry().add(name, std::move(factory));
}

std::vector<std::string> trajectory_rule_names() { return registry().names(); }

std::unique_ptr<TrajectoryRule> make_trajectory_rule(const std::string& name) { return registry().find(name)(); }

}  // namespace lamarck::rl
