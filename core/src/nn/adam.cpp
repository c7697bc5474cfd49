#include "lamarck/core/nn/adam.h"

#include <cmath>
#include <vector>

#include "lamarck/core/nn/dense.h"

namespace lamarck::nn {

void AdamState::reset(int64_t P, int64_t n, Device device) {
  m = DeviceArray<float>(P * n, device);
  v = DeviceArray<float>(P * n, device);
  step.assign(size_t(P), 0);
}

namespace {
struct SquaredNorm {  // per member, summed in index order
  const float* g;
  int64_t n;
  double* out;
  void operator()(int64_t p) const {
    double acc = 0.0;
    const float* row = g + p * n;
    for (int64_t i = 0; i < n; ++i) acc += double(row[i]) * double(row[i]);
    out[p] = acc;
  }
};

// Per-member coefficients computed once on the host.
struct MemberCoef {
  float scale;  // gradient clip factor
  float lr_t;   // lr / (1 - b1^t)
  float inv_bc2;  // 1 / (1 - b2^t)
  uint8_t active;
};

struct AdamUpdate {  // member p's whole row; the inner loop vectorises
  float* params;
  float* grads;
  float* m;
  float* v;
  const MemberCoef* coef;
  int64_t n;
  float b1, b2, eps;
  void operator()(int64_t p) const {
    const MemberCoef c = coef[p];
    if (!c.active) return;
    float* pp = params + p * n;
    float* gp = grads + p * n;
    float* mp = m + p * n;
    float* vp = v + p * n;
    for (int64_t i = 0; i < n; ++i) {
      const float g = gp[i] * c.scale;
      gp[i] = g;
      const float mi = b1 * mp[i] + (1.0f - b1) * g;
      const float vi = b2 * vp[i] + (1.0f - b2) * g * g;
      mp[i] = mi;
      vp[i] = vi;
      pp[i] -= c.lr_t * mi / (std::sqrt(vi * c.inv_bc2) + eps);
    }
  }
};
}  // namespace

void grad_norms(const Exec& exec, int64_t P, int64_t n, const float* grads, double* norms) {
  LMK_ASSERT(exec.device == Device::cpu, "grad_norms: host gradients expected");
  const SquaredNorm f{grads, n, norms};
  const int threads = cpu_threads(exec);
  cpu_for(threads, P * n > 262144, P, f);
  for (int64_t p = 0; p < P; ++p) norms[p] = std::sqrt(norms[p]);
}

void adam_step(const Exec& exec, const AdamConfig& config, int64_t P, int64_t n, float* params, float* grads,
               AdamState& state, const double* lr, const uint8_t* active, double* grad_norm_out) {
  std::vector<double> norms(static_cast<size_t>(P));
  grad_norms(exec, P, n, grads, norms.data());
  std::vector<MemberCoef> coef(static_cast<size_t>(P));
  for (int64_t p = 0; p < P; ++p) {
    const bool on = active == nullptr || active[p] != 0;
    if (grad_norm_out) grad_norm_out[p] = norms[size_t(p)];
    if (on) ++state.step[size_t(p)];
    const double t = double(state.step[size_t(p)]);
    const double clip = config.max_grad_norm > 0 ? std::min(1.0, config.max_grad_norm / (norms[size_t(p)] + 1e-6)) : 1.0;
    coef[size_t(p)] = MemberCoef{float(clip), float(lr[p] / (1.0 - std::pow(config.beta1, t))),
                                 float(1.0 / (1.0 - std::pow(config.beta2, t))), uint8_t(on ? 1 : 0)};
  }
  LMK_ASSERT(exec.device == Device::cpu, "adam_step: host parameters expected");
  elementwise(exec, P,
              AdamUpdate{params, grads, state.m.data(), state.v.data(), coef.data(), n, float(config.beta1),
                         float(config.beta2), float(config.eps)},
              n);
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
