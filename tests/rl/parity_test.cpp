// CPU <-> GPU parity of rl/: one minibatch step on fixed data (both networks, the categorical and the
// Gaussian head, the PPO loss with each built-in rule) and the Adam step after it, GAE, and one whole
// Trainer update (rollout on the envs, GAE, epochs x minibatches). The two sides run the same code
// (rl/src/ops_impl.h) compiled by g++ and by nvcc, so they differ only by the rounding of cuBLAS and CUDA's
// math library. Needs a CUDA device; skipped without one (run by scripts/device-check).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/core/nn/adam.h"
#include "lamarck/core/rng.h"
#include "lamarck/rl/gae.h"
#include "lamarck/rl/minibatch.h"
#include "lamarck/rl/trainer.h"
#include "actor_critic_targets.h"

namespace lamarck::rl {
namespace {

class RlParity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_available()) GTEST_SKIP() << "no CUDA device";
  }
};

std::vector<float> normals(int64_t n, uint64_t seed, float mean, float scale) {
  Philox rng(key_from_seed(seed));
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = mean + scale * rng.normal();
  return v;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
  return worst;
}

double max_abs(const std::vector<float>& a) {
  double m = 0;
  for (float x : a) m = std::max(m, std::fabs(double(x)));
  return m;
}

// Fixed minibatch data of P agents x M samples, on the host.
struct FixedMinibatch {
  AgentLayout layout;
  int64_t P = 8, M = 64;
  std::vector<float> params, obs, box_actions, old_log_prob, old_value, advantage, returns, rule_params;
  std::vector<int32_t> actions;
  std::vector<int64_t> update, total;

  FixedMinibatch(bool continuous, nn::Activation act) {
    const int64_t obs_dim = 6, A = continuous ? 2 : 3;
    layout = make_agent_layout(obs_dim, continuous, A, {32, 32}, act);
    params.resize(size_t(P * layout.num_params));
    for (int64_t p = 0; p < P; ++p) init_agent(layout, derive_key(7, 1, uint64_t(p), 0), params.data() + p * layout.num_params);
    // larger than the init's small actor output, so that the ratios spread around the clip interval
    std::vector<float> noise = normals(P * layout.num_params, 8, 0.0f, 0.05f);
    for (size_t i = 0; i < params.size(); ++i) params[i] += noise[i];
    obs = normals(P * M * obs_dim, 9, 0.0f, 1.0f);
    box_actions = normals(P * M * A, 10, 0.0f, 1.0f);
    Philox rng(key_from_seed(11));
    for (int64_t i = 0; i < P * M; ++i) actions.push_back(int32_t(rng.below(uint32_t(A))));
    old_log_prob = normals(P * M, 12, continuous ? -2.5f : -1.1f, 0.3f);
    old_value = normals(P * M, 13, 0.0f, 1.0f);
    advantage = normals(P * M, 14, 0.3f, 1.0f);
    returns = normals(P * M, 15, 0.0f, 1.0f);
    rule_params.assign(size_t(P), 0.2f);
    for (int64_t p = 0; p < P; ++p) {
      update.push_back(p);
      total.push_back(10);
    }
  }
};

struct StepResult {
  std::vector<float> grads, params_after;
  std::vector<LossTerms> terms;
};

StepResult run_step(const FixedMinibatch& d, const UpdateRule& rule, Device device) {
  const Exec exec{device, 0};
  DeviceArray<float> params(d.params, device), obs(d.obs, device), box(d.box_actions, device);
  DeviceArray<float> old_lp(d.old_log_prob, device), old_v(d.old_value, device), adv(d.advantage, device);
  DeviceArray<float> ret(d.returns, device), rp(d.rule_params, device), grads(d.P * d.layout.num_params, device);
  DeviceArray<int32_t> act(d.actions, device);
  DeviceArray<int64_t> update(d.update, device), total(d.total, device);
  Minibatch mb;
  mb.P = d.P;
  mb.M = d.M;
  mb.obs = obs.data();
  mb.actions = d.layout.continuous ? nullptr : act.data();
  mb.box_actions = d.layout.continuous ? box.data() : nullptr;
  mb.old_log_prob = old_lp.data();
  mb.old_value = old_v.data();
  mb.advantage = adv.data();
  mb.returns = ret.data();
  mb.update = update.data();
  mb.total_updates = total.data();
  mb.rule_params = rule.num_params() > 0 ? rp.data() : nullptr;
  MinibatchWorkspace ws;
  StepResult out;
  out.terms.resize(size_t(d.P));
  minibatch_gradients(exec, d.layout, rule, LossSettings{}, params.data(), mb, ws, grads.data(), out.terms.data());
  out.grads = grads.to_host();
  nn::AdamState adam;
  adam.reset(d.P, d.layout.num_params, device);
  // a different learning rate per member, so that a member reading another's coefficients is seen
  std::vector<double> lr(static_cast<size_t>(d.P));
  for (int64_t p = 0; p < d.P; ++p) lr[size_t(p)] = 1e-3 * (1.0 + double(p) / 8.0);
  nn::adam_step(exec, nn::AdamConfig{}, d.P, d.layout.num_params, params.data(), grads.data(), adam, lr.data(),
                nullptr, nullptr);
  out.params_after = params.to_host();
  return out;
}

