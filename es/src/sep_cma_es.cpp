// Sep-CMA-ES (Ros & Hansen, PPSN 2008). See sep_cma_es.h.
#include "lamarck/es/sep_cma_es.h"

#include <algorithm>
#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/es/cma_es.h"
#include "lamarck/es/kernels.h"
#include "state_io.h"

namespace lamarck::es {
namespace {

class SepCmaEs final : public Strategy {
 public:
  explicit SepCmaEs(const Settings& s) : Strategy("sep_cma_es", s, Shaping::rank_weights) {
    if (settings_.pop_size == 0) settings_.pop_size = cma_default_popsize(dim());
    if (settings_.pop_size < 2) throw InvalidArgument("sep_cma_es needs a population of at least 2");
    OptionReader opts(settings_.options, name_);
    active_ = opts.get("active", 0.0) != 0.0;
    opts.finish();
    c_ = cma_constants(dim(), pop_size(), active_, true);
    const std::vector<float> m0 = initial_mean();
    mean_.assign(m0.begin(), m0.end());
    sigma_ = settings_.sigma_init;
    pc_.assign(size_t(dim()), 0.0);
    ps_.assign(size_t(dim()), 0.0);
    cdiag_.assign(size_t(dim()), 1.0);
  }
  std::vector<float> mean() const override { return std::vector<float>(mean_.begin(), mean_.end()); }
  double step_size() const override { return sigma_; }

 protected:
  std::vector<float> rank_weights(int64_t) const override {
    return std::vector<float>(c_.weights.begin(), c_.weights.end());
  }

  void sample(float* population) const override {
    const int64_t D = dim();
    parallel_for(exec_for(pop_size() * dim()), pop_size(), [&](int64_t k) {
      const Key key = row_key(generation_key(book_.generation), k);
      for (int64_t j = 0; j < D; ++j)
        population[k * D + j] =
            float(mean_[size_t(j)] + sigma_ * std::sqrt(cdiag_[size_t(j)]) * normal_double_at(key, j));
    });
  }

  void update(const float*, const Ranked& r) override {
    const int64_t n = dim(), lambda = pop_size();
    const Key gen = generation_key(book_.generation);
    // z of each candidate in rank order; y = sqrt(C) z
    std::vector<double> zw(static_cast<size_t>(n), 0.0), rank_mu(static_cast<size_t>(n), 0.0);
    double wsum = 0.0;
    std::vector<double> z(static_cast<size_t>(n));
    for (int64_t k = 0; k < lambda; ++k) {
      const Key key = row_key(gen, r.order[size_t(k)]);
      double w = c_.weights[size_t(k)], zsq = 0.0;
      wsum += w;
      for (int64_t j = 0; j < n; ++j) {
        z[size_t(j)] = normal_double_at(key, j);
        zsq += z[size_t(j)] * z[size_t(j)];
      }
      if (k < c_.mu)
        for (int64_t j = 0; j < n; ++j) zw[size_t(j)] += w * z[size_t(j)];
      if (w < 0.0) w *= double(n) / std::max(1e-300, zsq);
      for (int64_t j = 0; j < n; ++j) rank_mu[size_t(j)] += w * cdiag_[size_t(j)] * z[size_t(j)] * z[size_t(j)];
    }
    double ps_sq = 0.0;
    for (int64_t j = 0; j < n; ++j) {
      ps_[size_t(j)] = (1.0 - c_.cs) * ps_[size_t(j)] + std::sqrt(c_.cs * (2.0 - c_.cs) * c_.mueff) * zw[size_t(j)];
      ps_sq += ps_[size_t(j)] * ps_[size_t(j)];
    }
    iter_ += 1;
    const double ps_norm = std::sqrt(ps_sq);
    const bool hsig = ps_norm / std::sqrt(1.0 - std::pow(1.0 - c_.cs, 2.0 * double(iter_))) / c_.chi_n <
                      1.4 + 2.0 / (double(n) + 1.0);
    const double delta_h = hsig ? 0.0 : c_.cc * (2.0 - c_.cc);
    for (int64_t j = 0; j < n; ++j) {
      const double yw = std::sqrt(cdiag_[size_t(j)]) * zw[size_t(j)];
      mean_[size_t(j)] += sigma_ * yw;
      pc_[size_t(j)] = (1.0 - c_.cc) * pc_[size_t(j)] + (hsig ? std::sqrt(c_.cc * (2.0 - c_.cc) * c_.mueff) : 0.0) * yw;
      cdiag_[size_t(j)] = (1.0 + c_.c1 * delta_h - c_.c1 - c_.cmu * wsum) * cdiag_[size_t(j)] +
                          c_.c1 * pc_[size_t(j)] * pc_[size_t(j)] + c_.cmu * rank_mu[size_t(j)];
      cdiag_[size_t(j)] = std::max(cdiag_[size_t(j)], 1e-300);
    }
    sigma_ *= std::exp(std::min(1.0, c_.cs / c_.damps * (ps_norm / c_.chi_n - 1.0)));
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(mean_, sigma_, pc_, ps_, cdiag_, iter_); }
  void load_state(const std::string& in) override { detail::from_bytes(in, mean_, sigma_, pc_, ps_, cdiag_, iter_); }

 private:
  bool active_ = false;
  CmaConstants c_;
  std::vector<double> mean_, pc_, ps_, cdiag_;  // (D) each
  double sigma_ = 1.0;
  int64_t iter_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_sep_cma_es(const Settings& settings) { return std::make_unique<SepCmaEs>(settings); }

}  // namespace lamarck::es
