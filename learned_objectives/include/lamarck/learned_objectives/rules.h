// Policy-update rules in drift form: the per-sample policy loss  l(r, Â) = -(r·Â - drift(r, Â, ...))
// and its exact derivative with respect to the probability ratio r, for four rules:
//
//   ppo_clip  Schulman et al., "Proximal Policy Optimization Algorithms", arXiv 1707.06347:
//             l = -min(r·Â, clip(r, 1-ε, 1+ε)·Â)   (= drift form with drift = ReLU((r - clip(r))·Â)).
//   dpo       Lu et al., "Discovered Policy Optimisation", NeurIPS 2022 (arXiv 2210.05639), closed form:
//             Â >= 0: drift = ReLU((r-1)Â - α tanh((r-1)Â/α));  Â < 0: drift = ReLU(log(r)Â - β tanh(log(r)Â/β)).
//   lpo       Lu et al. 2022, the learned drift (Mirror Learning): features f(r) = [log r, (log r)², 1-r, (1-r)²],
//             input x = [f(r), Â·f(r)] (8), net = Dense(128, no bias) -> tanh -> Dense(1, no bias), PPO-initialised
//             residual form  drift = ReLU(net(x) + ReLU((r - clip(r, 1-ε, 1+ε))·Â) - 1e-4).
//   ta_lpo    Jackson et al., "Discovering Temporally-Aware Reinforcement Learning Algorithms", ICLR 2024
//             (arXiv 2402.05828): LPO with the training progress n/N and log N appended (10 inputs).
//
// TA-LPO scaling and one lamarck choice: progress = n/N in [0, 1) with n the update index (0-based) and N
// the total number of updates of the inner run; log_horizon = ln N (natural log of the number of updates,
// not of env steps), unscaled, as the paper describes. Appending non-zero temporal inputs would make
// net(x) != 0 at r = 1 and break the Mirror-Learning constraints; lamarck subtracts the network's value at
// r = 1 for the same (n/N, log N):  net_ta(x) = net(x) - net(0,...,0, n/N, log N). Then drift(r = 1) = 0 and,
// because the pre-activation there is -1e-4 (flat ReLU), d drift / dr (r = 1) = 0 for every parameter vector.
//
// Every function here is a template on the scalar type (derivatives are checked against finite
// differences in double) and LMK_HD, so the same code runs per sample on the CPU and on the GPU.
// Parameter layout of the drift net (one agent's row): W1 (in, 128) row-major, then w2 (128).
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/math.h"
#include "lamarck/core/platform.h"