struct StepCase {
  bool continuous;
  const char* activation;
  const char* rule;
};

class MinibatchParity : public RlParity, public ::testing::WithParamInterface<StepCase> {};

TEST_P(MinibatchParity, OneStepOnFixedDataMatches) {
  const StepCase c = GetParam();
  const FixedMinibatch d(c.continuous, nn::parse_activation(c.activation));
  const auto rule = make_update_rule(c.rule);
  const StepResult cpu = run_step(d, *rule, Device::cpu), gpu = run_step(d, *rule, Device::cuda);
  for (int64_t p = 0; p < d.P; ++p) {
    const LossTerms &a = cpu.terms[size_t(p)], &b = gpu.terms[size_t(p)];
    EXPECT_NEAR(a.policy, b.policy, 1e-5) << p;
    EXPECT_NEAR(a.value, b.value, 1e-5) << p;
    EXPECT_NEAR(a.entropy, b.entropy, 1e-5) << p;
    EXPECT_NEAR(a.approx_kl, b.approx_kl, 1e-6) << p;
    EXPECT_LE(std::fabs(a.clip_frac - b.clip_frac), 1.0 / double(d.M) + 1e-12) << p;  // one r at the edge
  }
  // cuBLAS sums in another order than Eigen (both apply the same tanh_f to their sums): rounding
  // only; a wrong layout or index is off by the size of the gradient itself
  const double grad_diff = max_abs_diff(cpu.grads, gpu.grads), grad_max = max_abs(cpu.grads);
  std::printf("%s %s %s: max |grad cpu - gpu| = %.3g (max |grad| %.3g)\n", c.continuous ? "gaussian" : "categorical",
              c.activation, c.rule, grad_diff, grad_max);
  EXPECT_LT(grad_diff, 1e-5 * std::max(1.0, grad_max));
  // Adam's first step moves parameter i by lr * g_i / (|g_i| + eps) (g after a clip factor common to the
  // member), whose slope in g_i is at most lr / eps < 200 (lr <= 1.9e-3 here): the step may differ by 200
  // times the gradient difference of that parameter (plus the clip factor's rounding), and by no more
  double excess = 0;
  for (size_t i = 0; i < cpu.params_after.size(); ++i) {
    const double allowed = 1e-6 + 200.0 * (std::fabs(double(cpu.grads[i]) - double(gpu.grads[i])) +
                                           1e-6 * std::fabs(double(cpu.grads[i])));
    excess = std::max(excess, std::fabs(double(cpu.params_after[i]) - double(gpu.params_after[i])) - allowed);
  }
  EXPECT_LE(excess, 0.0);
}

INSTANTIATE_TEST_SUITE_P(HeadsAndRules, MinibatchParity,
                         ::testing::Values(StepCase{false, "tanh", "ppo_clip"}, StepCase{false, "tanh", "pg"},
                                           StepCase{true, "tanh", "ppo_clip"}, StepCase{true, "tanh", "pg"}));
// (tanh only: with ReLU a pre-activation within rounding of 0 would flip a derivative between the two
// sides and shift a gradient by far more than rounding; the activation functors are shared code anyway)

TEST_F(RlParity, GaeMatches) {
  const int64_t P = 3, T = 37, E = 5, S = P * T * E;
  std::vector<float> rewards = normals(S, 1, 0.5f, 1.0f), values = normals(S, 2, 0.0f, 1.0f);
  std::vector<float> last = normals(P * E, 3, 0.0f, 1.0f);
  std::vector<uint8_t> dones(static_cast<size_t>(S));
  Philox rng(key_from_seed(4));
  for (auto& d : dones) d = rng.uniform() < 0.1f ? 1 : 0;
  std::vector<float> adv[2], ret[2];
  for (int side = 0; side < 2; ++side) {
    const Device dev = side == 0 ? Device::cpu : Device::cuda;
    DeviceArray<float> r(rewards, dev), v(values, dev), l(last, dev), a(S, dev), rt(S, dev);
    DeviceArray<uint8_t> dn(dones, dev);
    GaeArgs g;
    g.P = P;
    g.T = T;
    g.E = E;
    g.rewards = r.data();
    g.values = v.data();
    g.dones = dn.data();
    g.last_values = l.data();
    g.advantages = a.data();
    g.returns = rt.data();
    gae(Exec{dev, 0}, g);
    adv[side] = a.to_host();
    ret[side] = rt.to_host();
  }
  EXPECT_LT(max_abs_diff(adv[0], adv[1]), 1e-5);
  EXPECT_LT(max_abs_diff(ret[0], ret[1]), 1e-5);
}

