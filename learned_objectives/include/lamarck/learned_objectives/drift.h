// The building blocks of policy-update rules in drift form (Lu et al., "Discovered Policy Optimisation",
// NeurIPS 2022, arXiv 2210.05639, Mirror Learning): the per-sample policy loss
//     l(r, Â) = -(r·Â - drift(r, Â, ...))
// and its exact derivative with respect to the probability ratio r. The rules themselves are one file
// each in rules/ and one line in rules.h's table; this header holds what they share: the result type, the
// constants, PPO's clipping drift and the drift network of LPO and TA-LPO.
//
// Every function is a template on the scalar type (derivatives are checked against finite differences in
// double) and LMK_HD, so the same code runs per sample on the CPU and on the GPU.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/core/math.h"
#include "lamarck/core/platform.h"

namespace lamarck::objectives {

constexpr int kDriftHidden = 128;      // hidden units of the drift network
constexpr double kDriftOffset = 1e-4;  // the -1e-4 inside LPO's outer ReLU

// Constants of a rule (not learned). A rule's table entry says which of them it reads.
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

// ---- the drift network of LPO and TA-LPO ---------------------------------------------------------
// net = Dense(128, no bias) -> tanh -> Dense(1, no bias). Parameter layout of one agent's row:
// W1 (inputs, 128) row-major, then w2 (128).
constexpr int64_t drift_net_params(int inputs) { return int64_t(inputs) * kDriftHidden + kDriftHidden; }

// LPO's input features x = [f(r), Â·f(r)] (8) with f(r) = [log r, (log r)², 1-r, (1-r)²], and dx/dr.
constexpr int kLpoFeatures = 8;
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
// The names of those features, in weight order.
inline std::vector<std::string> lpo_feature_names() {
  return {"log_r", "log_r^2", "1-r", "(1-r)^2", "adv*log_r", "adv*log_r^2", "adv*(1-r)", "adv*(1-r)^2"};
}

// tanh of the drift nets: lamarck's one float tanh, tanh_f (core/math.h: vectorises, same bits on the GPU);
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

// LPO's PPO-initialised residual drift for one sample:
//   drift = ReLU(net(x) - net0 + ReLU((r - clip(r, 1-ε, 1+ε))·Â) - 1e-4)
// with the hidden bias of inputs that are constant per agent (null when none) and net0 the network's value
// at r = 1 for those inputs (0 when none). w2_offset: where w2 starts in theta (after all input rows).
template <class T, class P>
LMK_HD inline RuleSample<T> residual_drift_sample(const P* theta, int64_t w2_offset, const T* bias, T net0, T r,
                                                  T adv, T eps) {
  T x[kLpoFeatures], dx[kLpoFeatures];
  lpo_features(r, adv, x, dx);
  T dnet = T(0);
  const T net = drift_net<T, P>(theta, kLpoFeatures, w2_offset, x, dx, bias, &dnet) - net0;
  T dppo = T(0);
  const T ppo = ppo_drift(r, adv, eps, &dppo);
  const T z = net + ppo - T(kDriftOffset);
  return from_drift(r, adv, relu(z), z > T(0) ? dnet + dppo : T(0));
}

// The starting point of a search over a drift net's parameters: W1 ~ N(0, 1/inputs) (Lecun normal, from
// `seed`) and w2 = 0. The net is then exactly 0, so the rule is PPO-clip, but — unlike the all-zero
// vector — it is not a saddle: net(-θ) = net(θ) for this bias-free tanh net, so from θ = 0 the two members
// of an antithetic pair are the same objective and an ES gradient estimate vanishes, while with W1 != 0 the
// gradient in w2 is first order. (rule_batch.cpp)
std::vector<float> drift_net_search_init(int inputs, uint64_t seed);

}  // namespace lamarck::objectives
