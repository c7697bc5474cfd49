// Shared helpers for the es tests: run a strategy on a benchmark problem.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/es/problems.h"
#include "lamarck/es/registry.h"

namespace lamarck::es::testing {

// Runs ask/evaluate/tell until the best fitness <= target or max_evals; returns the evaluations used, or
// -1 when the target was not reached (or the strategy stopped first).
inline int64_t evals_to_target(Strategy& es, const Problem& problem, double target, int64_t max_evals) {
  std::vector<float> x, f;
  while (es.book().evaluations < max_evals) {
    const int64_t P = es.pop_size();
    x.resize(size_t(P * es.dim()));
    f.resize(size_t(P));
    es.ask(x.data());
    problem.evaluate(Exec{}, x.data(), P, f.data());
    es.tell(x.data(), f.data());
    if (es.book().best_fitness <= target) return es.book().evaluations;
    if (es.converged()) return -1;
  }
  return -1;
}

inline Settings settings_for(int64_t dim, uint64_t seed, double x0, double sigma0, int64_t pop = 0) {
  Settings s;
  s.dim = dim;
  s.seed = seed;
  s.sigma_init = sigma0;
  s.pop_size = pop;
  s.mean_init.assign(size_t(dim), float(x0));
  return s;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace lamarck::es::testing
