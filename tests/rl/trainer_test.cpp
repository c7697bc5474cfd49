// The population trainer: determinism across thread counts, agents independent of the population they
// train in, per-agent horizons, a rule plugged in by name, A2C, continuous actions, short learning.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"
#include "lamarck/envs/registry.h"
#include "lamarck/rl/gae.h"
#include "lamarck/rl/trainer.h"

namespace lamarck::rl {
namespace {

TrainConfig small_config() {
  TrainConfig c;
  c.env = "CartPole-v1";
  c.num_envs = 4;
  c.num_steps = 32;
  c.num_minibatches = 4;
  c.total_timesteps = 4 * 32 * 3;  // 3 updates
  return c;
}

TEST(Trainer, SameResultOnOneAndTwoThreads) {
  std::vector<float> p1, p2;
  for (int threads : {1, 2}) {
    Trainer t(small_config(), 3, Exec{Device::cpu, threads});
    t.run();
    (threads == 1 ? p1 : p2) = t.params();
  }
  EXPECT_EQ(p1, p2);
}

TEST(Trainer, AgentIndependentOfPopulationSize) {
  Trainer one(small_config(), 1);
  Trainer three(small_config(), 3);
  one.run();
  three.run();
  const auto a = one.params(), b = three.params();
  const int64_t n = one.layout().num_params;
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin())) << "agent 0 must not depend on its neighbours";
  EXPECT_FALSE(std::equal(b.begin(), b.begin() + n, b.begin() + n)) << "agents 0 and 1 differ";
  EXPECT_EQ(one.curve(0), three.curve(0));
}

// A trainer handed an env trains on it: the same run as the one it builds from the name, and each agent
// on the levels of its own instances.
TEST(Trainer, TrainsOnTheEnvItIsGiven) {
  Trainer named(small_config(), 2, Exec{Device::cpu, 1});
  Trainer given(small_config(), 2, Exec{Device::cpu, 1}, {}, nullptr, {},
                envs::make_env("CartPole-v1", 2 * 4, Exec{Device::cpu, 1}));
  named.run();
  given.run();
  EXPECT_EQ(named.params(), given.params());
  // agent 1's four instances end every episode after 3 steps: its returns are at most 3
  auto env = envs::make_env("CartPole-v1", 2 * 4, Exec{Device::cpu, 1});
  env->set_levels({4, 5, 6, 7}, {R"({"max_episode_steps": 3})"});
  Trainer capped(small_config(), 2, Exec{Device::cpu, 1}, {}, nullptr, {}, std::move(env));
  capped.run();
  for (float r : capped.curve(1)) EXPECT_LE(r, 3.0f);
  EXPECT_GT(capped.curve(0).back(), 3.0f);
  EXPECT_EQ(capped.env().get_level(5), capped.env().get_level(7));
  // a given env must have P * E instances
  EXPECT_THROW(Trainer(small_config(), 2, Exec{}, {}, nullptr, {}, envs::make_env("CartPole-v1", 4)), InvalidArgument);
  // and it is authoritative over config.env
  TrainConfig other = small_config();
  other.env = "Acrobot-v1";
  Trainer t(other, 1, Exec{}, {}, nullptr, {}, envs::make_env("CartPole-v1", 4));
  EXPECT_EQ(t.config().env, "CartPole-v1");
}

// Common random numbers: an agent's randomness follows its stream, not its position in the population.
TEST(Trainer, AgentsWithTheSameStreamAreTheSameRun) {
  Trainer alone(small_config(), 1, Exec{Device::cpu, 1}, {}, nullptr, {5});
  Trainer mixed(small_config(), 3, Exec{Device::cpu, 1}, {}, nullptr, {1, 5, 5});
  alone.run();
  mixed.run();
  const auto a = alone.params(), b = mixed.params();
  const size_t n = size_t(alone.layout().num_params);
  const std::vector<float> agent1(b.begin() + n, b.begin() + 2 * n), agent2(b.begin() + 2 * n, b.end());
  const std::vector<float> agent0(b.begin(), b.begin() + n);
  EXPECT_EQ(agent1, a) << "stream 5 at position 1 of 3 = stream 5 alone";
  EXPECT_EQ(agent2, a) << "stream 5 at position 2 of 3 = stream 5 alone";
  EXPECT_NE(agent0, a) << "stream 1 is another run";
  EXPECT_EQ(alone.curve(0), mixed.curve(1));
  EXPECT_THROW(Trainer(small_config(), 2, Exec{Device::cpu, 1}, {}, nullptr, {1}), InvalidArgument);
}

