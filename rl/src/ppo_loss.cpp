#include "lamarck/rl/ppo_loss.h"

#include <vector>

#include "ops.h"

namespace lamarck::rl {

void normalize_advantages(int64_t P, int64_t B, const float* in, float* out) {
  std::vector<float> mean(static_cast<size_t>(P)), inv_std(static_cast<size_t>(P));
  for (int64_t p = 0; p < P; ++p) detail::AdvantageMoments{in, B, mean.data(), inv_std.data()}(p);
  for (int64_t i = 0; i < P * B; ++i) detail::NormalizeAdvantage{in, mean.data(), inv_std.data(), B, out}(i);
}

void ppo_loss_grads(const Exec& exec, const UpdateRule& rule, const LossSettings& s, const LossInputs& in,
                    LossWorkspace& ws, float* d_log_prob, float* d_entropy, float* d_value, LossTerms* terms) {
  detail::ops(exec.device).ppo_loss_grads(exec, rule, s, in, ws, d_log_prob, d_entropy, d_value, terms);
}

}  // namespace lamarck::rl
