// core/math.h: the branch-free per-element functions shared by env physics, the drift nets and the
// Gaussian samplers, against libm.
#include "lamarck/core/math.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace lamarck {
namespace {

TEST(Math, SinCosMatchLibm) {
  double worst = 0;
  for (int k = -200000; k <= 200000; ++k) {
    const float x = float(k) * 1e-3f;  // [-200, 200] rad
    const SinCos sc = sincos_f(x);
    worst = std::max(worst, std::fabs(double(sc.sin) - std::sin(double(x))));
    worst = std::max(worst, std::fabs(double(sc.cos) - std::cos(double(x))));
  }
  EXPECT_LT(worst, 2e-7);
  double worst_d = 0;
  for (int k = -200000; k <= 200000; ++k) {
    const double x = double(k) * 1.37e-3;
    const SinCosD sc = sincos_d(x);
    worst_d = std::max(worst_d, std::fabs(sc.sin - std::sin(x)));
    worst_d = std::max(worst_d, std::fabs(sc.cos - std::cos(x)));
  }
  EXPECT_LT(worst_d, 5e-14);
}

TEST(Math, ExpAndTanhMatchLibm) {
  double worst_exp = 0, worst_tanh = 0;
  for (int k = -80000; k <= 80000; ++k) {
    const float x = float(k) * 1e-3f;  // [-80, 80]
    const double e = std::exp(double(x));
    worst_exp = std::max(worst_exp, std::fabs(double(exp_f(x)) - e) / e);
    worst_tanh = std::max(worst_tanh, std::fabs(double(tanh_f(x)) - std::tanh(double(x))));
  }
  EXPECT_LT(worst_exp, 4e-7);   // a few ulp, relative
  EXPECT_LT(worst_tanh, 3.5e-7);  // ~5 ulp of values near 1
  EXPECT_EQ(tanh_f(0.0f), 0.0f);
  EXPECT_EQ(tanh_f(-0.3f), -tanh_f(0.3f)) << "odd";
  // saturates at |x| = 7.9, within 3e-7 of ±1
  EXPECT_EQ(tanh_f(20.0f), tanh_f(8.0f));
  EXPECT_NEAR(tanh_f(20.0f), 1.0f, 3e-7f);
  EXPECT_EQ(tanh_f(-20.0f), -tanh_f(20.0f));
  EXPECT_EQ(tanh_f(1e-5f), 1e-5f);
  EXPECT_TRUE(std::isnan(tanh_f(std::nanf(""))));
}

TEST(Math, LogMatchesLibmToAnUlpOrTwo) {
  double worst_rel = 0;
  for (int k = 1; k <= 400000; ++k) {
    // (0, 1] densely near 1 and down to 2^-53, then a few values above 1
    const double x = k <= 200000 ? double(k) / 200000.0 : std::ldexp(double(k - 200000) / 200000.0 + 0.5, -(k % 53));
    const double ref = std::log(x);
    const double got = log_d(x);
    if (ref != 0.0) worst_rel = std::max(worst_rel, std::fabs(got - ref) / std::fabs(ref));
    else EXPECT_EQ(got, 0.0);
  }
  EXPECT_LT(worst_rel, 5e-16);
  for (double x : {2.0, 10.0, 12345.678, 1e300})
    EXPECT_NEAR(log_d(x), std::log(x), 4e-16 * std::fabs(std::log(x))) << x;
}

// The Box-Muller pieces of ES's Gaussian draws (es/kernels.h).
TEST(Math, LogUnit24AndCosSinTurnMatchLibm) {
  double worst_log = 0, worst_trig = 0;
  for (uint32_t i = 1; i < (1u << 24); i += 997) {
    const float u = float(i) / 16777216.0f;
    const double open = (double(i) + 1.0) / 16777216.0;
    worst_log = std::max(worst_log, std::fabs(double(log_unit24(int32_t(i))) - std::log(open)));
    const SinCos cs = cos_sin_turn(u);
    worst_trig = std::max(worst_trig, std::fabs(double(cs.cos) - std::cos(2 * M_PI * double(u))));
    worst_trig = std::max(worst_trig, std::fabs(double(cs.sin) - std::sin(2 * M_PI * double(u))));
  }
  EXPECT_LT(worst_log, 2e-6);
  EXPECT_NEAR(log_unit24((1 << 24) - 1), 0.0f, 1e-7f);  // ln 1, the largest input
  EXPECT_LT(worst_trig, 1e-6);
}

}  // namespace
}  // namespace lamarck
