#include "lamarck/rl/update_rule.h"

#include <map>
#include <utility>

#include "lamarck/core/error.h"
#include "lamarck/core/registry.h"
#include "ops.h"

namespace lamarck::rl {

namespace {
// rl's own rules; learned_objectives and users register the rest
const std::vector<std::pair<std::string, RuleFactory>>& builtins() {
  static const std::vector<std::pair<std::string, RuleFactory>> b = {
      {"ppo_clip", [](const RuleOptions& o) { return std::make_unique<PpoClipRule>(float(o.clip_eps)); }},
      {"pg", [](const RuleOptions&) { return std::make_unique<PolicyGradientRule>(); }},
  };
  return b;
}

NamedRegistry<RuleFactory>& registry() {
  static NamedRegistry<RuleFactory> r("update rule",
                                      std::map<std::string, RuleFactory>(builtins().begin(), builtins().end()));
  return r;
}
}  // namespace

void PpoClipRule::evaluate(const Exec& exec, const RuleBatch& in, const RuleOutput& out) const {
  LMK_ASSERT(in.params != nullptr, "ppo_clip needs its per-agent epsilon");
  detail::ops(exec.device).ppo_clip(exec, detail::PpoClipSample{in, out}, in.P * in.B, 8);
}

void PolicyGradientRule::evaluate(const Exec& exec, const RuleBatch& in, const RuleOutput& out) const {
  detail::ops(exec.device).policy_gradient(exec, detail::PolicyGradientSample{in, out}, in.P * in.B, 4);
}

void register_update_rule(const std::string& name, RuleFactory factory) { registry().add(name, std::move(factory)); }

std::vector<std::string> update_rule_names() { return registry().names(); }

std::vector<std::string> builtin_update_rule_names() {
  std::vector<std::string> names;
  for (const auto& entry : builtins()) names.push_back(entry.first);
  return names;
}

std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const RuleOptions& options) {
  return registry().find(name)(options);
}

}  // namespace lamarck::rl
