// Student's t and the mean interval against SciPy 1.x (scipy.stats.t.ppf / t.cdf, printed with repr).
#include "lamarck/core/stats.h"

#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/core/error.h"

namespace lamarck {
namespace {

struct TRow {
  double dof, q975, q95, cdf_at_1_5;
};
// python3 -c "from scipy import stats; print(stats.t.ppf(0.975,d), stats.t.ppf(0.95,d), stats.t.cdf(1.5,d))"
const TRow kScipy[] = {
    {1, 12.706204736174694, 6.313751514675037, 0.8128329581890011},
    {2, 4.302652729749462, 2.9199855803537242, 0.8638034375544994},
    {3, 3.1824463052837078, 2.3533634348018233, 0.8847080673775886},
    {5, 2.5705818356363146, 2.0150483733330233, 0.9030481598787634},
    {10, 2.228138851986274, 1.8124611228116756, 0.9177463367772799},
    {15, 2.131449545559776, 1.753050355692572, 0.9228166698091499},
    {30, 2.0422724563012378, 1.697260886593957, 0.927967035435677},
    {31, 2.039513446396408, 1.6955187825458649, 0.9281344592877371},
    {100, 1.9839715185235518, 1.6602343260853392, 0.9316174709376556},
    {1000, 1.9623390808264083, 1.6463788172854643, 0.9330349805889568},
};

TEST(StudentT, QuantilesAndCdfMatchScipy) {
  for (const TRow& r : kScipy) {
    EXPECT_NEAR(student_t_quantile(0.975, r.dof), r.q975, 1e-10 * r.q975) << "dof " << r.dof;
    EXPECT_NEAR(student_t_quantile(0.95, r.dof), r.q95, 1e-10 * r.q95) << "dof " << r.dof;
    EXPECT_NEAR(student_t_quantile(0.025, r.dof), -r.q975, 1e-10 * r.q975) << "dof " << r.dof;
    EXPECT_NEAR(student_t_cdf(1.5, r.dof), r.cdf_at_1_5, 1e-12) << "dof " << r.dof;
    EXPECT_NEAR(student_t_cdf(-1.5, r.dof), 1.0 - r.cdf_at_1_5, 1e-12) << "dof " << r.dof;
  }
  EXPECT_NEAR(student_t_quantile(0.975, 2.5), 3.5746548420036817, 1e-9);  // fractional (Welch) dof
  EXPECT_EQ(student_t_quantile(0.5, 7), 0.0);
  EXPECT_NEAR(student_t_quantile(0.975, 1e9), 1.959963984540054, 1e-7);  // the normal limit
}

TEST(StudentT, QuantileInvertsTheCdf) {
  for (double dof : {0.5, 1.0, 4.0, 17.0, 250.0})
    for (double p : {1e-6, 0.01, 0.3, 0.7, 0.99, 1 - 1e-6})
      EXPECT_NEAR(student_t_cdf(student_t_quantile(p, dof), dof), p, 1e-12) << "dof " << dof << " p " << p;
}

TEST(StudentT, BadArgumentsAreRefused) {
  EXPECT_THROW(student_t_quantile(0.0, 3), InvalidArgument);
  EXPECT_THROW(student_t_quantile(1.0, 3), InvalidArgument);
  EXPECT_THROW(student_t_quantile(std::nan(""), 3), InvalidArgument);
  EXPECT_THROW(student_t_quantile(0.9, 0), InvalidArgument);
  EXPECT_THROW(student_t_cdf(1.0, -2), InvalidArgument);
  EXPECT_THROW(mean_interval({1.0, 2.0}, 1.0), InvalidArgument);
}

TEST(MeanInterval, FiniteValuesOnly) {
  // values 1..4: mean 2.5, sample sd sqrt(5/3), n 4 -> half width t(0.975, 3) * sd / 2
  const MeanInterval m = mean_interval({1.0, std::nan(""), 2.0, 3.0, INFINITY, 4.0});
  EXPECT_EQ(m.n, 4);
  EXPECT_DOUBLE_EQ(m.mean, 2.5);
  EXPECT_NEAR(m.half_width, 3.1824463052837078 * std::sqrt(5.0 / 3.0) / 2.0, 1e-12);
  EXPECT_TRUE(std::isnan(mean_interval({7.0}).half_width));  // one value has no interval
  EXPECT_EQ(mean_interval({7.0}).mean, 7.0);
  EXPECT_TRUE(std::isnan(mean_interval({}).mean));
  EXPECT_EQ(mean_interval({}).n, 0);
  // a 90% interval is narrower
  EXPECT_LT(mean_interval({1.0, 2.0, 3.0, 4.0}, 0.9).half_width, m.half_width);
}

// python3 -c "from scipy import stats; print(stats.ttest_ind(a, b, equal_var=False))" and np.quantile
TEST(Welch, MatchesScipy) {
  const WelchTest w = welch_test({0.1, 0.35, 0.2, 0.05, 0.3}, {0.6, 0.45, 0.9, 0.7});
  EXPECT_NEAR(w.t, -4.194806435138294, 1e-12);
  EXPECT_NEAR(w.p, 0.008237287815199328, 1e-10);
  EXPECT_TRUE(std::isnan(welch_test({1.0}, {2.0, 3.0}).p));
  EXPECT_EQ(welch_test({1.0, 1.0}, {1.0, 1.0}).p, 1.0);
  EXPECT_TRUE(std::isnan(welch_test({1.0, 1.0}, {2.0, 2.0}).p));
}

TEST(Quantile, MatchesNumpy) {
  EXPECT_DOUBLE_EQ(quantile({3, 1, 4, 1, 5, 9, 2}, 0.25), 1.5);
  EXPECT_NEAR(quantile({3, 1, 4, 1, 5, 9, 2}, 0.9), 6.6, 1e-12);
  EXPECT_TRUE(std::isnan(quantile({}, 0.5)));
  EXPECT_THROW(quantile({1.0}, 1.5), InvalidArgument);
}

}  // namespace
}  // namespace lamarck
