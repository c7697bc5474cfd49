#include "lamarck/learned_objectives/rule_batch.h"

#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"

namespace lamarck::objectives {

const char* rule_name(RuleKind k) {
  switch (k) {
    case RuleKind::ppo_clip: return "ppo_clip";
    case RuleKind::dpo: return "dpo";
    case RuleKind::lpo: return "lpo";
    case RuleKind::ta_lpo: return "ta_lpo";
  }
  return "?";
}

std::vector<std::string> rule_names() { return {"ppo_clip", "dpo", "lpo", "ta_lpo"}; }

RuleKind parse_rule(const std::string& name) {
  for (RuleKind k : {RuleKind::ppo_clip, RuleKind::dpo, RuleKind::lpo, RuleKind::ta_lpo})
    if (name == rule_name(k)) return k;
  throw_unknown_choice("rule", name, rule_names());
}

std::vector<std::string> rule_features(RuleKind k) {
  if (rule_inputs(k) == 0) return {};
  const std::vector<std::string> f = {"log_r", "log_r^2", "1-r", "(1-r)^2"};
  std::vector<std::string> out = f;
  for (const auto& name : f) out.push_back("adv*" + (name == "1-r" ? std::string("(1-r)") : name));
  if (k == RuleKind::ta_lpo) {
    out.push_back("progress");
    out.push_back("log_horizon");
  }
  return out;
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
  const int64_t n = batch.P * batch.B;
  detail::RuleKernel kernel{kind, constants, theta, theta_stride, batch, loss, dloss_dr};
  // TA-LPO: the temporal inputs' share once per agent, not once per sample
  std::vector<float> bias, net0;
  if (kind == RuleKind::ta_lpo) {
    bias.resize(static_cast<size_t>(batch.P * kDriftHidden));
    net0.resize(static_cast<size_t>(batch.P));
    const detail::TaBiasKernel pre{theta, theta_stride, batch, bias.data(), net0.data()};
    for (int64_t p = 0; p < batch.P; ++p) pre(p);
    kernel.bias = bias.data();
    kernel.net0 = net0.data();
  }
  // the drift nets cost ~1-2k flops per sample: worth threads from a few hundred samples on
  if (rule_num_params(kind) == 0 && n < 16384) {
    for (int64_t i = 0; i < n; ++i) kernel(i);
    return;
  }
  parallel_for(exec, n, kernel);
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

std::vector<float> drift_search_init(RuleKind kind, uint64_t seed) {
  const int inputs = rule_inputs(kind);
  std::vector<float> theta(static_cast<size_t>(rule_num_params(kind)), 0.0f);
  if (inputs == 0) return theta;
  Philox rng(derive_key(seed, 0x6472696674696e69ull /* "driftini" */, 0, 0));
  const float scale = 1.0f / std::sqrt(float(inputs));
  for (int64_t k = 0; k < int64_t(inputs) * kDriftHidden; ++k) theta[size_t(k)] = scale * rng.normal();
  return theta;  // w2 (the last kDriftHidden values) stays 0
}

RuleSample<double> rule_at(const Rule& rule, double r, double adv, double progress, double log_horizon) {
  if (int64_t(rule.theta.size()) != rule_num_params(rule.kind))
    throw InvalidArgument(std::string("rule '") + rule_name(rule.kind) + "' expects " +
                          std::to_string(rule_num_params(rule.kind)) + " parameters, has " +
                          std::to_string(rule.theta.size()));
  return rule_sample<double, float>(rule.kind, rule.constants, rule.theta_ptr(), r, adv, progress, log_horizon);
}

#if !defined(LAMARCK_WITH_CUDA)
void detail::evaluate_cuda(RuleKind, const RuleConstants&, const float*, int64_t, const SampleBatch&, float*,
                           float*) {
  throw Error("learned_objectives was built without CUDA: run with --device cpu");
}
#endif

}  // namespace lamarck::objectives
