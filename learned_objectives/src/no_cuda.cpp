// The CUDA launch of rule_batch.h in a build without CUDA (this file replaces rules_cuda.cu there): the
// clear error a user gets for --device cuda on a CPU-only build.
#include "lamarck/core/backend.h"
#include "lamarck/learned_objectives/rule_batch.h"

namespace lamarck::objectives::detail {

void evaluate_cuda(RuleKind, const RuleConstants&, const float*, int64_t, const SampleBatch&, float*, float*) {
  ::lamarck::detail::not_compiled_for_cuda();
}

}  // namespace lamarck::objectives::detail
