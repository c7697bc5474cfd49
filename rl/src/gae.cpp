#include "lamarck/rl/gae.h"

#include <vector>

#include "ops.h"

namespace lamarck::rl {

void gae_reference(const GaeArgs& a) {
  for (int64_t p = 0; p < a.P; ++p)
    for (int64_t e = 0; e < a.E; ++e) {
      double next_adv = 0.0, next_value = a.last_values[p * a.E + e];
      for (int64_t t = a.T - 1; t >= 0; --t) {
        const int64_t i = (p * a.T + t) * a.E + e;
        const double not_done = a.dones[i] ? 0.0 : 1.0;
        const double delta = a.rewards[i] + double(a.gamma) * next_value * not_done - a.values[i];
        next_adv = delta + double(a.gamma) * double(a.lambda) * not_done * next_adv;
        a.advantages[i] = float(next_adv);
        a.returns[i] = float(next_adv + a.values[i]);
        next_value = a.values[i];
      }
    }
}

void gae(const Exec& exec, const GaeArgs& a) { detail::ops(exec.device).gae(exec, a); }

}  // namespace lamarck::rl
