// Batched dense layers and MLPs with a population axis.
//
// A population of P members each owns a flat parameter vector of `param_stride` numbers (one row of a
// (P, param_stride) array); an MLP occupies [offset, offset + num_params()) of that row, laid out layer
// by layer as W_l (in_l, out_l) row-major then b_l (out_l). Inputs are (P, B, in) row-major: member p
// sees its own B rows. Hidden layers apply the activation; the output layer is linear.
//
// Every product goes through gemm_batched. The elementwise parts are written once for CPU and GPU
// (LMK_HD functors over an index), except the bias gradient, which on CUDA is a GEMM with a ones vector
// (bias_grad_gemm). Functions are templates on the scalar type so that gradients can be
// checked against finite differences in double precision.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/math.h"
#include "lamarck/core/nn/gemm.h"

namespace lamarck::nn {

enum class Activation { tanh, relu, identity };
Activation parse_activation(const std::string& name);  // "tanh", "relu", "identity"; else InvalidArgument
const char* activation_name(Activation a);

LMK_DISPATCH_BEGIN
// Elementwise work f(i), i in [0, n): on the CPU small ranges (n * work_per_item < 262144) run on the
// calling thread: a fork/join costs microseconds, and much more when other processes share the cores.
template <class F>
void elementwise(const Exec& exec, int64_t n, F f, int64_t work_per_item = 1) {
  if (exec.device == Device::cpu && n * work_per_item < 262144) {
    for (int64_t i = 0; i < n; ++i) f(i);
    return;
  }
  parallel_for(exec, n, f);
}
LMK_DISPATCH_END

// tanh in float is core/math.h's tanh_f (the same bits on CPU and GPU); double uses the library tanh.
LMK_HD inline float any_tanh(float x) { return tanh_f(x); }
LMK_HD inline double any_tanh(double x) {
  using std::tanh;
  return tanh(x);
}

template <class T>
LMK_HD inline T activate(Activation a, T x) {
  if (a == Activation::tanh) return any_tanh(x);
  if (a == Activation::relu) return x > T(0) ? x : T(0);
  return x;
}
// Derivative expressed through the activation's output y (tanh: 1 - y^2, relu: y > 0).
template <class T>
LMK_HD inline T activation_grad_from_output(Activation a, T y) {
  if (a == Activation::tanh) return T(1) - y * y;
  if (a == Activation::relu) return y > T(0) ? T(1) : T(0);
  return T(1);
}

struct MlpLayout {
  std::vector<int64_t> sizes;  // {in, hidden..., out}
  Activation activation = Activation::tanh;
  int64_t offset = 0;  // first parameter of this MLP in a member's row

  MlpLayout() = default;
  MlpLayout(std::vector<int64_t> s, Activation a, int64_t off) : sizes(std::move(s)), activation(a), offset(off) {}
  int64_t num_layers() const { return int64_t(sizes.size()) - 1; }
  int64_t in() const { return sizes.front(); }
  int64_t out() const { return sizes.back(); }
  int64_t weight_offset(int64_t l) const {
    int64_t o = offset;
    for (int64_t i = 0; i < l; ++i) o += sizes[size_t(i)] * sizes[size_t(i) + 1] + sizes[size_t(i) + 1];
    return o;
  }
  int64_t bias_offset(int64_t l) const { return weight_offset(l) + sizes[size_t(l)] * sizes[size_t(l) + 1]; }
  int64_t num_params() const { return weight_offset(num_layers()) - offset; }
  // Multiply-adds of one forward pass for one row.
  int64_t macs_per_row() const {
    int64_t m = 0;
    for (int64_t l = 0; l < num_layers(); ++l) m += sizes[size_t(l)] * sizes[size_t(l) + 1];
    return m;
  }
};

// The per-layer outputs a forward pass keeps for the backward pass: out[l] is (P, B, sizes[l + 1]).
template <class T>
struct MlpCache {
  std::vector<DeviceArray<T>> out;
  int64_t rows = 0;  // P * B the cache is sized for
  void ensure(const MlpLayout& layout, int64_t rows_needed, Device device) {
    if (rows == rows_needed && int64_t(out.size()) == layout.num_layers() &&
        (out.empty() || out[0].device() == device))
      return;
    out.clear();
    for (int64_t l = 0; l < layout.num_layers(); ++l)
      out.emplace_back(rows_needed * layout.sizes[size_t(l) + 1], device);
    rows = rows_needed;
  }
  const T* output() const { return out.back().data(); }
};

// ---- one row at a time (fused kernels) -----------------------------------------------------------
// A fused kernel (the CUDA rollout step, rl/) computes a whole small MLP per thread instead of launching a
// GEMM and a bias pass per layer: at a few thousand rows of a 64-64 network each launch does microseconds
// of work, so a layer per launch is bound by the launches. MlpRowLayout is an MlpLayout a kernel can hold
// by value: up to kMaxRowLayers layers whose outputs are at most kMaxRowWidth wide (the input is read in
// place, any width).
constexpr int kMaxRowLayers = 8;
constexpr int kMaxRowWidth = 128;

struct MlpRowLayout {
  int32_t num_layers = 0;
  int32_t sizes[kMaxRowLayers + 1] = {};  // {in, hidden..., out}
  int64_t offset = 0;                      // first parameter of the MLP in a member's row
  Activation activation = Activation::tanh;