TEST(Trainer, PerAgentHorizonsStopUpdating) {
  Trainer t(small_config(), 2, Exec{}, {2, 4});
  ASSERT_TRUE(t.update());
  ASSERT_TRUE(t.update());
  const auto after_two = t.params();
  t.run();
  const auto final_params = t.params();
  const int64_t n = t.layout().num_params;
  EXPECT_TRUE(std::equal(final_params.begin(), final_params.begin() + n, after_two.begin())) << "agent 0 froze";
  EXPECT_FALSE(std::equal(final_params.begin() + n, final_params.end(), after_two.begin() + n)) << "agent 1 trained";
  EXPECT_EQ(t.curve(0).size(), 2u);
  EXPECT_EQ(t.curve(1).size(), 4u);
  EXPECT_EQ(t.updates_done(), 4);
}

// A rule defined outside rl/, registered by name: the trainer uses it untouched.
std::atomic<int> g_calls{0};
std::vector<std::pair<int64_t, int64_t>> g_counters;  // (n, N) of agent 0 and agent 1 at every call
class CountingPg : public UpdateRule {
 public:
  std::string name() const override { return "test_counting_pg"; }
  int64_t num_params() const override { return 2; }
  std::vector<float> default_params() const override { return {1.0f, 0.0f}; }
  void evaluate(const Exec&, const RuleBatch& in, const RuleOutput& out) const override {
    ++g_calls;
    for (int64_t p = 0; p < in.P; ++p) g_counters.emplace_back(in.update[p], in.total_updates[p]);
    for (int64_t i = 0; i < in.P * in.B; ++i) {
      const float scale = in.params[(i / in.B) * 2];
      const float progress = float(in.update[i / in.B]) / float(in.total_updates[i / in.B]);
      EXPECT_GE(progress, 0.0f);
      EXPECT_LE(progress, 1.0f);  // 1 only for an agent past its horizon, whose step is not applied
      out.loss[i] = -scale * in.advantage[i] * in.ratio[i];
      out.d_ratio[i] = -scale * in.advantage[i];
      out.d_log_prob[i] = 0;
      out.d_entropy[i] = 0;
    }
  }
};

TEST(Trainer, RulePluggedInByName) {
  register_update_rule("test_counting_pg", [](const RuleOptions&) { return std::make_unique<CountingPg>(); });
  TrainConfig c = small_config();
  c.rule = "test_counting_pg";
  c.ent_coef = 0.0;  // the policy's only gradient is the rule's
  Trainer t(c, 2, Exec{}, {3, 2});
  EXPECT_THROW(t.set_rule_params({1.0f}), InvalidArgument);
  t.set_rule_params({1.0f, 0.0f, 0.0f, 0.0f});  // agent 1: scale 0, its policy gets no gradient
  const std::vector<float> before = t.params();
  g_calls = 0;
  g_counters.clear();
  t.run();
  EXPECT_EQ(g_calls.load(), 3 * 4 * 4);  // updates x epochs x minibatches, one call per population minibatch
  // the rule sees n = the agent's update index and N = its own horizon (agent 1 stops after 2 updates)
  ASSERT_EQ(g_counters.size(), size_t(2 * 3 * 16));
  for (size_t k = 0; k < g_counters.size(); k += 2) {
    const int64_t n = int64_t(k / 2 / 16);
    EXPECT_EQ(g_counters[k], std::make_pair(n, int64_t(3))) << k;
    EXPECT_EQ(g_counters[k + 1], std::make_pair(std::min<int64_t>(n, 2), int64_t(2))) << k;
  }
  // agent 1's actor is exactly where it started (zero policy gradient: Adam does not move it); its critic
  // and agent 0's actor moved
  const std::vector<float> after = t.params();
  const int64_t n = t.layout().num_params;
  const nn::MlpLayout& actor = t.layout().actor;
  auto moved = [&](int64_t agent, int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k)
      if (after[size_t(agent * n + k)] != before[size_t(agent * n + k)]) return true;
    return false;
  };
  EXPECT_FALSE(moved(1, actor.offset, actor.offset + actor.num_params()));
  EXPECT_TRUE(moved(1, t.layout().critic.offset, t.layout().critic.offset + t.layout().critic.num_params()));
  EXPECT_TRUE(moved(0, actor.offset, actor.offset + actor.num_params()));
}

