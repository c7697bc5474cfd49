// A batched GRU cell with a population axis (needed by LPG-style update rules, which scan a GRU
// backwards over a rollout).
//   K. Cho et al., "Learning Phrase Representations using RNN Encoder-Decoder for Statistical Machine
//   Translation", EMNLP 2014.  Gate form as in PyTorch nn.GRUCell and Flax GRUCell:
//   r = sigmoid(x W_xr + b_xr + h W_hr + b_hr)
//   z = sigmoid(x W_xz + b_xz + h W_hz + b_hz)
//   n = tanh(x W_xn + b_xn + r * (h W_hn + b_hn))
//   h' = (1 - z) * n + z * h
// Parameters inside a member's row, from `offset`: W_x (in, 3H), W_h (H, 3H), b_x (3H), b_h (3H);
// gate columns in the order [r, z, n].
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/nn/dense.h"

namespace lamarck::nn {

struct GruLayout {
  int64_t in = 0, hidden = 0, offset = 0;
  int64_t wx() const { return offset; }
  int64_t wh() const { return offset + in * 3 * hidden; }
  int64_t bx() const { return wh() + hidden * 3 * hidden; }
  int64_t bh() const { return bx() + 3 * hidden; }
  int64_t num_params() const { return (in + hidden + 2) * 3 * hidden; }
};

// What a forward step keeps for its backward step: (P*B, 3H) pre-activation parts and gates.
template <class T>
struct GruCache {
  DeviceArray<T> gx, gh;  // x W_x + b_x and h W_h + b_h
  DeviceArray<T> gates;   // r, z, n
  void ensure(int64_t rows, int64_t hidden, Device device) {
    if (gx.size() != rows * 3 * hidden || gx.device() != device) {
      gx = DeviceArray<T>(rows * 3 * hidden, device);
      gh = DeviceArray<T>(rows * 3 * hidden, device);
      gates = DeviceArray<T>(rows * 3 * hidden, device);
    }
  }
};

namespace detail {
// float: core/math.h's exp_f and tanh_f (any_tanh), the same bits on the CPU and the GPU; double: libm
LMK_HD inline float sigmoid(float x) { return 1.0f / (1.0f + exp_f(-x)); }
LMK_HD inline double sigmoid(double x) {
  using std::exp;
  return 1.0 / (1.0 + exp(-x));
}
template <class T>
struct GruBiases {  // adds b_x to gx and b_h to gh
  T* gx;
  T* gh;
  const T* params;
  int64_t stride, bx, bh, rows_per_member, width;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t p = idx / (rows_per_member * width), j = idx % width;
    gx[idx] += params[p * stride + bx + j];
    gh[idx] += params[p * stride + bh + j];
  }
};
template <class T>
struct GruGates {
  const T* gx;
  const T* gh;
  const T* h;
  T* gates;
  T* h_next;
  int64_t H;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t row = idx / H, j = idx % H;
    const int64_t base = row * 3 * H;
    const T r = sigmoid(gx[base + j] + gh[base + j]);
    const T z = sigmoid(gx[base + H + j] + gh[base + H + j]);
    const T n = any_tanh(gx[base + 2 * H + j] + r * gh[base + 2 * H + j]);
    gates[base + j] = r;
    gates[base + H + j] = z;
    gates[base + 2 * H + j] = n;
    h_next[idx] = (T(1) - z) * n + z * h[idx];
  }
};
template <class T>
struct GruGateGrads {  // from dh' to d(gx) and d(gh) (both (rows, 3H)) and the direct part of dh
  const T* gh;
  const T* gates;
  const T* h;
  const T* dh_next;
  T* dgx;
  T* dgh;
  T* dh;
  int64_t H;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t row = idx / H, j = idx % H;
    const int64_t base = row * 3 * H;
    const T r = gates[base + j], z = gates[base + H + j], n = gates[base + 2 * H + j];
    const T d = dh_next[idx];
    const T dn = d * (T(1) - z) * (T(1) - n * n);
    const T dz = d * (h[idx] - n) * z * (T(1) - z);
    const T dr = dn * gh[base + 2 * H + j] * r * (T(1) - r);
    dgx[base + j] = dr;
    dgx[base + H + j] = dz;
    dgx[base + 2 * H + j] = dn;
    dgh[base + j] = dr;
    dgh[base + H + j] = dz;
    dgh[base + 2 * H + j] = dn * r;
    dh[idx] = d * z;
  }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// h_next (P, B, H) from x (P, B, in) and h (P, B, H).
