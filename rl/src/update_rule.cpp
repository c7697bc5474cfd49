#include "lamarck/rl/update_rule.h"

#include <map>
#include <mutex>

#include "lamarck/core/error.h"
#include "ops.h"

namespace lamarck::rl {

namespace {
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, RuleFactory>& registry() {
  static std::map<std::string, RuleFactory> r = {
      {"ppo_clip", [](const RuleOptions& o) { return std::make_unique<PpoClipRule>(float(o.clip_eps)); }},
      {"pg", [](const RuleOptions&) { return std::make_unique<PolicyGradientRule>(); }},
  };
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

void register_update_rule(const std::string& name, RuleFactory factory) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry()[name] = std::move(factory);
}

std::vector<std::string> update_rule_names() {
  std::lock_guard<std::mutex> lock(registry_mutex());
  std::vector<std::string> names;
  for (const auto& kv : registry()) names.push_back(kv.first);
  return names;
}

std::unique_ptr<UpdateRule> make_update_rule(const std::string& name, const RuleOptions& options) {
  RuleFactory factory;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto it = registry().find(name);
    if (it != registry().end()) factory = it->second;
  }
  if (!factory) throw_unknown_choice("update rule", name, update_rule_names());
  return factory(options);
}

}  // namespace lamarck::rl
