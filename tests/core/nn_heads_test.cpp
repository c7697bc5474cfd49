// Policy heads: log-probabilities and entropies against closed forms, gradients against finite
// differences in double, sampling frequencies against the distribution.
#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/core/nn/heads.h"
#include "nn_test_util.h"

namespace lamarck::nn {
namespace {

TEST(Categorical, LogProbAndEntropyHandComputed) {
  // logits (0, log 2, log 5): probabilities 1/8, 2/8, 5/8
  std::vector<double> z{0.0, std::log(2.0), std::log(5.0)};
  std::vector<int32_t> a{2};
  std::vector<double> lp(1), h(1);
  categorical_log_prob<double>(Exec{}, 1, 3, z.data(), a.data(), lp.data(), h.data());
  EXPECT_NEAR(lp[0], std::log(5.0 / 8.0), 1e-12);
  const double expected_h = -(1.0 / 8 * std::log(1.0 / 8) + 2.0 / 8 * std::log(2.0 / 8) + 5.0 / 8 * std::log(5.0 / 8));
  EXPECT_NEAR(h[0], expected_h, 1e-12);
}

TEST(Categorical, GradientsMatchFiniteDifferences) {
  const int64_t rows = 5, A = 4;
  auto z = testing::random_vector<double>(rows * A, 1, 2.0);
  std::vector<int32_t> a{0, 3, 1, 2, 3};
  const auto wl = testing::random_vector<double>(rows, 2), wh = testing::random_vector<double>(rows, 3);
  auto loss = [&] {
    std::vector<double> lp(rows), h(rows);
    categorical_log_prob<double>(Exec{}, rows, A, z.data(), a.data(), lp.data(), h.data());
    double s = 0;
    for (int64_t r = 0; r < rows; ++r) s += wl[size_t(r)] * lp[size_t(r)] + wh[size_t(r)] * h[size_t(r)];
    return s;
  };
  std::vector<double> dz(z.size());
  categorical_backward<double>(Exec{}, rows, A, z.data(), a.data(), wl.data(), wh.data(), dz.data());
  EXPECT_LT(testing::max_rel_error(dz, testing::numeric_gradient(z, loss)), 1e-8);
}

TEST(Categorical, SamplingFrequencies) {
  const int64_t rows = 200000;
  std::vector<float> z(static_cast<size_t>(rows * 3));
  for (int64_t r = 0; r < rows; ++r) {
    z[size_t(r * 3)] = 0.0f;
    z[size_t(r * 3 + 1)] = std::log(2.0f);
    z[size_t(r * 3 + 2)] = std::log(5.0f);
  }
  std::vector<int32_t> a(static_cast<size_t>(rows));
  categorical_sample(Exec{}, rows, 3, z.data(), a.data(), 42, 0, 0);
  double count[3] = {0, 0, 0};
  for (int32_t x : a) count[x] += 1;
  EXPECT_NEAR(count[0] / rows, 1.0 / 8, 0.005);
  EXPECT_NEAR(count[2] / rows, 5.0 / 8, 0.005);
  std::vector<int32_t> again(a.size());
  categorical_sample(Exec{Device::cpu, 1}, rows, 3, z.data(), again.data(), 42, 0, 0);
  EXPECT_EQ(a, again);
}

TEST(Gaussian, LogProbAndEntropyClosedForm) {
  std::vector<double> mean{1.0, -1.0}, log_std{std::log(2.0), 0.0}, act{2.0, -1.0};
  std::vector<double> lp(1), h(1);
  gaussian_log_prob<double>(Exec{}, 1, 2, 1, mean.data(), log_std.data(), 2, act.data(), lp.data(), h.data());
  const double l2pi = std::log(2 * M_PI);
  EXPECT_NEAR(lp[0], (-0.5 * 0.25 - std::log(2.0) - 0.5 * l2pi) + (-0.5 * l2pi), 1e-12);
  EXPECT_NEAR(h[0], 2 * (0.5 + 0.5 * l2pi) + std::log(2.0), 1e-12);
}

TEST(Gaussian, GradientsMatchFiniteDifferences) {
  const int64_t P = 2, B = 3, A = 2, rows = P * B;
  auto mean = testing::random_vector<double>(rows * A, 4);
  auto log_std = testing::random_vector<double>(P * A, 5, 0.3);
  const auto act = testing::random_vector<double>(rows * A, 6);
  const auto wl = testing::random_vector<double>(rows, 7), wh = testing::random_vector<double>(rows, 8);
  auto loss = [&] {
    std::vector<double> lp(rows), h(rows);
    gaussian_log_prob<double>(Exec{}, rows, A, B, mean.data(), log_std.data(), A, act.data(), lp.data(), h.data());
    double s = 0;
    for (int64_t r = 0; r < rows; ++r) s += wl[size_t(r)] * lp[size_t(r)] + wh[size_t(r)] * h[size_t(r)];
    return s;
  };
  std::vector<double> dmean(mean.size()), dls(log_std.size());
  gaussian_backward<double>(Exec{}, rows, A, B, mean.data(), log_std.data(), A, act.data(), wl.data(), wh.data(),
                            dmean.data(), dls.data(), false);
  EXPECT_LT(testing::max_rel_error(dmean, testing::numeric_gradient(mean, loss)), 1e-8);
  EXPECT_LT(testing::max_rel_error(dls, testing::numeric_gradient(log_std, loss)), 1e-8);
}

TEST(Gaussian, SamplingMoments) {
  const int64_t rows = 100000;
  std::vector<float> mean(static_cast<size_t>(rows), 1.5f), log_std{std::log(0.5f)}, act(static_cast<size_t>(rows));
  gaussian_sample(Exec{}, rows, 1, rows, mean.data(), log_std.data(), 1, act.data(), 9, 0, 0);
  double s = 0, s2 = 0;
  for (float x : act) {
    s += x;
    s2 += double(x) * x;
  }
  const double m = s / rows, var = s2 / rows - m * m;
  EXPECT_NEAR(m, 1.5, 0.01);
  EXPECT_NEAR(var, 0.25, 0.01);
}

}  // namespace
}  // namespace lamarck::nn
