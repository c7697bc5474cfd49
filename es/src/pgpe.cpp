// PGPE (Sehnke et al. 2010) with ClipUp (Toklu et al. 2020). See pgpe.h.
#include "lamarck/es/pgpe.h"

#include <algorithm>
#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/es/kernels.h"
#include "lamarck/es/optimizer.h"
#include "state_io.h"

namespace lamarck::es {
namespace {

class Pgpe final : public Strategy {
 public:
  explicit Pgpe(const Settings& s) : Strategy("pgpe", s, Shaping::centered_rank) {
    if (settings_.pop_size == 0) settings_.pop_size = 64;
    if (settings_.pop_size % 2 != 0 || settings_.pop_size < 2)
      throw InvalidArgument("pgpe needs an even population (symmetric pairs), got " + std::to_string(settings_.pop_size));
    OptionReader opts(settings_.options, name_);
    OptimizerParams d{OptimizerKind::clipup, 0.15};
    d.momentum = 0.9;
    d.max_speed = 0.3;
    opt_params_ = OptimizerParams::read(opts, d);
    lr_sigma_ = opts.get("lr_sigma", 0.1);
    max_change_ = opts.get("sigma_max_change", 0.2);
    opts.finish();
    mean_ = initial_mean();
    sigma_.assign(size_t(dim()), float(settings_.sigma_init));
    opt_ = optimizer_init(opt_params_, dim());
  }
  std::vector<float> mean() const override { return mean_; }
  bool device_kernels() const override { return true; }
  double step_size() const override {
    double s = 0;
    for (float v : sigma_) s += v;
    return s / double(sigma_.size());
  }

 protected:
  void sample(float* population) const override { sample_gaussian(mean_, &sigma_, 0.0f, population, true); }

  void update(const float*, const Ranked& r) override {
    const int64_t D = dim(), K = pop_size() / 2;
    double ubar = 0.0;
    for (float u : r.utility) ubar += u;
    ubar /= double(r.utility.size());
    // pair k's noise is s * eps_k: the mean gradient is s * sum_k (u+ - u-)/2 eps_k, the sigma gradient
    // s * sum_k ((u+ + u-)/2 - ubar) (eps_k^2 - 1), both from the noise moments
    std::vector<int64_t> rows(static_cast<size_t>(K));
    std::vector<double> w_mean(static_cast<size_t>(K)), w_sigma(static_cast<size_t>(K)), gm, gs;
    for (int64_t k = 0; k < K; ++k) {
      const double up = r.utility[size_t(2 * k)], um = r.utility[size_t(2 * k + 1)];
      rows[size_t(k)] = k;
      w_mean[size_t(k)] = 0.5 * (up - um);
      w_sigma[size_t(k)] = 0.5 * (up + um) - ubar;
    }
    noise_moments(rows, w_mean, &w_sigma, gm, &gs);
    for (int64_t j = 0; j < D; ++j) {
      gm[size_t(j)] *= sigma_[size_t(j)];
      gs[size_t(j)] *= sigma_[size_t(j)];
    }
    std::vector<float> g(static_cast<size_t>(D));
    for (int64_t j = 0; j < D; ++j) g[size_t(j)] = float(gm[size_t(j)] / double(K));
    optimizer_step(opt_params_, opt_, mean_, g);
    for (int64_t j = 0; j < D; ++j) {
      const double s = sigma_[size_t(j)];
      const double step = std::clamp(lr_sigma_ * gs[size_t(j)] / double(K), -max_change_ * s, max_change_ * s);
      sigma_[size_t(j)] = float(s + step);
    }
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(mean_, sigma_, opt_); }
  void load_state(const std::string& in) override { detail::from_bytes(in, mean_, sigma_, opt_); }

 private:
  OptimizerParams opt_params_;
  double lr_sigma_ = 0.1, max_change_ = 0.2;
  std::vector<float> mean_, sigma_;  // (D), (D)
  OptimizerState opt_;
};

}  // namespace

std::unique_ptr<Strategy> make_pgpe(const Settings& settings) { return std::make_unique<Pgpe>(settings); }

}  // namespace lamarck::es
