// Rules applied to a population's minibatch: P agents, B samples each, every agent with its own rule
// parameters (a row of the ES population during meta-training, or one shared row for a loaded objective).
//
//   objectives::Rule rule = objectives::load_rule("lpo.json");       // objective_file.h
//   objectives::SampleBatch b{P, B, ratio, adv, progress, log_horizon};
//   objectives::evaluate(exec, rule.kind, rule.constants, rule.theta_ptr(), 0, b, loss, dloss_dr);
//
// The trainer averages: L_π = mean_b loss[p, b], dL_π/dr[p, b] = dloss_dr[p, b] / B.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/learned_objectives/rules.h"

namespace lamarck::objectives {

const char* rule_name(RuleKind k);
// "ppo_clip", "dpo", "lpo", "ta_lpo"; anything else throws InvalidArgument with the choices.
RuleKind parse_rule(const std::string& name);
std::vector<std::string> rule_names();
// The input features of a rule, in weight order ("log_r", "log_r^2", ..., "adv*log_r", ..., "progress",
// "log_horizon"); empty for the fixed rules.
std::vector<std::string> rule_features(RuleKind k);

// One minibatch of a population. All arrays on exec.device.
struct SampleBatch {
  int64_t P = 0;                      // agents
  int64_t B = 0;                      // samples per agent
  const float* ratio = nullptr;       // (P, B) r = exp(log π_new - log π_old)
  const float* advantage = nullptr;   // (P, B) normalised Â
  const float* progress = nullptr;    // (P) n/N of each agent (TA-LPO; may be null otherwise)
  const float* log_horizon = nullptr; // (P) ln N of each agent (TA-LPO; may be null otherwise)
};

// loss[p, b] and dloss_dr[p, b] (P, B) for every sample. theta: (P, theta_stride) per-agent parameters;
// theta_stride = 0 shares one row among all agents; null for the fixed rules.
void evaluate(const Exec& exec, RuleKind kind, const RuleConstants& constants, const float* theta,
              int64_t theta_stride, const SampleBatch& batch, float* loss, float* dloss_dr);

// The plain reference: host memory, one sample at a time, double arithmetic.
void evaluate_reference(RuleKind kind, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                        const SampleBatch& batch, float* loss, float* dloss_dr);

// A rule with its parameters on the host: what a discovered-objective file holds.
struct Rule {
  RuleKind kind = RuleKind::ppo_clip;
  RuleConstants constants;
  std::vector<float> theta;  // (rule_num_params(kind))
  const float* theta_ptr() const { return theta.empty() ? nullptr : theta.data(); }
};

// The starting point of a search over a drift net's parameters: W1 ~ N(0, 1/inputs) (Lecun normal, from
// `seed`) and w2 = 0. The net is then exactly 0, so the rule is PPO-clip, but — unlike the all-zero
// vector — it is not a saddle: net(-θ) = net(θ) for this bias-free tanh net, so from θ = 0 the two members
// of an antithetic pair are the same objective and an ES gradient estimate vanishes, while with W1 != 0 the
// gradient in w2 is first order. Empty for the fixed rules.
std::vector<float> drift_search_init(RuleKind kind, uint64_t seed);

// The drift and loss of `rule` at one (r, Â, n/N, log N), in double (for inspection and plots).
RuleSample<double> rule_at(const Rule& rule, double r, double adv, double progress, double log_horizon);

namespace detail {
// CUDA launch of evaluate (rules_cuda.cu); throws when the build has no CUDA.
void evaluate_cuda(RuleKind kind, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                   const SampleBatch& batch, float* loss, float* dloss_dr);

// TA-LPO's per-agent constants (rules.h ta_lpo_bias): bias (P, 128) and net0 (P).
struct TaBiasKernel {
  const float* theta;
  int64_t theta_stride;
  SampleBatch batch;
  float* bias;
  float* net0;
  LMK_HD void operator()(int64_t p) const {
    const float progress = batch.progress ? batch.progress[p] : 0.0f;
    const float log_h = batch.log_horizon ? batch.log_horizon[p] : 0.0f;
    net0[p] = ta_lpo_bias<float, float>(theta + p * theta_stride, progress, log_h, bias + p * kDriftHidden);
  }
};

// The per-sample kernel shared by the CPU and CUDA paths. bias/net0: TA-LPO's per-agent constants.
struct RuleKernel {
  RuleKind kind;
  RuleConstants constants;
  const float* theta;
  int64_t theta_stride;
  SampleBatch batch;
  float* loss;
  float* dloss_dr;
  const float* bias = nullptr;
  const float* net0 = nullptr;
  LMK_HD void operator()(int64_t i) const {
    const int64_t p = i / batch.B;
    const float* th = theta ? theta + p * theta_stride : nullptr;
    RuleSample<float> s;
    if (kind == RuleKind::ta_lpo || kind == RuleKind::lpo) {
      const bool temporal = kind == RuleKind::ta_lpo;
      s = lpo_sample_with_bias<float, float>(th, temporal, temporal ? bias + p * kDriftHidden : nullptr,
                                             temporal ? net0[p] : 0.0f, batch.ratio[i], batch.advantage[i],
                                             constants.clip_eps);
    } else {
      s = rule_sample<float, float>(kind, constants, th, batch.ratio[i], batch.advantage[i], 0.0f, 0.0f);
    }
    loss[i] = s.loss;
    dloss_dr[i] = s.dloss_dr;
  }
};
}  // namespace detail

}  // namespace lamarck::objectives
