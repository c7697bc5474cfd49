// OpenES (Salimans et al. 2017, arXiv 1703.03864). See open_es.h.
#include "lamarck/es/open_es.h"

#include "lamarck/core/device_array.h"
#include "lamarck/core/error.h"
#include "lamarck/es/kernels.h"
#include "state_io.h"

namespace lamarck::es {
namespace {

class OpenEs final : public Strategy {
 public:
  explicit OpenEs(const Settings& s) : Strategy("open_es", s, Shaping::centered_rank) {
    if (settings_.pop_size == 0) settings_.pop_size = 64;
    if (settings_.pop_size % 2 != 0 || settings_.pop_size < 2)
      throw InvalidArgument("open_es needs an even population (antithetic pairs), got " +
                            std::to_string(settings_.pop_size));
    OptionReader opts(settings_.options, name_);
    params_.sigma_decay = opts.get("sigma_decay", params_.sigma_decay);
    params_.sigma_limit = opts.get("sigma_limit", params_.sigma_limit);
    params_.opt = OptimizerParams::read(opts, params_.opt);
    opts.finish();
    state_.mean = initial_mean();
    state_.sigma = settings_.sigma_init;
    state_.opt = optimizer_init(params_.opt, dim());
  }

  std::vector<float> mean() const override { return state_.mean; }
  bool device_kernels() const override { return true; }
  double step_size() const override { return state_.sigma; }

 protected:
  void sample(float* population) const override {
    sample_gaussian(state_.mean, nullptr, float(state_.sigma), population, true);
  }

  void update(const float* population, const Ranked& r) override {
    const int64_t D = dim(), P = pop_size(), pairs = P / 2;
    // g = sum_i u_i (x_i - mean) / (P sigma^2)  (= sum_i u_i eps_i / (P sigma)). Member 2k+1 is member 2k
    // mirrored through the mean, so the pair contributes (u_2k - u_2k+1) (x_2k - mean): the sum reads only
    // the even rows, half the population.
    std::vector<float> w(static_cast<size_t>(pairs));
    const double scale = 1.0 / (double(P) * state_.sigma * state_.sigma);
    for (int64_t k = 0; k < pairs; ++k)
      w[size_t(k)] = float((double(r.utility[size_t(2 * k)]) - double(r.utility[size_t(2 * k + 1)])) * scale);
    std::vector<float> g(static_cast<size_t>(D));
    const Exec exec = compute_exec();
    if (exec.device == Device::cpu) {
      const int64_t blocks = (D + WeightedDeviationBlocked::kCols - 1) / WeightedDeviationBlocked::kCols;
      parallel_for(exec_for(pairs * D), blocks,
                   WeightedDeviationBlocked{population, w.data(), state_.mean.data(), g.data(), pairs, D, 2});
    } else {
      require_device(exec);  // throws where CUDA is not there
      DeviceArray<float> w_dev(w, exec.device), mean_dev(state_.mean, exec.device), g_dev(D, exec.device);
      cuda::weighted_deviation(WeightedDeviation{population, w_dev.data(), mean_dev.data(), g_dev.data(), pairs, D, 2});
      g_dev.copy_to_host(g.data(), D);
    }
    optimizer_step(params_.opt, state_.opt, state_.mean, g);
    state_.sigma = std::max(params_.sigma_limit, state_.sigma * params_.sigma_decay);
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(state_); }
  void load_state(const std::string& in) override { detail::from_bytes(in, state_); }

 private:
  OpenEsParams params_;
  OpenEsState state_;
};

}  // namespace

std::unique_ptr<Strategy> make_open_es(const Settings& settings) { return std::make_unique<OpenEs>(settings); }

}  // namespace lamarck::es
