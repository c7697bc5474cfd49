// Rules through their seams alone: rules written against trajectory_rule.h or update_rule.h only, each
// registered with one line, drive the trainer. Advantage actor-critic as targets (actor_critic_targets.h)
// reproduces the built-in A2C bit for bit; the plain policy gradient reproduces "pg".
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"
#include "lamarck/rl/trainer.h"
#include "lamarck/rl/trajectory_rule.h"
#include "actor_critic_targets.h"

namespace lamarck::rl {
namespace {

// A rule that ignores the rewards: the trainer must follow it, whatever it says.
class NoAdvantage final : public TrajectoryRule {
 public:
  std::string name() const override { return "test_no_advantage"; }
  void targets(const Exec&, const Trajectory& in, const TrajectoryTargets& out) const override {
    for (int64_t i = 0; i < in.P * in.T * in.E; ++i) {
      out.advantages[i] = 0.0f;
      out.value_targets[i] = in.values[i];
    }
  }
};

// A per-sample rule through the same kind of seam (update_rule.h): the plain policy gradient, -r A, written
// here; it must be the built-in "pg" bit for bit.
class PlainPolicyGradient final : public UpdateRule {
 public:
  std::string name() const override { return "test_policy_gradient"; }
  void evaluate(const Exec& exec, const RuleBatch& in, const RuleOutput& out) const override {
    if (exec.device != Device::cpu) throw InvalidArgument("test_policy_gradient runs on the CPU only");
    for (int64_t i = 0; i < in.P * in.B; ++i) {
      out.loss[i] = -in.advantage[i] * in.ratio[i];
      out.d_ratio[i] = -in.advantage[i];
      out.d_log_prob[i] = 0.0f;
      out.d_entropy[i] = 0.0f;
    }
  }
};

// the one registry line per rule
const bool registered = [] {
  register_update_rule("test_policy_gradient", [](const RuleOptions&) { return std::make_unique<PlainPolicyGradient>(); });
  testing::register_actor_critic_targets();
  register_trajectory_rule("test_no_advantage", [] { return std::make_unique<NoAdvantage>(); });
  return true;
}();

TrainConfig a2c_config() {
  TrainConfig c = parse_config<TrainConfig>(
      read_file(std::string(LAMARCK_TEST_DATA_DIR) + "/../../experiments/configs/cartpole_a2c.json"), "cartpole_a2c");
  c.total_timesteps = 40 * 60;  // 60 updates of 8 envs x 5 steps
  return c;
}

TEST(TrajectoryRule, ActorCriticWrittenAgainstTheInterfaceIsTheBuiltInA2cBitForBit) {
  ASSERT_TRUE(registered);
  TrainConfig builtin = a2c_config(), mine = a2c_config();
  ASSERT_EQ(builtin.gae_lambda, 1.0);
  mine.targets = "test_actor_critic";
  Trainer a(builtin, 3, Exec{Device::cpu, 1});
  Trainer b(mine, 3, Exec{Device::cpu, 1});
  a.run();
  b.run();
  EXPECT_EQ(a.params(), b.params());
  for (int64_t p = 0; p < 3; ++p) {  // bitwise (the first updates are NaN: no episode ended yet)
    ASSERT_EQ(a.curve(p).size(), b.curve(p).size());
    EXPECT_EQ(std::memcmp(a.curve(p).data(), b.curve(p).data(), sizeof(float) * a.curve(p).size()), 0) << p;
  }
  // episodes ended within the rollouts (both terminations and truncations were seen by the rule)
  EXPECT_GT(a.last_stats()[0].episodes + a.last_stats()[1].episodes + a.last_stats()[2].episodes, 0);
}

TEST(UpdateRule, APerSampleRuleWrittenAgainstTheInterfaceIsTheBuiltInPgBitForBit) {
  ASSERT_TRUE(registered);
  TrainConfig builtin = a2c_config();
  builtin.algo = "ppo";  // a2c forces "pg": PPO's loop with one epoch and minibatch, the rule by name
  builtin.rule = "pg";
  TrainConfig mine = builtin;
  mine.rule = "test_policy_gradient";
  Trainer a(builtin, 2, Exec{Device::cpu, 1});
  Trainer b(mine, 2, Exec{Device::cpu, 1});
  a.run();
  b.run();
  EXPECT_EQ(a.params(), b.params());
}

TEST(TrajectoryRule, TheTrainerAppliesWhatTheRuleReturns) {
  TrainConfig zero = a2c_config();
  zero.targets = "test_no_advantage";
  Trainer a(a2c_config(), 2, Exec{Device::cpu, 1});
  Trainer b(zero, 2, Exec{Device::cpu, 1});
  a.run();
  b.run();
  EXPECT_NE(a.params(), b.params());
  EXPECT_EQ(b.config().targets, "test_no_advantage");
}

TEST(TrajectoryRule, UnknownNamesAreRefused) {
  TrainConfig c = a2c_config();
  c.targets = "gea";
  try {
    Trainer t(c, 1);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'gae'"), std::string::npos) << e.what();
  }
  const auto names = trajectory_rule_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "gae"), names.end());
}

}  // namespace
}  // namespace lamarck::rl
