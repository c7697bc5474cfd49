// The one CUDA translation unit of learned_objectives/: the per-sample rule kernel of rule_batch.h
// launched through core's parallel_for (Thrust), from the same host-device code the CPU runs.
#include "lamarck/core/backend.h"
#include "lamarck/learned_objectives/rule_batch.h"

namespace lamarck::objectives::detail {

void evaluate_cuda(RuleKind kind, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                   const SampleBatch& batch, float* loss, float* dloss_dr) {
  parallel_for(Exec{Device::cuda, 0}, batch.P * batch.B,
               RuleKernel{kind, constants, theta, theta_stride, batch, loss, dloss_dr});
}

}  // namespace lamarck::objectives::detail
