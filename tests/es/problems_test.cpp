// Benchmark functions: value 0 at the optimum, known values elsewhere, shift and rotation conventions.
#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/es/problems.h"

namespace lamarck::es {
namespace {

TEST(Problems, ZeroAtTheOptimum) {
  for (const std::string& name : problem_names()) {
    const Function f = parse_function(name);
    std::vector<double> z(7, f == Function::rosenbrock ? 1.0 : (f == Function::schwefel ? 420.968746 : 0.0));
    EXPECT_NEAR(Problem::raw(f, z.data(), 7), 0.0, 1e-4) << name;
  }
}

TEST(Problems, KnownValues) {
  const std::vector<double> ones(3, 1.0);
  EXPECT_DOUBLE_EQ(Problem::raw(Function::sphere, ones.data(), 3), 3.0);
  EXPECT_DOUBLE_EQ(Problem::raw(Function::ellipsoid, ones.data(), 3), 1.0 + 1e3 + 1e6);
  EXPECT_DOUBLE_EQ(Problem::raw(Function::discus, ones.data(), 3), 1e6 + 2.0);
  EXPECT_DOUBLE_EQ(Problem::raw(Function::bent_cigar, ones.data(), 3), 1.0 + 2e6);
  EXPECT_NEAR(Problem::raw(Function::rastrigin, ones.data(), 3), 3.0, 1e-9);
  EXPECT_NEAR(Problem::raw(Function::sharp_ridge, ones.data(), 3), 1.0 + 100.0 * std::sqrt(2.0), 1e-9);
  EXPECT_NEAR(Problem::raw(Function::different_powers, ones.data(), 3), std::sqrt(3.0), 1e-12);
  const std::vector<double> zero(3, 0.0);
  EXPECT_DOUBLE_EQ(Problem::raw(Function::rosenbrock, zero.data(), 3), 2.0);
}

TEST(Problems, ShiftMovesTheOptimumAndRotationKeepsTheSphere) {
  const Problem shifted("ellipsoid", 6, true, true, 11);
  EXPECT_NEAR(shifted(shifted.x_opt().data()), 0.0, 1e-12);
  for (double v : shifted.x_opt()) {
    EXPECT_GE(v, -4.0);
    EXPECT_LE(v, 4.0);
  }
  const Problem plain("sphere", 6), rotated("sphere", 6, false, true, 3);
  const std::vector<double> x = {0.3, -1.0, 2.0, 0.1, 0.0, -0.7};
  EXPECT_NEAR(plain(x.data()), rotated(x.data()), 1e-12) << "a rotation keeps |x|";
  const Problem ell("ellipsoid", 6), rell("ellipsoid", 6, false, true, 3);
  EXPECT_GT(std::fabs(ell(x.data()) - rell(x.data())), 1.0) << "but not an ellipsoid's value";
}

TEST(Problems, BadNamesAndSizes) {
  EXPECT_THROW(Problem("spere", 3), InvalidArgument);
  EXPECT_THROW(Problem("sphere", 0), InvalidArgument);
}

}  // namespace
}  // namespace lamarck::es
