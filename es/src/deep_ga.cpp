// Deep GA with seed-chain genomes (Such et al. 2017, arXiv 1712.06567). See deep_ga.h.
#include "lamarck/es/deep_ga.h"

#include <algorithm>
#include <cmath>

#include "lamarck/core/error.h"
#include "lamarck/es/kernels.h"
#include "state_io.h"

namespace lamarck::es {

void replay_genome(const Genome& genome, const std::vector<float>& mean_init, double init_scale, double sigma,
                   float* theta) {
  const int64_t D = int64_t(mean_init.size());
  std::vector<float> eps(static_cast<size_t>(D));
  normal_row(unpack_key(genome.front()), eps.data(), D);
  for (int64_t j = 0; j < D; ++j) theta[j] = mean_init[size_t(j)] + float(init_scale) * eps[size_t(j)];
  for (size_t k = 1; k < genome.size(); ++k) {
    normal_row(unpack_key(genome[k]), eps.data(), D);
    for (int64_t j = 0; j < D; ++j) theta[j] += float(sigma) * eps[size_t(j)];
  }
}

namespace {

class DeepGa final : public Strategy, public GenomeSource {
 public:
  explicit DeepGa(const Settings& s) : Strategy("deep_ga", s, Shaping::identity) {
    if (settings_.pop_size == 0) settings_.pop_size = 100;
    if (settings_.pop_size < 2) throw InvalidArgument("deep_ga needs a population of at least 2");
    OptionReader opts(settings_.options, name_);
    truncation_ = int64_t(opts.get("truncation", 20.0));
    validation_ = int64_t(opts.get("validation", 10.0));
    init_scale_ = opts.get("init_scale", settings_.sigma_init);
    sigma_ = opts.get("sigma", 0.1 * settings_.sigma_init);
    opts.finish();
    if (truncation_ < 1) throw InvalidArgument("deep_ga: truncation must be >= 1");
    if (validation_ < 1) throw InvalidArgument("deep_ga: validation must be >= 1");
    truncation_ = std::min(truncation_, pop_size());
    validation_ = std::min(validation_, pop_size() - 1);
    mean_init_ = initial_mean();
  }

  std::vector<float> mean() const override {
    if (elite_.empty()) return mean_init_;
    std::vector<float> theta(static_cast<size_t>(dim()));
    replay_genome(elite_, mean_init_, init_scale_, sigma_, theta.data());
    return theta;
  }
  double step_size() const override { return sigma_; }
  std::map<std::string, double> stats() const override {
    double keys = 0.0;
    for (const Genome& g : parents_) keys += double(g.size());
    const double mean_keys = parents_.empty() ? 1.0 : keys / double(parents_.size());
    return {{"compression_ratio", double(dim()) * 4.0 / (mean_keys * 8.0)}, {"genome_keys", mean_keys}};
  }
  double init_scale() const override { return init_scale_; }
  double mutation_sigma() const override { return sigma_; }
  std::vector<Genome> population_genomes() const override {
    std::vector<Genome> out(static_cast<size_t>(pop_size()));
    for (int64_t i = 0; i < pop_size(); ++i) out[size_t(i)] = genome_of(i);
    return out;
  }

 protected:
  bool device_kernels() const override { return true; }

  // Generation 0: mean_init + init_scale * the normals of each candidate's key (its one-key genome).
  // Later: the first V candidates re-evaluate the cached re-evaluation set unchanged; the others are a
  // parent plus sigma times the normals of their key (the key appended to the parent's chain).
  void sample(float* population) const override {
    const int64_t P = pop_size();
    OffspringPlan plan;
    plan.first.resize(size_t(P));
    plan.scale.resize(size_t(P));
    if (parents_.empty()) {
      for (int64_t i = 0; i < P; ++i) {
        plan.first[size_t(i)] = 0;
        plan.scale[size_t(i)] = float(init_scale_);
      }
      sample_offspring(mean_init_, plan, population);
      return;
    }
    // parent rows: the re-evaluation set (V rows), then the parents (T rows)
    std::vector<float> rows(reeval_params_);
    rows.insert(rows.end(), parent_params_.begin(), parent_params_.end());
    for (int64_t i = 0; i < P; ++i) {
      const bool reeval = i < n_reeval();
      plan.first[size_t(i)] = int32_t(reeval ? i : n_reeval() + parent_of(i));
      plan.scale[size_t(i)] = reeval ? 0.0f : float(sigma_);
    }
    sample_offspring(rows, plan, population);
  }

