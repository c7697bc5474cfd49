// Statistics over seeds: Student's t distribution and the mean with its confidence interval, as every
// report of lamarck (train, evaluate, the main job's held-out evaluation) quotes final returns.
#pragma once

#include <cstdint>
#include <vector>

namespace lamarck {

// P(T <= t) for Student's t with `dof` > 0 degrees of freedom (dof may be fractional, e.g. Welch's).
double student_t_cdf(double t, double dof);

// The p-quantile of Student's t with `dof` > 0 degrees of freedom, 0 < p < 1 (accurate to ~1e-12
// relative). Throws InvalidArgument outside those ranges.
double student_t_quantile(double p, double dof);

// Mean and half-width of the two-sided `confidence` interval of the mean (Student t with n - 1 degrees
// of freedom) over the finite values; n counts them. n = 0: mean NaN; n = 1: half_width NaN (one value has
// no interval: reports print it as null / n/a, never as a zero-width interval).
struct MeanInterval {
  double mean = 0.0, half_width = 0.0;
  int64_t n = 0;
};
MeanInterval mean_interval(const std::vector<double>& values, double confidence = 0.95);

// The q-quantile (0 <= q <= 1) of the finite values, linear between order statistics (numpy's default);
// NaN when there are none.
double quantile(std::vector<double> values, double q);

// Welch's unequal-variance t-test of mean(a) = mean(b) over the finite values: t, the Welch-Satterthwaite
// degrees of freedom and the two-sided p-value. NaN when either side has fewer than 2 values, or both
// have zero variance (p = 1 when their means are also equal).
struct WelchTest {
  double t = 0.0, dof = 0.0, p = 0.0;
};
WelchTest welch_test(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace lamarck