namespace lamarck::objectives {

enum class RuleKind : int32_t { ppo_clip = 0, dpo = 1, lpo = 2, ta_lpo = 3 };

constexpr int kDriftHidden = 128;         // hidden units of the drift network
constexpr int kLpoInputs = 8;             // [f(r), Â·f(r)]
constexpr int kTaLpoInputs = 10;          // + [n/N, log N]
constexpr double kDriftOffset = 1e-4;     // the -1e-4 inside the outer ReLU

LMK_HD constexpr int rule_inputs(RuleKind k) {
  return k == RuleKind::lpo ? kLpoInputs : k == RuleKind::ta_lpo ? kTaLpoInputs : 0;
}
// Learnable parameters of a rule: (in · 128 + 128) for the drift nets, 0 for the fixed rules.
LMK_HD constexpr int64_t rule_num_params(RuleKind k) {
  return rule_inputs(k) == 0 ? 0 : int64_t(rule_inputs(k)) * kDriftHidden + kDriftHidden;
}

// Constants of a rule (not learned).
struct RuleConstants {
  float clip_eps = 0.2f;   // ε of PPO's clip and of the LPO/TA-LPO PPO-initialised residual
  float dpo_alpha = 2.0f;  // DPO α (Â >= 0 branch)
  float dpo_beta = 0.6f;   // DPO β (Â < 0 branch)
};

// The value of one sample's policy loss term and its derivative.
template <class T>
struct RuleSample {
  T loss = T(0);      // -(r·Â - drift)
  T dloss_dr = T(0);  // exact d loss / d r
  T drift = T(0);
  T ddrift_dr = T(0);
};

template <class T>
LMK_HD inline T relu(T x) {
  return x > T(0) ? x : T(0);
}

// ReLU((r - clip(r, 1-ε, 1+ε))·Â) and its derivative in r: PPO's clipping drift.
template <class T>
LMK_HD inline T ppo_drift(T r, T adv, T eps, T* d_dr) {
  const T lo = T(1) - eps, hi = T(1) + eps;
  const T clipped = r < lo ? lo : (r > hi ? hi : r);
  const T u = (r - clipped) * adv;
  const bool outside = r < lo || r > hi;
  *d_dr = (u > T(0) && outside) ? adv : T(0);
  return relu(u);
}

template <class T>
LMK_HD inline RuleSample<T> from_drift(T r, T adv, T drift, T ddrift_dr) {
  RuleSample<T> s;
  s.drift = drift;
  s.ddrift_dr = ddrift_dr;
  s.loss = -(r * adv - drift);
  s.dloss_dr = -(adv - ddrift_dr);
  return s;
}

// PPO-clip, written as -min(r·Â, clip(r)·Â) (tested equal to its drift form).
template <class T>
LMK_HD inline RuleSample<T> ppo_clip_sample(T r, T adv, T eps) {
  const T lo = T(1) - eps, hi = T(1) + eps;
  const T clipped = r < lo ? lo : (r > hi ? hi : r);
  const T unclipped_obj = r * adv, clipped_obj = clipped * adv;
  RuleSample<T> s;
  const bool use_unclipped = unclipped_obj <= clipped_obj;
  s.loss = -(use_unclipped ? unclipped_obj : clipped_obj);
  const bool inside = r >= lo && r <= hi;
  s.dloss_dr = use_unclipped ? -adv : (inside ? -adv : T(0));
  s.drift = r * adv - (use_unclipped ? unclipped_obj : clipped_obj);
  s.ddrift_dr = adv + s.dloss_dr;
  return s;
}

// DPO's closed-form drift.
template <class T>
LMK_HD inline RuleSample<T> dpo_sample(T r, T adv, T alpha, T beta) {
  using std::log;
  using std::tanh;
  T q, dq_dr, scale;
  if (adv >= T(0)) {
    q = (r - T(1)) * adv;
    dq_dr = adv;
    scale = alpha;
  } else {
    q = log(r) * adv;
    dq_dr = adv / r;
    scale = beta;
  }
  const T t = tanh(q / scale);
  const T g = q - scale * t;
  const T dg_dr = (t * t) * dq_dr;  // d/dq (q - s tanh(q/s)) = tanh²(q/s)
  const T drift = relu(g);
  return from_drift(r, adv, drift, g > T(0) ? dg_dr : T(0));
}

// The LPO input features x (kLpoInputs) and dx/dr.
template <class T>
LMK_HD inline void lpo_features(T r, T adv, T* x, T* dx) {
  using std::log;
  const T lr = log(r), one_m = T(1) - r;
  const T f[4] = {lr, lr * lr, one_m, one_m * one_m};
  const T df[4] = {T(1) / r, T(2) * lr / r, T(-1), T(-2) * one_m};
  for (int i = 0; i < 4; ++i) {
    x[i] = f[i];
    x[4 + i] = adv * f[i];
    dx[i] = df[i];
    dx[4 + i] = adv * df[i];
  }
}

// tanh of the drift nets: the branch-free float tanh_f (core/math.h, vectorises, same bits on the GPU);
// std::tanh in double (the finite-difference checks and the plain reference).
LMK_HD LMK_INLINE float drift_tanh(float x) { return tanh_f(x); }
LMK_HD LMK_INLINE double drift_tanh(double x) { return std::tanh(x); }

// net(x) = w2 · tanh(W1ᵀ x + bias) and d net / dr = Σ_j w2_j (1 - h_j²) Σ_i W1_ij dx_i/dr.
// theta: W1 (rows, 128) row-major then w2 (128) at w2_offset; x, dx: (in) with in <= rows; bias (128) adds the
// contribution of inputs that are constant per agent (may be null). dx may be null (no derivative).
// The sums over the 128 hidden units are SIMD reductions on the CPU (in vector-lane order).
template <class T, class P>
LMK_HD inline T drift_net(const P* theta, int in, int64_t w2_offset, const T* x, const T* dx, const T* bias,
                          T* dnet_dr) {
  const P* w2 = theta + w2_offset;
  // hidden pre-activations and their r-derivatives, accumulated input by input (unit stride over the hidden
  // units: this loop and the next vectorise on the CPU)
  T pre[kDriftHidden], dpre[kDriftHidden];
  for (int j = 0; j < kDriftHidden; ++j) {
    pre[j] = T(0);
    dpre[j] = T(0);
  }
  if (bias)
    for (int j = 0; j < kDriftHidden; ++j) pre[j] = bias[j];
  for (int i = 0; i < in; ++i) {
    const P* row = theta + i * kDriftHidden;
    const T xi = x[i], dxi = dx ? dx[i] : T(0);
    for (int j = 0; j < kDriftHidden; ++j) {
      pre[j] += T(row[j]) * xi;
      dpre[j] += T(row[j]) * dxi;
    }
  }
  T value = T(0), deriv = T(0);
#if !LMK_ON_DEVICE
#pragma omp simd reduction(+ : value, deriv)
#endif
  for (int j = 0; j < kDriftHidden; ++j) {
    const T h = drift_tanh(pre[j]);
    value += T(w2[j]) * h;
    deriv += T(w2[j]) * (T(1) - h * h) * dpre[j];
  }
  if (dnet_dr) *dnet_dr = deriv;
  return value;
}

// TA-LPO's per-agent constants: bias_j = W1[8, j]·(n/N) + W1[9, j]·log N (the temporal inputs' share of the
// hidden pre-activations) and net0 = w2 · tanh(bias) (the network at r = 1). Computed once per agent and
// minibatch by the batched path; the per-sample reference recomputes them.
template <class T, class P>
LMK_HD inline T ta_lpo_bias(const P* theta, T progress, T log_horizon, T* bias) {
  const P* w2 = theta + int64_t(kTaLpoInputs) * kDriftHidden;
  T net0 = T(0);
  for (int j = 0; j < kDriftHidden; ++j) {
    bias[j] = T(theta[8 * kDriftHidden + j]) * progress + T(theta[9 * kDriftHidden + j]) * log_horizon;
    net0 += T(w2[j]) * drift_tanh(bias[j]);
  }
  return net0;
}

// The drift nets for one sample given the per-agent constants (bias null and net0 = 0 for LPO).
template <class T, class P>
LMK_HD inline RuleSample<T> lpo_sample_with_bias(const P* theta, bool temporal, const T* bias, T net0, T r, T adv,
                                                 T eps) {
  T x[kLpoInputs], dx[kLpoInputs];
  lpo_features(r, adv, x, dx);
  const int64_t w2_offset = int64_t(temporal ? kTaLpoInputs : kLpoInputs) * kDriftHidden;
  T dnet = T(0);
  const T net = drift_net<T, P>(theta, kLpoInputs, w2_offset, x, dx, temporal ? bias : nullptr, &dnet) -
                (temporal ? net0 : T(0));
  T dppo = T(0);
  const T ppo = ppo_drift(r, adv, eps, &dppo);
  const T z = net + ppo - T(kDriftOffset);
  return from_drift(r, adv, relu(z), z > T(0) ? dnet + dppo : T(0));
}

// LPO (temporal = false) or TA-LPO (temporal = true) for one sample: the plain form, which also
// recomputes TA-LPO's per-agent constants.
template <class T, class P>
LMK_HD inline RuleSample<T> lpo_sample(const P* theta, bool temporal, T r, T adv, T progress, T log_horizon,
                                       T eps) {
  T bias[kDriftHidden] = {};  // read only when temporal; zeroed so every path is defined
  T net0 = T(0);
  if (temporal) net0 = ta_lpo_bias<T, P>(theta, progress, log_horizon, bias);
  return lpo_sample_with_bias<T, P>(theta, temporal, bias, net0, r, adv, eps);
}

// Any rule for one sample. theta: this agent's parameters (ignored by the fixed rules).
template <class T, class P>
LMK_HD inline RuleSample<T> rule_sample(RuleKind kind, const RuleConstants& c, const P* theta, T r, T adv,
                                        T progress, T log_horizon) {
  switch (kind) {
    case RuleKind::ppo_clip: return ppo_clip_sample<T>(r, adv, T(c.clip_eps));
    case RuleKind::dpo: return dpo_sample<T>(r, adv, T(c.dpo_alpha), T(c.dpo_beta));
    case RuleKind::lpo: return lpo_sample<T, P>(theta, false, r, adv, progress, log_horizon, T(c.clip_eps));
    case RuleKind::ta_lpo: return lpo_sample<T, P>(theta, true, r, adv, progress, log_horizon, T(c.clip_eps));
  }
  return RuleSample<T>{};
}

}  // namespace lamarck::objectives