template <class T>
void gru_forward(const Exec& exec, const GruLayout& g, int64_t P, int64_t B, const T* params, int64_t stride,
                 const T* x, const T* h, T* h_next, GruCache<T>& cache) {
  const int64_t H = g.hidden, W = 3 * H;
  cache.ensure(P * B, H, exec.device);
  gemm_batched<T>(exec, gemm_args(Trans::no, Trans::no, P, B, W, g.in, B * g.in, stride, B * W), T(1), x,
                  params + g.wx(), T(0), cache.gx.data());
  gemm_batched<T>(exec, gemm_args(Trans::no, Trans::no, P, B, W, H, B * H, stride, B * W), T(1), h,
                  params + g.wh(), T(0), cache.gh.data());
  elementwise(exec, P * B * W, detail::GruBiases<T>{cache.gx.data(), cache.gh.data(), params, stride, g.bx(), g.bh(), B, W});
  elementwise(exec, P * B * H, detail::GruGates<T>{cache.gx.data(), cache.gh.data(), h, cache.gates.data(), h_next, H});
}

LMK_DISPATCH_END

// Workspace of the backward step.
template <class T>
struct GruGradWorkspace {
  DeviceArray<T> dgx, dgh;
  void ensure(int64_t n, Device device) {
    if (dgx.size() != n || dgx.device() != device) {
      dgx = DeviceArray<T>(n, device);
      dgh = DeviceArray<T>(n, device);
    }
  }
};

LMK_DISPATCH_BEGIN
// Backward step: from dh_next (P, B, H), accumulates (or writes) parameter gradients into grads and
// writes dh (P, B, H) and, if not null, dx (P, B, in).
template <class T>
void gru_backward(const Exec& exec, const GruLayout& g, int64_t P, int64_t B, const T* params, int64_t stride,
                  const T* x, const T* h, const GruCache<T>& cache, const T* dh_next, T* grads, bool accumulate,
                  T* dh, T* dx, GruGradWorkspace<T>& ws) {
  const int64_t H = g.hidden, W = 3 * H;
  ws.ensure(P * B * W, exec.device);
  elementwise(exec, P * B * H,
              detail::GruGateGrads<T>{cache.gh.data(), cache.gates.data(), h, dh_next, ws.dgx.data(), ws.dgh.data(), dh, H});
  const T beta = accumulate ? T(1) : T(0);
  // dW_x = x^T dgx, dW_h = h^T dgh, biases: column sums
  gemm_batched<T>(exec, gemm_args(Trans::yes, Trans::no, P, g.in, W, B, B * g.in, B * W, stride), T(1), x,
                  ws.dgx.data(), beta, grads + g.wx());
  gemm_batched<T>(exec, gemm_args(Trans::yes, Trans::no, P, H, W, B, B * H, B * W, stride), T(1), h, ws.dgh.data(),
                  beta, grads + g.wh());
  elementwise(exec, P, detail::BiasGrad<T>{ws.dgx.data(), grads, stride, g.bx(), B, W, accumulate}, B * W);
  elementwise(exec, P, detail::BiasGrad<T>{ws.dgh.data(), grads, stride, g.bh(), B, W, accumulate}, B * W);
  // dh += dgh W_h^T ; dx = dgx W_x^T
  gemm_batched<T>(exec, gemm_args(Trans::no, Trans::yes, P, B, H, W, B * W, stride, B * H), T(1), ws.dgh.data(),
                  params + g.wh(), T(1), dh);
  if (dx)
    gemm_batched<T>(exec, gemm_args(Trans::no, Trans::yes, P, B, g.in, W, B * W, stride, B * g.in), T(1),
                    ws.dgx.data(), params + g.wx(), T(0), dx);
}

LMK_DISPATCH_END

}  // namespace lamarck::nn