// algo "a2c" is PPO's loop with one epoch, one minibatch, the plain policy gradient and no value clip (bit
// for bit), and it learns CartPole with the A2C config (Stable-Baselines3 defaults).
TEST(Trainer, A2cIsOneStepOfThePolicyGradientAndLearns) {
  TrainConfig c = small_config();
  c.algo = "a2c";
  TrainConfig same = small_config();
  same.update_epochs = 1;
  same.num_minibatches = 1;
  same.rule = "pg";
  same.clip_value = false;
  Trainer a2c(c, 2), ppo_loop(same, 2);
  a2c.run();
  ppo_loop.run();
  EXPECT_EQ(a2c.params(), ppo_loop.params());
  EXPECT_EQ(a2c.config().rule, "pg");
  TrainConfig learn = parse_config<TrainConfig>(
      read_file(std::string(LAMARCK_TEST_DATA_DIR) + "/../../experiments/configs/cartpole_a2c.json"), "cartpole_a2c");
  learn.total_timesteps = 50000;
  Trainer t(learn, 2);
  t.run();
  const auto finals = t.final_returns();
  EXPECT_GT((finals[0] + finals[1]) / 2, 150.0) << "random play scores ~22";
}

// Continuous actions: the Gaussian head's state-independent log std is trained (it starts at 0), the
// sampled actions reach the env clipped to the box (no step diverges), and returns stay in Pendulum's range.
TEST(Trainer, ContinuousActionsTrainTheGaussianHead) {
  TrainConfig p = small_config();
  p.env = "Pendulum-v1";
  Trainer pend(p, 2);
  ASSERT_TRUE(pend.layout().continuous);
  pend.run();
  const std::vector<float> params = pend.params();
  const int64_t n = pend.layout().num_params;
  for (float x : params) ASSERT_TRUE(std::isfinite(x));
  for (int64_t agent = 0; agent < 2; ++agent)
    EXPECT_NE(params[size_t(agent * n + pend.layout().log_std_offset)], 0.0f) << agent;
  EXPECT_EQ(pend.env().diverged_steps(), 0);
  for (int64_t agent = 0; agent < 2; ++agent)
    for (float r : pend.curve(agent))
      if (!std::isnan(r)) {
        EXPECT_LE(r, 0.0f);
        EXPECT_GE(r, -16.2736044f * 200.0f);  // max cost per step (pi^2 + 0.1 * 8^2 + 0.001 * 2^2) x 200 steps
      }
}

TEST(Trainer, BadConfigsAreRejected) {
  TrainConfig c = small_config();
  c.num_minibatches = 5;  // 128 samples do not split into 5
  EXPECT_THROW(Trainer(c, 1), InvalidArgument);
  EXPECT_THROW(Trainer(small_config(), 2, Exec{}, {1, 2, 3}), InvalidArgument);
  // a total below one update (4 x 32 = 128 steps) used to be rounded up to one update silently
  TrainConfig tiny = small_config();
  tiny.total_timesteps = 100;
  try {
    tiny.validate();
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("less than one update"), std::string::npos) << e.what();
  }
  tiny.total_timesteps = 128;
  EXPECT_NO_THROW(tiny.validate());
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
  return worst;
}

// The fused policy step (one kernel per rollout step: CUDA's default) against the layered one (GEMMs and
// head launches: the CPU's), both on the CPU. The networks agree to rounding, so the sampled actions, the
// episodes and the losses of each update match (a logit within rounding of a sampling boundary could flip
// an action: rare, and fixed by the data) and the parameters after 16 Adam steps agree to a fraction of the
// learning rate per update. Two threads give the fused path's bits on one.
class FusedPolicyStep : public ::testing::TestWithParam<std::string> {};

