#include "lamarck/rl/ppo_loss.h"

#include <algorithm>
#include <cmath>

namespace lamarck::rl {

void normalize_advantages(int64_t P, int64_t B, const float* in, float* out) {
  for (int64_t p = 0; p < P; ++p) {
    const float* a = in + p * B;
    double mean = 0;
    for (int64_t i = 0; i < B; ++i) mean += a[i];
    mean /= double(B);
    double sq = 0;
    for (int64_t i = 0; i < B; ++i) sq += (a[i] - mean) * (a[i] - mean);
    const double std = B > 1 ? std::sqrt(sq / double(B - 1)) : 0.0;
    const float m = float(mean), inv = float(1.0 / (std + 1e-8));
    for (int64_t i = 0; i < B; ++i) out[p * B + i] = (a[i] - m) * inv;
  }
}

void ppo_loss_grads(const Exec& exec, const UpdateRule& rule, const LossSettings& s, const LossInputs& in,
                    LossWorkspace& ws, float* d_log_prob, float* d_entropy, float* d_value, LossTerms* terms) {
  const int64_t P = in.P, B = in.B, n = P * B;
  ws.ratio.resize(size_t(n));
  ws.adv.resize(size_t(n));
  ws.loss.resize(size_t(n));
  ws.d_ratio.resize(size_t(n));
  ws.d_log_prob.resize(size_t(n));
  ws.d_entropy.resize(size_t(n));
  // ratio and advantages
  for (int64_t i = 0; i < n; ++i) ws.ratio[size_t(i)] = std::exp(in.log_prob[i] - in.old_log_prob[i]);
  if (s.norm_adv)
    normalize_advantages(P, B, in.advantage, ws.adv.data());
  else
    std::copy(in.advantage, in.advantage + n, ws.adv.begin());
  // the rule's policy loss
  RuleBatch rb;
  rb.P = P;
  rb.B = B;
  rb.ratio = ws.ratio.data();
  rb.advantage = ws.adv.data();
  rb.log_prob = in.log_prob;
  rb.entropy = in.entropy;
  rb.update = in.update;
  rb.total_updates = in.total_updates;
  rb.params = in.rule_params;
  rule.evaluate(exec, rb, RuleOutput{ws.loss.data(), ws.d_ratio.data(), ws.d_log_prob.data(), ws.d_entropy.data()});
  // chain rule and the value and entropy terms, per agent
  const float inv_b = 1.0f / float(B);
  const float ent = float(s.ent_coef), vf = float(s.vf_coef), veps = float(s.value_clip_eps);
  for (int64_t p = 0; p < P; ++p) {
    double pol = 0, val = 0, h = 0, kl = 0, clipped = 0;
    for (int64_t i = p * B; i < (p + 1) * B; ++i) {
      const float r = ws.ratio[size_t(i)];
      d_log_prob[i] = (ws.d_ratio[size_t(i)] * r + ws.d_log_prob[size_t(i)]) * inv_b;
      d_entropy[i] = (ws.d_entropy[size_t(i)] - ent) * inv_b;
      // value: 0.5 max(unclipped^2, clipped^2)
      const float v = in.value[i], ret = in.returns[i];
      const float du = v - ret;
      float dv = du, lv = du * du;
      if (s.clip_value) {
        const float delta = std::clamp(v - in.old_value[i], -veps, veps);
        const float dc = in.old_value[i] + delta - ret;
        if (dc * dc > du * du) {
          lv = dc * dc;
          const bool inside = v - in.old_value[i] > -veps && v - in.old_value[i] < veps;
          dv = inside ? dc : 0.0f;
        }
      }
      d_value[i] = vf * dv * inv_b;
      pol += ws.loss[size_t(i)];
      val += 0.5 * lv;
      h += in.entropy[i];
      const double logr = double(in.log_prob[i]) - double(in.old_log_prob[i]);
      kl += (double(r) - 1.0) - logr;
      clipped += std::fabs(double(r) - 1.0) > s.value_clip_eps ? 1.0 : 0.0;
    }
    if (terms) {
      LossTerms& t = terms[p];
      t.policy = pol / double(B);
      t.value = val / double(B);
      t.entropy = h / double(B);
      t.total = t.policy + s.vf_coef * t.value - s.ent_coef * t.entropy;
      t.approx_kl = kl / double(B);
      t.clip_frac = clipped / double(B);
    }
  }
}

}  // namespace lamarck::rl
