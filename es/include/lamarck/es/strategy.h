// The ask/tell interface shared by every evolution strategy and genetic algorithm in lamarck.
//
// Design after evosax (R. T. Lange, "evosax: JAX-based evolution strategies", arXiv 2212.04180): the
// public ask/tell do the shared bookkeeping once -- fitness direction, NaN/Inf handling, weight decay,
// fitness shaping, best-so-far, counters -- and each strategy writes only its own `sample` and `update`.
//
//   auto es = make_strategy("cma_es", settings);            // registry.h
//   std::vector<float> x(es->pop_size() * es->dim());
//   es->ask(x.data());                                       // (P, D) candidates, a pure function of the state
//   ... evaluate fitness[0..P) anywhere (the strategy knows nothing about the problem) ...
//   es->tell(x.data(), fitness.data());
//
// Randomness: generation g of a strategy draws from the key derive_key(seed, kEsStream, 0, g); candidate i
// from fold_in(that key, i). Perturbations are regenerated from these keys, so the same seed gives the same
// trajectory on any thread count and after a resume (checkpoints hold only the state, no noise).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/rng.h"

namespace lamarck::es {

enum class Direction { minimize, maximize };
// How raw fitness becomes the utilities a strategy's update sees (higher utility = better candidate).
//   identity: -loss; z_score: -(loss - mean)/std; centered_rank: rank mapped to [-0.5, 0.5];
//   rank_weights: the strategy's own weight per rank (CMA-style recombination weights).
enum class Shaping { identity, z_score, centered_rank, rank_weights };

const char* direction_name(Direction d);
Direction parse_direction(const std::string& name);
const char* shaping_name(Shaping s);
Shaping parse_shaping(const std::string& name);

constexpr uint64_t kEsStream = 0x6573;  // "es": the key stream of every strategy's sampling

// Settings shared by every strategy. Strategy-specific hyperparameters go in `options` by name and are
// validated by the strategy (an unknown name is an error that lists the valid ones).
struct Settings {
  int64_t dim = 0;                      // D, number of parameters
  int64_t pop_size = 0;                 // P, candidates per generation; 0 = the strategy's default
  Direction direction = Direction::minimize;
  uint64_t seed = 0;
  double sigma_init = 1.0;              // initial search scale (step size / mutation std)
  double weight_decay = 0.0;            // adds weight_decay * |x|^2 to the loss before shaping
  std::string shaping;                  // "" = the strategy's default shaping
  std::vector<float> mean_init;         // (D) initial mean; empty = zeros
  std::map<std::string, double> options;  // strategy hyperparameters by name
  Exec exec;                            // where sampling and updates run (not serialized)

  template <class Archive>
  void serialize(Archive& ar) {
    int dir = int(direction);
    ar(dim, pop_size, dir, seed, sigma_init, weight_decay, shaping, mean_init, options);
    direction = Direction(dir);
  }
};

// Bookkeeping written once for every strategy.
struct Bookkeeping {
  int64_t generation = 0;         // completed tells
  int64_t evaluations = 0;        // fitness values received
  int64_t nonfinite = 0;          // NaN/Inf fitness values received (ranked last)
  double best_fitness = 0.0;      // best finite raw fitness so far (in the user's direction)
  bool has_best = false;
  std::vector<float> best_x;      // (D) the candidate that achieved it

  template <class Archive>
  void serialize(Archive& ar) {
    ar(generation, evaluations, nonfinite, best_fitness, has_best, best_x);
  }
};

// What one tell saw (for logs).
struct TellInfo {
  double gen_best = 0.0;      // best finite raw fitness of this generation (NaN when none)
  double gen_mean = 0.0;      // mean of the finite raw fitness values
  int64_t nonfinite = 0;      // NaN/Inf values in this generation
};

// The shaped view of one generation handed to a strategy's update.
struct Ranked {
  std::vector<double> loss;      // (P) minimisation loss: +inf for NaN/Inf, weight decay included
  std::vector<int64_t> order;    // (P) candidate indices, best first (stable)
  std::vector<int64_t> rank;     // (P) rank of each candidate, 0 = best
  std::vector<float> utility;    // (P) shaped fitness, higher = better
};

class Strategy {
 public:
  Strategy(std::string name, Settings settings, Shaping default_shaping);
  virtual ~Strategy() = default;
  Strategy(const Strategy&) = delete;
  Strategy& operator=(const Strategy&) = delete;

