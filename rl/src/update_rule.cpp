#include "lamarck/rl/update_rule.h"

#include "lamarck/core/error.h"
#include "lamarck/core/registry.h"
#include "ops.h"

namespace lamarck::rl {

namespace {
NamedRegistry<RuleFactory>& registry() {
  static NamedRegistry<RuleFactory> r("update rule", {
      {"ppo_clip", [](const RuleOptions& o) { return std::make_unique<PpoClipRule>(float(o.clip_eps)); }},
      {"pg", [](const RuleOptions&) { return std::make_unique<PolicyGradientRule>(); }},
  });
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

std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const RuleOptions& options) {
  return registry().find(name)(options);
}

}  // namespace lamarck::rl
