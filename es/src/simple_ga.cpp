// SimpleGA: truncation selection, uniform crossover, Gaussian mutation. See simple_ga.h.
#include "lamarck/es/simple_ga.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lamarck/core/error.h"
#include "lamarck/es/kernels.h"
#include "state_io.h"

namespace lamarck::es {
namespace {

class SimpleGa final : public Strategy {
 public:
  explicit SimpleGa(const Settings& s) : Strategy("simple_ga", s, Shaping::identity) {
    if (settings_.pop_size == 0) settings_.pop_size = 64;
    OptionReader opts(settings_.options, name_);
    const double ratio = opts.get("elite_ratio", 0.5);
    crossover_ = opts.get("crossover_rate", 0.0);
    sigma_decay_ = opts.get("sigma_decay", 1.0);
    sigma_limit_ = opts.get("sigma_limit", 0.0);
    opts.finish();
    if (!(ratio > 0.0 && ratio <= 1.0)) throw InvalidArgument("simple_ga: elite_ratio must be in (0, 1]");
    if (!(crossover_ >= 0.0 && crossover_ <= 1.0)) throw InvalidArgument("simple_ga: crossover_rate must be in [0, 1]");
    n_elite_ = std::max<int64_t>(1, int64_t(std::floor(ratio * double(pop_size()))));
    // the first elites are all the initial mean (loss +inf): generation 0 mutates it
    const std::vector<float> m0 = initial_mean();
    elites_.clear();
    for (int64_t e = 0; e < n_elite_; ++e) elites_.insert(elites_.end(), m0.begin(), m0.end());
    elite_loss_.assign(size_t(n_elite_), std::numeric_limits<double>::infinity());
    sigma_ = settings_.sigma_init;
  }
  std::vector<float> mean() const override { return std::vector<float>(elites_.begin(), elites_.begin() + dim()); }
  double step_size() const override { return sigma_; }

 protected:
  bool device_kernels() const override { return true; }

  // Candidate i: parents a, b drawn from the "pare" stream of its key, then per gene (with crossover) the
  // next uniform of that stream picks b over a; plus sigma times the normals of its key.
  void sample(float* population) const override {
    const int64_t P = pop_size();
    OffspringPlan plan;
    plan.first.resize(size_t(P));
    plan.scale.assign(size_t(P), float(sigma_));
    const bool cross = crossover_ > 0.0;
    if (cross) {
      plan.second.resize(size_t(P));
      plan.mask_keys.resize(size_t(P));
      plan.mask_word.resize(size_t(P));
      plan.crossover = float(crossover_);
    }
    for (int64_t i = 0; i < P; ++i) {
      const Key pare = fold_in(row_key(generation_key(book_.generation), i), 0x70617265);
      Philox pick(pare);
      plan.first[size_t(i)] = int32_t(pick.below(uint32_t(n_elite_)));
      const int32_t b = int32_t(pick.below(uint32_t(n_elite_)));
      if (cross) {
        plan.second[size_t(i)] = b;
        plan.mask_keys[size_t(i)] = pare;
        // the next word the stream would give: the rest of the current block, then block `counter`
        plan.mask_word[size_t(i)] = pick.lane == 4 ? pick.counter * 4 : (pick.counter - 1) * 4 + uint64_t(pick.lane);
      }
    }
    sample_offspring(elites_, plan, population);
  }

  void update(const float* population, const Ranked& r) override {
    const int64_t D = dim(), P = pop_size();
    // merge elites and population by loss (elites first on ties), keep the n_elite best
    std::vector<std::pair<double, int64_t>> all;  // (loss, index: < 0 -> elite -1-e)
    for (int64_t e = 0; e < n_elite_; ++e) all.push_back({elite_loss_[size_t(e)], -1 - e});
    for (int64_t i = 0; i < P; ++i) all.push_back({r.loss[size_t(i)], i});
    std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<float> next(static_cast<size_t>(n_elite_ * D));
    std::vector<double> next_loss(static_cast<size_t>(n_elite_));
    for (int64_t e = 0; e < n_elite_; ++e) {
      const int64_t idx = all[size_t(e)].second;
      if (idx < 0)
        std::copy(elites_.begin() + (-1 - idx) * D, elites_.begin() + (-idx) * D, next.begin() + e * D);
      else
        copy_row_to_host(population, idx, next.data() + e * D);
      next_loss[size_t(e)] = all[size_t(e)].first;
    }
    elites_.swap(next);
    elite_loss_.swap(next_loss);
    sigma_ = std::max(sigma_limit_, sigma_ * sigma_decay_);
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(elites_, elite_loss_, sigma_); }
  void load_state(const std::string& in) override { detail::from_bytes(in, elites_, elite_loss_, sigma_); }

 private:
  int64_t n_elite_ = 1;
  double crossover_ = 0.0, sigma_decay_ = 1.0, sigma_limit_ = 0.0;
  std::vector<float> elites_;        // (E, D)
  std::vector<double> elite_loss_;   // (E)
  double sigma_ = 1.0;
};

}  // namespace

std::unique_ptr<Strategy> make_simple_ga(const Settings& settings) { return std::make_unique<SimpleGa>(settings); }

}  // namespace lamarck::es
