#include "lamarck/rl/ppo_loss.h"

#include "ops.h"

namespace lamarck::rl {

void ppo_loss_grads(const Exec& exec, const UpdateRule& rule, const LossSettings& s, const LossInputs& in,
                    LossWorkspace& ws, float* d_log_prob, float* d_entropy, float* d_value, LossTerms* terms) {
  detail::ops(exec.device).ppo_loss_grads(exec, rule, s, in, ws, d_log_prob, d_entropy, d_value, terms);
}

}  // namespace lamarck::rl
