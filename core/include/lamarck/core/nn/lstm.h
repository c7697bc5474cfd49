// A batched LSTM cell with a population axis: the recurrent core of the UED maze student (JaxUED's and
// minimax's ActorCritic: an LSTM of 256 over a conv encoder).
//   S. Hochreiter, J. Schmidhuber, "Long Short-Term Memory", Neural Computation 9(8), 1997; the form
//   without peepholes, as Flax's LSTMCell / OptimizedLSTMCell and PyTorch's nn.LSTMCell:
//   [i, f, g, o] = x W_x + h W_h + b
//   c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
//   h' = sigmoid(o) * tanh(c')
// (Flax's input kernel has no bias and its hidden kernel has one, so one bias b per gate is the same
// function.) Parameters inside a member's row, from `offset`: W_x (in, 4H), W_h (H, 4H), b (4H); gate
// columns in the order [i, f, g, o].
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/nn/dense.h"
#include "lamarck/core/nn/gru.h"

namespace lamarck::nn {

struct LstmLayout {
  int64_t in = 0, hidden = 0, offset = 0;
  int64_t wx() const { return offset; }
  int64_t wh() const { return offset + in * 4 * hidden; }
  int64_t b() const { return wh() + hidden * 4 * hidden; }
  int64_t num_params() const { return (in + hidden + 1) * 4 * hidden; }
};

// What a forward step keeps for its backward step: the (P*B, 4H) activated gates and tanh(c').
template <class T>
struct LstmCache {
  DeviceArray<T> gates;   // sigmoid(i), sigmoid(f), tanh(g), sigmoid(o); holds the pre-activations first
  DeviceArray<T> tanh_c;  // (P*B, H) tanh(c')
  void ensure(int64_t rows, int64_t hidden, Device device) {
    if (gates.size() != rows * 4 * hidden || gates.device() != device) {
      gates = DeviceArray<T>(rows * 4 * hidden, device);
      tanh_c = DeviceArray<T>(rows * hidden, device);
    }
  }
};

namespace detail {
// Unit j of one row, the one place of the cell's math (here and in rl's whole-sequence pass): g holds the
// row's pre-activations (4H, gate-major) and gets the activated gates; b is the bias row.
template <class T>
LMK_HD LMK_INLINE void lstm_unit(T* g, const T* b, int64_t H, int64_t j, T c_in, T& c_out, T& tanh_c, T& h_out) {
  const T i = sigmoid(g[j] + b[j]);
  const T f = sigmoid(g[H + j] + b[H + j]);
  const T u = any_tanh(g[2 * H + j] + b[2 * H + j]);
  const T o = sigmoid(g[3 * H + j] + b[3 * H + j]);
  g[j] = i;
  g[H + j] = f;
  g[2 * H + j] = u;
  g[3 * H + j] = o;
  c_out = f * c_in + i * u;
  tanh_c = any_tanh(c_out);
  h_out = o * tanh_c;
}
// Its gradient: from dh' and the dc' that comes from later steps, the pre-activation gradients of unit j
// (into d, 4H gate-major) and dc toward the cell's input carry.
template <class T>
LMK_HD LMK_INLINE T lstm_unit_grads(const T* g, int64_t H, int64_t j, T tanh_c, T c_in, T dh, T dc_next, T* d) {
  const T i = g[j], f = g[H + j], u = g[2 * H + j], o = g[3 * H + j];
  const T dct = dc_next + dh * o * (T(1) - tanh_c * tanh_c);
  d[j] = dct * u * i * (T(1) - i);
  d[H + j] = dct * c_in * f * (T(1) - f);
  d[2 * H + j] = dct * i * (T(1) - u * u);
  d[3 * H + j] = dh * tanh_c * o * (T(1) - o);
  return dct * f;
}

template <class T>
struct LstmCell {  // pre-activations (+ bias) -> gates, c', h'
  T* gates;
  const T* params;
  const T* c;
  T* c_next;
  T* h_next;
  T* tanh_c;
  int64_t stride, bias, rows_per_member, H;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t row = idx / H, j = idx % H, p = row / rows_per_member;
    lstm_unit(gates + row * 4 * H, params + p * stride + bias, H, j, c[idx], c_next[idx], tanh_c[idx], h_next[idx]);
  }
};
template <class T>
struct LstmCellGrads {  // dh', dc' -> d(pre-activations) (rows, 4H) and dc
  const T* gates;
  const T* tanh_c;
  const T* c;
  const T* dh_next;
  const T* dc_next;  // may be null (no gradient through c')
  T* dpre;
  T* dc;
  int64_t H;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t row = idx / H, j = idx % H;
    dc[idx] = lstm_unit_grads(gates + row * 4 * H, H, j, tanh_c[idx], c[idx], dh_next[idx],
                              dc_next ? dc_next[idx] : T(0), dpre + row * 4 * H);
  }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// h_next, c_next (P, B, H) from x (P, B, in), h and c (P, B, H).
template <class T>
void lstm_forward(const Exec& exec, const LstmLayout& l, int64_t P, int64_t B, const T* params, int64_t stride,
                  const T* x, const T* h, const T* c, T* h_next, T* c_next, LstmCache<T>& cache) {
  const int64_t H = l.hidden, W = 4 * H;
  cache.ensure(P * B, H, exec.device);
  gemm_batched<T>(exec, gemm_args(Trans::no, Trans::no, P, B, W, l.in, B * l.in, stride, B * W), T(1), x,
                  params + l.wx(), T(0), cache.gates.data());
  gemm_batched<T>(exec, gemm_args(Trans::no, Trans::no, P, B, W, H, B * H, stride, B * W), T(1), h,
                  params + l.wh(), T(1), cache.gates.data());
  // five transcendentals per element: shared among threads from a few thousand elements on
  elementwise(exec, P * B * H,
              detail::LstmCell<T>{cache.gates.data(), params, c, c_next, h_next, cache.tanh_c.data(), stride, l.b(), B, H},
              64);
}
LMK_DISPATCH_END

// Workspace of the backward step.
template <class T>
struct LstmGradWorkspace {
  DeviceArray<T> dpre;
  MlpGradWorkspace<T> bias;  // its vector of ones (CUDA's bias gradients are a GEMM)
  void ensure(int64_t n, Device device) {
    if (dpre.size() != n || dpre.device() != device) dpre = DeviceArray<T>(n, device);
  }
};

LMK_DISPATCH_BEGIN
// Backward step: from dh_next and dc_next (P, B, H; dc_next may be null), accumulates (or writes) the
// parameter gradients into grads and writes dh and dc (P, B, H) and, if not null, dx (P, B, in).
template <class T>
void lstm_backward(const Exec& exec, const LstmLayout& l, int64_t P, int64_t B, const T* params, int64_t stride,
                   const T* x, const T* h, const T* c, const LstmCache<T>& cache, const T* dh_next, const T* dc_next,
                   T* grads, bool accumulate, T* dh, T* dc, T* dx, LstmGradWorkspace<T>& ws) {
  const int64_t H = l.hidden, W = 4 * H;
  ws.ensure(P * B * W, exec.device);
  elementwise(exec, P * B * H,
              detail::LstmCellGrads<T>{cache.gates.data(), cache.tanh_c.data(), c, dh_next, dc_next, ws.dpre.data(), dc, H});
  const T beta = accumulate ? T(1) : T(0);
  // dW_x = x^T dpre, dW_h = h^T dpre, db = column sums
  gemm_batched<T>(exec, gemm_args(Trans::yes, Trans::no, P, l.in, W, B, B * l.in, B * W, stride), T(1), x,
                  ws.dpre.data(), beta, grads + l.wx());
  gemm_batched<T>(exec, gemm_args(Trans::yes, Trans::no, P, H, W, B, B * H, B * W, stride), T(1), h, ws.dpre.data(),
                  beta, grads + l.wh());
  if (exec.device == Device::cuda)
    bias_grad_gemm<T>(exec, P, B, W, ws.bias.ones_of(B, exec.device), ws.dpre.data(), grads, stride, l.b(), accumulate);
  else
    elementwise(exec, P, detail::BiasGrad<T>{ws.dpre.data(), grads, stride, l.b(), B, W, accumulate}, B * W);
  // dh = dpre W_h^T, dx = dpre W_x^T
  gemm_batched<T>(exec, gemm_args(Trans::no, Trans::yes, P, B, H, W, B * W, stride, B * H), T(1), ws.dpre.data(),
                  params + l.wh(), T(0), dh);
  if (dx)
    gemm_batched<T>(exec, gemm_args(Trans::no, Trans::yes, P, B, l.in, W, B * W, stride, B * l.in), T(1),
                    ws.dpre.data(), params + l.wx(), T(0), dx);
}
LMK_DISPATCH_END

}  // namespace lamarck::nn
