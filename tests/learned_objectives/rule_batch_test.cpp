// Tests of the batched rules (rule_batch.h): the fast path against the plain double reference, one
// shared parameter row, thread-count determinism, names and features.
#include "lamarck/learned_objectives/rule_batch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/learned_objectives/objective_file.h"
#include "lamarck/learned_objectives/rl_rules.h"

namespace lamarck::objectives {
namespace {

struct Inputs {
  int64_t P, B;
  std::vector<float> ratio, adv, progress, log_h, theta;
  SampleBatch batch() const { return SampleBatch{P, B, ratio.data(), adv.data(), progress.data(), log_h.data()}; }
};

Inputs make_inputs(RuleKind kind, int64_t P, int64_t B, uint64_t seed) {
  Inputs in{P, B, {}, {}, {}, {}, {}};
  Philox rng(key_from_seed(seed));
  for (int64_t i = 0; i < P * B; ++i) {
    in.ratio.push_back(std::exp(0.3f * rng.normal()));
    in.adv.push_back(rng.normal());
  }
  for (int64_t p = 0; p < P; ++p) {
    in.progress.push_back(float(p) / float(P));
    in.log_h.push_back(std::log(float(10 + 20 * p)));
  }
  for (int64_t i = 0; i < P * rule_num_params(kind); ++i) in.theta.push_back(0.3f * rng.normal());
  return in;
}

TEST(RuleBatch, MatchesReference) {
  for (const std::string& name : rule_names()) {
    const RuleKind kind = parse_rule(name);
    const Inputs in = make_inputs(kind, 3, 257, 21);
    const int64_t n = in.P * in.B, stride = rule_num_params(kind);
    std::vector<float> loss(static_cast<size_t>(n)), d(static_cast<size_t>(n));
    std::vector<float> loss_ref(static_cast<size_t>(n)), d_ref(static_cast<size_t>(n));
    const float* theta = stride ? in.theta.data() : nullptr;
    evaluate(Exec{}, kind, RuleConstants{}, theta, stride, in.batch(), loss.data(), d.data());
    evaluate_reference(kind, RuleConstants{}, theta, stride, in.batch(), loss_ref.data(), d_ref.data());
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_NEAR(loss[size_t(i)], loss_ref[size_t(i)], 1e-5f * (1 + std::fabs(loss_ref[size_t(i)]))) << name << " " << i;
      EXPECT_NEAR(d[size_t(i)], d_ref[size_t(i)], 1e-4f * (1 + std::fabs(d_ref[size_t(i)]))) << name << " " << i;
    }
  }
}

// Agents use their own rows: agent p's results equal a shared-row evaluation with row p.
TEST(RuleBatch, PerAgentRowsAndSharedRow) {
  const RuleKind kind = RuleKind::ta_lpo;
  const Inputs in = make_inputs(kind, 4, 64, 22);
  const int64_t stride = rule_num_params(kind), n = in.P * in.B;
  std::vector<float> loss(static_cast<size_t>(n)), d(static_cast<size_t>(n));
  evaluate(Exec{}, kind, RuleConstants{}, in.theta.data(), stride, in.batch(), loss.data(), d.data());
  for (int64_t p = 0; p < in.P; ++p) {
    std::vector<float> l2(static_cast<size_t>(n)), d2(static_cast<size_t>(n));
    evaluate(Exec{}, kind, RuleConstants{}, in.theta.data() + p * stride, 0, in.batch(), l2.data(), d2.data());
    for (int64_t b = 0; b < in.B; ++b) EXPECT_EQ(loss[size_t(p * in.B + b)], l2[size_t(p * in.B + b)]);
  }
}

TEST(RuleBatch, IdenticalForOneAndTwoThreads) {
  for (const RuleKind kind : {RuleKind::lpo, RuleKind::ta_lpo}) {
    const Inputs in = make_inputs(kind, 8, 4096, 23);
    const int64_t stride = rule_num_params(kind), n = in.P * in.B;
    std::vector<float> l1(static_cast<size_t>(n)), d1(static_cast<size_t>(n)), l2(static_cast<size_t>(n)),
        d2(static_cast<size_t>(n));
    evaluate(Exec{Device::cpu, 1}, kind, RuleConstants{}, in.theta.data(), stride, in.batch(), l1.data(), d1.data());
    evaluate(Exec{Device::cpu, 2}, kind, RuleConstants{}, in.theta.data(), stride, in.batch(), l2.data(), d2.data());
    EXPECT_EQ(0, std::memcmp(l1.data(), l2.data(), sizeof(float) * size_t(n)));
    EXPECT_EQ(0, std::memcmp(d1.data(), d2.data(), sizeof(float) * size_t(n)));
  }
}

// PPO-clip exists once: rl's built-in rule (per-agent ε) and the table's drift-form rule give the same bits.
TEST(RuleBatch, RlPpoClipIsTheTableRule) {
  const Inputs in = make_inputs(RuleKind::ppo_clip, 3, 512, 25);
  const int64_t n = in.P * in.B;
  std::vector<float> loss(static_cast<size_t>(n)), d(static_cast<size_t>(n));
  RuleConstants c;
  c.clip_eps = 0.15f;
  evaluate(Exec{}, RuleKind::ppo_clip, c, nullptr, 0, in.batch(), loss.data(), d.data());
  const auto rl_rule = rl::make_update_rule("ppo_clip", rl::RuleOptions{0.15, ""});
  const std::vector<float> eps(static_cast<size_t>(in.P), 0.15f);
  std::vector<float> rl_loss(static_cast<size_t>(n)), rl_d(static_cast<size_t>(n)), d_logp(static_cast<size_t>(n)), d_h(static_cast<size_t>(n));
  rl::RuleBatch batch;
  batch.P = in.P;
  batch.B = in.B;
  batch.ratio = in.ratio.data();
  batch.advantage = in.adv.data();
  batch.params = eps.data();
  rl_rule->evaluate(Exec{}, batch, rl::RuleOutput{rl_loss.data(), rl_d.data(), d_logp.data(), d_h.data()});
  EXPECT_EQ(0, std::memcmp(loss.data(), rl_loss.data(), sizeof(float) * size_t(n)));
  EXPECT_EQ(0, std::memcmp(d.data(), rl_d.data(), sizeof(float) * size_t(n)));
}

// Every rule of the table is reachable by name through rl's registry (what `lamarck train`, meta-training
// and Python build rules from), and a name outside the table is refused with the choices.
TEST(RuleBatch, EveryTableRuleIsAnRlRule) {
  register_rl_rules();
  const std::vector<std::string> registered = rl::update_rule_names();
  for (const std::string& name : rule_names()) {
    EXPECT_NE(std::find(registered.begin(), registered.end(), name), registered.end()) << name;
    const auto rule = rl::make_update_rule(name);
    EXPECT_EQ(rule->name(), name);
    const Rule by_name = rule_from_name_or_file(name);
    EXPECT_EQ(rule_name(by_name.kind), name);
    EXPECT_EQ(int64_t(by_name.theta.size()), rule_num_params(by_name.kind));
  }
}

TEST(RuleBatch, NamesFeaturesAndErrors) {
  EXPECT_EQ(rule_features(RuleKind::lpo).size(), 8u);
  EXPECT_EQ(rule_features(RuleKind::ta_lpo).size(), 10u);
  EXPECT_EQ(rule_features(RuleKind::ta_lpo)[8], "progress");
  EXPECT_TRUE(rule_features(RuleKind::dpo).empty());
  try {
    parse_rule("lpx");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("lpo"), std::string::npos);
  }
  const Inputs in = make_inputs(RuleKind::lpo, 1, 4, 24);
  std::vector<float> l(4), d(4);
  EXPECT_THROW(evaluate(Exec{}, RuleKind::lpo, RuleConstants{}, nullptr, 0, in.batch(), l.data(), d.data()),
               InvalidArgument);
}

}  // namespace
}  // namespace lamarck::objectives