TEST_P(FusedPolicyStep, MatchesTheLayeredStep) {
  TrainConfig config;
  config.env = GetParam();
  config.num_envs = 4;
  config.num_steps = 64;
  config.total_timesteps = 4 * 64 * 10;
  config.policy_step = "layered";
  // 8 agents: 32 rows of ~9k multiply-adds, past elementwise's cut-off, so the fused step does run on two
  // threads in fused2
  const int64_t P = 8;
  Trainer layered(config, P, Exec{Device::cpu, 1});
  config.policy_step = "fused";
  Trainer fused(config, P, Exec{Device::cpu, 1}), fused2(config, P, Exec{Device::cpu, 2});
  ASSERT_EQ(layered.params(), fused.params());
  // three updates: the biases start at zero, so only the later rollouts exercise them
  for (int update = 1; update <= 3; ++update) {
    layered.update();
    fused.update();
    fused2.update();
    for (int64_t p = 0; p < P; ++p) {
      const UpdateStats &a = layered.last_stats()[size_t(p)], &b = fused.last_stats()[size_t(p)];
      EXPECT_EQ(a.episodes, b.episodes) << "update " << update << " agent " << p;
      if (a.episodes > 0) {
        EXPECT_NEAR(a.episode_return, b.episode_return, 1e-3 * std::fabs(a.episode_return)) << update << " " << p;
      }
      EXPECT_NEAR(a.loss.total, b.loss.total, 1e-4 * std::max(1.0, std::fabs(a.loss.total))) << update << " " << p;
    }
    EXPECT_LT(max_abs_diff(layered.params(), fused.params()), 0.1 * 16 * update * config.lr) << update;
  }
  EXPECT_EQ(fused.params(), fused2.params());
}

INSTANTIATE_TEST_SUITE_P(Envs, FusedPolicyStep, ::testing::Values("CartPole-v1", "Pendulum-v1", "MinAtar/Breakout"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (c == '/' || c == '-') c = '_';
                           return name;
                         });

TEST(Trainer, FusedPolicyStepRefusesNetworksTooWideForIt) {
  TrainConfig c = small_config();
  c.hidden = {nn::kMaxRowWidth + 1};
  c.policy_step = "fused";
  try {
    Trainer t(c, 1);
    FAIL() << "expected an error";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("layered"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c.validate(), InvalidArgument) << "the config alone is refused, before any trainer is built";
  c.hidden = {64, 64, 64, 64, 64, 64, 64, 64};  // eight hidden layers: one more than the row kernel holds
  EXPECT_THROW(c.validate(), InvalidArgument);
  c.policy_step = "auto";  // the CPU takes the layered step whatever the width
  EXPECT_STREQ(Trainer(c, 1).policy_step(), "layered");
  EXPECT_STREQ(Trainer(small_config(), 1).policy_step(), "layered");
  c = small_config();
  c.policy_step = "fused";
  EXPECT_STREQ(Trainer(c, 1).policy_step(), "fused");
  c.policy_step = "fast";
  EXPECT_THROW(c.validate(), InvalidArgument);
}

// Where CUDA cannot run (a CPU-only build, or no visible device), asking for it is a clear error before
// anything is allocated; the CUDA path itself is checked by parity_test.cpp on a GPU machine.
TEST(Trainer, CudaWithoutADeviceIsAClearError) {
  if (cuda_available()) GTEST_SKIP() << "a CUDA device is present";
  try {
    Trainer t(small_config(), 2, Exec{Device::cuda, 0});
    FAIL() << "expected an error";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("device 'cuda'"), std::string::npos) << e.what();
  }
  GaeArgs g;
  g.P = 1;
  g.T = 1;
  g.E = 1;
  EXPECT_THROW(gae(Exec{Device::cuda, 0}, g), InvalidArgument);
}

TEST(Trainer, CartPoleLearnsInFiftyThousandSteps) {
  TrainConfig c;  // CleanRL defaults, shorter
  c.total_timesteps = 50000;
  Trainer t(c, 2);
  t.run();
  const auto finals = t.final_returns();
  EXPECT_GT((finals[0] + finals[1]) / 2, 100.0) << "random play scores ~22";
}

}  // namespace
}  // namespace lamarck::rl
