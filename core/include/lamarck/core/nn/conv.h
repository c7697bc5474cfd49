// A batched 2-D convolution with a population axis (stride 1, VALID padding), the encoder of the UED maze
// student (JaxUED's and minimax's ActorCritic: 16 filters of 3 x 3 over the 5 x 5 x 3 view, then ReLU).
//   Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
//   recognition", Proc. IEEE 86(11), 1998. Layouts as Flax's nn.Conv: inputs NHWC (height, width,
//   channels) per sample, the kernel HWIO (kernel, kernel, channels, filters) row-major, then the bias
//   (filters); the output (out_height, out_width, filters) per sample, row-major, which is also Flax's
//   flattening of it.
//
// Computed as im2col + gemm_batched: each output pixel's receptive field becomes a row of kernel^2 *
// channels numbers (the kernel's row order), and one GEMM per member multiplies the (B * out pixels,
// patch) rows by the (patch, filters) kernel. The backward pass scatters the patch gradients back by
// gathering, per input element, the output pixels that saw it (no atomics, deterministic).
#pragma once

#include <cstdint>

#include "lamarck/core/nn/dense.h"

namespace lamarck::nn {

struct ConvLayout {
  int64_t height = 0, width = 0, channels = 0;  // input per sample
  int64_t kernel = 3, filters = 0;
  Activation activation = Activation::identity;  // applied after the bias
  int64_t offset = 0;                            // first parameter in a member's row
  int64_t out_height() const { return height - kernel + 1; }
  int64_t out_width() const { return width - kernel + 1; }
  int64_t pixels() const { return out_height() * out_width(); }  // output pixels per sample
  int64_t patch() const { return kernel * kernel * channels; }
  int64_t in_size() const { return height * width * channels; }
  int64_t out_size() const { return pixels() * filters; }
  int64_t w() const { return offset; }                // (patch, filters)
  int64_t b() const { return offset + patch() * filters; }
  int64_t num_params() const { return (patch() + 1) * filters; }
};

// What the forward pass keeps: the im2col rows (P * B * pixels, patch).
template <class T>
struct ConvCache {
  DeviceArray<T> cols;
  void ensure(int64_t n, Device device) {
    if (cols.size() != n || cols.device() != device) cols = DeviceArray<T>(n, device);
  }
};

namespace detail {
template <class T>
struct Im2Col {
  const T* x;
  T* cols;
  int64_t H, W, C, K, OH, OW;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t patch = K * K * C;
    const int64_t row = idx / patch, q = idx % patch;
    const int64_t sample = row / (OH * OW), pix = row % (OH * OW), oy = pix / OW, ox = pix % OW;
    const int64_t ky = q / (K * C), kx = (q / C) % K, c = q % C;
    cols[idx] = x[sample * H * W * C + ((oy + ky) * W + (ox + kx)) * C + c];
  }
};
template <class T>
struct ConvBiasActivate {
  T* y;
  const T* params;
  int64_t stride, bias, rows_per_member, F;
  Activation act;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t p = idx / (rows_per_member * F), j = idx % F;
    y[idx] = activate(act, y[idx] + params[p * stride + bias + j]);
  }
};
template <class T>
struct ConvActivationGrad {  // dz = dy * act'(y)
  const T* y;
  const T* dy;
  T* dz;
  Activation act;
  LMK_HD void operator()(int64_t idx) const { dz[idx] = dy[idx] * activation_grad_from_output(act, y[idx]); }
};
template <class T>
struct Col2Im {  // dx at input element idx: the sum of the patch gradients that read it
  const T* dcols;
  T* dx;
  int64_t H, W, C, K, OH, OW;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t sample = idx / (H * W * C), e = idx % (H * W * C);
    const int64_t iy = e / (W * C), ix = (e / C) % W, c = e % C;
    const int64_t patch = K * K * C;
    T s = T(0);
    for (int64_t ky = 0; ky < K; ++ky) {
      const int64_t oy = iy - ky;
      if (oy < 0 || oy >= OH) continue;
      for (int64_t kx = 0; kx < K; ++kx) {
        const int64_t ox = ix - kx;
        if (ox < 0 || ox >= OW) continue;
        s += dcols[(sample * OH * OW + oy * OW + ox) * patch + (ky * K + kx) * C + c];
      }
    }
    dx[idx] = s;
  }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// y (P, B, out_size) = activation(conv(x) + b) from x (P, B, in_size).
