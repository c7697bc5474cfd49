// The level replay buffer (meta/level_sampler.h), the level scores (meta/ued_scores.h) and ACCEL's parent
// choice against hand-computed values, with regression tests for the anchors' known bugs
// (../shared/reference/ued.md §4): rank weights never divide by zero, the temperature is the exponent
// 1/T, ACCEL's easy/hard parents come from one flat order over the batch.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "lamarck/core/error.h"
#include "lamarck/meta/curriculum.h"
#include "lamarck/meta/level_sampler.h"
#include "lamarck/meta/ued_scores.h"

namespace lamarck::meta {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

LevelSamplerConfig config(int64_t capacity) {
  LevelSamplerConfig c;
  c.capacity = capacity;
  c.staleness_coef = 0.0;
  c.temperature = 1.0;
  c.min_fill_ratio = 0.0;
  return c;
}

// Three levels scored 0.5, 2, 1 in slots 0, 1, 2 (timestamps 1, 2, 3; episode count 3).
LevelSampler three(LevelSamplerConfig c) {
  LevelSampler s(c);
  EXPECT_EQ(s.insert("a", 0.5f, {}), 0);
  EXPECT_EQ(s.insert("b", 2.0f, {}), 1);
  EXPECT_EQ(s.insert("c", 1.0f, {}), 2);
  return s;
}

TEST(LevelSampler, RankWeightsAreInverseRanksToThePowerOneOverTemperature) {
  // ranks 3, 1, 2: h = 1/3, 1, 1/2, sum 11/6
  LevelSamplerConfig c = config(4);
  std::vector<double> w = three(c).score_weights();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_NEAR(w[0], 2.0 / 11, 1e-12);
  EXPECT_NEAR(w[1], 6.0 / 11, 1e-12);
  EXPECT_NEAR(w[2], 3.0 / 11, 1e-12);
  EXPECT_EQ(w[3], 0.0);  // the empty slot
  // T = 0.5: the exponent is 2 (minimax #7 divided the scores by T instead): 1/9, 1, 1/4, sum 49/36
  c.temperature = 0.5;
  w = three(c).score_weights();
  EXPECT_NEAR(w[0], 4.0 / 49, 1e-12);
  EXPECT_NEAR(w[1], 36.0 / 49, 1e-12);
  EXPECT_NEAR(w[2], 9.0 / 49, 1e-12);
}

TEST(LevelSampler, RankWeightsOfOneLevelAndOfTiesAreFinite) {
  // minimax #7: 1 / arange(n) put 1/0 on the best level
  LevelSampler s(config(8));
  s.insert("only", 3.0f, {});
  std::vector<double> w = s.score_weights();
  EXPECT_EQ(w[0], 1.0);
  // equal scores: ranks by slot (a stable order), so 1, 1/2, 1/3
  LevelSampler t(config(3));
  for (const char* l : {"x", "y", "z"}) t.insert(l, 1.0f, {});
  w = t.score_weights();
  EXPECT_NEAR(w[0], 6.0 / 11, 1e-12);
  EXPECT_NEAR(w[1], 3.0 / 11, 1e-12);
  EXPECT_NEAR(w[2], 2.0 / 11, 1e-12);
  for (double x : w) EXPECT_TRUE(std::isfinite(x));
}

TEST(LevelSampler, TopKIsASoftmaxOverTheKBestScores) {
  LevelSamplerConfig c = config(4);
  c.prioritization = "topk";
  c.topk_k = 2;
  const std::vector<double> w = three(c).score_weights();
  const double e2 = std::exp(2.0), e1 = std::exp(1.0);
  EXPECT_EQ(w[0], 0.0);
  EXPECT_NEAR(w[1], e2 / (e2 + e1), 1e-12);
  EXPECT_NEAR(w[2], e1 / (e2 + e1), 1e-12);
}

TEST(LevelSampler, StalenessIsEpisodesSinceTheLevelWasLastSampledAndMixesWithRho) {
  LevelSamplerConfig c = config(4);
  c.staleness_coef = 0.3;
  LevelSampler s = three(c);
  EXPECT_EQ(s.episode_count(), 3);
  // timestamps 1, 2, 3 at episode count 3: staleness 2, 1, 0
  const std::vector<double> st = s.staleness_weights();
  EXPECT_NEAR(st[0], 2.0 / 3, 1e-12);
  EXPECT_NEAR(st[1], 1.0 / 3, 1e-12);
  EXPECT_EQ(st[2], 0.0);
  const std::vector<double> w = s.replay_weights();
  EXPECT_NEAR(w[0], 0.7 * 2.0 / 11 + 0.3 * 2.0 / 3, 1e-12);
  EXPECT_NEAR(w[1], 0.7 * 6.0 / 11 + 0.3 * 1.0 / 3, 1e-12);
  EXPECT_NEAR(w[2], 0.7 * 3.0 / 11, 1e-12);
  // no staleness anywhere: uniform
  LevelSampler one(c);
  one.insert("a", 1.0f, {});
  EXPECT_EQ(one.staleness_weights()[0], 1.0);
}

TEST(LevelSampler, InsertFillsThenReplacesTheLeastWeightedLevelOnlyWithABetterScore) {
  LevelSampler s = three(config(3));
  // full: the least weighted is "a" (0.5); 0.4 does not beat it, but the offer still counts an episode
  EXPECT_EQ(s.insert("d", 0.4f, {}), -1);
  EXPECT_EQ(s.episode_count(), 4);
  EXPECT_EQ(s.find("d"), -1);
  EXPECT_EQ(s.insert("e", 0.7f, {}), 0);
  EXPECT_EQ(s.level(0), "e");
  EXPECT_EQ(s.find("a"), -1);
  EXPECT_EQ(s.find("e"), 0);
  EXPECT_EQ(s.timestamp(0), 5);
  EXPECT_EQ(s.size(), 3);
  // a level without a finished episode scores -inf and is never kept, even in an empty slot
  LevelSampler t(config(3));
  EXPECT_EQ(t.insert("x", -kInf, {}), -1);
  EXPECT_EQ(t.size(), 0);
}

TEST(LevelSampler, DuplicatesRefreshTheirEntryInsteadOfTakingASlot) {
  LevelSampler s = three(config(4));
  LevelExtra extra;
  extra.max_return = 0.9f;
  EXPECT_EQ(s.insert("a", 5.0f, extra), 0);
  EXPECT_EQ(s.size(), 3);
  EXPECT_EQ(s.score(0), 5.0f);
  EXPECT_EQ(s.extra(0).max_return, 0.9f);
  EXPECT_EQ(s.timestamp(0), 4);
  EXPECT_EQ(s.episode_count(), 4);
  LevelSamplerConfig c = config(4);
  c.duplicate_check = false;
  LevelSampler t = three(c);
  EXPECT_EQ(t.insert("a", 5.0f, {}), 3);
  EXPECT_EQ(t.size(), 4);
}

TEST(LevelSampler, ReplayDecisionWaitsForTheMinimumFillAndFollowsTheReplayProbability) {
  LevelSamplerConfig c = config(4);
  c.min_fill_ratio = 0.75;
  c.replay_prob = 1.0;
  LevelSampler s(c);
  Philox rng(derive_key(1, 2, 3, 4));
  s.insert("a", 1.0f, {});
  s.insert("b", 1.0f, {});
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(s.sample_replay_decision(rng));  // half full < 0.75
  s.insert("c", 1.0f, {});
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(s.sample_replay_decision(rng));
  c.replay_prob = 0.8;
  LevelSampler t = three(c);
  int replays = 0;
  for (int i = 0; i < 20000; ++i) replays += t.sample_replay_decision(rng);
  EXPECT_NEAR(replays / 20000.0, 0.8, 0.015);
}

TEST(LevelSampler, DrawsFollowTheReplayWeights) {
  LevelSampler s = three(config(4));  // rho = 0: the score weights 2/11, 6/11, 3/11
  Philox rng(derive_key(7, 0, 0, 0));
  const std::vector<int64_t> drawn = s.sample_replay_levels(rng, 22000);
  std::map<int64_t, int> count;
  for (int64_t i : drawn) ++count[i];
  EXPECT_EQ(count.count(3), 0u);
  EXPECT_NEAR(count[0] / 22000.0, 2.0 / 11, 0.01);
  EXPECT_NEAR(count[1] / 22000.0, 6.0 / 11, 0.01);
  EXPECT_NEAR(count[2] / 22000.0, 3.0 / 11, 0.01);
  EXPECT_EQ(s.episode_count(), 3 + 22000);
}

TEST(LevelSampler, EachDrawOfABatchStampsItsLevel) {
  // rho = 1: only staleness counts, and a drawn level's staleness drops to 0, so two levels alternate
  LevelSamplerConfig c = config(2);
  c.staleness_coef = 1.0;
  LevelSampler s(c);
  s.insert("a", 1.0f, {});
  s.insert("b", 1.0f, {});  // staleness 1, 0: "a" first
  Philox rng(derive_key(3, 0, 0, 0));
  const std::vector<int64_t> drawn = s.sample_replay_levels(rng, 6);
  EXPECT_EQ(drawn, (std::vector<int64_t>{0, 1, 0, 1, 0, 1}));
  EXPECT_EQ(s.timestamp(1), s.episode_count());
}

TEST(LevelSampler, StateRestoresAnIdenticalSampler) {
  LevelSamplerConfig c = config(5);
  c.staleness_coef = 0.3;
  LevelSampler s = three(c);
  Philox a(derive_key(9, 0, 0, 0));
  s.sample_replay_levels(a, 4);
  LevelSampler t(c);
  t.restore(s.state());
  Philox r1(derive_key(5, 0, 0, 0)), r2(derive_key(5, 0, 0, 0));
  EXPECT_EQ(s.sample_replay_levels(r1, 50), t.sample_replay_levels(r2, 50));
  EXPECT_EQ(s.replay_weights(), t.replay_weights());
  EXPECT_EQ(t.find("b"), 1);
  LevelSampler small(config(2));
  EXPECT_THROW(small.restore(s.state()), InvalidArgument);
}

TEST(LevelSampler, BadConfigsAndEmptyReplaysAreRefused) {
  LevelSamplerConfig c = config(0);
  EXPECT_THROW(LevelSampler{c}, InvalidArgument);
  c = config(4);
  c.prioritization = "ranked";
  EXPECT_THROW(LevelSampler{c}, InvalidArgument);
  LevelSampler empty(config(4));
  Philox rng(derive_key(1, 0, 0, 0));
  EXPECT_THROW(empty.sample_replay_levels(rng, 1), InvalidArgument);
}

TEST(MutationParents, BatchEasyAndHardPickTheIntendedLevels) {
  const std::vector<float> scores = {0.3f, 0.9f, 0.1f, 0.5f, 0.7f, 0.2f, 0.8f, 0.4f};
  EXPECT_EQ(mutation_parents("batch", scores, 1), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  // dcd PR #12 sorted an un-flattened (N, 1) array and picked the wrong "easy" levels
  EXPECT_EQ(mutation_parents("easy", scores, 2), (std::vector<int64_t>{2, 2, 2, 2, 5, 5, 5, 5}));
  EXPECT_EQ(mutation_parents("hard", scores, 4), (std::vector<int64_t>{1, 1, 6, 6, 4, 4, 3, 3}));
  EXPECT_EQ(mutation_parents("easy", scores, 8), (std::vector<int64_t>{2, 5, 0, 7, 3, 4, 6, 1}));
  EXPECT_THROW(mutation_parents("easy", scores, 3), InvalidArgument);
  EXPECT_THROW(mutation_parents("random", scores, 1), InvalidArgument);
}

// One row, T = 6: an episode of 3 steps with return 1, one of 2 steps with return 0.5, then an unfinished
// step (ignored).
struct OneRow {
  std::vector<uint8_t> dones = {0, 0, 1, 0, 1, 0};
  std::vector<float> rewards = {0, 0, 1, 0, 0.5f, 7};
  std::vector<float> values = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
  std::vector<float> adv = {0.5f, -1, 0.25f, 0.2f, -0.2f, 9};
  RolloutView view() const {
    RolloutView v;
    v.T = 6;
    v.rows = 1;
    v.dones = dones.data();
    v.rewards = rewards.data();
    v.values = values.data();
    v.advantages = adv.data();
    return v;
  }
};

TEST(UedScores, MaxMcIsTheMeanOverEpisodesOfTheTimeAveragedGapToTheBestReturn) {
  const OneRow row;
  RowScore s = score_row(UedScore::max_mc, row.view(), 0, -kInf, 0);
  EXPECT_EQ(s.episodes, 2);
  EXPECT_FLOAT_EQ(s.max_return, 1.0f);
  EXPECT_FLOAT_EQ(s.mean_return, 0.75f);
  // episode 1: mean(1 - 0.1, 1 - 0.2, 1 - 0.3) = 0.8; episode 2: mean(1 - 0.4, 1 - 0.5) = 0.55
  EXPECT_NEAR(s.score, (0.8 + 0.55) / 2, 1e-6);
  // a replayed level keeps its best return so far
  s = score_row(UedScore::max_mc, row.view(), 0, 2.0f, 0);
  EXPECT_FLOAT_EQ(s.max_return, 2.0f);
  EXPECT_NEAR(s.score, (1.8 + 1.55) / 2, 1e-6);
}

TEST(UedScores, PositiveValueLossAveragesTheClippedAdvantagesPerEpisode) {
  const OneRow row;
  // episode 1: mean(0.5, 0, 0.25) = 0.25; episode 2: mean(0.2, 0) = 0.1
  EXPECT_NEAR(score_row(UedScore::pvl, row.view(), 0, -kInf, 0).score, (0.25 + 0.1) / 2, 1e-6);
}

TEST(UedScores, TrueRegretIsTheOptimalReturnLessTheMeanReturn) {
  const OneRow row;
  EXPECT_NEAR(score_row(UedScore::true_regret, row.view(), 0, -kInf, 0.9f).score, 0.9 - 0.75, 1e-6);
  // an unsolvable level (R* = 0) on which the student earns nothing has no regret
  OneRow zero;
  zero.rewards = {0, 0, 0, 0, 0, 0};
  EXPECT_EQ(score_row(UedScore::true_regret, zero.view(), 0, -kInf, 0.0f).score, 0.0f);
}

TEST(UedScores, ARowWithoutAFinishedEpisodeScoresMinusInfinity) {
  OneRow row;
  row.dones = {0, 0, 0, 0, 0, 0};
  for (UedScore k : {UedScore::max_mc, UedScore::pvl, UedScore::true_regret}) {
    const RowScore s = score_row(k, row.view(), 0, -kInf, 0.5f);
    EXPECT_EQ(s.score, -kInf);
    EXPECT_EQ(s.episodes, 0);
  }
  EXPECT_THROW(parse_ued_score("maxmc"), InvalidArgument);
}

}  // namespace
}  // namespace lamarck::meta
