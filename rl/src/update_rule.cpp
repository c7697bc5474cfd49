#include "lamarck/rl/update_rule.h"

#include <map>
#include <mutex>

#include "lamarck/core/error.h"
#include "lamarck/core/nn/dense.h"

namespace lamarck::rl {

namespace {
struct PpoClipSample {
  RuleBatch in;
  RuleOutput out;
  LMK_HD void operator()(int64_t i) const {
    const float eps = in.params[(i / in.B)];
    const float r = in.ratio[i], a = in.advantage[i];
    const float clipped = r < 1.0f - eps ? 1.0f - eps : (r > 1.0f + eps ? 1.0f + eps : r);
    const float unclipped_loss = -a * r, clipped_loss = -a * clipped;
    // max of the two; the gradient flows through r only in the unclipped branch or inside the interval
    if (unclipped_loss >= clipped_loss) {
      out.loss[i] = unclipped_loss;
      out.d_ratio[i] = -a;
    } else {
      out.loss[i] = clipped_loss;
      out.d_ratio[i] = 0.0f;  // clipped_loss > unclipped_loss only where r is outside the interval
    }
    out.d_log_prob[i] = 0.0f;
    out.d_entropy[i] = 0.0f;
  }
};
struct PgSample {
  RuleBatch in;
  RuleOutput out;
  LMK_HD void operator()(int64_t i) const {
    out.loss[i] = -in.advantage[i] * in.ratio[i];
    out.d_ratio[i] = -in.advantage[i];
    out.d_log_prob[i] = 0.0f;
    out.d_entropy[i] = 0.0f;
  }
};

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
  nn::elementwise(exec, in.P * in.B, PpoClipSample{in, out});
}

void PolicyGradientRule::evaluate(const Exec& exec, const RuleBatch& in, const RuleOutput& out) const {
  nn::elementwise(exec, in.P * in.B, PgSample{in, out});
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
