// The per-element work of rl/: PPO loss, GAE, the built-in update rules and the trainer's rollout and
// minibatch bookkeeping, each a functor with an LMK_HD call operator. ops_impl.h launches them; g++
// compiles that for the CPU (ops_cpu.cpp) and nvcc for CUDA (rl_cuda.cu). Private to rl.
//
// Reductions over an agent's samples run one agent per call, in sample order and in double, so the result
// is the same on any thread count (and as close as float allows between CPU and GPU).
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/nn/heads.h"
#include "lamarck/core/math.h"
#include "lamarck/core/platform.h"
#include "lamarck/core/rng.h"
#include "lamarck/rl/gae.h"
#include "lamarck/rl/ppo_clip.h"
#include "lamarck/rl/ppo_loss.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::rl::detail {

// ---- the built-in update rules (update_rule.h) ---------------------------------------------------

struct PpoClipSample {
  RuleBatch in;
  RuleOutput out;
  LMK_HD void operator()(int64_t i) const {
    const ClipLoss<float> c = ppo_clip_loss(in.ratio[i], in.advantage[i], in.params[i / in.B]);
    out.loss[i] = c.loss;
    out.d_ratio[i] = c.dloss_dr;
    out.d_log_prob[i] = 0.0f;
    out.d_entropy[i] = 0.0f;
  }
};

struct PolicyGradientSample {
  RuleBatch in;
  RuleOutput out;
  LMK_HD void operator()(int64_t i) const {
    out.loss[i] = -in.advantage[i] * in.ratio[i];
    out.d_ratio[i] = -in.advantage[i];
    out.d_log_prob[i] = 0.0f;
    out.d_entropy[i] = 0.0f;
  }
};

// ---- the PPO loss (ppo_loss.h) -------------------------------------------------------------------

struct Ratio {  // r = exp(logp - logp_old)
  const float* log_prob;
  const float* old_log_prob;
  float* ratio;
  LMK_HD void operator()(int64_t i) const { ratio[i] = expf(log_prob[i] - old_log_prob[i]); }
};

struct AdvantageMoments {  // agent p: mean and 1 / (unbiased std + 1e-8) of its B advantages
  const float* advantage;
  int64_t B;
  float* mean_out;
  float* inv_std_out;
  LMK_HD void operator()(int64_t p) const {
    const float* a = advantage + p * B;
    double mean = 0;
    for (int64_t i = 0; i < B; ++i) mean += a[i];
    mean /= double(B);
    double sq = 0;
    for (int64_t i = 0; i < B; ++i) sq += (a[i] - mean) * (a[i] - mean);
    const double sd = B > 1 ? sqrt(sq / double(B - 1)) : 0.0;
    mean_out[p] = float(mean);
    inv_std_out[p] = float(1.0 / (sd + 1e-8));
  }
};

struct NormalizeAdvantage {
  const float* advantage;
  const float* mean;
  const float* inv_std;
  int64_t B;
  float* out;
  LMK_HD void operator()(int64_t i) const { out[i] = (advantage[i] - mean[i / B]) * inv_std[i / B]; }
};

// Per sample: the chain rule through r, the entropy bonus, and the (clipped) value loss and its gradient.
struct LossSampleGrads {
  LossInputs in;
  const float* ratio;
  const float* rule_d_ratio;
  const float* rule_d_log_prob;
  const float* rule_d_entropy;
  float ent_coef, vf_coef, value_clip_eps, inv_b;
  bool clip_value;
  float* d_log_prob;
  float* d_entropy;
  float* d_value;
  float* value_loss;  // (P, B) the squared error the value term averages (before the factor 0.5)
  LMK_HD void operator()(int64_t i) const {
    const float r = ratio[i];
    d_log_prob[i] = (rule_d_ratio[i] * r + rule_d_log_prob[i]) * inv_b;
    d_entropy[i] = (rule_d_entropy[i] - ent_coef) * inv_b;
    // value: 0.5 max(unclipped^2, clipped^2)
    const float v = in.value[i], ret = in.returns[i];
    const float du = v - ret;
    float dv = du, lv = du * du;
    if (clip_value) {
      const float change = v - in.old_value[i];
      const float delta = change < -value_clip_eps ? -value_clip_eps : (change > value_clip_eps ? value_clip_eps : change);
      const float dc = in.old_value[i] + delta - ret;
      if (dc * dc > du * du) {
        lv = dc * dc;
        const bool inside = change > -value_clip_eps && change < value_clip_eps;
        dv = inside ? dc : 0.0f;
      }
    }
    d_value[i] = vf_coef * dv * inv_b;
    value_loss[i] = lv;
  }
};

