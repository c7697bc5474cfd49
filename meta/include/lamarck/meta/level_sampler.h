// The prioritised level replay buffer of PLR, Robust PLR and ACCEL.
//   M. Jiang, E. Grefenstette, T. Rocktäschel, "Prioritized Level Replay", ICML 2021 (score and staleness
//   mixture, rank and top-k prioritisation, replay probability); M. Jiang et al., "Replay-Guided
//   Adversarial Environment Design", NeurIPS 2021 (Robust PLR); J. Parker-Holder et al., "Evolving
//   Curricula with Regret-Based Environment Design", ICML 2022 (ACCEL: mutated levels enter the same
//   buffer). Semantics of JaxUED's LevelSampler (DramaCow/jaxued src/jaxued/level_sampler.py):
//
//   score weights   rank: h(S_i) = 1 / rank(S_i) (ranks from 1, highest score first, ties by buffer
//                   index), P_S = h^(1/T) / sum h^(1/T);  topk: softmax of the scores of the k best
//                   (others 0; when all of those are -inf, uniform over them)
//   staleness       C_i = episode_count - timestamp_i, P_C = C / sum C (uniform when every C is 0)
//   replay weights  P = (1 - rho) P_S + rho P_C          (rho = staleness_coef)
//   replay decision size / capacity >= min_fill_ratio and u < replay_prob
//   sampling        one level at a time; each draw stamps the drawn level with ++episode_count, so later
//                   draws of a batch see its staleness reset (JaxUED's scan)
//   insertion       into slot `size` while not full, else into the slot of least replay weight, and only
//                   if the new score beats the slot's; episode_count += 1 per offered level. With
//                   duplicate_check a level already held only has its score and extras refreshed (and its
//                   timestamp stamped).
//
// The two bugs minimax fixed in v0.2.0 (issue #7) cannot happen here: ranks start at 1, and the
// temperature is the exponent 1/T. Levels are opaque text (BatchEnv::set_levels' JSON), so the buffer
// serves any env with levels; duplicates are found by exact text.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "lamarck/core/rng.h"

namespace lamarck::meta {

struct LevelSamplerConfig {
  int64_t capacity = 4000;
  double replay_prob = 0.8;
  double staleness_coef = 0.3;   // rho
  double min_fill_ratio = 0.5;   // of capacity, before any replay
  std::string prioritization = "rank";  // "rank" or "topk"
  double temperature = 0.3;      // rank: the exponent is 1 / temperature
  int64_t topk_k = 4;            // topk
  bool duplicate_check = true;

  template <class V>
  void fields(V& v) {
    v("capacity", capacity).at_least(1);
    v("replay_prob", replay_prob).range(0, 1);
    v("staleness_coef", staleness_coef).range(0, 1);
    v("min_fill_ratio", min_fill_ratio).range(0, 1);
    v("prioritization", prioritization).one_of({"rank", "topk"});
    v("temperature", temperature).positive();
    v("topk_k", topk_k).at_least(1);
    v("duplicate_check", duplicate_check);
  }
};

// What is kept beside each level.
struct LevelExtra {
  float max_return = 0.0f;      // the best episode return seen on the level (MaxMC's reference)
  int32_t mutations = 0;        // edits since a generated ancestor (ACCEL's mutation depth)
  float optimal_return = NAN;   // the level's optimal return where the env has an oracle (the maze's
                                // shortest path), else NaN; > 0 means solvable
};

class LevelSampler {
 public:
  explicit LevelSampler(const LevelSamplerConfig& config);

  const LevelSamplerConfig& config() const { return config_; }
  int64_t size() const { return size_; }
  int64_t capacity() const { return config_.capacity; }
  int64_t episode_count() const { return episode_count_; }
  double proportion_filled() const { return double(size_) / double(config_.capacity); }

  // Slots [0, size()) hold levels.
  const std::string& level(int64_t i) const { return levels_[size_t(i)]; }
  float score(int64_t i) const { return scores_[size_t(i)]; }
  int64_t timestamp(int64_t i) const { return timestamps_[size_t(i)]; }
  const LevelExtra& extra(int64_t i) const { return extras_[size_t(i)]; }

  // The weights of every slot (capacity values; 0 beyond size()).
  std::vector<double> score_weights() const;
  std::vector<double> staleness_weights() const;
  std::vector<double> replay_weights() const;

  // Draws u from rng: replay when the buffer is full enough and u < replay_prob.
  bool sample_replay_decision(Philox& rng) const;
  // n draws, one at a time (see above); the slots drawn. The buffer must not be empty.
  std::vector<int64_t> sample_replay_levels(Philox& rng, int64_t n);
  // Offers a level; returns its slot, or -1 when it was not kept.
  int64_t insert(const std::string& level, float score, const LevelExtra& extra);
  // A replayed level's new score and extras.
  void update(int64_t slot, float score, const LevelExtra& extra);
  // The slot holding this exact level, or -1.
  int64_t find(const std::string& level) const;

  // The whole state, for checkpoints: restore(state()) gives an identical sampler.
  struct State {
    std::vector<std::string> levels;
    std::vector<float> scores;
    std::vector<int64_t> timestamps;
    std::vector<LevelExtra> extras;
    int64_t episode_count = 0;
  };
  State state() const;
  void restore(const State& s);

 private:
  int64_t next_slot() const;

  LevelSamplerConfig config_;
  int64_t size_ = 0, episode_count_ = 0;
  std::vector<std::string> levels_;
  std::vector<float> scores_;
  std::vector<int64_t> timestamps_;
  std::vector<LevelExtra> extras_;
  std::unordered_map<std::string, int64_t> index_;  // level text -> slot
};

}  // namespace lamarck::meta
