#include "lamarck/rl/minibatch.h"

#include "ops.h"

namespace lamarck::rl {

void minibatch_gradients(const Exec& exec, const AgentLayout& layout, const UpdateRule& rule,
                         const LossSettings& settings, const float* params, const Minibatch& mb,
                         MinibatchWorkspace& ws, float* grads, LossTerms* terms) {
  detail::ops(exec.device).minibatch_gradients(exec, layout, rule, settings, params, mb, ws, grads, terms);
}

}  // namespace lamarck::rl
