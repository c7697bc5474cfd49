#include "lamarck/learned_objectives/rl_rules.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/core/error.h"
#include "lamarck/learned_objectives/objective_file.h"

namespace lamarck::objectives {

void ObjectiveUpdateRule::evaluate(const Exec& exec, const rl::RuleBatch& in, const rl::RuleOutput& out) const {
  const int64_t P = in.P;
  // the temporal inputs per agent, computed on the host from the update counters
  std::vector<float> progress(static_cast<size_t>(P), 0.0f), log_h(static_cast<size_t>(P), 0.0f);
  if (rule_info(rule_.kind).temporal) {
    if (!in.update || !in.total_updates)
      throw InvalidArgument(std::string(rule_name(rule_.kind)) + " needs the agents' update counters");
    std::vector<int64_t> n(static_cast<size_t>(P)), total(static_cast<size_t>(P));
    memory::copy(n.data(), Device::cpu, in.update, exec.device, sizeof(int64_t) * size_t(P));
    memory::copy(total.data(), Device::cpu, in.total_updates, exec.device, sizeof(int64_t) * size_t(P));
    for (int64_t p = 0; p < P; ++p) {
      const double N = double(std::max<int64_t>(total[size_t(p)], 1));
      progress[size_t(p)] = float(double(n[size_t(p)]) / N);
      log_h[size_t(p)] = float(std::log(N));
    }
  }
  DeviceArray<float> progress_d(progress, exec.device), log_h_d(log_h, exec.device);
  const SampleBatch batch{P, in.B, in.ratio, in.advantage, progress_d.data(), log_h_d.data()};
  // per-agent rows from the trainer; without them, the rule's own weights for everyone
  const float* theta = in.params;
  int64_t stride = num_params();
  DeviceArray<float> own;
  if (num_params() > 0 && theta == nullptr) {
    own = DeviceArray<float>(rule_.theta, exec.device);
    theta = own.data();
    stride = 0;
  }
  objectives::evaluate(exec, rule_.kind, rule_.constants, num_params() > 0 ? theta : nullptr, stride, batch,
                       out.loss, out.d_ratio);
  const size_t bytes = sizeof(float) * size_t(P * in.B);
  if (out.d_log_prob) memory::fill_zero(out.d_log_prob, bytes, exec.device);
  if (out.d_entropy) memory::fill_zero(out.d_entropy, bytes, exec.device);
}

std::shared_ptr<const rl::UpdateRule> make_update_rule(const Rule& rule) {
  if (int64_t(rule.theta.size()) != rule_num_params(rule.kind))
    throw InvalidArgument(std::string("rule '") + rule_name(rule.kind) + "' needs " +
                          std::to_string(rule_num_params(rule.kind)) + " parameters, got " +
                          std::to_string(rule.theta.size()));
  return std::make_shared<ObjectiveUpdateRule>(rule);
}

std::shared_ptr<const rl::UpdateRule> load_update_rule(const std::string& name_or_path) {
  return make_update_rule(rule_from_name_or_file(name_or_path));
}

void register_rl_rules() {
  // every rule of the table that rl does not build in itself (rl's "ppo_clip" keeps its per-agent ε and
  // evaluates the same per-sample loss, rl/ppo_clip.h)
  const std::vector<std::string> built_in = rl::builtin_update_rule_names();
  for (const std::string& name : rule_names()) {
    if (std::find(built_in.begin(), built_in.end(), name) != built_in.end()) continue;
    rl::register_update_rule(name, [name](const rl::RuleOptions& o) -> std::unique_ptr<rl::UpdateRule> {
      if (o.params_file.empty()) {
        Rule rule = rule_from_name_or_file(name);
        rule.constants.clip_eps = float(o.clip_eps);  // the run config's ε (read by the rules that clip)
        return std::make_unique<ObjectiveUpdateRule>(rule);
      }
      Rule rule = load_rule(o.params_file);
      if (rule.kind != parse_rule(name))
        throw InvalidArgument("'" + o.params_file + "' holds a '" + std::string(rule_name(rule.kind)) +
                              "' objective, not '" + name + "'");
      return std::make_unique<ObjectiveUpdateRule>(rule);
    });
  }
  rl::register_update_rule("objective", [](const rl::RuleOptions& o) -> std::unique_ptr<rl::UpdateRule> {
    if (o.params_file.empty()) throw InvalidArgument("update rule 'objective' needs a discovered-objective file");
    return std::make_unique<ObjectiveUpdateRule>(load_rule(o.params_file));
  });
}

}  // namespace lamarck::objectives
