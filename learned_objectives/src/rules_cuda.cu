// The one CUDA translation unit of learned_objectives/: the per-sample rule kernel of rule_batch.h
// launched through core's parallel_for (Thrust), from the same host-device code the CPU runs.
#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"
#include "lamarck/learned_objectives/rule_batch.h"

namespace lamarck::objectives::detail {

void evaluate_cuda(RuleKind kind, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                   const SampleBatch& batch, float* loss, float* dloss_dr) {
  const Exec cuda{Device::cuda, 0};
  RuleKernel kernel{kind, constants, theta, theta_stride, batch, loss, dloss_dr};
  DeviceArray<float> bias, net0;
  if (kind == RuleKind::ta_lpo) {
    bias = DeviceArray<float>(batch.P * kDriftHidden, Device::cuda);
    net0 = DeviceArray<float>(batch.P, Device::cuda);
    parallel_for(cuda, batch.P, TaBiasKernel{theta, theta_stride, batch, bias.data(), net0.data()});
    kernel.bias = bias.data();
    kernel.net0 = net0.data();
  }
  parallel_for(cuda, batch.P * batch.B, kernel);
}

}  // namespace lamarck::objectives::detail
