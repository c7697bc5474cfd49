// Student's t through the regularised incomplete beta function: for t >= 0,
//   P(T <= t) = 1 - I_x(dof/2, 1/2) / 2,  x = dof / (dof + t²),
// with I_x evaluated by its continued fraction (modified Lentz), and the quantile by safeguarded Newton
// steps on the CDF (bisection when a step leaves the bracket).
#include "lamarck/core/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "lamarck/core/error.h"

namespace lamarck {
namespace {

// Continued fraction of I_x(a, b) (valid and fast for x < (a + 1) / (a + b + 2)).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-16;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double f = d;
  for (int m = 1; m <= 500; ++m) {
    // even step
    double num = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    f *= d * c;
    // odd step
    num = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
    d = 1.0 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::fabs(delta - 1.0) < eps) break;
  }
  return f;
}

// log Γ(a + 1/2) - log Γ(a), without the cancellation of two huge lgamma values at large a (asymptotic
// series beyond a = 1e4, where its next term is below 1e-19).
double log_gamma_ratio_half(double a) {
  if (a < 1e4) return std::lgamma(a + 0.5) - std::lgamma(a);
  return 0.5 * std::log(a) - 1.0 / (8.0 * a) + 1.0 / (192.0 * a * a * a);
}

// Regularised incomplete beta I_x(a, b), 0 <= x <= 1, for {a, b} = {dof / 2, 1 / 2}.
double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double half_dof = a == 0.5 ? b : a;
  const double log_inv_beta = log_gamma_ratio_half(half_dof) - std::lgamma(0.5);  // -log B(dof/2, 1/2)
  const double log_front = log_inv_beta + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1.0 - std::exp(log_front) * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double t_density(double t, double dof) {
  const double log_norm = log_gamma_ratio_half(0.5 * dof) - 0.5 * std::log(dof * M_PI);
  return std::exp(log_norm - 0.5 * (dof + 1.0) * std::log1p(t * t / dof));
}

void check_dof(double dof) {
  if (!(dof > 0.0) || !std::isfinite(dof))
    throw InvalidArgument("Student t: degrees of freedom must be a finite number > 0, got " + std::to_string(dof));
}

}  // namespace

double student_t_cdf(double t, double dof) {
  check_dof(dof);
  if (std::isnan(t)) return t;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double x = dof / (dof + t * t);
  const double tail = 0.5 * incomplete_beta(0.5 * dof, 0.5, x);  // P(T > |t|)
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double dof) {
  check_dof(dof);
  if (!(p > 0.0 && p < 1.0))
    throw InvalidArgument("Student t quantile: p must be in (0, 1), got " + std::to_string(p));
  if (p == 0.5) return 0.0;
  // symmetric: solve for the upper tail and mirror
  const bool lower = p < 0.5;
  const double q = lower ? 1.0 - p : p;
  // bracket [0, hi] with cdf(hi) >= q
  double lo = 0.0, hi = 1.0;
  while (student_t_cdf(hi, dof) < q) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e300) break;
  }
  double t = 0.5 * (lo + hi);
  for (int it = 0; it < 200; ++it) {
    const double f = student_t_cdf(t, dof) - q;
    if (f > 0) hi = t; else lo = t;
    const double step = f / t_density(t, dof);
    double next = t - step;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - t) <= 1e-15 * std::fabs(t) || hi - lo <= 1e-15 * hi) {
      t = next;
      break;
    }
    t = next;
  }
  return lower ? -t : t;
}

MeanInterval mean_interval(const std::vector<double>& values, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw InvalidArgument("mean_interval: confidence must be in (0, 1), got " + std::to_string(confidence));
  MeanInterval m;
  double sum = 0.0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++m.n;
    }
  if (m.n == 0) {
    m.mean = std::numeric_limits<double>::quiet_NaN();
    return m;
  }
  m.mean = sum / double(m.n);
  if (m.n < 2) {
    m.half_width = std::numeric_limits<double>::quiet_NaN();
    return m;
  }
  double sq = 0.0;
  for (double v : values)
    if (std::isfinite(v)) sq += (v - m.mean) * (v - m.mean);
  const double quantile = student_t_quantile(0.5 + 0.5 * confidence, double(m.n - 1));
  m.half_width = quantile * std::sqrt(sq / double(m.n - 1)) / std::sqrt(double(m.n));
  return m;
}

double quantile(std::vector<double> values, double q) {
  if (!(q >= 0.0 && q <= 1.0)) throw InvalidArgument("quantile: q must be in [0, 1]");
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double at = q * double(values.size() - 1);
  const size_t lo = size_t(at), hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - double(lo)) * (values[hi] - values[lo]);
}

WelchTest welch_test(const std::vector<double>& a, const std::vector<double>& b) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto moments = [](const std::vector<double>& v, double& mean, double& var, double& n) {
    mean = 0;
    n = 0;
    for (double x : v)
      if (std::isfinite(x)) {
        mean += x;
        n += 1;
      }
    if (n > 0) mean /= n;
    var = 0;
    for (double x : v)
      if (std::isfinite(x)) var += (x - mean) * (x - mean);
    var = n > 1 ? var / (n - 1) : std::numeric_limits<double>::quiet_NaN();
  };
  double ma, va, na, mb, vb, nb;
  moments(a, ma, va, na);
  moments(b, mb, vb, nb);
  WelchTest w{nan, nan, nan};
  if (na < 2 || nb < 2) return w;
  const double sa = va / na, sb = vb / nb, se2 = sa + sb;
  if (se2 == 0.0) {
    if (ma == mb) w.p = 1.0;
    return w;
  }
  w.t = (ma - mb) / std::sqrt(se2);
  w.dof = se2 * se2 / (sa * sa / (na - 1) + sb * sb / (nb - 1));
  w.p = 2.0 * student_t_cdf(-std::fabs(w.t), w.dof);
  return w;
}

}  // namespace lamarck
