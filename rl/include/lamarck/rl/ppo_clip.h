// PPO's clipped surrogate for one sample, the one definition that rl's built-in "ppo_clip" rule and
// learned_objectives' drift-form table use.
//
// Schulman et al., "Proximal Policy Optimization Algorithms", arXiv 1707.06347, eq. 7:
//   loss = -min(r·Â, clip(r, 1-ε, 1+ε)·Â)
// d loss / d r = -Â where the unclipped term is the minimum (which includes every r inside the interval),
// 0 where the clipped term is strictly smaller (r outside the interval, on the side Â pushes towards).
#pragma once

#include "lamarck/core/platform.h"

namespace lamarck::rl {

template <class T>
struct ClipLoss {
  T loss;      // -min(r·Â, clip(r)·Â)
  T dloss_dr;  // d loss / d r
};

template <class T>
LMK_HD inline ClipLoss<T> ppo_clip_loss(T r, T adv, T eps) {
  const T lo = T(1) - eps, hi = T(1) + eps;
  const T clipped = r < lo ? lo : (r > hi ? hi : r);
  const T unclipped_obj = r * adv, clipped_obj = clipped * adv;
  if (unclipped_obj <= clipped_obj) return {-unclipped_obj, -adv};
  return {-clipped_obj, T(0)};
}

}  // namespace lamarck::rl
