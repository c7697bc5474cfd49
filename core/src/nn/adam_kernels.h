// The per-element work of adam_step (adam.h), shared by the CPU path (adam.cpp, g++) and the CUDA path
// (nn_cuda.cu, nvcc). Private to core.
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/nn/adam.h"
#include "lamarck/core/platform.h"

namespace lamarck::nn::detail {

// One parameter: clip the gradient, update the moments, move the parameter.
LMK_HD LMK_INLINE void adam_element(const AdamCoef& c, float b1, float b2, float eps, float& param, float& grad,
                                    float& m, float& v) {
  const float g = grad * c.scale;
  grad = g;
  const float mi = b1 * m + (1.0f - b1) * g;
  const float vi = b2 * v + (1.0f - b2) * g * g;
  m = mi;
  v = vi;
  param -= c.lr_t * mi / (sqrtf(vi * c.inv_bc2) + eps);
}

struct AdamArrays {
  float* params;  // (P, n)
  float* grads;   // (P, n), clipped in place
  float* m;       // (P, n)
  float* v;       // (P, n)
  const AdamCoef* coef;  // (P)
  int64_t n;
  float b1, b2, eps;
};

// CPU: member p's whole row per call, so that the inner loop vectorises.
struct AdamRows {
  AdamArrays a;
  void operator()(int64_t p) const {
    const AdamCoef c = a.coef[p];
    if (!c.active) return;
    const int64_t base = p * a.n;
    for (int64_t i = 0; i < a.n; ++i)
      adam_element(c, a.b1, a.b2, a.eps, a.params[base + i], a.grads[base + i], a.m[base + i], a.v[base + i]);
  }
};

// CUDA: one parameter per thread (coalesced).
struct AdamElements {
  AdamArrays a;
  LMK_HD void operator()(int64_t i) const {
    const AdamCoef c = a.coef[i / a.n];
    if (c.active) adam_element(c, a.b1, a.b2, a.eps, a.params[i], a.grads[i], a.m[i], a.v[i]);
  }
};

// CUDA launches (nn_cuda.cu; throw in a build without CUDA). grads on the device; norms_sq on the host;
// scratch: (P) device values (null: a temporary array).
void grad_squared_norms_cuda(int64_t P, int64_t n, const float* grads, double* norms_sq, double* scratch);
// coef: (P) host values, copied to coef_scratch ((P) on the device) for the launch.
void adam_update_cuda(const AdamArrays& arrays, int64_t P, const AdamCoef* coef, AdamCoef* coef_scratch);

}  // namespace lamarck::nn::detail
