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

// What the table (rules.h) says about a rule, for the code that works on any rule at run time.
struct RuleInfo {
  RuleKind kind;
  const char* name;
  int64_t num_params;                 // learnable parameters per agent
  int hidden;                         // network width its file records (0: closed form)
  int agent_floats;                   // per-agent constants computed once per minibatch
  bool temporal;                      // reads the training progress n/N and ln N
  bool reads_clip_eps, reads_dpo_shape;  // which RuleConstants it reads
  std::vector<std::string> features;  // input names, in weight order; empty for the closed forms
};
const RuleInfo& rule_info(RuleKind kind);
const char* rule_name(RuleKind k);
// A rule of the table by name; anything else throws InvalidArgument naming the nearest and the choices.
RuleKind parse_rule(const std::string& name);
// Every rule of the table, in table order; the ones with learnable parameters (what meta-training searches).
std::vector<std::string> rule_names();
std::vector<std::string> learnable_rule_names();
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

// The starting point of a search over a rule's parameters (the rule's search_init: for the drift nets,
// W1 ~ N(0, 1/inputs) from `seed` and w2 = 0, see drift.h). Empty for the fixed rules.
std::vector<float> search_init(RuleKind kind, uint64_t seed);

// The drift and loss of `rule` at one (r, Â, n/N, log N), in double (for inspection and plots).
RuleSample<double> rule_at(const Rule& rule, double r, double adv, double progress, double log_horizon);

namespace detail {
// evaluate on CUDA: src/rules_cuda.cu launches the kernels of src/rule_launch.h, as rule_batch.cpp does on
// the CPU; in a build without CUDA, src/no_cuda.cpp's stub throws the clear error.
void evaluate_cuda(RuleKind kind, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                   const SampleBatch& batch, float* loss, float* dloss_dr);
}  // namespace detail

}  // namespace lamarck::objectives
