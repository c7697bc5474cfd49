#include "lamarck/core/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lamarck/core/backend.h"

namespace lamarck {
namespace {

// Known-answer vectors from Random123's kat_vectors (counter[4], key[2] -> output[4]).
TEST(Philox, KnownAnswerVectors) {
  struct Case {
    Block4 ctr;
    Key key;
    Block4 expected;
  };
  const Case cases[] = {
      {{{0, 0, 0, 0}}, {{0, 0}}, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}},
       {{0xffffffff, 0xffffffff}},
       {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}},
       {{0xa4093822, 0x299f31d0}},
       {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const Case& c : cases) {
    const Block4 out = philox4x32_10(c.ctr, c.key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out.v[i], c.expected.v[i]) << "word " << i;
  }
}

TEST(Philox, KeyDerivationSeparatesStreams) {
  const Key root = key_from_seed(42);
  const Key a = fold_in(root, 0), b = fold_in(root, 1);
  EXPECT_FALSE(a.w[0] == b.w[0] && a.w[1] == b.w[1]);
  // same inputs, same key
  const Key a2 = fold_in(key_from_seed(42), 0);
  EXPECT_EQ(a.w[0], a2.w[0]);
  EXPECT_EQ(a.w[1], a2.w[1]);
  // derive_key is the documented chain of fold-ins
  const Key d = derive_key(7, 1, 2, 3);
  const Key chained = fold_in(fold_in(fold_in(key_from_seed(7), 1), 2), 3);
  EXPECT_EQ(d.w[0], chained.w[0]);
  EXPECT_EQ(d.w[1], chained.w[1]);
  // stream/index order matters
  const Key swapped = derive_key(7, 2, 1, 3);
  EXPECT_FALSE(d.w[0] == swapped.w[0] && d.w[1] == swapped.w[1]);
}

TEST(Philox, SequentialMatchesStatelessBlocks) {
  const Key key = derive_key(1, 2, 3, 4);
  Philox rng(key);
  for (uint64_t block = 0; block < 5; ++block) {
    const Block4 expected = random_block(key, block);
    for (int lane = 0; lane < 4; ++lane) EXPECT_EQ(rng.next_u32(), expected.v[lane]);
  }
}

// The eight-block AVX2 Philox equals the scalar rounds block for block, across a carry of the counter's
// low word (AVX2 builds; the x86-64-v3 build of scripts/test always has it).
TEST(Philox, EightBlocksAtOnceEqualTheScalarRounds) {
#if defined(LMK_PHILOX_X8)
  const Key key = fold_in(key_from_seed(77), 5);
  for (uint64_t first : {uint64_t(0), uint64_t(12345), uint64_t(0xFFFFFFFCull), uint64_t(0x1234FFFFFFFFull) - 3}) {
    __m256i out[4];
    philox4x32_10_x8(key, first, out);
    alignas(32) uint32_t words[4][8];
    for (int k = 0; k < 4; ++k) _mm256_store_si256(reinterpret_cast<__m256i*>(words[k]), out[k]);
    for (uint32_t i = 0; i < 8; ++i) {
      const uint64_t c = first + i;
      const Block4 b = philox4x32_10(Block4{{uint32_t(c), uint32_t(c >> 32), 0, 0}}, key);
      for (int k = 0; k < 4; ++k) EXPECT_EQ(words[k][i], b.v[k]) << "counter " << c << " word " << k;
    }
  }
#else
  GTEST_SKIP() << "built without AVX2";
#endif
}

TEST(Sampling, UniformMomentsAndRange) {
  Philox rng(key_from_seed(3));
  const int n = 400000;
  double sum = 0, sum_sq = 0;
  float lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const float u = rng.uniform();
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
    sum_sq += double(u) * u;
  }
  const double mean = sum / n, var = sum_sq / n - mean * mean;
  // standard error of the mean: sqrt(1/12 / n) ~ 4.6e-4; 5 sigma
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12.0 / n));
  EXPECT_NEAR(var, 1.0 / 12.0, 2e-3);
  EXPECT_LT(lo, 1e-4f);
  EXPECT_GT(hi, 1 - 1e-4f);
}

TEST(Sampling, NormalMomentsAndKolmogorovSmirnov) {
  Philox rng(key_from_seed(11));
  const int n = 200000;
  std::vector<double> x(n);
  double sum = 0, sum_sq = 0, sum_4 = 0;
  for (int i = 0; i < n; ++i) {
    x[i] = rng.normal();
    sum += x[i];
    sum_sq += x[i] * x[i];
    sum_4 += x[i] * x[i] * x[i] * x[i];
  }
  const double mean = sum / n, var = sum_sq / n - mean * mean, kurtosis = sum_4 / n;
  EXPECT_NEAR(mean, 0.0, 5 / std::sqrt(double(n)));
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(kurtosis, 3.0, 5 * std::sqrt(96.0 / n));
  // Kolmogorov-Smirnov against the normal CDF; critical value at alpha = 0.001 is 1.95 / sqrt(n)
  std::sort(x.begin(), x.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double cdf = 0.5 * std::erfc(-x[i] / std::sqrt(2.0));
    d = std::max({d, std::fabs(cdf - double(i) / n), std::fabs(cdf - double(i + 1) / n)});
  }
  EXPECT_LT(d, 1.95 / std::sqrt(double(n)));
}

