// Benchmark functions (BBOB 2009 definitions, Hansen et al., INRIA RR-6829). See problems.h.
#include "lamarck/es/problems.h"

#include "lamarck/core/eigen.h"
#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"

namespace lamarck::es {
namespace {
const std::vector<std::string> kNames = {"sphere",     "ellipsoid", "discus",   "bent_cigar",  "rosenbrock",
                                         "rastrigin",  "ackley",    "griewank", "schwefel",    "sharp_ridge",
                                         "different_powers"};
constexpr double kPi = 3.14159265358979323846;
}  // namespace

std::vector<std::string> problem_names() { return kNames; }

Function parse_function(const std::string& name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return Function(i);
  throw_unknown_choice("problem", name, kNames);
}

const char* function_name(Function f) { return kNames[size_t(f)].c_str(); }

Problem::Problem(Function f, int64_t dim, bool shifted, bool rotated, uint64_t seed)
    : f_(f), dim_(dim), shifted_(shifted), rotated_(rotated) {
  if (dim <= 0) throw InvalidArgument("problem dimension must be positive, got " + std::to_string(dim));
  x_opt_.assign(size_t(dim), 0.0);
  Philox rng(derive_key(seed, 0x70726f62, 0, 0));  // "prob"
  if (shifted)
    for (double& v : x_opt_) v = -4.0 + 8.0 * rng.uniform_double();
  if (rotated) {
    // a uniformly random orthogonal matrix: QR of a Gaussian matrix with the signs of diag(R) fixed
    Eigen::MatrixXd g(dim, dim);
    for (int64_t i = 0; i < dim; ++i)
      for (int64_t j = 0; j < dim; ++j) g(i, j) = rng.normal_double();
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
    Eigen::MatrixXd q = qr.householderQ();
    const Eigen::MatrixXd r = qr.matrixQR();
    for (int64_t j = 0; j < dim; ++j)
      if (r(j, j) < 0) q.col(j) *= -1.0;
    R_.resize(size_t(dim * dim));
    for (int64_t i = 0; i < dim; ++i)
      for (int64_t j = 0; j < dim; ++j) R_[size_t(i * dim + j)] = q(i, j);
  }
}

double Problem::raw(Function f, const double* z, int64_t n) {
  double s = 0.0;
  const double cond = 1e6;
  switch (f) {
    case Function::sphere:
      for (int64_t i = 0; i < n; ++i) s += z[i] * z[i];
      return s;
    case Function::ellipsoid:
      for (int64_t i = 0; i < n; ++i)
        s += std::pow(cond, n > 1 ? double(i) / double(n - 1) : 0.0) * z[i] * z[i];
      return s;
    case Function::discus:
      s = cond * z[0] * z[0];
      for (int64_t i = 1; i < n; ++i) s += z[i] * z[i];
      return s;
    case Function::bent_cigar:
      s = z[0] * z[0];
      for (int64_t i = 1; i < n; ++i) s += cond * z[i] * z[i];
      return s;
    case Function::rosenbrock:  // optimum at z = 1
      for (int64_t i = 0; i + 1 < n; ++i)
        s += 100.0 * (z[i] * z[i] - z[i + 1]) * (z[i] * z[i] - z[i + 1]) + (z[i] - 1.0) * (z[i] - 1.0);
      return s;
    case Function::rastrigin:
      s = 10.0 * double(n);
      for (int64_t i = 0; i < n; ++i) s += z[i] * z[i] - 10.0 * std::cos(2.0 * kPi * z[i]);
      return s;
    case Function::ackley: {
      double sq = 0.0, cs = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        sq += z[i] * z[i];
        cs += std::cos(2.0 * kPi * z[i]);
      }
      return -20.0 * std::exp(-0.2 * std::sqrt(sq / double(n))) - std::exp(cs / double(n)) + 20.0 + std::exp(1.0);
    }
    case Function::griewank: {
      double p = 1.0;
      for (int64_t i = 0; i < n; ++i) {
        s += z[i] * z[i] / 4000.0;
        p *= std::cos(z[i] / std::sqrt(double(i) + 1.0));
      }
      return s - p + 1.0;
    }
    case Function::schwefel:  // optimum at z_i = 420.9687 (a fixed point of the formula), f ~ 0
      for (int64_t i = 0; i < n; ++i) s += z[i] * std::sin(std::sqrt(std::fabs(z[i])));
      return 418.9828872724339 * double(n) - s;
    case Function::sharp_ridge: {
      for (int64_t i = 1; i < n; ++i) s += z[i] * z[i];
      return z[0] * z[0] + 100.0 * std::sqrt(s);
    }
    case Function::different_powers:
      for (int64_t i = 0; i < n; ++i)
        s += std::pow(std::fabs(z[i]), 2.0 + 4.0 * (n > 1 ? double(i) / double(n - 1) : 0.0));
      return std::sqrt(s);
  }
  return s;
}

double Problem::operator()(const double* x) const {
  std::vector<double> z(static_cast<size_t>(dim_));
  for (int64_t i = 0; i < dim_; ++i) z[size_t(i)] = x[i] - x_opt_[size_t(i)];
  if (rotated_) {
    std::vector<double> r(static_cast<size_t>(dim_), 0.0);
    for (int64_t i = 0; i < dim_; ++i)
      for (int64_t j = 0; j < dim_; ++j) r[size_t(i)] += R_[size_t(i * dim_ + j)] * z[size_t(j)];
    z.swap(r);
  }
  return raw(f_, z.data(), dim_);
}

double Problem::operator()(const float* x) const {
  std::vector<double> xd(x, x + dim_);
  return (*this)(xd.data());
}

void Problem::evaluate(const Exec& exec, const float* population, int64_t pop, float* fitness) const {
  // small batches stay on one thread: waking a team costs more than the work
  const int threads = pop * dim_ * (rotated_ ? dim_ : 1) < 100000 ? 1 : exec.threads;
  parallel_for(Exec{Device::cpu, threads}, pop,
               [&](int64_t i) { fitness[i] = float((*this)(population + i * dim_)); });
}

}  // namespace lamarck::es