namespace lamarck::objectives {
namespace {

// TA-LPO through rl's interface: the trainer's counters (n = update index, N = horizon) become the rule's
// progress n/N and log_horizon ln N, per agent.
TEST(RuleBatch, TaLpoReadsProgressAndLogHorizonFromTheCounters) {
  const int64_t P = 3, B = 64;
  Inputs in = make_inputs(RuleKind::ta_lpo, P, B, 26);
  const std::vector<int64_t> n = {0, 7, 99}, N = {10, 8, 100};
  for (int64_t p = 0; p < P; ++p) {
    in.progress[size_t(p)] = float(double(n[size_t(p)]) / double(N[size_t(p)]));
    in.log_h[size_t(p)] = float(std::log(double(N[size_t(p)])));
  }
  const int64_t stride = rule_num_params(RuleKind::ta_lpo);
  std::vector<float> loss(static_cast<size_t>(P * B)), d(static_cast<size_t>(P * B));
  evaluate(Exec{}, RuleKind::ta_lpo, RuleConstants{}, in.theta.data(), stride, in.batch(), loss.data(), d.data());
  Rule rule;
  rule.kind = RuleKind::ta_lpo;
  rule.theta.assign(in.theta.begin(), in.theta.begin() + stride);
  ObjectiveUpdateRule as_rl(rule);
  rl::RuleBatch batch;
  batch.P = P;
  batch.B = B;
  batch.ratio = in.ratio.data();
  batch.advantage = in.adv.data();
  batch.update = n.data();
  batch.total_updates = N.data();
  batch.params = in.theta.data();
  std::vector<float> rl_loss(static_cast<size_t>(P * B)), rl_d(static_cast<size_t>(P * B));
  std::vector<float> d_logp(static_cast<size_t>(P * B)), d_h(static_cast<size_t>(P * B));
  as_rl.evaluate(Exec{}, batch, rl::RuleOutput{rl_loss.data(), rl_d.data(), d_logp.data(), d_h.data()});
  EXPECT_EQ(0, std::memcmp(loss.data(), rl_loss.data(), sizeof(float) * size_t(P * B)));
  EXPECT_EQ(0, std::memcmp(d.data(), rl_d.data(), sizeof(float) * size_t(P * B)));
  // and the counters matter: another n changes the result
  const std::vector<int64_t> other = {5, 7, 99};
  batch.update = other.data();
  as_rl.evaluate(Exec{}, batch, rl::RuleOutput{rl_loss.data(), rl_d.data(), d_logp.data(), d_h.data()});
  EXPECT_NE(0, std::memcmp(loss.data(), rl_loss.data(), sizeof(float) * size_t(B)));
}

}  // namespace
}  // namespace lamarck::objectives