  void update(const float* population, const Ranked& r) override {
    const int64_t D = dim();
    std::vector<Genome> genomes = population_genomes();
    // elite: the best re-evaluated genome (generation 0: the best overall)
    int64_t elite = r.order.front();
    if (n_reeval() > 0)
      for (int64_t k = 0; k < pop_size(); ++k)
        if (r.order[size_t(k)] < n_reeval()) {
          elite = r.order[size_t(k)];
          break;
        }
    elite_ = genomes[size_t(elite)];
    // parents: the T best; re-evaluated next time: the elite, then the best others, V in all
    parents_.clear();
    parent_params_.clear();
    // the population may be on the device: rows come over one by one
    const auto append_row = [&](std::vector<float>& cache, int64_t i) {
      cache.resize(cache.size() + size_t(D));
      copy_row_to_host(population, i, cache.data() + cache.size() - size_t(D));
    };
    for (int64_t k = 0; k < truncation_; ++k) {
      const int64_t i = r.order[size_t(k)];
      parents_.push_back(genomes[size_t(i)]);
      append_row(parent_params_, i);
    }
    reeval_.clear();
    reeval_params_.clear();
    reeval_.push_back(genomes[size_t(elite)]);
    append_row(reeval_params_, elite);
    for (int64_t k = 0; k < pop_size() && int64_t(reeval_.size()) < validation_; ++k) {
      const int64_t i = r.order[size_t(k)];
      if (i == elite) continue;
      reeval_.push_back(genomes[size_t(i)]);
      append_row(reeval_params_, i);
    }
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(parents_, reeval_, elite_); }
  void load_state(const std::string& in) override {
    detail::from_bytes(in, parents_, reeval_, elite_);
    // the parameter caches are replayed from the seed chains
    const int64_t D = dim();
    parent_params_.assign(parents_.size() * size_t(D), 0.0f);
    reeval_params_.assign(reeval_.size() * size_t(D), 0.0f);
    for (size_t k = 0; k < parents_.size(); ++k)
      replay_genome(parents_[k], mean_init_, init_scale_, sigma_, parent_params_.data() + int64_t(k) * D);
    for (size_t k = 0; k < reeval_.size(); ++k)
      replay_genome(reeval_[k], mean_init_, init_scale_, sigma_, reeval_params_.data() + int64_t(k) * D);
  }

 private:
  int64_t n_reeval() const { return int64_t(reeval_.size()); }
  int64_t parent_of(int64_t i) const {
    if (parents_.empty() || i < n_reeval()) return -1;
    Philox pick(fold_in(row_key(generation_key(book_.generation), i), 0x70617265));
    return int64_t(pick.below(uint32_t(parents_.size())));
  }
  Genome genome_of(int64_t i) const {
    const Key key = row_key(generation_key(book_.generation), i);
    if (parents_.empty()) return Genome{pack_key(key)};
    if (i < n_reeval()) return reeval_[size_t(i)];
    Genome g = parents_[size_t(parent_of(i))];
    g.push_back(pack_key(key));
    return g;
  }

  int64_t truncation_ = 20, validation_ = 10;
  double init_scale_ = 1.0, sigma_ = 0.1;
  std::vector<float> mean_init_;           // (D)
  std::vector<Genome> parents_, reeval_;   // (T), (V) seed chains
  Genome elite_;
  std::vector<float> parent_params_, reeval_params_;  // caches (T, D), (V, D): replayed on load
};

}  // namespace

std::unique_ptr<Strategy> make_deep_ga(const Settings& settings) { return std::make_unique<DeepGa>(settings); }

}  // namespace lamarck::es
