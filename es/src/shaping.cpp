// Fitness shaping. See shaping.h for the formulas and their sources.
#include "lamarck/es/shaping.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lamarck::es {

std::vector<int64_t> rank_order(const std::vector<double>& loss) {
  std::vector<int64_t> order(loss.size());
  std::iota(order.begin(), order.end(), int64_t(0));
  std::stable_sort(order.begin(), order.end(), [&loss](int64_t a, int64_t b) {
    // +inf (NaN was mapped to +inf) compares normally: it sorts last
    return loss[size_t(a)] < loss[size_t(b)];
  });
  return order;
}

std::vector<float> shape_fitness(Shaping shaping, const std::vector<double>& loss, const std::vector<int64_t>& rank,
                                 const std::vector<float>& weights) {
  const size_t P = loss.size();
  std::vector<float> u(P, 0.0f);
  switch (shaping) {
    case Shaping::centered_rank: {
      // tied losses share the mean of their ranks: a tie carries no preference, and breaking it by index
      // would push the search along the difference of the tied candidates
      std::vector<int64_t> order(P);
      for (size_t i = 0; i < P; ++i) order[size_t(rank[i])] = int64_t(i);
      std::vector<double> mean_rank(P);
      for (size_t a = 0; a < P;) {
        size_t b = a + 1;
        while (b < P && loss[size_t(order[b])] == loss[size_t(order[a])]) ++b;
        for (size_t k = a; k < b; ++k) mean_rank[size_t(order[k])] = 0.5 * double(a + b - 1);
        a = b;
      }
      const double denom = P > 1 ? double(P - 1) : 1.0;
      for (size_t i = 0; i < P; ++i) u[i] = float((double(P) - 1.0 - mean_rank[i]) / denom - 0.5);
      break;
    }
    case Shaping::rank_weights: {
      for (size_t i = 0; i < P; ++i) u[i] = weights[size_t(rank[i])];
      break;
    }
    case Shaping::identity:
    case Shaping::z_score: {
      // statistics of the finite losses; non-finite ones take the worst finite loss
      double worst = -INFINITY, sum = 0.0;
      size_t n = 0;
      for (double l : loss)
        if (std::isfinite(l)) {
          worst = std::max(worst, l);
          sum += l;
          ++n;
        }
      if (n == 0) break;  // nothing finite: all utilities 0
      std::vector<double> l(loss);
      for (double& v : l)
        if (!std::isfinite(v)) v = worst;
      if (shaping == Shaping::identity) {
        for (size_t i = 0; i < P; ++i) u[i] = float(-l[i]);
      } else {
        const double mean = std::accumulate(l.begin(), l.end(), 0.0) / double(P);
        double var = 0.0;
        for (double v : l) var += (v - mean) * (v - mean);
        const double sd = std::sqrt(var / double(P));
        for (size_t i = 0; i < P; ++i) u[i] = float(-(l[i] - mean) / (sd + 1e-8));
      }
      break;
    }
  }
  return u;
}

std::vector<float> recombination_weights(int64_t lambda) {
  const int64_t mu = lambda / 2 > 0 ? lambda / 2 : 1;
  std::vector<double> w(size_t(lambda), 0.0);
  double total = 0.0;
  for (int64_t k = 0; k < mu; ++k) {
    w[size_t(k)] = std::log((double(lambda) + 1.0) / 2.0) - std::log(double(k) + 1.0);
    total += w[size_t(k)];
  }
  std::vector<float> out(static_cast<size_t>(lambda));
  for (size_t k = 0; k < w.size(); ++k) out[k] = float(w[k] / total);
  return out;
}

std::vector<float> nes_utilities(int64_t lambda) {
  std::vector<double> w(static_cast<size_t>(lambda));
  double total = 0.0;
  for (int64_t k = 0; k < lambda; ++k) {
    w[size_t(k)] = std::max(0.0, std::log(double(lambda) / 2.0 + 1.0) - std::log(double(k) + 1.0));
    total += w[size_t(k)];
  }
  std::vector<float> out(static_cast<size_t>(lambda));
  for (size_t k = 0; k < w.size(); ++k) out[k] = float(w[k] / total - 1.0 / double(lambda));
  return out;
}

}  // namespace lamarck::es
