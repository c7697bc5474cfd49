// Benchmark functions for testing strategies, with BBOB conventions for shift and rotation:
//   N. Hansen, S. Finck, R. Ros, A. Auger, "Real-parameter black-box optimization benchmarking 2009:
//   noiseless functions definitions", INRIA RR-6829.
// f(x) = f_raw(z) with z = R (x - x_opt): R a random orthogonal matrix (rotated), x_opt uniform in
// [-4, 4]^D (shifted), both drawn from the problem's seed. Unshifted functions have their optimum at 0
// (Rosenbrock: at 1, as in pycma), where f = 0. Minimise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"

namespace lamarck::es {

enum class Function {
  sphere, ellipsoid, discus, bent_cigar, rosenbrock, rastrigin, ackley, griewank, schwefel, sharp_ridge,
  different_powers
};

std::vector<std::string> problem_names();
Function parse_function(const std::string& name);  // nearest-name error
const char* function_name(Function f);

class Problem {
 public:
  Problem(Function f, int64_t dim, bool shifted = false, bool rotated = false, uint64_t seed = 1);
  Problem(const std::string& name, int64_t dim, bool shifted = false, bool rotated = false, uint64_t seed = 1)
      : Problem(parse_function(name), dim, shifted, rotated, seed) {}
  int64_t dim() const { return dim_; }
  Function function() const { return f_; }
  // One candidate (D).
  double operator()(const float* x) const;
  double operator()(const double* x) const;
  // A population (P, D) -> fitness (P), rows in parallel on exec's CPU threads.
  void evaluate(const Exec& exec, const float* population, int64_t pop, float* fitness) const;
  // The raw function of z (no shift/rotation), for tests.
  static double raw(Function f, const double* z, int64_t dim);
  const std::vector<double>& x_opt() const { return x_opt_; }

 private:
  Function f_;
  int64_t dim_;
  bool shifted_, rotated_;
  std::vector<double> x_opt_;  // (D)
  std::vector<double> R_;      // (D, D) row-major
};

}  // namespace lamarck::es
