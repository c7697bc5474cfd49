// The PPO loss: a hand-computed minibatch, gradients against finite differences of a plain double
// implementation of the CleanRL formulas, and the update-rule registry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/rl/ppo_loss.h"

namespace lamarck::rl {
namespace {

struct Data {
  int64_t B;
  std::vector<float> logp, ent, value, old_logp, old_value, adv, ret;
};

LossInputs inputs(const Data& d, const std::vector<int64_t>& n, const std::vector<int64_t>& N,
                  const std::vector<float>& eps) {
  LossInputs in;
  in.P = 1;
  in.B = d.B;
  in.log_prob = d.logp.data();
  in.entropy = d.ent.data();
  in.value = d.value.data();
  in.old_log_prob = d.old_logp.data();
  in.old_value = d.old_value.data();
  in.advantage = d.adv.data();
  in.returns = d.ret.data();
  in.update = n.data();
  in.total_updates = N.data();
  in.rule_params = eps.data();
  return in;
}

TEST(PpoLoss, HandComputed) {
  Data d{2, {std::log(1.1f), std::log(0.5f)}, {0.5f, 0.7f}, {1.0f, 2.0f}, {0, 0}, {1.1f, 1.5f}, {1, -1}, {0, 3}};
  std::vector<int64_t> n{0}, N{10};
  std::vector<float> eps{0.2f};
  LossSettings s;  // ent 0.01, vf 0.5, clip 0.2, clipped value, normalised advantages
  LossWorkspace ws;
  std::vector<float> dlogp(2), dent(2), dv(2);
  LossTerms t;
  ppo_loss_grads(Exec{}, PpoClipRule(0.2f), s, inputs(d, n, N, eps), ws, dlogp.data(), dent.data(), dv.data(), &t);
  const double a = 1 / std::sqrt(2.0);  // normalised advantages +-1/sqrt(2) (unbiased std = sqrt 2)
  // sample 0: r = 1.1 inside the interval: loss -1.1 a, d/dr = -a ; sample 1: r = 0.5 < 0.8, A < 0:
  // clipped branch (0.8 a) is larger, no gradient
  EXPECT_NEAR(t.policy, (-1.1 * a + 0.8 * a) / 2, 1e-6);
  EXPECT_NEAR(dlogp[0], -a * 1.1 / 2, 1e-6);
  EXPECT_NEAR(dlogp[1], 0.0, 1e-7);
  // value: sample 0 unclipped (1 vs 1), sample 1 clipped (1.5 + 0.2 - 3)^2 = 1.69 > 1, outside -> no grad
  EXPECT_NEAR(t.value, 0.5 * (1.0 + 1.69) / 2, 1e-6);
  EXPECT_NEAR(dv[0], 0.5 * 1.0 / 2, 1e-7);
  EXPECT_NEAR(dv[1], 0.0, 1e-7);
  EXPECT_NEAR(dent[0], -0.01 / 2, 1e-8);
  EXPECT_NEAR(t.entropy, 0.6, 1e-6);
  EXPECT_NEAR(t.total, t.policy + 0.5 * t.value - 0.01 * 0.6, 1e-6);
}

// Plain double implementation of the total loss (CleanRL ppo.py formulas, written out per sample).
double reference_loss(const Data& d, const std::vector<double>& logp, const std::vector<double>& ent,
                      const std::vector<double>& value, double eps, const LossSettings& s) {
  const int64_t B = d.B;
  double mean = 0, sq = 0;
  for (int64_t i = 0; i < B; ++i) mean += d.adv[size_t(i)];
  mean /= B;
  for (int64_t i = 0; i < B; ++i) sq += (d.adv[size_t(i)] - mean) * (d.adv[size_t(i)] - mean);
  const double sd = std::sqrt(sq / (B - 1));
  double pg = 0, vl = 0, h = 0;
  for (int64_t i = 0; i < B; ++i) {
    const double A = (d.adv[size_t(i)] - mean) / (sd + 1e-8);
    const double r = std::exp(logp[size_t(i)] - d.old_logp[size_t(i)]);
    pg += std::max(-A * r, -A * std::clamp(r, 1 - eps, 1 + eps));
    const double vu = (value[size_t(i)] - d.ret[size_t(i)]) * (value[size_t(i)] - d.ret[size_t(i)]);
    const double vc = d.old_value[size_t(i)] + std::clamp(value[size_t(i)] - d.old_value[size_t(i)], -eps, eps) - d.ret[size_t(i)];
    vl += 0.5 * std::max(vu, vc * vc);
    h += ent[size_t(i)];
  }
  return pg / B + s.vf_coef * vl / B - s.ent_coef * h / B;
}

TEST(PpoLoss, GradientsMatchFiniteDifferences) {
  const int64_t B = 32;
  Philox rng(key_from_seed(11));
  Data d{B, {}, {}, {}, {}, {}, {}, {}};
  for (int64_t i = 0; i < B; ++i) {
    d.old_logp.push_back(-1.0f + 0.3f * rng.normal());
    d.logp.push_back(d.old_logp.back() + 0.3f * rng.normal());
    d.ent.push_back(0.6f + 0.1f * rng.normal());
    d.old_value.push_back(rng.normal());
    d.value.push_back(d.old_value.back() + 0.3f * rng.normal());
    d.adv.push_back(rng.normal());
    d.ret.push_back(rng.normal());
  }
  std::vector<int64_t> n{3}, N{10};
  std::vector<float> eps{0.2f};
  LossSettings s;
  LossWorkspace ws;
  std::vector<float> dlogp(B), dent(B), dv(B);
  ppo_loss_grads(Exec{}, PpoClipRule(0.2f), s, inputs(d, n, N, eps), ws, dlogp.data(), dent.data(), dv.data(), nullptr);
  std::vector<double> lp(d.logp.begin(), d.logp.end()), en(d.ent.begin(), d.ent.end()), va(d.value.begin(), d.value.end());
  const double h = 1e-6;
  for (int64_t i = 0; i < B; ++i) {
    auto fd = [&](std::vector<double>& x) {
      const double keep = x[size_t(i)];
      x[size_t(i)] = keep + h;
      const double up = reference_loss(d, lp, en, va, 0.2, s);
      x[size_t(i)] = keep - h;
      const double down = reference_loss(d, lp, en, va, 0.2, s);
      x[size_t(i)] = keep;
      return (up - down) / (2 * h);
    };
    EXPECT_NEAR(dlogp[size_t(i)], fd(lp), 1e-5) << i;
    EXPECT_NEAR(dent[size_t(i)], fd(en), 1e-6) << i;
    EXPECT_NEAR(dv[size_t(i)], fd(va), 1e-5) << i;
  }
}

TEST(UpdateRule, RegistryBuildsAndRejects) {
  auto rule = make_update_rule("ppo_clip", RuleOptions{0.3, ""});
  EXPECT_EQ(rule->name(), "ppo_clip");
  EXPECT_EQ(rule->default_params(), std::vector<float>{0.3f});
  EXPECT_EQ(make_update_rule("pg")->num_params(), 0);
  try {
    make_update_rule("ppo_clp");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("ppo_clip"), std::string::npos);
  }
}

TEST(UpdateRule, PerAgentParameters) {
  // two agents with different epsilons see different clipping of the same sample
  std::vector<float> r{1.5f, 1.5f}, a{1.0f, 1.0f}, lp{0, 0}, h{0, 0}, loss(2), dr(2), dl(2), de(2);
  std::vector<int64_t> n{0, 0}, N{1, 1};
  std::vector<float> eps{0.2f, 0.6f};
  RuleBatch in{2, 1, r.data(), a.data(), lp.data(), h.data(), n.data(), N.data(), eps.data()};
  PpoClipRule().evaluate(Exec{}, in, RuleOutput{loss.data(), dr.data(), dl.data(), de.data()});
  EXPECT_FLOAT_EQ(loss[0], -1.2f);  // clipped at 1.2
  EXPECT_FLOAT_EQ(dr[0], 0.0f);
  EXPECT_FLOAT_EQ(loss[1], -1.5f);  // inside [0.4, 1.6]
  EXPECT_FLOAT_EQ(dr[1], -1.0f);
}

}  // namespace
}  // namespace lamarck::rl
