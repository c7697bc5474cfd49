// Tests of the per-sample rules (rules.h): Mirror-Learning constraints at r = 1, exact derivatives
// against finite differences in double, closed forms of PPO-clip and DPO, and TA-LPO's time dependence.
#include "lamarck/learned_objectives/rules.h"
#include "lamarck/learned_objectives/rule_batch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/rng.h"

namespace lamarck::objectives {
namespace {

std::vector<float> random_theta(RuleKind kind, uint64_t seed, float scale) {
  Philox rng(key_from_seed(seed));
  std::vector<float> theta(static_cast<size_t>(rule_num_params(kind)));
  for (float& t : theta) t = scale * rng.normal();
  return theta;
}

// every rule of the table: a rule added to rules.h is held to the same constraints
std::vector<RuleKind> all_rules() {
  std::vector<RuleKind> kinds;
  for (const std::string& name : rule_names()) kinds.push_back(parse_rule(name));
  return kinds;
}
const std::vector<RuleKind> kAllRules = all_rules();

// the table's closed forms at given constants (RuleConstants holds floats: tests pass float-exact values)
template <class T>
RuleSample<T> ppo_clip_sample(T r, T adv, float eps) {
  RuleConstants c;
  c.clip_eps = eps;
  return PpoClipRule::sample<T, float>(c, nullptr, nullptr, r, adv);
}
template <class T>
RuleSample<T> dpo_sample(T r, T adv, float alpha, float beta) {
  RuleConstants c;
  c.dpo_alpha = alpha;
  c.dpo_beta = beta;
  return DpoRule::sample<T, float>(c, nullptr, nullptr, r, adv);
}

TEST(Rules, ParameterCounts) {
  EXPECT_EQ(rule_num_params(RuleKind::lpo), 1152);  // 8*128 + 128 (reference sheet §1.3)
  EXPECT_EQ(rule_num_params(RuleKind::ta_lpo), 1408);
  EXPECT_EQ(rule_num_params(RuleKind::dpo), 0);
  EXPECT_EQ(rule_num_params(RuleKind::ppo_clip), 0);
  // the table's runtime description agrees with the rule types
  EXPECT_EQ(rule_info(RuleKind::ta_lpo).agent_floats, kDriftHidden + 1);
  EXPECT_TRUE(rule_info(RuleKind::ta_lpo).temporal);
  EXPECT_FALSE(rule_info(RuleKind::lpo).temporal);
  EXPECT_EQ(rule_info(RuleKind::lpo).hidden, kDriftHidden);
  EXPECT_EQ(rule_info(RuleKind::dpo).hidden, 0);
  EXPECT_TRUE(rule_info(RuleKind::dpo).reads_dpo_shape);
  EXPECT_EQ(learnable_rule_names(), (std::vector<std::string>{"lpo", "ta_lpo"}));
  for (RuleKind kind : kAllRules) {
    EXPECT_EQ(rule_name(kind), rule_names()[size_t(kind)]);
    EXPECT_EQ(int64_t(search_init(kind, 1).size()), rule_num_params(kind)) << rule_name(kind);
  }
}

// drift(r = 1) = 0 and d drift / dr (r = 1) = 0 for any Â, any parameters, any (n/N, log N).
TEST(Rules, DriftVanishesWithZeroGradientAtRatioOne) {
  const RuleConstants c;
  Philox rng(key_from_seed(7));
  for (RuleKind kind : kAllRules) {
    for (float scale : {0.0f, 0.1f, 1.0f, 5.0f}) {
      const std::vector<float> theta = random_theta(kind, 11 + uint64_t(scale * 10), scale);
      for (int trial = 0; trial < 50; ++trial) {
        const double adv = 3.0 * rng.normal();
        const double progress = rng.uniform(), log_h = 6.0 * rng.uniform();
        const RuleSample<double> s = rule_sample<double, float>(kind, c, theta.data(), 1.0, adv, progress, log_h);
        EXPECT_EQ(s.drift, 0.0) << rule_name(kind) << " scale " << scale;
        EXPECT_EQ(s.ddrift_dr, 0.0);
        EXPECT_DOUBLE_EQ(s.loss, -adv);
        EXPECT_DOUBLE_EQ(s.dloss_dr, -adv);
      }
    }
  }
}

// Drift is never negative.
TEST(Rules, DriftIsNonNegative) {
  const RuleConstants c;
  Philox rng(key_from_seed(8));
  for (RuleKind kind : kAllRules) {
    const std::vector<float> theta = random_theta(kind, 12, 1.0f);
    for (int trial = 0; trial < 500; ++trial) {
      const double r = std::exp(0.8 * rng.normal()), adv = 2.0 * rng.normal();
      const RuleSample<double> s = rule_sample<double, float>(kind, c, theta.data(), r, adv, rng.uniform(), 4.0);
      EXPECT_GE(s.drift, 0.0);
    }
  }
}

// d loss / d r against central differences in double, away from ReLU/clip kinks (where one-sided
// differences disagree, the point is a kink and is skipped; most points must be checked).
TEST(Rules, DerivativeMatchesFiniteDifferences) {
  const RuleConstants c;
  Philox rng(key_from_seed(9));
  const double h = 1e-6;
  for (RuleKind kind : kAllRules) {
    const std::vector<float> theta = random_theta(kind, 13, 0.5f);
    int checked = 0, nontrivial = 0;
    const int trials = 400;
    for (int trial = 0; trial < trials; ++trial) {
      const double r = std::exp(0.5 * rng.normal()), adv = 2.0 * rng.normal();
      const double progress = rng.uniform(), log_h = 2.0 + 4.0 * rng.uniform();
      auto loss = [&](double rr) {
        return rule_sample<double, float>(kind, c, theta.data(), rr, adv, progress, log_h).loss;
      };
      const double f0 = loss(r), fp = loss(r + h), fm = loss(r - h);
      const double right = (fp - f0) / h, left = (f0 - fm) / h;
      if (std::fabs(right - left) > 1e-4 * (1.0 + std::fabs(right))) continue;  // a kink
      const RuleSample<double> s = rule_sample<double, float>(kind, c, theta.data(), r, adv, progress, log_h);
      const double fd = (fp - fm) / (2 * h);
      EXPECT_NEAR(s.dloss_dr, fd, 1e-6 * (1.0 + std::fabs(fd))) << "rule " << rule_name(kind) << " r " << r << " adv " << adv;
      EXPECT_NEAR(s.dloss_dr, -(adv - s.ddrift_dr), 1e-12);
      ++checked;
      if (s.ddrift_dr != 0.0) ++nontrivial;
    }
    EXPECT_GT(checked, trials * 8 / 10) << "rule " << rule_name(kind);
    EXPECT_GT(nontrivial, trials / 10) << "rule " << rule_name(kind) << ": the drift term must be exercised";
  }
}

TEST(Rules, PpoClipEqualsItsDriftForm) {
  Philox rng(key_from_seed(10));
  for (int trial = 0; trial < 1000; ++trial) {
    const double r = std::exp(0.5 * rng.normal()), adv = 2.0 * rng.normal();
    const RuleSample<double> s = ppo_clip_sample<double>(r, adv, 0.25f);
    const double clipped = std::min(std::max(r, 0.75), 1.25);
    EXPECT_NEAR(s.loss, -std::min(r * adv, clipped * adv), 1e-15);
    double d = 0;
    const double drift = ppo_drift<double>(r, adv, 0.25, &d);
    EXPECT_NEAR(s.loss, -(r * adv - drift), 1e-12);
    EXPECT_NEAR(s.dloss_dr, -(adv - d), 1e-12);
  }
}

// With a zero network the PPO-initialised LPO is PPO-clip, up to the 1e-4 offset.
TEST(Rules, ZeroNetworkLpoIsPpoClip) {
  const RuleConstants c;
  for (RuleKind kind : {RuleKind::lpo, RuleKind::ta_lpo}) {
    const std::vector<float> zero(static_cast<size_t>(rule_num_params(kind)), 0.0f);
    Philox rng(key_from_seed(14));
    for (int trial = 0; trial < 500; ++trial) {
      const double r = std::exp(0.5 * rng.normal()), adv = 2.0 * rng.normal();
      const RuleSample<double> lpo = rule_sample<double, float>(kind, c, zero.data(), r, adv, 0.3, 4.0);
      const RuleSample<double> ppo = ppo_clip_sample<double>(r, adv, c.clip_eps);
      EXPECT_NEAR(lpo.drift, std::max(0.0, ppo.drift - 1e-4), 1e-12);
      EXPECT_LE(std::fabs(lpo.loss - ppo.loss), 1e-4 + 1e-12);
    }
  }
}

TEST(Rules, DpoClosedForm) {
  const float alpha = 2.0f, beta = 0.6f;  // float, as RuleConstants holds them
  // Â >= 0 branch: (r-1)Â - α tanh((r-1)Â/α)
  RuleSample<double> s = dpo_sample<double>(1.5, 1.0, alpha, beta);
  EXPECT_NEAR(s.drift, 0.5 - 2.0 * std::tanh(0.25), 1e-15);
  EXPECT_NEAR(s.loss, -(1.5 - s.drift), 1e-15);
  // Â < 0 branch: log(r)Â - β tanh(log(r)Â/β), positive for r < 1
  s = dpo_sample<double>(0.5, -2.0, alpha, beta);
  const double q = std::log(0.5) * -2.0;
  EXPECT_NEAR(s.drift, q - beta * std::tanh(q / beta), 1e-15);
  // below r = 1 with Â >= 0 the drift is clipped to 0 by the ReLU
  s = dpo_sample<double>(0.7, 1.0, alpha, beta);
  EXPECT_EQ(s.drift, 0.0);
  EXPECT_EQ(s.dloss_dr, -1.0);
}

// TA-LPO's drift depends on training progress and horizon; LPO's does not.
TEST(Rules, TaLpoDependsOnTime) {
  const RuleConstants c;
  const std::vector<float> ta = random_theta(RuleKind::ta_lpo, 15, 0.5f);
  const std::vector<float> lpo = random_theta(RuleKind::lpo, 15, 0.5f);
  double ta_change = 0.0;
  Philox rng(key_from_seed(16));
  for (int trial = 0; trial < 100; ++trial) {
    const double r = std::exp(0.5 * rng.normal()), adv = 2.0 * rng.normal();
    const auto early = rule_sample<double, float>(RuleKind::ta_lpo, c, ta.data(), r, adv, 0.05, 4.0);
    const auto late = rule_sample<double, float>(RuleKind::ta_lpo, c, ta.data(), r, adv, 0.95, 4.0);
    ta_change += std::fabs(early.drift - late.drift);
    const auto l0 = rule_sample<double, float>(RuleKind::lpo, c, lpo.data(), r, adv, 0.05, 4.0);
    const auto l1 = rule_sample<double, float>(RuleKind::lpo, c, lpo.data(), r, adv, 0.95, 7.0);
    EXPECT_EQ(l0.drift, l1.drift);
  }
  EXPECT_GT(ta_change, 1.0);
}

}  // namespace
}  // namespace lamarck::objectives
