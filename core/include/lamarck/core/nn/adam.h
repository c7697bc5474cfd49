// Adam with global gradient-norm clipping and a per-member learning rate, for a population of members
// that each own a parameter row (P, n).
//   D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
// Semantics follow PyTorch (CleanRL) and optax (PureJaxRL) as used by PPO:
//   g <- g * min(1, max_norm / (||g||_2 + 1e-6))          (clip_grad_norm_, per member, all its params)
//   m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
//   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// with eps = 1e-5 by default (the PPO setting) and t the member's step count after the increment.
// Linear annealing: lr_n = lr0 * (1 - n / N) for update n = 0..N-1 (CleanRL's frac).
#pragma once

#include <cstdint>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"

namespace lamarck::nn {

struct AdamConfig {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-5;
  double max_grad_norm = 0.5;  // <= 0: no clipping
};

namespace detail {
// Per-member coefficients of one step, computed on the host from the gradient norm and the step count.
struct AdamCoef {
  float scale;    // gradient clip factor
  float lr_t;     // lr / (1 - b1^t)
  float inv_bc2;  // 1 / (1 - b2^t)
  uint8_t active;
};
}  // namespace detail

struct AdamState {
  DeviceArray<float> m, v;  // (P, n)
  std::vector<int64_t> step;  // (P) Adam steps taken by each member
  // CUDA scratch, (P): the squared gradient norms and the coefficients of a step
  DeviceArray<double> norms_scratch;
  DeviceArray<detail::AdamCoef> coef_scratch;
  void reset(int64_t P, int64_t n, Device device);
};

inline double linear_anneal(double lr0, int64_t update, int64_t total_updates) {
  return total_updates > 0 ? lr0 * (1.0 - double(update) / double(total_updates)) : lr0;
}

// The global L2 norm of each member's gradient row (grads on exec.device): norms[p] (host, size P). Sums
// in double, in a fixed order.
void grad_norms(const Exec& exec, int64_t P, int64_t n, const float* grads, double* norms);

// One Adam step for the members with active[p] != 0 (active may be null = all). params, grads and the
// state's moments live on exec.device; lr and active are (P) host values. grads are clipped in place. grad_norm_out (optional, host, P) receives the norms before clipping.
void adam_step(const Exec& exec, const AdamConfig& config, int64_t P, int64_t n, float* params, float* grads,
               AdamState& state, const double* lr, const uint8_t* active, double* grad_norm_out);

// The plain reference (host, one member at a time, double arithmetic).
void adam_step_reference(const AdamConfig& config, int64_t P, int64_t n, float* params, float* grads,
                         AdamState& state, const double* lr, const uint8_t* active);

}  // namespace lamarck::nn