// Agent p's loss terms: means over its B samples, summed in order in double.
struct LossTermsPerAgent {
  LossInputs in;
  const float* ratio;
  const float* policy_loss;
  const float* value_loss;
  double ent_coef, vf_coef, value_clip_eps;
  LossTerms* terms;
  LMK_HD void operator()(int64_t p) const {
    double pol = 0, val = 0, h = 0, kl = 0, clipped = 0;
    for (int64_t i = p * in.B; i < (p + 1) * in.B; ++i) {
      const double r = ratio[i];
      pol += policy_loss[i];
      val += 0.5 * value_loss[i];
      h += in.entropy[i];
      const double log_r = double(in.log_prob[i]) - double(in.old_log_prob[i]);
      kl += (r - 1.0) - log_r;
      clipped += fabs(r - 1.0) > value_clip_eps ? 1.0 : 0.0;
    }
    const double B = double(in.B);
    LossTerms t;
    t.policy = pol / B;
    t.value = val / B;
    t.entropy = h / B;
    t.total = t.policy + vf_coef * t.value - ent_coef * t.entropy;
    t.approx_kl = kl / B;
    t.clip_frac = clipped / B;
    terms[p] = t;
  }
};

// ---- GAE (gae.h) ---------------------------------------------------------------------------------

struct GaeColumn {  // the reverse scan of one (agent, env) column
  GaeArgs a;
  LMK_HD void operator()(int64_t column) const {
    const int64_t p = column / a.E, e = column % a.E;
    const float gamma = a.gamma, gl = a.gamma * a.lambda;
    float next_value = a.last_values[column], next_adv = 0.0f;
    for (int64_t t = a.T - 1; t >= 0; --t) {
      const int64_t i = (p * a.T + t) * a.E + e;
      const float not_done = a.dones[i] ? 0.0f : 1.0f;
      const float delta = a.rewards[i] + gamma * next_value * not_done - a.values[i];
      const float value = delta + gl * not_done * next_adv;
      next_adv = value;
      a.advantages[i] = value;
      a.returns[i] = value + a.values[i];
      next_value = a.values[i];
    }
  }
};

// ---- the trainer's rollout -----------------------------------------------------------------------

// Row i = (p, e) of step t goes to rollout slot (p, t, e): observation, action, log-probability, value.
struct StoreStep {
  int64_t E, T, t, obs_dim, action_dim;
  const float* obs;          // (P * E, obs_dim)
  const float* log_prob;     // (P * E)
  const float* value;        // (P * E)
  const int32_t* action_i;   // (P * E), discrete (else null)
  const float* action_f;     // (P * E, action_dim), continuous (else null)
  float* roll_obs;           // (P, T, E, obs_dim)
  float* roll_log_prob;      // (P, T, E)
  float* roll_value;         // (P, T, E)
  int32_t* roll_action_i;    // (P, T, E)
  float* roll_action_f;      // (P, T, E, action_dim)
  // what a trajectory rule asks for (trajectory_rule.h), recorded only then
  int64_t extra_dim = 0;
  const float* extra = nullptr;    // (P * E, extra_dim) the extra head's outputs
  float* roll_extra = nullptr;     // (P, T, E, extra_dim)
  const float* logits = nullptr;   // (P * E, action_dim) the policy's outputs
  float* roll_logits = nullptr;    // (P, T, E, action_dim)
  LMK_HD void operator()(int64_t i) const {
    const int64_t p = i / E, e = i % E, dst = (p * T + t) * E + e;
    for (int64_t k = 0; k < obs_dim; ++k) roll_obs[dst * obs_dim + k] = obs[i * obs_dim + k];
    roll_log_prob[dst] = log_prob[i];
    roll_value[dst] = value[i];
    if (action_i) roll_action_i[dst] = action_i[i];
    if (action_f)
      for (int64_t k = 0; k < action_dim; ++k) roll_action_f[dst * action_dim + k] = action_f[i * action_dim + k];
    if (roll_extra)
      for (int64_t k = 0; k < extra_dim; ++k) roll_extra[dst * extra_dim + k] = extra[i * extra_dim + k];
    if (roll_logits)
      for (int64_t k = 0; k < action_dim; ++k) roll_logits[dst * action_dim + k] = logits[i * action_dim + k];
  }
};

