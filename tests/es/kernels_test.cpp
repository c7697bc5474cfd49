// The fast CPU paths against their plain references: blocked gradient vs per-column sum, row/element
// normal generators, antithetic sampling; and the optimizers on a quadratic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/es/kernels.h"
#include "lamarck/es/optimizer.h"

namespace lamarck::es {
namespace {

TEST(Kernels, BlockedWeightedDeviationEqualsThePlainSumBitwise) {
  // row_stride 2 is OpenES's antithetic fold: only the even rows are read
  for (int64_t stride : {1, 2})
    for (int64_t D : {1, 5, 255, 256, 257, 1000}) {
      const int64_t rows = 37;
      std::vector<float> x(static_cast<size_t>(rows * stride * D)), w(static_cast<size_t>(rows)),
          mean(static_cast<size_t>(D));
      Philox rng(key_from_seed(uint64_t(D)));
      for (float& v : x) v = rng.normal();
      for (float& v : w) v = rng.uniform(-1, 1);
      for (float& v : mean) v = rng.normal();
      std::vector<float> plain(static_cast<size_t>(D)), fast(static_cast<size_t>(D));
      parallel_for(Exec{}, D, WeightedDeviation{x.data(), w.data(), mean.data(), plain.data(), rows, D, stride});
      const int64_t blocks = (D + WeightedDeviationBlocked::kCols - 1) / WeightedDeviationBlocked::kCols;
      parallel_for(Exec{Device::cpu, 2}, blocks,
                   WeightedDeviationBlocked{x.data(), w.data(), mean.data(), fast.data(), rows, D, stride});
      EXPECT_EQ(plain, fast) << "D=" << D << " stride=" << stride;
      // and against a double-precision reference
      for (int64_t j = 0; j < D; ++j) {
        double ref = 0;
        for (int64_t i = 0; i < rows; ++i)
          ref += double(w[size_t(i)]) * (double(x[size_t(i * stride * D + j)]) - mean[size_t(j)]);
        EXPECT_NEAR(plain[size_t(j)], ref, 1e-4);
      }
    }
}

TEST(Kernels, NormalGeneratorsAgreeAndLookGaussian) {
  const Key key = derive_key(9, 1, 2, 3);
  const int64_t n = 100001;
  std::vector<float> row(static_cast<size_t>(n));
  normal_row(key, row.data(), n);
  std::vector<double> drow(static_cast<size_t>(n));
  normal_double_row(key, drow.data(), n);
  double s = 0, s2 = 0, ds = 0, ds2 = 0;
  for (int64_t j = 0; j < n; ++j) {
    ASSERT_EQ(row[size_t(j)], normal_at(key, j));
    ASSERT_EQ(drow[size_t(j)], normal_double_at(key, j));
    s += row[size_t(j)];
    s2 += double(row[size_t(j)]) * row[size_t(j)];
    ds += drow[size_t(j)];
    ds2 += drow[size_t(j)] * drow[size_t(j)];
  }
  EXPECT_NEAR(s / n, 0.0, 0.015);
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
  EXPECT_NEAR(ds / n, 0.0, 0.015);
  EXPECT_NEAR(ds2 / n, 1.0, 0.02);
}

TEST(Kernels, AntitheticSamplingMirrorsAroundTheMean) {
  const int64_t P = 6, D = 11, blocks = (D + 3) / 4;
  std::vector<float> mean(static_cast<size_t>(D), 0.5f), x(static_cast<size_t>(P * D));
  const Key gen = derive_key(1, 2, 3, 4);
  parallel_for(Exec{}, (P / 2) * blocks, SampleGaussian{gen, mean.data(), nullptr, 0.25f, x.data(), D, blocks, true});
  for (int64_t k = 0; k < P / 2; ++k)
    for (int64_t j = 0; j < D; ++j) {
      const float eps = normal_at(row_key(gen, k), j);
      EXPECT_EQ(x[size_t(2 * k * D + j)], 0.5f + 0.25f * eps);
      EXPECT_EQ(x[size_t((2 * k + 1) * D + j)], 0.5f - 0.25f * eps);
    }
}

// Both store paths of the row sampler: rows of any length (plain stores) and 64-byte aligned rows of whole
// chunks (the streamed stores, where the CPU has them), with a scalar sigma and a per-coordinate one.
TEST(Kernels, RowSamplerEqualsTheBlockSamplerBitwise) {
  for (int64_t D : {1, 3, 255, 256, 257, 1031, 1024, 2560}) {
    const int64_t P = 6, blocks = (D + 3) / 4;
    std::vector<float> mean(static_cast<size_t>(D)), sigma(static_cast<size_t>(D)), a(static_cast<size_t>(P * D));
    for (int64_t j = 0; j < D; ++j) {
      mean[size_t(j)] = 0.01f * float(j);
      sigma[size_t(j)] = 0.1f + 0.001f * float(j % 97);
    }
    DeviceArray<float> b(P * D);  // 64-byte aligned
    const Key gen = derive_key(3, 1, 4, 1);
    for (const float* s : {static_cast<const float*>(nullptr), static_cast<const float*>(sigma.data())}) {
      parallel_for(Exec{}, (P / 2) * blocks, SampleGaussian{gen, mean.data(), s, 0.3f, a.data(), D, blocks, true});
      parallel_for(Exec{Device::cpu, 2}, P / 2, SampleGaussianRows{gen, mean.data(), s, 0.3f, b.data(), D, true});
      EXPECT_EQ(a, b.to_host()) << "D=" << D << (s ? " per-coordinate sigma" : " scalar sigma");
    }
  }
}

#if defined(LMK_ES_AVX2_PHILOX)
// The eight-lane AVX2 Philox of the row sampler, against the scalar blocks, across a wrap of the low
// counter word (the carry into the high word).
TEST(Kernels, EightLanePhiloxEqualsTheScalarBlocks) {
  const Key key = derive_key(11, 12, 13, 14);
  for (uint64_t first : {uint64_t(0), uint64_t(5), uint64_t(0xFFFFFFFCu), uint64_t(0x1FFFFFFFBull)}) {
    alignas(32) int32_t v[4][8];
    SampleGaussianRows::philox8(key, first, v[0], v[1], v[2], v[3]);
    for (int t = 0; t < 8; ++t) {
      const Block4 b = random_block(key, first + uint64_t(t));
      for (int w = 0; w < 4; ++w) EXPECT_EQ(v[w][t], int32_t(b.v[w] >> 8)) << "counter " << first + t << " word " << w;
    }
  }
}

// The eight-lane Box-Muller against the scalar formulas of normal4, bit for bit (the sign of zero
// included), over every 24-bit input at a stride plus the edges: 0, 2^24 - 1, the quarter-turn
// boundaries of the angle and the sqrt(2) split of the logarithm's mantissa.
TEST(Kernels, EightLaneBoxMullerEqualsTheScalarFormulas) {
  std::vector<int32_t> inputs = {0, 1, 2, (1 << 24) - 1, (1 << 24) - 2, 11863283, 11863284, 5931641, 5931642};
  for (int32_t q = 0; q <= 4; ++q)
    for (int32_t d = -2; d <= 2; ++d) inputs.push_back(std::clamp(q * (1 << 22) + d, 0, (1 << 24) - 1));
  for (int32_t v = 3; v < (1 << 24); v += 1021) inputs.push_back(v);
  while (inputs.size() % 8) inputs.push_back(7);
  const auto bits = [](float x) { return __builtin_bit_cast(uint32_t, x); };
  for (size_t at = 0; at < inputs.size(); at += 8) {
    // the four words of each block: the input, and the input of a neighbour lane (so that radius and
    // angle inputs are mixed)
    alignas(32) int32_t v[4][8];
    for (int t = 0; t < 8; ++t) {
      v[0][t] = inputs[at + size_t(t)];
      v[1][t] = inputs[at + size_t((t + 3) % 8)];
      v[2][t] = inputs[at + size_t((t + 5) % 8)];
      v[3][t] = inputs[at + size_t(t)];
    }
    alignas(32) float eps[32];
    SampleGaussianRows::box_muller8(v[0], v[1], v[2], v[3], eps);
    for (int t = 0; t < 8; ++t) {
      const float r0 = sqrtf(-2.0f * log_unit24(v[0][t]));
      const float r1 = sqrtf(-2.0f * log_unit24(v[2][t]));
      const SinCos a = cos_sin_turn(float(v[1][t]) * (1.0f / 16777216.0f));
      const SinCos b = cos_sin_turn(float(v[3][t]) * (1.0f / 16777216.0f));
      const float want[4] = {r0 * a.cos, r0 * a.sin, r1 * b.cos, r1 * b.sin};
      for (int lane = 0; lane < 4; ++lane)
        ASSERT_EQ(bits(eps[4 * t + lane]), bits(want[lane]))
            << "words " << v[0][t] << " " << v[1][t] << " " << v[2][t] << " " << v[3][t] << " lane " << lane;
    }
  }
}
#endif


// Each optimizer descends f(theta) = |theta - 2|^2 given the ascent direction -(theta - 2).
TEST(Optimizers, EachConvergesOnAQuadratic) {
  for (OptimizerKind kind : {OptimizerKind::sgd, OptimizerKind::adam, OptimizerKind::clipup}) {
    OptimizerParams p{kind, kind == OptimizerKind::sgd ? 0.1 : 0.05};
    p.momentum = kind == OptimizerKind::adam ? 0.0 : 0.5;
    p.lr_decay = 0.99;
    OptimizerState s = optimizer_init(p, 4);
    std::vector<float> theta(4, 0.0f), g(4);
    for (int t = 0; t < 600; ++t) {
      for (size_t j = 0; j < 4; ++j) g[j] = 2.0f - theta[j];
      optimizer_step(p, s, theta, g);
    }
    for (float v : theta) EXPECT_NEAR(v, 2.0f, 0.05f) << optimizer_name(kind);
  }
}

TEST(Optimizers, ClipUpStepNeverExceedsMaxSpeed) {
  OptimizerParams p{OptimizerKind::clipup, 0.5};
  p.momentum = 0.9;
  p.max_speed = 0.3;
  OptimizerState s = optimizer_init(p, 3);
  std::vector<float> theta(3, 0.0f), g = {1000.0f, -5.0f, 2.0f};
  for (int t = 0; t < 20; ++t) {
    const std::vector<float> before = theta;
    optimizer_step(p, s, theta, g);
    double step = 0;
    for (size_t j = 0; j < 3; ++j) step += double(theta[j] - before[j]) * (theta[j] - before[j]);
    EXPECT_LE(std::sqrt(step), 0.3 + 1e-6);
  }
}

}  // namespace
}  // namespace lamarck::es
