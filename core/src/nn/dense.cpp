#include "lamarck/core/nn/dense.h"

#include "lamarck/core/eigen.h"
#include <algorithm>

#include "lamarck/core/error.h"

namespace lamarck::nn {

Activation parse_activation(const std::string& name) {
  if (name == "tanh") return Activation::tanh;
  if (name == "relu") return Activation::relu;
  if (name == "identity") return Activation::identity;
  throw_unknown_choice("activation", name, {"tanh", "relu", "identity"});
}

namespace detail {

void bias_activate_cpu(const Exec& exec, float* y, const float* params, int64_t stride, int64_t bias_offset,
                       int64_t P, int64_t B, int64_t width, Activation act) {
  const int threads = cpu_threads(exec);
  // member p's rows as a column-major (width, B) array: column i is row i. tanh is core/math.h's tanh_f,
  // the same function CUDA's BiasActivate applies to the same sums
  cpu_for(threads, P * B * width > 262144, P, [&](int64_t p) {
    Eigen::Map<Eigen::ArrayXXf> m(y + p * B * width, width, B);
    Eigen::Map<const Eigen::ArrayXf> b(params + p * stride + bias_offset, width);
    m.colwise() += b;
    if (act == Activation::tanh) {
      float* v = y + p * B * width;
      const int64_t len = B * width;
#pragma omp simd
      for (int64_t k = 0; k < len; ++k) v[k] = tanh_f(v[k]);
    } else if (act == Activation::relu) {
      m = m.max(0.0f);
    }
  });
}

void mul_act_grad_cpu(const Exec& exec, float* d, const float* y, int64_t n, Activation act) {
  if (act == Activation::identity) return;
  const int threads = cpu_threads(exec);
  constexpr int64_t kChunk = 262144;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  cpu_for(threads, true, chunks, [&](int64_t c) {
    const int64_t len = std::min(kChunk, n - c * kChunk);
    Eigen::Map<Eigen::ArrayXf> dm(d + c * kChunk, len);
    Eigen::Map<const Eigen::ArrayXf> ym(y + c * kChunk, len);
    if (act == Activation::tanh) dm *= 1.0f - ym.square();
    else dm *= (ym > 0.0f).cast<float>();
  });
}

}  // namespace detail

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::identity: return "identity";
  }
  return "?";
}

}  // namespace lamarck::nn
