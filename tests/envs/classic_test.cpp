// Classic control against Gymnasium: one-step dynamics on golden (state, action) pairs produced by
// tests/data/envs/gen_classic.py from the Gymnasium 1.4.0 source.
#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/envs/math.h"

namespace lamarck::envs {
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
}

}  // namespace
}  // namespace lamarck::envs