// The whole policy step of row r = (agent p, env e) in one thread: the actor and critic forward passes
// (nn::mlp_row_forward), the action drawn from the row's key, its log-probability, and the step stored into
// the rollout. One launch per rollout step instead of a GEMM and a bias pass per layer plus the head's
// launches (ops_impl.h act_impl, the layered path, which it matches to rounding: tests/rl/trainer_test.cpp).
struct FusedAct {
  nn::MlpRowLayout actor, critic;
  int64_t E, A, obs_dim, param_stride;
  int64_t log_std_offset;     // Gaussian head: the log std in the parameter row; categorical: -1
  const float* params;        // (P, param_stride)
  const float* obs;           // (P * E, obs_dim)
  uint64_t seed, stream, step;
  const uint64_t* row_ids;    // (P * E) key index of each row
  int32_t* action_i;          // (P * E), categorical
  float* action_f;            // (P * E, A), Gaussian
  float* log_prob;            // (P * E)
  float* value;               // (P * E)
  StoreStep store;            // its per-step inputs are the four arrays above
  LMK_HD void operator()(int64_t r) const {
    const float* w = params + (r / E) * param_stride;
    const float* x = obs + r * obs_dim;
    float head[nn::kMaxRowWidth];
    nn::mlp_row_forward(actor, w, x, head);
    nn::mlp_row_forward(critic, w, x, value + r);
    Philox rng(nn::detail::sample_key(seed, stream, step, row_ids, r));
    if (log_std_offset < 0) {
      action_i[r] = int32_t(rng.categorical_logits(head, int(A)));
      nn::detail::CategoricalForward<float>{head, action_i + r, log_prob + r, nullptr, A}(0);
    } else {
      const float* log_std = w + log_std_offset;
      nn::detail::gaussian_sample_row(head, log_std, A, rng, action_f + r * A);
      nn::detail::GaussianForward<float>{head, log_std, action_f + r * A, log_prob + r, nullptr, A, 1, 0}(0);
    }
    store(r);
  }
};

// Continuous actions clipped to the action box before the env sees them (the rollout keeps the sample).
struct ClipActions {
  const float* in;    // (N, A)
  const float* low;   // (A), -inf where unbounded
  const float* high;  // (A), +inf where unbounded
  int64_t A;
  float* out;
  LMK_HD void operator()(int64_t i) const {
    const int64_t j = i % A;
    float a = in[i];
    a = a > low[j] ? a : low[j];
    a = a < high[j] ? a : high[j];
    out[i] = a;
  }
};

// Agent p after the env step of step t: rewards and done flags into the rollout, running episode returns,
// and the sum and count of the episodes that ended in this update (envs in order).
struct RecordStep {
  int64_t E, T, t;
  const float* rewards;       // (P * E)
  const uint8_t* terminated;  // (P * E)
  const uint8_t* truncated;   // (P * E)
  float* roll_rewards;        // (P, T, E)
  uint8_t* roll_dones;        // (P, T, E) terminated | truncated
  uint8_t* roll_terminated;   // (P, T, E)
  uint8_t* roll_truncated;    // (P, T, E)
  double* episode_return;     // (P * E) running
  double* ended_return_sum;   // (P)
  int32_t* ended_episodes;    // (P)
  LMK_HD void operator()(int64_t p) const {
    for (int64_t e = 0; e < E; ++e) {
      const int64_t i = p * E + e, dst = (p * T + t) * E + e;
      const uint8_t done = (terminated[i] | truncated[i]) ? 1 : 0;
      roll_rewards[dst] = rewards[i];
      roll_dones[dst] = done;
      roll_terminated[dst] = terminated[i] ? 1 : 0;
      roll_truncated[dst] = truncated[i] ? 1 : 0;
      episode_return[i] += rewards[i];
      if (done) {
        ended_return_sum[p] += episode_return[i];
        ended_episodes[p] += 1;
        episode_return[i] = 0.0;
      }
    }
  }
};

// ---- the trainer's minibatches -------------------------------------------------------------------