// One whole update of 4 agents: the rollouts see the same env instances and the same random numbers, so the
// discrete actions and the episodes match (a logit within rounding of a sampling boundary could flip one
// action: rare); Pendulum's Gaussian actions differ by CUDA's rounding of exp/log/sin/cos. The parameters
// after 16 Adam steps agree to a fraction of the learning rate.
// The GPU runs both policy steps (TrainConfig::policy_step): the fused kernel (its default) and the layered
// GEMMs; the CPU runs its default, the layered one.
class TrainerParity : public RlParity,
                      public ::testing::WithParamInterface<std::tuple<std::string, std::string>> {};

TEST_P(TrainerParity, OneUpdateMatches) {
  TrainConfig config;
  config.env = std::get<0>(GetParam());
  config.num_envs = 4;
  config.num_steps = 64;
  config.total_timesteps = 4 * 64 * 10;
  Trainer cpu(config, 4, Exec{Device::cpu, 1});
  config.policy_step = std::get<1>(GetParam());
  Trainer gpu(config, 4, Exec{Device::cuda, 0});
  ASSERT_EQ(cpu.params(), gpu.params()) << "the initial weights come from the same keys";
  cpu.update();
  gpu.update();
  for (int64_t p = 0; p < 4; ++p) {
    const UpdateStats &a = cpu.last_stats()[size_t(p)], &b = gpu.last_stats()[size_t(p)];
    EXPECT_EQ(a.episodes, b.episodes) << p;
    if (a.episodes > 0) {
      EXPECT_NEAR(a.episode_return, b.episode_return, 1e-3 * std::fabs(a.episode_return)) << p;
    }
    EXPECT_NEAR(a.loss.total, b.loss.total, 1e-4 * std::max(1.0, std::fabs(a.loss.total))) << p;
  }
  EXPECT_LT(max_abs_diff(cpu.params(), gpu.params()), 0.1 * 16 * config.lr);
}

// Every reduction on the GPU runs in a fixed order (cuBLAS without atomics, per-agent loops, the tree of the
// Adam norms): two runs are the same bits.
TEST_F(RlParity, GpuTrainingIsDeterministic) {
  TrainConfig config;
  config.num_envs = 4;
  config.num_steps = 32;
  config.total_timesteps = 4 * 32 * 3;
  std::vector<float> params[2], curves[2];
  std::vector<double> finals[2], losses[2];
  for (int run = 0; run < 2; ++run) {
    Trainer t(config, 6, Exec{Device::cuda, 0});
    t.run();
    params[run] = t.params();
    for (int64_t p = 0; p < 6; ++p) {
      curves[run].insert(curves[run].end(), t.curve(p).begin(), t.curve(p).end());
      losses[run].push_back(t.last_stats()[size_t(p)].loss.total);
    }
    finals[run] = t.final_returns();
  }
  EXPECT_EQ(params[0], params[1]);
  // bitwise, so that NaN (no episode ended yet) compares equal to NaN
  ASSERT_EQ(curves[0].size(), curves[1].size());
  EXPECT_EQ(0, std::memcmp(curves[0].data(), curves[1].data(), sizeof(float) * curves[0].size()));
  EXPECT_EQ(0, std::memcmp(finals[0].data(), finals[1].data(), sizeof(double) * finals[0].size()));
  EXPECT_EQ(losses[0], losses[1]);
}

// The trajectory-rule seam on the GPU: advantage actor-critic written against trajectory_rule.h alone
// (actor_critic_targets.h) trains the same bits as the built-in A2C on CUDA.
TEST_F(RlParity, InterfaceOnlyActorCriticIsTheBuiltInA2cOnTheGpu) {
  testing::register_actor_critic_targets();
  TrainConfig builtin;
  builtin.algo = "a2c";
  builtin.num_envs = 8;
  builtin.num_steps = 5;
  builtin.gae_lambda = 1.0;
  builtin.norm_adv = false;
  builtin.total_timesteps = 40 * 30;
  TrainConfig mine = builtin;
  mine.targets = "test_actor_critic";
  Trainer a(builtin, 4, Exec{Device::cuda, 0});
  Trainer b(mine, 4, Exec{Device::cuda, 0});
  a.run();
  b.run();
  EXPECT_EQ(a.params(), b.params());
}

INSTANTIATE_TEST_SUITE_P(Envs, TrainerParity,
                         ::testing::Combine(::testing::Values("CartPole-v1", "Pendulum-v1", "MinAtar/Breakout"),
                                            ::testing::Values("fused", "layered")));

}  // namespace
}  // namespace lamarck::rl
