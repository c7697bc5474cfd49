// Helpers for the nn tests: deterministic random fills and central finite differences in double.
#pragma once

#include <cmath>
#include <functional>
#include <vector>

#include "lamarck/core/rng.h"

namespace lamarck::nn::testing {

template <class T>
std::vector<T> random_vector(int64_t n, uint64_t seed, double scale = 1.0) {
  Philox rng(key_from_seed(seed));
  std::vector<T> v(static_cast<size_t>(n));
  for (auto& x : v) x = T(scale * rng.normal_double());
  return v;
}

// Central differences of f at x, every coordinate: (f(x + h e_i) - f(x - h e_i)) / 2h.
inline std::vector<double> numeric_gradient(std::vector<double>& x, const std::function<double()>& f,
                                            double h = 1e-6) {
  std::vector<double> g(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double saved = x[i];
    x[i] = saved + h;
    const double up = f();
    x[i] = saved - h;
    const double down = f();
    x[i] = saved;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

// max |a - b| / max(1, |b|)
inline double max_rel_error(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(1.0, std::fabs(b[i])));
  return worst;
}

}  // namespace lamarck::nn::testing
