// TA-LPO: Jackson et al., "Discovering Temporally-Aware Reinforcement Learning Algorithms", ICLR 2024
// (arXiv 2402.05828): LPO (rules/lpo.h) with the training progress n/N and log N appended (10 inputs).
//
// Scaling and one lamarck choice: progress = n/N in [0, 1) with n the update index (0-based) and N the total
// number of updates of the inner run; log_horizon = ln N (natural log of the number of updates, not of env
// steps), unscaled, as the paper describes. Appending non-zero temporal inputs would make net(x) != 0 at
// r = 1 and break the Mirror-Learning constraints; lamarck subtracts the network's value at r = 1 for the
// same (n/N, log N):  net_ta(x) = net(x) - net(0,...,0, n/N, log N). Then drift(r = 1) = 0 and, because the
// pre-activation there is -1e-4 (flat ReLU), d drift / dr (r = 1) = 0 for every parameter vector.
//
// The temporal inputs are constant per agent, so prepare() computes their share of the hidden
// pre-activations, bias_j = W1[8, j]·(n/N) + W1[9, j]·log N, and net0 = w2 · tanh(bias) once per agent.
// Parameters: W1 (10, 128) row-major, then w2 (128).
#pragma once

#include "lamarck/learned_objectives/rules/rule_base.h"

namespace lamarck::objectives {

struct TaLpoRule : RuleBase {
  static constexpr const char* kName = "ta_lpo";
  static constexpr int kInputs = kLpoFeatures + 2;
  static constexpr int64_t kNumParams = drift_net_params(kInputs);
  static constexpr int kHidden = kDriftHidden;
  static constexpr int kAgentFloats = kDriftHidden + 1;  // bias (128), then net0
  static constexpr bool kTemporal = true;
  static constexpr bool kReadsClipEps = true;
  static std::vector<std::string> features() {
    std::vector<std::string> f = lpo_feature_names();
    f.push_back("progress");
    f.push_back("log_horizon");
    return f;
  }
  static std::vector<float> search_init(uint64_t seed) { return drift_net_search_init(kInputs, seed); }

  template <class T, class P>
  LMK_HD static void prepare(const P* theta, T progress, T log_horizon, T* agent) {
    const P* w2 = theta + int64_t(kInputs) * kDriftHidden;
    T net0 = T(0);
    for (int j = 0; j < kDriftHidden; ++j) {
      agent[j] = T(theta[8 * kDriftHidden + j]) * progress + T(theta[9 * kDriftHidden + j]) * log_horizon;
      net0 += T(w2[j]) * drift_tanh(agent[j]);
    }
    agent[kDriftHidden] = net0;
  }
  template <class T, class P>
  LMK_HD static RuleSample<T> sample(const RuleConstants& c, const P* theta, const T* agent, T r, T adv) {
    return residual_drift_sample<T, P>(theta, int64_t(kInputs) * kDriftHidden, agent, agent[kDriftHidden], r, adv,
                                       T(c.clip_eps));
  }
};

}  // namespace lamarck::objectives