// Agent p's permutation of its S samples for one epoch: Fisher-Yates from the agent's own key.
struct ShuffleSamples {
  int64_t S;
  uint64_t seed, stream, epochs, epoch;
  const uint64_t* agent_stream;  // (P)
  const int64_t* update;         // (P)
  int64_t* perm;                 // (P, S)
  LMK_HD void operator()(int64_t p) const {
    int64_t* row = perm + p * S;
    for (int64_t i = 0; i < S; ++i) row[i] = i;
    Philox rng(derive_key(seed, stream, agent_stream[p], uint64_t(update[p]) * epochs + epoch));
    for (int64_t i = S - 1; i > 0; --i) {
      const int64_t j = int64_t(rng.below(uint32_t(i + 1)));
      const int64_t keep = row[i];
      row[i] = row[j];
      row[j] = keep;
    }
  }
};

// Minibatch row (p, i) <- rollout sample perm[p, mb * M + i] of agent p.
struct GatherMinibatch {
  int64_t S, M, mb, obs_dim, action_dim;
  const int64_t* perm;
  const float* obs;
  const float* log_prob;
  const float* value;
  const float* advantage;
  const float* returns;
  const int32_t* action_i;  // null for continuous
  const float* action_f;    // null for discrete
  float* mb_obs;
  float* mb_log_prob;
  float* mb_value;
  float* mb_advantage;
  float* mb_returns;
  int32_t* mb_action_i;
  float* mb_action_f;
  int64_t extra_dim = 0;                 // a trajectory rule's extra targets (trajectory_rule.h), if any
  const float* extra_target = nullptr;   // (P, S, extra_dim)
  float* mb_extra_target = nullptr;      // (P, M, extra_dim)
  LMK_HD void operator()(int64_t row) const {
    const int64_t p = row / M, i = row % M;
    const int64_t src = p * S + perm[p * S + mb * M + i];
    for (int64_t k = 0; k < obs_dim; ++k) mb_obs[row * obs_dim + k] = obs[src * obs_dim + k];
    mb_log_prob[row] = log_prob[src];
    mb_value[row] = value[src];
    mb_advantage[row] = advantage[src];
    mb_returns[row] = returns[src];
    if (action_i) mb_action_i[row] = action_i[src];
    if (action_f)
      for (int64_t k = 0; k < action_dim; ++k) mb_action_f[row * action_dim + k] = action_f[src * action_dim + k];
    if (extra_target)
      for (int64_t k = 0; k < extra_dim; ++k) mb_extra_target[row * extra_dim + k] = extra_target[src * extra_dim + k];
  }
};

// ---- a trajectory rule's extra head (trajectory_rule.h ExtraHeads) -------------------------------

// Per row: the extra head's loss against its target and d loss / d y, scaled by coef / M. squared:
// 0.5 Σ (y - t)²; categorical: -Σ t_k log softmax(y)_k, whose gradient is softmax(y) Σ t - t.
struct ExtraHeadGrads {
  const float* y;       // (rows, m)
  const float* target;  // (rows, m)
  int64_t m;
  bool categorical;
  float scale;          // coef / M
  float* d_y;           // (rows, m)
  float* loss;          // (rows) per-row loss, before coef
  LMK_HD void operator()(int64_t r) const {
    const float* yr = y + r * m;
    const float* tr = target + r * m;
    float* dr = d_y + r * m;
    if (categorical) {
      float top = yr[0];
      for (int64_t k = 1; k < m; ++k) top = yr[k] > top ? yr[k] : top;
      double z = 0.0;
      for (int64_t k = 0; k < m; ++k) z += double(exp_f(yr[k] - top));
      const float log_z = top + float(log_d(z));
      double l = 0.0, t_sum = 0.0;
      for (int64_t k = 0; k < m; ++k) {
        l -= double(tr[k]) * double(yr[k] - log_z);
        t_sum += tr[k];
      }
      for (int64_t k = 0; k < m; ++k) dr[k] = scale * (exp_f(yr[k] - log_z) * float(t_sum) - tr[k]);
      loss[r] = float(l);
    } else {
      double l = 0.0;
      for (int64_t k = 0; k < m; ++k) {
        const float d = yr[k] - tr[k];
        l += 0.5 * double(d) * double(d);
        dr[k] = scale * d;
      }
      loss[r] = float(l);
    }
  }
};

}  // namespace lamarck::rl::detail
