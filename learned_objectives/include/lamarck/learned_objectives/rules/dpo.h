// DPO: Lu et al., "Discovered Policy Optimisation", NeurIPS 2022 (arXiv 2210.05639), the closed form
// distilled from the learned LPO drift:
//   Â >= 0: drift = ReLU((r-1)Â - α tanh((r-1)Â/α));   Â < 0: drift = ReLU(log(r)Â - β tanh(log(r)Â/β)).
#pragma once

#include "lamarck/learned_objectives/rules/rule_base.h"

namespace lamarck::objectives {

struct DpoRule : RuleBase {
  static constexpr const char* kName = "dpo";
  static constexpr bool kReadsDpoShape = true;

  template <class T, class P>
  LMK_HD static RuleSample<T> sample(const RuleConstants& c, const P*, const T*, T r, T adv) {
    using std::log;
    using std::tanh;
    T q, dq_dr, scale;
    if (adv >= T(0)) {
      q = (r - T(1)) * adv;
      dq_dr = adv;
      scale = T(c.dpo_alpha);
    } else {
      q = log(r) * adv;
      dq_dr = adv / r;
      scale = T(c.dpo_beta);
    }
    const T t = tanh(q / scale);
    const T g = q - scale * t;
    const T dg_dr = (t * t) * dq_dr;  // d/dq (q - s tanh(q/s)) = tanh²(q/s)
    return from_drift(r, adv, relu(g), g > T(0) ? dg_dr : T(0));
  }
};

}  // namespace lamarck::objectives