template <class T>
void conv_forward(const Exec& exec, const ConvLayout& l, int64_t P, int64_t B, const T* params, int64_t stride,
                  const T* x, T* y, ConvCache<T>& cache) {
  const int64_t rows = B * l.pixels(), patch = l.patch(), F = l.filters;
  cache.ensure(P * rows * patch, exec.device);
  elementwise(exec, P * rows * patch,
              detail::Im2Col<T>{x, cache.cols.data(), l.height, l.width, l.channels, l.kernel, l.out_height(), l.out_width()});
  gemm_batched<T>(exec, gemm_args(Trans::no, Trans::no, P, rows, F, patch, rows * patch, stride, rows * F), T(1),
                  cache.cols.data(), params + l.w(), T(0), y);
  elementwise(exec, P * rows * F, detail::ConvBiasActivate<T>{y, params, stride, l.b(), rows, F, l.activation});
}
LMK_DISPATCH_END

// Workspace of the backward pass.
template <class T>
struct ConvGradWorkspace {
  DeviceArray<T> dz, dcols;
  MlpGradWorkspace<T> bias;  // its vector of ones (CUDA's bias gradients are a GEMM)
  void ensure(int64_t out_n, int64_t cols_n, bool need_cols, Device device) {
    if (dz.size() != out_n || dz.device() != device) dz = DeviceArray<T>(out_n, device);
    if (need_cols && (dcols.size() != cols_n || dcols.device() != device)) dcols = DeviceArray<T>(cols_n, device);
  }
};

LMK_DISPATCH_BEGIN
// Backward pass from dy (P, B, out_size), the gradient of the activated output y: accumulates (or writes)
// the kernel and bias gradients into grads and, if dx is not null, writes dx (P, B, in_size).
template <class T>
void conv_backward(const Exec& exec, const ConvLayout& l, int64_t P, int64_t B, const T* params, int64_t stride,
                   const T* y, const ConvCache<T>& cache, const T* dy, T* grads, bool accumulate, T* dx,
                   ConvGradWorkspace<T>& ws) {
  const int64_t rows = B * l.pixels(), patch = l.patch(), F = l.filters;
  ws.ensure(P * rows * F, P * rows * patch, dx != nullptr, exec.device);
  elementwise(exec, P * rows * F, detail::ConvActivationGrad<T>{y, dy, ws.dz.data(), l.activation});
  const T beta = accumulate ? T(1) : T(0);
  // dW = cols^T dz, db = column sums of dz
  gemm_batched<T>(exec, gemm_args(Trans::yes, Trans::no, P, patch, F, rows, rows * patch, rows * F, stride), T(1),
                  cache.cols.data(), ws.dz.data(), beta, grads + l.w());
  if (exec.device == Device::cuda)
    bias_grad_gemm<T>(exec, P, rows, F, ws.bias.ones_of(rows, exec.device), ws.dz.data(), grads, stride, l.b(), accumulate);
  else
    elementwise(exec, P, detail::BiasGrad<T>{ws.dz.data(), grads, stride, l.b(), rows, F, accumulate}, rows * F);
  if (dx) {
    // dcols = dz W^T, then each input element gathers its patch gradients
    gemm_batched<T>(exec, gemm_args(Trans::no, Trans::yes, P, rows, patch, F, rows * F, stride, rows * patch), T(1),
                    ws.dz.data(), params + l.w(), T(0), ws.dcols.data());
    elementwise(exec, P * B * l.in_size(),
                detail::Col2Im<T>{ws.dcols.data(), dx, l.height, l.width, l.channels, l.kernel, l.out_height(), l.out_width()});
  }
}
LMK_DISPATCH_END

}  // namespace lamarck::nn
