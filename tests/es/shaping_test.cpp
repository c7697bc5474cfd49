// Fitness shaping: each variant's formula on small hand-checked inputs, NaN/Inf ranked last.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "lamarck/es/shaping.h"

namespace lamarck::es {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<int64_t> ranks_of(const std::vector<double>& loss) {
  const std::vector<int64_t> order = rank_order(loss);
  std::vector<int64_t> rank(loss.size());
  for (size_t k = 0; k < order.size(); ++k) rank[size_t(order[k])] = int64_t(k);
  return rank;
}

TEST(Shaping, RankOrderIsStableAndPutsInfinityLast) {
  const std::vector<double> loss = {3.0, kInf, 1.0, 3.0, -2.0};
  EXPECT_EQ(rank_order(loss), (std::vector<int64_t>{4, 2, 0, 3, 1}));
}

TEST(Shaping, CenteredRank) {
  const std::vector<double> loss = {3.0, kInf, 1.0, 2.0, -2.0};
  const auto u = shape_fitness(Shaping::centered_rank, loss, ranks_of(loss), {});
  EXPECT_FLOAT_EQ(u[4], 0.5f);
  EXPECT_FLOAT_EQ(u[2], 0.25f);
  EXPECT_FLOAT_EQ(u[3], 0.0f);
  EXPECT_FLOAT_EQ(u[0], -0.25f);
  EXPECT_FLOAT_EQ(u[1], -0.5f);
}

// Tied losses (e.g. the two members of an antithetic pair that define the same objective) share their
// mean rank, so a tie adds nothing to an ES gradient.
TEST(Shaping, CenteredRankGivesTiesTheirMeanRank) {
  const std::vector<double> loss = {2.0, 1.0, 1.0, 3.0, INFINITY, INFINITY};
  const auto u = shape_fitness(Shaping::centered_rank, loss, ranks_of(loss), {});
  EXPECT_FLOAT_EQ(u[1], u[2]);
  EXPECT_FLOAT_EQ(u[1], float((5.0 - 0.5) / 5.0 - 0.5));
  EXPECT_FLOAT_EQ(u[0], float((5.0 - 2.0) / 5.0 - 0.5));
  EXPECT_FLOAT_EQ(u[4], u[5]);
  EXPECT_FLOAT_EQ(u[4], float((5.0 - 4.5) / 5.0 - 0.5));
  float sum = 0.0f;
  for (float v : u) sum += v;
  EXPECT_NEAR(sum, 0.0f, 1e-6f);
}

TEST(Shaping, IdentityAndZScoreGiveNonFiniteTheWorstValue) {
  const std::vector<double> loss = {1.0, kInf, 3.0};
  const auto id = shape_fitness(Shaping::identity, loss, ranks_of(loss), {});
  EXPECT_EQ(id, (std::vector<float>{-1.0f, -3.0f, -3.0f}));
  const auto z = shape_fitness(Shaping::z_score, loss, ranks_of(loss), {});
  // losses {1, 3, 3}: mean 7/3, std sqrt(8/9)
  EXPECT_NEAR(z[0], (7.0 / 3.0 - 1.0) / std::sqrt(8.0 / 9.0), 1e-5);
  EXPECT_NEAR(z[1], z[2], 1e-7);
  EXPECT_LT(z[1], z[0]);
}

TEST(Shaping, RankWeightsLookUpByRank) {
  const std::vector<double> loss = {5.0, 1.0, 3.0, 4.0};
  const std::vector<float> w = recombination_weights(4);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_NEAR(w[0] + w[1], 1.0f, 1e-6);
  EXPECT_GT(w[0], w[1]);
  EXPECT_EQ(w[2], 0.0f);
  const auto u = shape_fitness(Shaping::rank_weights, loss, ranks_of(loss), w);
  EXPECT_EQ(u[1], w[0]);
  EXPECT_EQ(u[2], w[1]);
  EXPECT_EQ(u[0], w[3]);
}

TEST(Shaping, NesUtilitiesSumToZeroAndDecrease) {
  const std::vector<float> u = nes_utilities(10);
  double s = 0;
  for (size_t k = 0; k < u.size(); ++k) {
    s += u[k];
    if (k > 0) {
      EXPECT_LE(u[k], u[k - 1]);
    }
  }
  EXPECT_NEAR(s, 0.0, 1e-6);
}

TEST(Shaping, NamesRoundTripAndBadNamesSuggest) {
  for (Shaping s : {Shaping::identity, Shaping::z_score, Shaping::centered_rank, Shaping::rank_weights})
    EXPECT_EQ(parse_shaping(shaping_name(s)), s);
  EXPECT_THROW(parse_shaping("centred_rank"), InvalidArgument);
}

}  // namespace
}  // namespace lamarck::es
