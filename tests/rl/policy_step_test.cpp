// rl's two policy steps on the same inputs, called through the CPU table of operations (rl/src/ops.h): the
// fused kernel (FusedAct: each row's whole actor, critic, draw and store) against the layered networks and
// heads, with random parameters (non-zero biases and log std) and random observations. The actions must be
// the same, the log-probabilities and values the same to rounding, and the rollout slots filled alike.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lamarck/core/rng.h"
#include "lamarck/rl/agent.h"
#include "ops.h"

namespace lamarck::rl {
namespace {

std::vector<float> normals(int64_t n, uint64_t seed, float scale) {
  Philox rng(key_from_seed(seed));
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = scale * float(rng.normal_double());
  return v;
}

struct Case {
  std::string name;
  int64_t obs_dim;
  bool continuous;
  int64_t actions;
  std::vector<int64_t> hidden;
};

// What one act call leaves in the rollout (slot t of a (P, T, E) rollout; the other slots stay zero).
struct Rollout {
  std::vector<float> obs, log_prob, value, action_f;
  std::vector<int32_t> action_i;
};

Rollout act_once(const Case& c, const AgentLayout& layout, int64_t P, int64_t E, const std::vector<float>& params,
                 const std::vector<float>& obs, const std::vector<uint64_t>& row_ids, bool fused) {
  const int64_t N = P * E, T = 4, t = 2, A = layout.action_dim, S = P * T * E;
  Rollout r;
  r.obs.assign(size_t(S * c.obs_dim), 0.0f);
  r.log_prob.assign(size_t(S), 0.0f);
  r.value.assign(size_t(S), 0.0f);
  r.action_f.assign(size_t(S * A), 0.0f);
  r.action_i.assign(size_t(S), 0);
  std::vector<int32_t> step_action_i(static_cast<size_t>(N));
  std::vector<float> step_action_f(static_cast<size_t>(N * A)), step_log_prob(static_cast<size_t>(N)),
      step_value(static_cast<size_t>(N));
  nn::MlpCache<float> actor, critic;
  detail::ActArgs a;
  a.layout = &layout;
  a.P = P;
  a.E = E;
  a.params = params.data();
  a.obs = obs.data();
  a.actor = &actor;
  a.critic = &critic;
  a.seed = 17;
  a.stream = 0x1002;
  a.step = 5;
  a.row_ids = row_ids.data();
  a.action_i = layout.continuous ? nullptr : step_action_i.data();
  a.action_f = layout.continuous ? step_action_f.data() : nullptr;
  a.log_prob = step_log_prob.data();
  a.store = detail::StoreStep{E,           T,           t,       c.obs_dim,         A,
                              nullptr,     nullptr,     nullptr, nullptr,           nullptr,
                              r.obs.data(), r.log_prob.data(), r.value.data(), r.action_i.data(), r.action_f.data()};
  a.fused = fused;
  a.value = step_value.data();
  detail::cpu_ops().act(Exec{Device::cpu, 1}, a);
  return r;
}

TEST(PolicyStep, FusedRowsMatchTheLayeredNetworksAndHeads) {
  const std::vector<Case> cases = {
      {"categorical 64-64", 4, false, 2, {64, 64}},
      {"categorical, widths not multiples of 8", 7, false, 3, {12, 20}},
      {"categorical, MinAtar-sized input", 400, false, 6, {64, 64}},
      {"gaussian 64-64", 3, true, 1, {64, 64}},
      {"gaussian, three hidden layers", 5, true, 3, {16, 8, 24}},
  };
  const int64_t P = 5, E = 3;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const AgentLayout layout = make_agent_layout(c.obs_dim, c.continuous, c.actions, c.hidden, nn::Activation::tanh);
    const std::vector<float> params = normals(P * layout.num_params, 3, 0.3f);  // biases and log std not zero
    const std::vector<float> obs = normals(P * E * c.obs_dim, 4, 1.0f);
    std::vector<uint64_t> row_ids(size_t(P * E));
    for (size_t i = 0; i < row_ids.size(); ++i) row_ids[i] = 1000 + 7 * i;
    const Rollout layered = act_once(c, layout, P, E, params, obs, row_ids, false);
    const Rollout fused = act_once(c, layout, P, E, params, obs, row_ids, true);
    EXPECT_EQ(layered.obs, fused.obs);
    EXPECT_EQ(layered.action_i, fused.action_i);
    int64_t filled = 0;
    for (size_t i = 0; i < layered.value.size(); ++i) {
      const float tol = 1e-5f * std::max(1.0f, std::fabs(layered.log_prob[i]));
      EXPECT_NEAR(layered.log_prob[i], fused.log_prob[i], tol) << i;
      EXPECT_NEAR(layered.value[i], fused.value[i], 1e-5f * std::max(1.0f, std::fabs(layered.value[i]))) << i;
      filled += layered.log_prob[i] != 0.0f ? 1 : 0;
    }
    EXPECT_EQ(filled, P * E) << "one slot per row, at step t";
    // the Gaussian draws are the same normals around means equal to rounding
    for (size_t i = 0; i < layered.action_f.size(); ++i)
      EXPECT_NEAR(layered.action_f[i], fused.action_f[i], 1e-5f * std::max(1.0f, std::fabs(layered.action_f[i]))) << i;
  }
}

}  // namespace
}  // namespace lamarck::rl
