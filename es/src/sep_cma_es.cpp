// Sep-CMA-ES (Ros & Hansen, PPSN 2008). See sep_cma_es.h.
#include "lamarck/es/sep_cma_es.h"

#include <algorithm>
#include <cmath>

#include "lamarck/core/device_array.h"
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

  bool device_kernels() const override { return true; }

  // x_k = mean + sigma sqrt(C) z_k, z_k the double normals of candidate k's key.
  void sample(float* population) const override {
    const int64_t D = dim(), P = pop_size(), pairs = (D + 1) / 2;
    std::vector<Key> keys(static_cast<size_t>(P));
    for (int64_t k = 0; k < P; ++k) keys[size_t(k)] = row_key(generation_key(book_.generation), k);
    std::vector<double> scale(static_cast<size_t>(D));
    for (int64_t j = 0; j < D; ++j) scale[size_t(j)] = sigma_ * std::sqrt(cdiag_[size_t(j)]);
    const Exec exec = compute_exec();
    if (exec.device == Device::cpu) {
      parallel_for(exec_for(P * D), P * pairs,
                   SampleDiagonalDouble{keys.data(), mean_.data(), scale.data(), population, D, pairs});
      return;
    }
    require_device(exec);  // throws where CUDA is not there
    DeviceArray<Key> keys_dev(keys, exec.device);
    DeviceArray<double> mean_dev(mean_, exec.device), scale_dev(scale, exec.device);
    cuda::sample_diagonal_double(
        SampleDiagonalDouble{keys_dev.data(), mean_dev.data(), scale_dev.data(), population, D, pairs}, P * pairs);
  }

  void update(const float*, const Ranked& r) override {
    const int64_t n = dim(), lambda = pop_size();
    const Key gen = generation_key(book_.generation);
    // z of each candidate in rank order; y = sqrt(C) z. zw = sum_{k < mu} w_k z_k, rank_mu = sum_k w'_k C z_k^2
    // where negative weights (active) are scaled by n / |z_k|^2.
    std::vector<Key> keys(static_cast<size_t>(lambda));
    for (int64_t k = 0; k < lambda; ++k) keys[size_t(k)] = row_key(gen, r.order[size_t(k)]);
    std::vector<double> w1(c_.weights.begin(), c_.weights.begin() + c_.mu), w2(c_.weights.begin(), c_.weights.end());
    double wsum = 0.0;
    for (int64_t k = 0; k < lambda; ++k) wsum += c_.weights[size_t(k)];
    bool any_negative = false;
    for (double w : w2) any_negative = any_negative || w < 0.0;
    std::vector<double> zsq(static_cast<size_t>(lambda), 0.0), zw(static_cast<size_t>(n)), rank_mu(static_cast<size_t>(n));
    const Exec exec = compute_exec();
    const int64_t pairs = (n + 1) / 2, mu = int64_t(w1.size());
    if (exec.device == Device::cpu) {
      if (any_negative) parallel_for(exec_for(lambda * n), lambda, NormalDoubleSquares{keys.data(), n, zsq.data()});
      for (int64_t k = 0; k < lambda; ++k)
        if (w2[size_t(k)] < 0.0) w2[size_t(k)] *= double(n) / std::max(1e-300, zsq[size_t(k)]);
      parallel_for(exec_for(lambda * n), pairs,
                   DiagonalMoments{keys.data(), w1.data(), w2.data(), cdiag_.data(), mu, lambda, n, zw.data(),
                                   rank_mu.data()});
    } else {
      require_device(exec);  // throws where CUDA is not there
      const Device d = exec.device;
      DeviceArray<Key> keys_dev(keys, d);
      if (any_negative) {
        DeviceArray<double> zsq_dev(lambda, d);
        cuda::normal_double_squares(NormalDoubleSquares{keys_dev.data(), n, zsq_dev.data()}, lambda);
        zsq_dev.copy_to_host(zsq.data(), lambda);
      }
      for (int64_t k = 0; k < lambda; ++k)
        if (w2[size_t(k)] < 0.0) w2[size_t(k)] *= double(n) / std::max(1e-300, zsq[size_t(k)]);
      DeviceArray<double> w1_dev(w1, d), w2_dev(w2, d), c_dev(cdiag_, d), zw_dev(n, d), rank_mu_dev(n, d);
      cuda::diagonal_moments(DiagonalMoments{keys_dev.data(), w1_dev.data(), w2_dev.data(), c_dev.data(), mu, lambda,
                                             n, zw_dev.data(), rank_mu_dev.data()});
      zw_dev.copy_to_host(zw.data(), n);
      rank_mu_dev.copy_to_host(rank_mu.data(), n);
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
