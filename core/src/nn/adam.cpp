#include "lamarck/core/nn/adam.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "lamarck/core/nn/dense.h"
#include "adam_kernels.h"

namespace lamarck::nn {

void AdamState::reset(int64_t P, int64_t n, Device device) {
  m = DeviceArray<float>(P * n, device);
  v = DeviceArray<float>(P * n, device);
  step.assign(size_t(P), 0);
  if (device == Device::cuda) {
    norms_scratch = DeviceArray<double>(P, device);
    coef_scratch = DeviceArray<detail::AdamCoef>(P, device);
  }
}

namespace {
// Squared L2 norm of each member's row, summed in index order in double.
void squared_norms_cpu(const Exec& exec, int64_t P, int64_t n, const float* grads, double* out) {
  cpu_for(cpu_threads(exec), P * n > 262144, P, [=](int64_t p) {
    double acc = 0.0;
    const float* row = grads + p * n;
    for (int64_t i = 0; i < n; ++i) acc += double(row[i]) * double(row[i]);
    out[p] = acc;
  });
}

// The norms; `scratch` (P, device) is used on CUDA when not null.
void grad_norms_with(const Exec& exec, int64_t P, int64_t n, const float* grads, double* norms, double* scratch) {
  if (exec.device == Device::cuda)
    detail::grad_squared_norms_cuda(P, n, grads, norms, scratch);
  else
    squared_norms_cpu(exec, P, n, grads, norms);
  for (int64_t p = 0; p < P; ++p) norms[p] = std::sqrt(norms[p]);
}
}  // namespace

void grad_norms(const Exec& exec, int64_t P, int64_t n, const float* grads, double* norms) {
  grad_norms_with(exec, P, n, grads, norms, nullptr);
}

void adam_step(const Exec& exec, const AdamConfig& config, int64_t P, int64_t n, float* params, float* grads,
               AdamState& state, const double* lr, const uint8_t* active, double* grad_norm_out) {
  LMK_ASSERT(state.m.device() == exec.device, "adam_step: the Adam state lives on another device");
  std::vector<double> norms(static_cast<size_t>(P));
  const bool scratch = exec.device == Device::cuda && state.norms_scratch.size() == P;
  grad_norms_with(exec, P, n, grads, norms.data(), scratch ? state.norms_scratch.data() : nullptr);
  // per-member coefficients on the host (the step counts live here)
  std::vector<detail::AdamCoef> coef(static_cast<size_t>(P));
  for (int64_t p = 0; p < P; ++p) {
    const bool on = active == nullptr || active[p] != 0;
    if (grad_norm_out) grad_norm_out[p] = norms[size_t(p)];
    if (on) ++state.step[size_t(p)];
    const double t = double(state.step[size_t(p)]);
    const double clip = config.max_grad_norm > 0 ? std::min(1.0, config.max_grad_norm / (norms[size_t(p)] + 1e-6)) : 1.0;
    coef[size_t(p)] = detail::AdamCoef{float(clip), float(lr[p] / (1.0 - std::pow(config.beta1, t))),
                                       float(1.0 / (1.0 - std::pow(config.beta2, t))), uint8_t(on ? 1 : 0)};
  }
  detail::AdamArrays arrays{params, grads, state.m.data(), state.v.data(), coef.data(), n, float(config.beta1),
                            float(config.beta2), float(config.eps)};
  if (exec.device == Device::cuda)
    detail::adam_update_cuda(arrays, P, coef.data(), scratch ? state.coef_scratch.data() : nullptr);
  else
    elementwise(exec, P, detail::AdamRows{arrays}, n);
}

void adam_step_reference(const AdamConfig& config, int64_t P, int64_t n, float* params, float* grads,
                         AdamState& state, const double* lr, const uint8_t* active) {
  for (int64_t p = 0; p < P; ++p) {
    if (active && !active[p]) continue;
    float* g = grads + p * n;
    double sq = 0.0;
    for (int64_t i = 0; i < n; ++i) sq += double(g[i]) * double(g[i]);
    const double norm = std::sqrt(sq);
    const double clip = config.max_grad_norm > 0 ? std::min(1.0, config.max_grad_norm / (norm + 1e-6)) : 1.0;
    const double t = double(++state.step[size_t(p)]);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = p * n + i;
      const double gi = double(g[i]) * clip;
      g[i] = float(gi);
      const double mi = config.beta1 * double(state.m[k]) + (1 - config.beta1) * gi;
      const double vi = config.beta2 * double(state.v[k]) + (1 - config.beta2) * gi * gi;
      state.m[k] = float(mi);
      state.v[k] = float(vi);
      const double mhat = mi / (1 - std::pow(config.beta1, t)), vhat = vi / (1 - std::pow(config.beta2, t));
      params[k] = float(double(params[k]) - lr[p] * mhat / (std::sqrt(vhat) + config.eps));
    }
  }
}

}  // namespace lamarck::nn
