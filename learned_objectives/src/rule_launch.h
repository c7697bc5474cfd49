// The batched kernels of a table rule R (rules.h) and their launch, shared by the CPU unit (rule_batch.cpp,
// g++) and the CUDA unit (rules_cuda.cu, nvcc): the same per-sample code on both devices. Private to
// learned_objectives.
#pragma once

#include <cstdint>

#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"
#include "lamarck/learned_objectives/rule_batch.h"

namespace lamarck::objectives::detail {

// R::prepare once per agent: agent (P, R::kAgentFloats).
template <class R>
struct PrepareKernel {
  const float* theta;
  int64_t theta_stride;
  SampleBatch batch;
  float* agent;
  LMK_HD void operator()(int64_t p) const {
    const float progress = batch.progress ? batch.progress[p] : 0.0f;
    const float log_h = batch.log_horizon ? batch.log_horizon[p] : 0.0f;
    R::template prepare<float, float>(theta ? theta + p * theta_stride : nullptr, progress, log_h,
                                      agent + p * R::kAgentFloats);
  }
};

// R::sample once per (agent, sample) i = p·B + b.
template <class R>
struct SampleKernel {
  RuleConstants constants;
  const float* theta;
  int64_t theta_stride;
  SampleBatch batch;
  float* loss;
  float* dloss_dr;
  const float* agent;  // (P, R::kAgentFloats) or null
  LMK_HD void operator()(int64_t i) const {
    const int64_t p = i / batch.B;
    const float* th = theta ? theta + p * theta_stride : nullptr;
    const float* ag = agent ? agent + p * R::kAgentFloats : nullptr;
    const RuleSample<float> s =
        R::template sample<float, float>(constants, th, ag, batch.ratio[i], batch.advantage[i]);
    loss[i] = s.loss;
    dloss_dr[i] = s.dloss_dr;
  }
};

LMK_DISPATCH_BEGIN
template <class R>
void launch_rule(const Exec& exec, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                 const SampleBatch& batch, float* loss, float* dloss_dr) {
  DeviceArray<float> agent;
  if constexpr (R::kAgentFloats > 0) {
    agent = DeviceArray<float>(batch.P * R::kAgentFloats, exec.device);
    parallel_for(exec, batch.P, PrepareKernel<R>{theta, theta_stride, batch, agent.data()});
  }
  const SampleKernel<R> kernel{constants, theta, theta_stride, batch, loss, dloss_dr, agent.data()};
  const int64_t n = batch.P * batch.B;
  // the drift nets cost ~1-2k flops per sample: worth threads from a few hundred samples on; the closed
  // forms only from many thousands
  if (exec.device == Device::cpu && R::kNumParams == 0 && n < 16384) {
    for (int64_t i = 0; i < n; ++i) kernel(i);
    return;
  }
  parallel_for(exec, n, kernel);
}
LMK_DISPATCH_END

}  // namespace lamarck::objectives::detail
