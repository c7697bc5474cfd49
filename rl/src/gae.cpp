#include "lamarck/rl/gae.h"

#include <vector>

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

void gae(const Exec& exec, const GaeArgs& a) {
  const int threads = cpu_threads(exec);
  const float gamma = a.gamma, gl = a.gamma * a.lambda;
  const int64_t E = a.E, T = a.T;
  cpu_for(threads, a.P * T * E > 32768, a.P, [&](int64_t p) {
    std::vector<float> next_adv(static_cast<size_t>(E), 0.0f);
    const float* next_value = a.last_values + p * E;
    for (int64_t t = T - 1; t >= 0; --t) {
      const int64_t base = (p * T + t) * E;
      const float* r = a.rewards + base;
      const float* v = a.values + base;
      const uint8_t* d = a.dones + base;
      float* adv = a.advantages + base;
      float* ret = a.returns + base;
      for (int64_t e = 0; e < E; ++e) {
        const float not_done = d[e] ? 0.0f : 1.0f;
        const float delta = r[e] + gamma * next_value[e] * not_done - v[e];
        const float value = delta + gl * not_done * next_adv[size_t(e)];
        next_adv[size_t(e)] = value;
        adv[e] = value;
        ret[e] = value + v[e];
      }
      next_value = v;
    }
  });
}

}  // namespace lamarck::rl
