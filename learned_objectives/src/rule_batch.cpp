#include "lamarck/learned_objectives/rule_batch.h"

#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "rule_launch.h"

namespace lamarck::objectives {

namespace {
template <class R>
RuleInfo info_of(RuleKind kind) {
  return RuleInfo{kind,         R::kName,         R::kNumParams,     R::kHidden,   R::kAgentFloats,
                  R::kTemporal, R::kReadsClipEps, R::kReadsDpoShape, R::features()};
}

const std::vector<RuleInfo>& table() {
  static const std::vector<RuleInfo> rules = [] {
    std::vector<RuleInfo> out;
#define LMK_RULE_INFO(name, type) out.push_back(info_of<type>(RuleKind::name));
    LAMARCK_RULE_LIST(LMK_RULE_INFO)
#undef LMK_RULE_INFO
    return out;
  }();
  return rules;
}
}  // namespace

const RuleInfo& rule_info(RuleKind kind) {
  for (const RuleInfo& r : table())
    if (r.kind == kind) return r;
  throw InvalidArgument("unknown rule kind " + std::to_string(int(kind)));
}

const char* rule_name(RuleKind k) { return rule_info(k).name; }

std::vector<std::string> rule_names() {
  std::vector<std::string> out;
  for (const RuleInfo& r : table()) out.push_back(r.name);
  return out;
}

std::vector<std::string> learnable_rule_names() {
  std::vector<std::string> out;
  for (const RuleInfo& r : table())
    if (r.num_params > 0) out.push_back(r.name);
  return out;
}

RuleKind parse_rule(const std::string& name) {
  for (const RuleInfo& r : table())
    if (name == r.name) return r.kind;
  throw_unknown_choice("rule", name, rule_names());
}

std::vector<std::string> rule_features(RuleKind k) { return rule_info(k).features; }

std::vector<float> drift_net_search_init(int inputs, uint64_t seed) {
  std::vector<float> theta(static_cast<size_t>(drift_net_params(inputs)), 0.0f);
  Philox rng(derive_key(seed, 0x6472696674696e69ull /* "driftini" */, 0, 0));
  const float scale = 1.0f / std::sqrt(float(inputs));
  for (int64_t k = 0; k < int64_t(inputs) * kDriftHidden; ++k) theta[size_t(k)] = scale * rng.normal();
  return theta;  // w2 (the last kDriftHidden values) stays 0
}

std::vector<float> search_init(RuleKind kind, uint64_t seed) {
  return with_rule(kind, [seed](auto rule) { return decltype(rule)::search_init(seed); });
}

namespace {
void check_batch(RuleKind kind, const float* theta, const SampleBatch& b) {
  if (b.P < 0 || b.B < 0) throw InvalidArgument("rule batch: negative size");
  if (rule_num_params(kind) > 0 && theta == nullptr)
    throw InvalidArgument(std::string("rule '") + rule_name(kind) + "' needs parameters (theta is null)");
}
}  // namespace

void evaluate(const Exec& exec, RuleKind kind, const RuleConstants& constants, const float* theta,
              int64_t theta_stride, const SampleBatch& batch, float* loss, float* dloss_dr) {
  check_batch(kind, theta, batch);
  if (exec.device == Device::cuda) {
    detail::evaluate_cuda(kind, constants, theta, theta_stride, batch, loss, dloss_dr);
    return;
  }
  with_rule(kind, [&](auto rule) {
    detail::launch_rule<decltype(rule)>(exec, constants, theta, theta_stride, batch, loss, dloss_dr);
  });
}

void evaluate_reference(RuleKind kind, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                        const SampleBatch& batch, float* loss, float* dloss_dr) {
  check_batch(kind, theta, batch);
  for (int64_t p = 0; p < batch.P; ++p) {
    const float* th = theta ? theta + p * theta_stride : nullptr;
    const double progress = batch.progress ? batch.progress[p] : 0.0;
    const double log_h = batch.log_horizon ? batch.log_horizon[p] : 0.0;
    for (int64_t b = 0; b < batch.B; ++b) {
      const int64_t i = p * batch.B + b;
      const RuleSample<double> s = rule_sample<double, float>(kind, constants, th, double(batch.ratio[i]),
                                                              double(batch.advantage[i]), progress, log_h);
      loss[i] = float(s.loss);
      dloss_dr[i] = float(s.dloss_dr);
    }
  }
}

RuleSample<double> rule_at(const Rule& rule, double r, double adv, double progress, double log_horizon) {
  if (int64_t(rule.theta.size()) != rule_num_params(rule.kind))
    throw InvalidArgument(std::string("rule '") + rule_name(rule.kind) + "' expects " +
                          std::to_string(rule_num_params(rule.kind)) + " parameters, has " +
                          std::to_string(rule.theta.size()));
  return rule_sample<double, float>(rule.kind, rule.constants, rule.theta_ptr(), r, adv, progress, log_horizon);
}

}  // namespace lamarck::objectives
