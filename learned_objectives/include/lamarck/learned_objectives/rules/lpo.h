// LPO: Lu et al., "Discovered Policy Optimisation", NeurIPS 2022 (arXiv 2210.05639), the learned drift of
// Mirror Learning. Input x = [f(r), Â·f(r)] (8) with f(r) = [log r, (log r)², 1-r, (1-r)²]; the network
// (drift.h) in the PPO-initialised residual form
//   drift = ReLU(net(x) + ReLU((r - clip(r, 1-ε, 1+ε))·Â) - 1e-4)
// so a zero network is PPO-clip up to the 1e-4 offset. Parameters: W1 (8, 128) row-major, then w2 (128).
#pragma once

#include "lamarck/learned_objectives/rules/rule_base.h"

namespace lamarck::objectives {

struct LpoRule : RuleBase {
  static constexpr const char* kName = "lpo";
  static constexpr int kInputs = kLpoFeatures;
  static constexpr int64_t kNumParams = drift_net_params(kInputs);
  static constexpr int kHidden = kDriftHidden;
  static constexpr bool kReadsClipEps = true;
  static std::vector<std::string> features() { return lpo_feature_names(); }
  static std::vector<float> search_init(uint64_t seed) { return drift_net_search_init(kInputs, seed); }

  template <class T, class P>
  LMK_HD static RuleSample<T> sample(const RuleConstants& c, const P* theta, const T*, T r, T adv) {
    return residual_drift_sample<T, P>(theta, int64_t(kInputs) * kDriftHidden, nullptr, T(0), r, adv,
                                       T(c.clip_eps));
  }
};

}  // namespace lamarck::objectives
