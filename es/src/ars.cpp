// ARS V1-t (Mania, Guy & Recht, NeurIPS 2018). See ars.h.
#include "lamarck/es/ars.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lamarck/core/error.h"
#include "lamarck/es/kernels.h"
#include "lamarck/es/optimizer.h"
#include "state_io.h"

namespace lamarck::es {
namespace {

class Ars final : public Strategy {
 public:
  explicit Ars(const Settings& s) : Strategy("ars", s, Shaping::identity) {
    if (settings_.pop_size == 0) settings_.pop_size = 32;
    if (settings_.pop_size % 2 != 0 || settings_.pop_size < 2)
      throw InvalidArgument("ars needs an even population (antithetic pairs), got " + std::to_string(settings_.pop_size));
    OptionReader opts(settings_.options, name_);
    elite_ratio_ = opts.get("elite_ratio", 0.5);
    sigma_decay_ = opts.get("sigma_decay", 1.0);
    sigma_limit_ = opts.get("sigma_limit", 0.0);
    opt_params_ = OptimizerParams::read(opts, OptimizerParams{OptimizerKind::sgd, 0.02});
    opts.finish();
    if (!(elite_ratio_ > 0.0 && elite_ratio_ <= 1.0))
      throw InvalidArgument("ars: elite_ratio must be in (0, 1], got " + std::to_string(elite_ratio_));
    mean_ = initial_mean();
    sigma_ = settings_.sigma_init;
    opt_ = optimizer_init(opt_params_, dim());
  }
  std::vector<float> mean() const override { return mean_; }
  bool device_kernels() const override { return true; }
  double step_size() const override { return sigma_; }

 protected:
  void sample(float* population) const override {
    sample_gaussian(mean_, nullptr, float(sigma_), population, true);
  }

  void update(const float*, const Ranked& r) override {
    const int64_t D = dim(), K = pop_size() / 2;
    const int64_t b = std::max<int64_t>(1, int64_t(std::floor(elite_ratio_ * double(K))));
    // directions ordered by max(r+, r-), best first (stable)
    std::vector<int64_t> dirs(static_cast<size_t>(K));
    std::iota(dirs.begin(), dirs.end(), int64_t(0));
    auto score = [&](int64_t k) { return std::max(r.utility[size_t(2 * k)], r.utility[size_t(2 * k + 1)]); };
    std::stable_sort(dirs.begin(), dirs.end(), [&](int64_t a, int64_t c) { return score(a) > score(c); });
    double mean_r = 0.0, var_r = 0.0;
    for (int64_t t = 0; t < b; ++t)
      mean_r += double(r.utility[size_t(2 * dirs[size_t(t)])]) + r.utility[size_t(2 * dirs[size_t(t)] + 1)];
    mean_r /= double(2 * b);
    for (int64_t t = 0; t < b; ++t)
      for (int s = 0; s < 2; ++s) {
        const double d = double(r.utility[size_t(2 * dirs[size_t(t)] + s)]) - mean_r;
        var_r += d * d;
      }
    const double sigma_r = std::sqrt(var_r / double(2 * b));
    // sum over the top b directions of (r+ - r-) eps_k
    std::vector<int64_t> rows(dirs.begin(), dirs.begin() + b);
    std::vector<double> diff(static_cast<size_t>(b)), g;
    for (int64_t t = 0; t < b; ++t)
      diff[size_t(t)] = double(r.utility[size_t(2 * rows[size_t(t)])]) - r.utility[size_t(2 * rows[size_t(t)] + 1)];
    noise_moments(rows, diff, nullptr, g, nullptr);
    std::vector<float> gf(static_cast<size_t>(D));
    const double scale = sigma_r > 0.0 ? 1.0 / (double(b) * sigma_r) : 0.0;
    for (int64_t j = 0; j < D; ++j) gf[size_t(j)] = float(g[size_t(j)] * scale);
    optimizer_step(opt_params_, opt_, mean_, gf);
    sigma_ = std::max(sigma_limit_, sigma_ * sigma_decay_);
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(mean_, sigma_, opt_); }
  void load_state(const std::string& in) override { detail::from_bytes(in, mean_, sigma_, opt_); }

 private:
  double elite_ratio_ = 0.5, sigma_decay_ = 1.0, sigma_limit_ = 0.0;
  OptimizerParams opt_params_;
  std::vector<float> mean_;  // (D)
  double sigma_ = 1.0;
  OptimizerState opt_;
};

}  // namespace

std::unique_ptr<Strategy> make_ars(const Settings& settings) { return std::make_unique<Ars>(settings); }

}  // namespace lamarck::es
