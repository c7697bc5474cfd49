// Rules through their seams alone: rules written against trajectory_rule.h or update_rule.h only, each
// registered with one line, drive the trainer. Advantage actor-critic as targets (actor_critic_targets.h)
// reproduces the built-in A2C bit for bit; the plain policy gradient reproduces "pg".
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

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

// An LPG-shaped rule written against the interface alone: per-agent parameters (an advantage scale), the
// policy's outputs, and an extra head fitted to targets the rule makes (a fixed distribution q, or a fixed
// value). It records what it was handed, so the test can check the trainer's side of the contract.
struct PredictiveLog {
  std::vector<float> params_seen;       // params[p] of every call
  int64_t logit_mismatches = 0;         // samples whose log-probability is none of log softmax(logits)
  int64_t samples = 0;
  std::vector<double> extra_mean;       // per call: mean over samples of softmax(y)_1 (categorical) or y_0
  bool last_extras_finite = true;
};
class Predictive final : public TrajectoryRule {
 public:
  Predictive(std::shared_ptr<PredictiveLog> log, bool categorical) : log_(std::move(log)), categorical_(categorical) {}
  std::string name() const override { return categorical_ ? "test_predictive_categorical" : "test_predictive_squared"; }
  int64_t num_params() const override { return 1; }
  std::vector<float> default_params() const override { return {1.0f}; }
  bool needs_logits() const override { return true; }
  ExtraHeads extra_heads() const override {
    ExtraHeads h;
    h.dim = categorical_ ? 2 : 1;
    h.loss = categorical_ ? ExtraHeads::Loss::categorical : ExtraHeads::Loss::squared;
    h.coef = 0.5;
    return h;
  }
  void targets(const Exec& exec, const Trajectory& in, const TrajectoryTargets& out) const override {
    if (exec.device != Device::cpu) throw InvalidArgument("test_predictive runs on the CPU only");
    const int64_t per_agent = in.T * in.E;
    double extra_sum = 0.0;
    for (int64_t p = 0; p < in.P; ++p) {
      log_->params_seen.push_back(in.params[p]);
      for (int64_t j = 0; j < per_agent; ++j) {
        const int64_t i = p * per_agent + j;
        out.advantages[i] = in.params[p] * (in.rewards[i] - in.values[i]);
        out.value_targets[i] = in.rewards[i];
        // the recorded logits give the recorded log-probability for one of the actions
        const float* z = in.logits + i * in.A;
        double top = z[0], sum = 0.0;
        for (int64_t k = 1; k < in.A; ++k) top = std::max(top, double(z[k]));
        for (int64_t k = 0; k < in.A; ++k) sum += std::exp(double(z[k]) - top);
        bool match = false;
        for (int64_t k = 0; k < in.A; ++k)
          match = match || std::fabs(double(z[k]) - top - std::log(sum) - double(in.log_probs[i])) < 1e-4;
        log_->logit_mismatches += match ? 0 : 1;
        ++log_->samples;
        const float* y = in.extras + i * in.m;
        if (categorical_) {
          out.extra_targets[i * 2] = 0.25f;
          out.extra_targets[i * 2 + 1] = 0.75f;
          extra_sum += 1.0 / (1.0 + std::exp(double(y[0]) - double(y[1])));
        } else {
          out.extra_targets[i] = 2.0f;
          extra_sum += y[0];
        }
      }
    }
    for (int64_t k = 0; k < in.P * in.E * in.m; ++k)
      log_->last_extras_finite = log_->last_extras_finite && std::isfinite(in.last_extras[k]);
    log_->extra_mean.push_back(extra_sum / double(in.P * per_agent));
  }

 private:
  std::shared_ptr<PredictiveLog> log_;
  bool categorical_;
};
std::shared_ptr<PredictiveLog> predictive_log = std::make_shared<PredictiveLog>();

// the one registry line per rule
const bool registered = [] {
  register_update_rule("test_policy_gradient", [](const RuleOptions&) { return std::make_unique<PlainPolicyGradient>(); });
  testing::register_actor_critic_targets();
  register_trajectory_rule("test_no_advantage", [] { return std::make_unique<NoAdvantage>(); });
  register_trajectory_rule("test_predictive_categorical", [] { return std::make_unique<Predictive>(predictive_log, true); });
  register_trajectory_rule("test_predictive_squared", [] { return std::make_unique<Predictive>(predictive_log, false); });
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

// The rest of the contract (what LPG needs): per-agent rule parameters reach the rule, the recorded policy
// outputs are those the actions were drawn from, and the extra head the rule declares is recorded (also
// after the last step) and learns the targets the rule gives it, with either loss.
TEST(TrajectoryRule, ParametersLogitsAndAnExtraHeadReachTheRuleAndAreFitted) {
  ASSERT_TRUE(registered);
  for (const bool categorical : {true, false}) {
    *predictive_log = PredictiveLog{};
    TrainConfig c = a2c_config();
    c.targets = categorical ? "test_predictive_categorical" : "test_predictive_squared";
    c.lr = 0.01;
    c.anneal_lr = false;
    c.total_timesteps = 40 * 200;
    Trainer t(c, 2, Exec{Device::cpu, 1});
    EXPECT_EQ(t.layout().extra_dim, categorical ? 2 : 1);
    EXPECT_EQ(std::string(t.policy_step()), "layered");
    t.set_trajectory_params({1.0f, 2.0f});
    double first_extra_loss = -1.0;
    t.run([&](int64_t n) {
      if (n == 1) first_extra_loss = t.last_stats()[0].loss.extra;
    });
    const PredictiveLog& log = *predictive_log;
    ASSERT_EQ(log.params_seen.size(), 2u * 200u);
    for (size_t k = 0; k < log.params_seen.size(); k += 2) {
      ASSERT_EQ(log.params_seen[k], 1.0f);
      ASSERT_EQ(log.params_seen[k + 1], 2.0f);
    }
    EXPECT_EQ(log.logit_mismatches, 0) << "of " << log.samples;
    EXPECT_TRUE(log.last_extras_finite);
    // categorical: softmax(y)_1 starts near 1/2 (output gain 0.01) and ends near q_1 = 0.75, the loss near
    // the entropy of q (0.562); squared: y starts near 0 and ends near 2
    const double start = categorical ? 0.5 : 0.0, goal = categorical ? 0.75 : 2.0;
    EXPECT_NEAR(log.extra_mean.front(), start, categorical ? 0.02 : 0.05);
    EXPECT_NEAR(log.extra_mean.back(), goal, categorical ? 0.03 : 0.1);
    const double last_extra_loss = t.last_stats()[0].loss.extra;
    std::printf("%s head: mean prediction %.4f -> %.4f (target %.2f), loss %.4f -> %.4f\n",
                categorical ? "categorical" : "squared", log.extra_mean.front(), log.extra_mean.back(), goal,
                first_extra_loss, last_extra_loss);
    EXPECT_LT(last_extra_loss, first_extra_loss);
    if (categorical) {
      EXPECT_NEAR(last_extra_loss, 0.5623, 0.01);
    }
  }
  // the fused step records neither: asking for it with such a rule is refused, with the way out
  TrainConfig fused = a2c_config();
  fused.targets = "test_predictive_categorical";
  fused.policy_step = "fused";
  try {
    Trainer t(fused, 1);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("layered"), std::string::npos) << e.what();
  }
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