  const std::string& name() const { return name_; }
  const Settings& settings() const { return settings_; }
  int64_t dim() const { return settings_.dim; }
  // P of the next ask (restart strategies change it between generations).
  virtual int64_t pop_size() const { return settings_.pop_size; }
  Shaping shaping() const { return shaping_; }
  const Bookkeeping& book() const { return book_; }

  // Fills population (P, D) row-major, on settings().exec.device (every strategy; see device_kernels for
  // which compute there). A pure function of the state: calling it twice gives the same candidates.
  void ask(float* population) const;
  std::vector<float> ask() const;  // host convenience (CPU strategies)
  // Takes the population returned by ask, unchanged, and P raw fitness values (host). NaN/Inf rank last and
  // are counted. (Updates may rely on how ask built it: OpenES reads only the first member of each
  // antithetic pair.)
  TellInfo tell(const float* population, const float* fitness);

  // The current search centre (mean, or best elite for GAs), host copy (D).
  virtual std::vector<float> mean() const = 0;
  // The current overall step size (sigma), for logs.
  virtual double step_size() const = 0;
  // True when the strategy's own termination criteria hold (CMA-ES); restart wrappers use it.
  virtual bool converged() const { return false; }
  // Strategy-specific numbers for logs (e.g. "restarts", "compression_ratio").
  virtual std::map<std::string, double> stats() const { return {}; }

  // Checkpoints: the whole state (settings, bookkeeping, strategy state) as bytes; restoring them into a
  // strategy made with the same settings continues bit-identically. See registry.h for file save/load.
  std::string state_bytes() const;
  void restore_bytes(const std::string& bytes);

  // The key of generation g (common to all strategies).
  Key generation_key(int64_t g) const { return derive_key(settings_.seed, kEsStream, 0, uint64_t(g)); }

 protected:
  virtual void sample(float* population) const = 0;
  virtual void update(const float* population, const Ranked& ranked) = 0;
  // Recombination weights per rank (P), for Shaping::rank_weights.
  virtual std::vector<float> rank_weights(int64_t pop) const;
  virtual void save_state(std::string& out) const = 0;
  virtual void load_state(const std::string& in) = 0;
  // True for strategies whose sample and update run on settings.exec.device themselves (every registered
  // one). A strategy that leaves it false computes on the host: on a CUDA exec the base class stages its
  // population through host memory (ask samples on the host and copies the candidates to the device; tell
  // copies them back before the update), so it still accepts a device population.
  virtual bool device_kernels() const { return false; }
  // Where this strategy's own kernels run: settings.exec, or the CPU for host-staged strategies.
  Exec compute_exec() const {
    if (device_kernels()) return settings_.exec;
    return Exec{Device::cpu, settings_.exec.threads};
  }
  // compute_exec(), narrowed to one CPU thread when `work` (elements touched) is too small to pay for
  // waking a thread team. Results never depend on it (every kernel is thread-count invariant).
  Exec exec_for(int64_t work) const {
    Exec e = compute_exec();
    if (e.device == Device::cpu && work < (int64_t(1) << 16)) e.threads = 1;
    return e;
  }
  // True when ask and tell stage the population through host memory (see device_kernels).
  bool staged() const { return settings_.exec.device != Device::cpu && !device_kernels(); }
  // The initial mean (settings.mean_init or zeros), validated.
  std::vector<float> initial_mean() const;
  // Gaussian candidates of this generation on settings.exec.device. antithetic: rows 2k and 2k + 1 are
  // mean ± s * eps_k for k < P/2; otherwise row k is mean + s * eps_k. eps_k are the normals of
  // row_key(generation_key(generation), k); s is the per-coordinate sigma (host, D) or sigma_scalar where
  // sigma is null. The CPU runs the row sampler, CUDA the per-block kernel: the same bits up to the GPU's
  // rounding of log/sin/cos.
  void sample_gaussian(const std::vector<float>& mean, const std::vector<float>* sigma, float sigma_scalar,
                       float* population, bool antithetic) const;
  // GA offspring (OffspringRows in kernels.h) on settings.exec.device: row k = parents[first[k]] (or a
  // crossover with parents[second[k]]) + scale[k] * the normals of row_key(generation, k). Host inputs.
  struct OffspringPlan {
    std::vector<int32_t> first, second;   // (P); second empty: no crossover
    std::vector<Key> mask_keys;           // (P) with second
    std::vector<uint64_t> mask_word;      // (P) with second
    std::vector<float> scale;             // (P)
    float crossover = 0.0f;
  };
  void sample_offspring(const std::vector<float>& parents, const OffspringPlan& plan, float* population) const;
  // Copies row `row` of the population an update was given (device or host memory) to host memory.
  void copy_row_to_host(const float* population, int64_t row, float* out) const;
  // The noise moments of rows `rows` of this generation (NoiseMoments in kernels.h) on settings.exec.device:
  //   m1[j] = sum_k w1[k] eps_rows[k][j],  m2[j] = sum_k w2[k] (eps_rows[k][j]^2 - 1)  (m2 where w2 is given).
  // Host vectors in and out (sizes: rows.size(), and D out).
  void noise_moments(const std::vector<int64_t>& rows, const std::vector<double>& w1, const std::vector<double>* w2,
                     std::vector<double>& m1, std::vector<double>* m2) const;

