// PPO-clip as a drift rule: Schulman et al., "Proximal Policy Optimization Algorithms", arXiv 1707.06347.
//   l = -min(r·Â, clip(r, 1-ε, 1+ε)·Â)   (= drift form with drift = ReLU((r - clip(r))·Â), tested equal)
// The per-sample loss is rl's (rl/ppo_clip.h), the one definition the rl trainer's built-in rule also uses.
#pragma once

#include "lamarck/learned_objectives/rules/rule_base.h"
#include "lamarck/rl/ppo_clip.h"

namespace lamarck::objectives {

struct PpoClipRule : RuleBase {
  static constexpr const char* kName = "ppo_clip";
  static constexpr bool kReadsClipEps = true;

  template <class T, class P>
  LMK_HD static RuleSample<T> sample(const RuleConstants& c, const P*, const T*, T r, T adv) {
    const rl::ClipLoss<T> l = rl::ppo_clip_loss(r, adv, T(c.clip_eps));
    RuleSample<T> s;
    s.loss = l.loss;
    s.dloss_dr = l.dloss_dr;
    s.drift = r * adv + l.loss;  // loss = -(r·Â - drift)
    s.ddrift_dr = adv + l.dloss_dr;
    return s;
  }
};

}  // namespace lamarck::objectives