  static bool fits(const MlpLayout& layout) {
    if (layout.num_layers() < 1 || layout.num_layers() > kMaxRowLayers) return false;
    for (int64_t l = 1; l < int64_t(layout.sizes.size()); ++l)
      if (layout.sizes[size_t(l)] > kMaxRowWidth) return false;
    return true;
  }
  // The row layout of `layout`, which must fit.
  static MlpRowLayout of(const MlpLayout& layout) {
    MlpRowLayout m;
    m.num_layers = int32_t(layout.num_layers());
    for (int64_t l = 0; l < int64_t(layout.sizes.size()) && l <= kMaxRowLayers; ++l)
      m.sizes[l] = int32_t(layout.sizes[size_t(l)]);
    m.offset = layout.offset;
    m.activation = layout.activation;
    return m;
  }
};

namespace detail {
// y[j0, j0 + G) = act(x W[:, j0, j0 + G) + b): G independent sums (instruction-level parallelism on a GPU
// thread, one SIMD register on the CPU), each in input order.
template <int G, class T>
LMK_HD LMK_INLINE void row_layer_group(const T* x, int in, const T* w, int width, const T* bias, int j0,
                                       Activation act, T* y) {
  T acc[G];
  LMK_UNROLL
  for (int u = 0; u < G; ++u) acc[u] = T(0);
  for (int k = 0; k < in; ++k) {
    const T xk = x[k];
    const T* wk = w + int64_t(k) * width + j0;
    LMK_UNROLL
    for (int u = 0; u < G; ++u) acc[u] += xk * wk[u];
  }
  LMK_UNROLL
  for (int u = 0; u < G; ++u) y[j0 + u] = activate(act, acc[u] + bias[j0 + u]);
}
}  // namespace detail

// out[0, m.sizes[m.num_layers]) = the MLP of one input row x (m.sizes[0] values) with the member parameter
// row `params`. Each output sums its products in input order, then adds the bias (as the GEMM path, whose
// own summation order makes the two agree to rounding, not bits); outputs are computed 8 at a time. The
// hidden activations live in two kMaxRowWidth buffers of the calling thread.
template <class T>
LMK_HD inline void mlp_row_forward(const MlpRowLayout& m, const T* params, const T* x, T* out) {
  T hidden[2][kMaxRowWidth];
  const T* in_row = x;
  const T* w = params + m.offset;
  for (int l = 0; l < m.num_layers; ++l) {
    const int in = m.sizes[l], width = m.sizes[l + 1];
    const T* bias = w + int64_t(in) * width;
    const bool last = l + 1 == m.num_layers;
    const Activation act = last ? Activation::identity : m.activation;
    T* y = last ? out : hidden[l % 2];
    int j = 0;
    for (; j + 8 <= width; j += 8) detail::row_layer_group<8>(in_row, in, w, width, bias, j, act, y);
    for (; j < width; ++j) detail::row_layer_group<1>(in_row, in, w, width, bias, j, act, y);
    in_row = y;
    w = bias + width;
  }
}

namespace detail {
template <class T, Activation A>
LMK_HD inline void bias_activate_row(T* y, const T* b, int64_t width) {
  for (int64_t j = 0; j < width; ++j) y[j] = activate(A, y[j] + b[j]);
}
template <class T>
struct BiasActivate {  // row r = (p, i): y[r, j] = act(y[r, j] + b_p[j])
  T* y;
  const T* params;
  int64_t stride, bias_offset, rows_per_member, width;
  Activation act;
  LMK_HD void operator()(int64_t r) const {
    T* row = y + r * width;
    const T* b = params + (r / rows_per_member) * stride + bias_offset;
    // one loop per activation, so that each vectorises
    if (act == Activation::tanh) bias_activate_row<T, Activation::tanh>(row, b, width);
    else if (act == Activation::relu) bias_activate_row<T, Activation::relu>(row, b, width);
    else bias_activate_row<T, Activation::identity>(row, b, width);
  }
};
template <class T>
struct BiasGrad {  // member p: grads_p[bias + j] (+)= sum_i dy[p, i, j], summed in row order
  const T* dy;
  T* grads;
  int64_t stride, bias_offset, rows_per_member, width;
  bool accumulate;
  LMK_HD void operator()(int64_t p) const {
    T* g = grads + p * stride + bias_offset;
    if (!accumulate)
      for (int64_t j = 0; j < width; ++j) g[j] = T(0);
    const T* rows = dy + p * rows_per_member * width;
    for (int64_t i = 0; i < rows_per_member; ++i)
      for (int64_t j = 0; j < width; ++j) g[j] += rows[i * width + j];
  }
};
// CPU float paths with Eigen's explicitly vectorised array functions (dense.cpp): GCC does not vectorise
// the branchy scalar forms under the default -ftrapping-math.
void bias_activate_cpu(const Exec& exec, float* y, const float* params, int64_t stride, int64_t bias_offset,
                       int64_t P, int64_t B, int64_t width, Activation act);
void mul_act_grad_cpu(const Exec& exec, float* d, const float* y, int64_t n, Activation act);
template <class T>
struct MulActGrad {  // d[i] *= act'(y[i])
  T* d;
  const T* y;
  Activation act;
  LMK_HD void operator()(int64_t i) const { d[i] *= activation_grad_from_output(act, y[i]); }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// Forward pass of the MLP for P members on B rows each. x: (P, B, in). Output in cache.output().
template <class T>
void mlp_forward(const Exec& exec, const MlpLayout& layout, int64_t P, int64_t B, const T* params,
                 int64_t param_stride, const T* x, MlpCache<T>& cache) {
  cache.ensure(layout, P * B, exec.device);
  const T* input = x;
  for (int64_t l = 0; l < layout.num_layers(); ++l) {
    const int64_t in = layout.sizes[size_t(l)], out = layout.sizes[size_t(l) + 1];
    T* y = cache.out[size_t(l)].data();
    // y = x W (per member), then bias and activation in one pass
    GemmArgs g = gemm_args(Trans::no, Trans::no, P, B, out, in, B * in, param_stride, B * out);
    gemm_batched<T>(exec, g, T(1), input, params + layout.weight_offset(l), T(0), y);
    const Activation act = l + 1 < layout.num_layers() ? layout.activation : Activation::identity;
    if constexpr (std::is_same_v<T, float>) {
      if (exec.device == Device::cpu) {
        detail::bias_activate_cpu(exec, y, params, param_stride, layout.bias_offset(l), P, B, out, act);
        input = y;
        continue;
      }
    }
    elementwise(exec, P * B, detail::BiasActivate<T>{y, params, param_stride, layout.bias_offset(l), B, out, act}, out);
    input = y;
  }
}
LMK_DISPATCH_END

// Workspace for the backward pass: two (P, B, max width) buffers, and on CUDA a vector of B ones (the
// bias gradients are a GEMM there).
template <class T>
struct MlpGradWorkspace {
  DeviceArray<T> a, b, ones;
  void ensure(int64_t n, Device device) {
    if (a.size() < n || a.device() != device) {
      a = DeviceArray<T>(n, device);
      b = DeviceArray<T>(n, device);
    }
  }
  const T* ones_of(int64_t B, Device device) {
    if (ones.size() != B || ones.device() != device) ones = DeviceArray<T>(std::vector<T>(size_t(B), T(1)), device);
    return ones.data();
  }
};

// The bias gradient of a layer as one GEMM per member: grads_p[bias_offset + j] (+)= sum_i dy[p, i, j],
// computed as 1^T dy_p with one shared vector of B ones (member stride 0). mlp_backward's CUDA path (the
// CPU sums the rows in order: detail::BiasGrad).
template <class T>
void bias_grad_gemm(const Exec& exec, int64_t P, int64_t B, int64_t width, const T* ones, const T* dy, T* grads,
                    int64_t param_stride, int64_t bias_offset, bool accumulate) {
  const GemmArgs g = gemm_args(Trans::no, Trans::no, P, 1, width, B, 0, B * width, param_stride);
  gemm_batched<T>(exec, g, T(1), ones, dy, accumulate ? T(1) : T(0), grads + bias_offset);
}

LMK_DISPATCH_BEGIN
// Backward pass. d_out: (P, B, out) = dLoss/dOutput. Writes (or adds, with accumulate) the parameter
// gradients into grads (same layout as params) and, when d_x is not null, dLoss/dx (P, B, in) into d_x.
// x and cache must be those of the forward pass.
template <class T>
void mlp_backward(const Exec& exec, const MlpLayout& layout, int64_t P, int64_t B, const T* params,
                  int64_t param_stride, const T* x, const MlpCache<T>& cache, const T* d_out, T* grads,
                  bool accumulate, T* d_x, MlpGradWorkspace<T>& ws) {
  int64_t widest = 0;
  for (int64_t s : layout.sizes) widest = s > widest ? s : widest;
  ws.ensure(P * B * widest, exec.device);
  const T* dy = d_out;
  T* bufs[2] = {ws.a.data(), ws.b.data()};
  for (int64_t l = layout.num_layers() - 1; l >= 0; --l) {
    const int64_t in = layout.sizes[size_t(l)], out = layout.sizes[size_t(l) + 1];
    const T* input = l == 0 ? x : cache.out[size_t(l) - 1].data();
    // dW = x^T dy
    GemmArgs gw = gemm_args(Trans::yes, Trans::no, P, in, out, B, B * in, B * out, param_stride);
    gemm_batched<T>(exec, gw, T(1), input, dy, accumulate ? T(1) : T(0), grads + layout.weight_offset(l));
    if (exec.device == Device::cuda) {
      // one thread per member summing its B rows would leave the GPU nearly idle
      bias_grad_gemm<T>(exec, P, B, out, ws.ones_of(B, exec.device), dy, grads, param_stride, layout.bias_offset(l),
                        accumulate);
    } else {
      elementwise(exec, P, detail::BiasGrad<T>{dy, grads, param_stride, layout.bias_offset(l), B, out, accumulate},
                  B * out);
    }
    if (l == 0 && d_x == nullptr) break;
    // dx = dy W^T, then through the previous layer's activation
    T* dx = l == 0 ? d_x : bufs[l % 2];
    GemmArgs gx = gemm_args(Trans::no, Trans::yes, P, B, in, out, B * out, param_stride, B * in);
    gemm_batched<T>(exec, gx, T(1), dy, params + layout.weight_offset(l), T(0), dx);
    if (l > 0) {
      bool done = false;
      if constexpr (std::is_same_v<T, float>) {
        if (exec.device == Device::cpu) {
          detail::mul_act_grad_cpu(exec, dx, input, P * B * in, layout.activation);
          done = true;
        }
      }
      if (!done) elementwise(exec, P * B * in, detail::MulActGrad<T>{dx, input, layout.activation});
    }
    dy = dx;
  }
}
LMK_DISPATCH_END

// Plain reference of the forward pass (host memory, loops in double): the fast path is tested against it.
template <class T>
std::vector<T> mlp_forward_reference(const MlpLayout& layout, int64_t P, int64_t B, const T* params,
                                     int64_t param_stride, const T* x) {
  std::vector<double> cur(x, x + P * B * layout.in());
  for (int64_t l = 0; l < layout.num_layers(); ++l) {
    const int64_t in = layout.sizes[size_t(l)], out = layout.sizes[size_t(l) + 1];
    const Activation act = l + 1 < layout.num_layers() ? layout.activation : Activation::identity;
    std::vector<double> next(static_cast<size_t>(P * B * out));
    for (int64_t p = 0; p < P; ++p) {
      const T* w = params + p * param_stride + layout.weight_offset(l);
      const T* b = params + p * param_stride + layout.bias_offset(l);
      for (int64_t i = 0; i < B; ++i)
        for (int64_t j = 0; j < out; ++j) {
          double acc = double(b[j]);
          for (int64_t k = 0; k < in; ++k) acc += cur[size_t((p * B + i) * in + k)] * double(w[k * out + j]);
          next[size_t((p * B + i) * out + j)] = activate<double>(act, acc);
        }
    }
    cur.swap(next);
  }
  return std::vector<T>(cur.begin(), cur.end());
}

}  // namespace lamarck::nn