  std::string name_;
  Settings settings_;
  Shaping shaping_;
  Bookkeeping book_;
};

// Several independent instances of one strategy advanced as one batch (a leading instance axis).
// Instance 0 uses settings.seed (a batch of one is the strategy alone), instance n > 0 the seed
// fold(settings.seed, n); instances run in parallel over CPU threads. Members may
// have populations of different sizes: IPOP/BIPOP grow each instance's at its own restarts. The batch's
// population is the members' populations one after another: member n's pop_size(n) rows start at row
// offset(n), total_pop_size() rows in all. Sizes can change in tell(): read them again before each ask.
class StrategyBatch {
 public:
  StrategyBatch(const std::string& strategy, const Settings& settings, int64_t instances);
  const std::string& name() const { return name_; }
  const Settings& settings() const { return settings_; }  // the batch's (member n's seed is derived from it)
  int64_t instances() const { return int64_t(members_.size()); }
  int64_t pop_size(int64_t n) const { return members_[size_t(n)]->pop_size(); }
  int64_t offset(int64_t n) const;
  int64_t total_pop_size() const { return offset(instances()); }
  int64_t dim() const { return members_.front()->dim(); }
  // population (total_pop_size(), D); fitness (total_pop_size()), member n's from offset(n).
  void ask(float* population) const;
  // What each member's tell saw (instances()).
  std::vector<TellInfo> tell(const float* population, const float* fitness);
  Strategy& member(int64_t n) { return *members_[size_t(n)]; }
  const Strategy& member(int64_t n) const { return *members_[size_t(n)]; }
  // Checkpoints: every member's state (Strategy::state_bytes, population sizes included); restoring them
  // into a batch made with the same strategy, settings and instances continues bit-identically. Files:
  // registry.h save_batch_checkpoint / load_batch_checkpoint.
  std::string state_bytes() const;
  void restore_bytes(const std::string& bytes);

 private:
  std::vector<int64_t> first_rows() const;  // (N + 1) each member's first row, then the total
  std::string name_;
  Settings settings_;
  std::vector<std::unique_ptr<Strategy>> members_;
  int threads_ = 0;
};

// Reads strategy options by name with defaults, and rejects unknown names (nearest-name suggestion).
class OptionReader {
 public:
  OptionReader(const std::map<std::string, double>& options, std::string strategy)
      : options_(options), strategy_(std::move(strategy)) {}
  double get(const std::string& key, double fallback);
  // Throws InvalidArgument naming any option that no get() asked for.
  void finish() const;

 private:
  const std::map<std::string, double>& options_;
  std::string strategy_;
  std::vector<std::string> known_;
};

}  // namespace lamarck::es
