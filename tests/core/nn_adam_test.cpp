// Adam with global-norm clipping: the fast step against the double reference, a hand-computed first
// step, inactive members left alone, and linear annealing.
#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/core/nn/adam.h"
#include "nn_test_util.h"

namespace lamarck::nn {
namespace {

TEST(Adam, FirstStepHandComputed) {
  // one member, g = (3, 4): norm 5, clipped to 0.5 -> (0.3, 0.4); first Adam step moves each parameter
  // by lr * g / (|g| + eps) = lr * sign(g) (up to eps)
  AdamConfig cfg;
  AdamState st;
  st.reset(1, 2, Device::cpu);
  std::vector<float> p{1.0f, 2.0f}, g{3.0f, 4.0f};
  const double lr = 0.1;
  double norm = 0;
  adam_step(Exec{}, cfg, 1, 2, p.data(), g.data(), st, &lr, nullptr, &norm);
  EXPECT_DOUBLE_EQ(norm, 5.0);
  EXPECT_NEAR(g[0], 0.3f, 1e-6);
  EXPECT_NEAR(p[0], 1.0 - 0.1 * 0.3 / (0.3 + 1e-5), 1e-6);
  EXPECT_NEAR(p[1], 2.0 - 0.1 * 0.4 / (0.4 + 1e-5), 1e-6);
  EXPECT_EQ(st.step[0], 1);
}

TEST(Adam, MatchesReferenceOverSteps) {
  const int64_t P = 3, n = 1000;
  AdamConfig cfg;
  AdamState fast, ref;
  fast.reset(P, n, Device::cpu);
  ref.reset(P, n, Device::cpu);
  auto pf = testing::random_vector<float>(P * n, 1), pr = pf;
  std::vector<double> lr{1e-3, 5e-3, 2.5e-4};
  std::vector<uint8_t> active{1, 0, 1};
  for (int step = 0; step < 20; ++step) {
    auto g = testing::random_vector<float>(P * n, 100 + uint64_t(step), step % 2 ? 0.001 : 1.0);
    auto g2 = g;
    adam_step(Exec{Device::cpu, 2}, cfg, P, n, pf.data(), g.data(), fast, lr.data(), active.data(), nullptr);
    adam_step_reference(cfg, P, n, pr.data(), g2.data(), ref, lr.data(), active.data());
  }
  for (size_t i = 0; i < pf.size(); ++i) ASSERT_NEAR(pf[i], pr[i], 2e-5) << i;
  EXPECT_EQ(fast.step, (std::vector<int64_t>{20, 0, 20}));
  auto p0 = testing::random_vector<float>(P * n, 1);
  for (int64_t i = n; i < 2 * n; ++i) EXPECT_EQ(pf[size_t(i)], p0[size_t(i)]) << "inactive member moved";
}

TEST(Adam, LinearAnnealing) {
  EXPECT_DOUBLE_EQ(linear_anneal(2.5e-4, 0, 100), 2.5e-4);
  EXPECT_DOUBLE_EQ(linear_anneal(2.5e-4, 50, 100), 1.25e-4);
  EXPECT_NEAR(linear_anneal(1.0, 99, 100), 0.01, 1e-15);
}

}  // namespace
}  // namespace lamarck::nn