TEST(Sampling, DoubleNormalMoments) {
  Philox rng(key_from_seed(12));
  const int n = 100000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double v = rng.normal_double();
    sum += v;
    sum_sq += v * v;
  }
  EXPECT_NEAR(sum / n, 0.0, 5 / std::sqrt(double(n)));
  EXPECT_NEAR(sum_sq / n, 1.0, 5 * std::sqrt(2.0 / n));
}

// Pearson chi-squared of observed counts against expected probabilities; critical value for the
// degrees of freedom at alpha = 0.001 is passed in.
double chi_squared(const std::vector<int>& counts, const std::vector<double>& probs, int n) {
  double chi2 = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double expected = probs[i] * n;
    chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
  }
  return chi2;
}

TEST(Sampling, CategoricalChiSquared) {
  Philox rng(key_from_seed(5));
  const std::vector<float> weights = {0.1f, 0.2f, 0.3f, 0.4f, 0.0f};
  const int n = 200000;
  std::vector<int> counts(5, 0);
  for (int i = 0; i < n; ++i) counts[size_t(rng.categorical(weights.data(), 5))]++;
  EXPECT_EQ(counts[4], 0);  // zero weight never drawn
  counts.pop_back();
  EXPECT_LT(chi_squared(counts, {0.1, 0.2, 0.3, 0.4}, n), 16.27);  // df 3
}

TEST(Sampling, CategoricalLogitsMatchesSoftmax) {
  Philox rng(key_from_seed(6));
  const std::vector<float> logits = {1.0f, -0.5f, 2.0f};
  std::vector<double> probs(3);
  double total = 0;
  for (int i = 0; i < 3; ++i) total += std::exp(double(logits[size_t(i)]));
  for (int i = 0; i < 3; ++i) probs[size_t(i)] = std::exp(double(logits[size_t(i)])) / total;
  const int n = 200000;
  std::vector<int> counts(3, 0);
  for (int i = 0; i < n; ++i) counts[size_t(rng.categorical_logits(logits.data(), 3))]++;
  EXPECT_LT(chi_squared(counts, probs, n), 13.82);  // df 2
}

TEST(Sampling, BelowIsUniform) {
  Philox rng(key_from_seed(8));
  const int n = 140000, k = 7;
  std::vector<int> counts(k, 0);
  for (int i = 0; i < n; ++i) {
    const uint32_t v = rng.below(k);
    ASSERT_LT(v, uint32_t(k));
    counts[v]++;
  }
  EXPECT_LT(chi_squared(counts, std::vector<double>(k, 1.0 / k), n), 22.46);  // df 6
}

// Per-element keys make results independent of how work is split over threads.
TEST(Sampling, SameNumbersOnOneAndTwoThreads) {
  const int64_t n = 50000;
  auto draw = [n](int threads) {
    std::vector<float> out(static_cast<size_t>(n));
    float* p = out.data();
    parallel_for(Exec{Device::cpu, threads}, n, [p](int64_t i) {
      Philox rng(derive_key(99, 0, uint64_t(i), 0));
      p[i] = rng.normal() + rng.uniform();
    });
    return out;
  };
  EXPECT_EQ(draw(1), draw(2));
}

}  // namespace
}  // namespace lamarck

namespace lamarck {
namespace {
// The 53-bit uniform is computed from two int32 conversions (vectorisable); it must equal the plain
// 64-bit formula exactly.
TEST(Rng, UnitDoubleEqualsThe64BitFormula) {
  const uint32_t edge[] = {0u, 1u, 0x3FFu, 0x400u, 0x7FFu, 0x800u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu};
  auto plain = [](uint32_t hi, uint32_t lo) {
    return double(((uint64_t(hi) << 32) | lo) >> 11) * (1.0 / 9007199254740992.0);
  };
  for (uint32_t hi : edge)
    for (uint32_t lo : edge) ASSERT_EQ(u64_to_unit_double(hi, lo), plain(hi, lo)) << hi << " " << lo;
  Philox rng(key_from_seed(5));
  for (int i = 0; i < 1000000; ++i) {
    const uint32_t hi = rng.next_u32(), lo = rng.next_u32();
    ASSERT_EQ(u64_to_unit_double(hi, lo), plain(hi, lo));
  }
  EXPECT_EQ(u64_to_unit_double(0xFFFFFFFFu, 0xFFFFFFFFu), 1.0 - 1.0 / 9007199254740992.0);
}
}  // namespace
}  // namespace lamarck
