// The one CUDA translation unit of learned_objectives/: every table rule's kernels (rule_launch.h) launched
// through core's parallel_for (Thrust), from the same host-device code the CPU runs.
#include "rule_launch.h"

namespace lamarck::objectives::detail {

void evaluate_cuda(RuleKind kind, const RuleConstants& constants, const float* theta, int64_t theta_stride,
                   const SampleBatch& batch, float* loss, float* dloss_dr) {
  const Exec cuda{Device::cuda, 0};
  with_rule(kind, [&](auto rule) {
    launch_rule<decltype(rule)>(cuda, constants, theta, theta_stride, batch, loss, dloss_dr);
  });
}

}  // namespace lamarck::objectives::detail
