// SNES (Schaul, Glasmachers & Schmidhuber, GECCO 2011). See snes.h.
#include "lamarck/es/snes.h"

#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/es/cma_es.h"
#include "lamarck/es/kernels.h"
#include "lamarck/es/shaping.h"
#include "state_io.h"

namespace lamarck::es {
namespace {

class Snes final : public Strategy {
 public:
  explicit Snes(const Settings& s) : Strategy("snes", s, Shaping::rank_weights) {
    if (settings_.pop_size == 0) settings_.pop_size = cma_default_popsize(dim());
    if (settings_.pop_size < 2) throw InvalidArgument("snes needs a population of at least 2");
    OptionReader opts(settings_.options, name_);
    lr_mean_ = opts.get("lr_mean", 1.0);
    lr_sigma_ = opts.get("lr_sigma", (3.0 + std::log(double(dim()))) / (5.0 * std::sqrt(double(dim()))));
    opts.finish();
    mean_ = initial_mean();
    sigma_.assign(size_t(dim()), float(settings_.sigma_init));
  }
  std::vector<float> mean() const override { return mean_; }
  bool device_kernels() const override { return true; }
  double step_size() const override {
    double s = 0;
    for (float v : sigma_) s += v;
    return s / double(sigma_.size());
  }

 protected:
  std::vector<float> rank_weights(int64_t pop) const override { return nes_utilities(pop); }

  void sample(float* population) const override { sample_gaussian(mean_, &sigma_, 0.0f, population, false); }

  void update(const float*, const Ranked& r) override {
    const int64_t D = dim(), P = pop_size();
    // natural gradients of the mean and log-sigma: sum_k u_k eps_k and sum_k u_k (eps_k^2 - 1)
    std::vector<int64_t> rows(static_cast<size_t>(P));
    std::vector<double> u(static_cast<size_t>(P)), gm, gs;
    for (int64_t k = 0; k < P; ++k) {
      rows[size_t(k)] = k;
      u[size_t(k)] = r.utility[size_t(k)];
    }
    noise_moments(rows, u, &u, gm, &gs);
    for (int64_t j = 0; j < D; ++j) {
      mean_[size_t(j)] += float(lr_mean_ * sigma_[size_t(j)] * gm[size_t(j)]);
      sigma_[size_t(j)] *= float(std::exp(0.5 * lr_sigma_ * gs[size_t(j)]));
    }
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(mean_, sigma_); }
  void load_state(const std::string& in) override { detail::from_bytes(in, mean_, sigma_); }

 private:
  double lr_mean_ = 1.0, lr_sigma_ = 0.1;
  std::vector<float> mean_, sigma_;  // (D), (D)
};

}  // namespace

std::unique_ptr<Strategy> make_snes(const Settings& settings) { return std::make_unique<Snes>(settings); }

}  // namespace lamarck::es
