// The actor-critic loss of one minibatch for P agents at once, with the policy term delegated to an
// UpdateRule. CleanRL ppo.py / PureJaxRL semantics:
//   A_hat = (A - mean(A)) / (std(A) + 1e-8)        per agent and minibatch (std unbiased, as torch.std)
//   r     = exp(logp - logp_old)
//   L_pi  = mean_B rule(r, A_hat, logp, H, n, N)
//   L_V   = 0.5 mean_B max((V - R)^2, (V_old + clip(V - V_old, -eps, eps) - R)^2)   (or unclipped)
//   L     = L_pi + vf_coef L_V - ent_coef mean_B H
// ppo_loss_grads returns the per-agent terms and dL/dlogp, dL/dH, dL/dV per sample.
#pragma once

#include <cstdint>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::rl {

struct LossSettings {
  double ent_coef = 0.01;
  double vf_coef = 0.5;
  double value_clip_eps = 0.2;
  bool clip_value = true;
  bool norm_adv = true;
};

struct LossInputs {
  int64_t P = 0, B = 0;
  const float* log_prob = nullptr;      // (P, B) under the current parameters
  const float* entropy = nullptr;       // (P, B)
  const float* value = nullptr;         // (P, B)
  const float* old_log_prob = nullptr;  // (P, B) from the rollout
  const float* old_value = nullptr;     // (P, B)
  const float* advantage = nullptr;     // (P, B) raw GAE advantages
  const float* returns = nullptr;       // (P, B) value targets
  const int64_t* update = nullptr;      // (P)
  const int64_t* total_updates = nullptr;  // (P)
  const float* rule_params = nullptr;   // (P, rule.num_params())
};

// Per-agent means over the minibatch.
struct LossTerms {
  double policy = 0, value = 0, entropy = 0, total = 0;
  double approx_kl = 0;   // mean((r - 1) - log r)
  double clip_frac = 0;   // fraction of samples with |r - 1| > value_clip_eps
  double extra = 0;       // a trajectory rule's extra-head loss (mean per sample, before its coef; 0 if none)

  // Sums and averages over minibatches (host code).
  LossTerms& operator+=(const LossTerms& o) {
    policy += o.policy;
    value += o.value;
    entropy += o.entropy;
    total += o.total;
    approx_kl += o.approx_kl;
    clip_frac += o.clip_frac;
    extra += o.extra;
    return *this;
  }
  LossTerms& operator/=(double d) {
    policy /= d;
    value /= d;
    entropy /= d;
    total /= d;
    approx_kl /= d;
    clip_frac /= d;
    extra /= d;
    return *this;
  }
};

// Scratch arrays on the device of the call, sized on first use.
struct LossWorkspace {
  DeviceArray<float> ratio, adv, loss, d_ratio, d_log_prob, d_entropy, value_loss;  // (P, B)
  DeviceArray<float> adv_mean, adv_inv_std;                                        // (P)
  DeviceArray<LossTerms> terms;                                                    // (P)
};

// Every array of `in` and the three outputs (P, B) live on exec.device; terms (optional, (P)) is host memory.
void ppo_loss_grads(const Exec& exec, const UpdateRule& rule, const LossSettings& settings, const LossInputs& in,
                    LossWorkspace& ws, float* d_log_prob, float* d_entropy, float* d_value, LossTerms* terms);

}  // namespace lamarck::rl
