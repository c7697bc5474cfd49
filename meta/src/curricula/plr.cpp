// Prioritised level replay and its descendants, as JaxUED's examples/maze_plr.py runs them:
//   M. Jiang, E. Grefenstette, T. Rocktäschel, "Prioritized Level Replay", ICML 2021 ("plr");
//   M. Jiang et al., "Replay-Guided Adversarial Environment Design", NeurIPS 2021 ("robust_plr": no
//   gradient step on exploratory levels); J. Parker-Holder et al., "Evolving Curricula with Regret-Based
//   Environment Design", ICML 2022 ("accel": the update after a replay mutates the replayed levels).
//
// Each update every seed takes one branch for all its envs:
//   dr        num_envs fresh generated levels, scored and offered to the buffer
//   replay    num_envs levels drawn from the buffer (level_sampler.h), their scores refreshed
//   mutation  (accel, right after a replay) children of the replayed levels (mutation_parents), num_edits
//             edits each, scored and offered to the buffer
// The branch is replay when the buffer is full enough and a draw falls under replay_prob. Every env of the
// seed starts the update on its level from a zero carry and replays it whenever an episode ends (so a
// replayed level is played again, not replaced by a random one: minimax issue #6). The student learns
// from replays always and from the other branches only for "plr".
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "curricula/curricula.h"
#include "curricula/maze_levels.h"
#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/core/stats.h"
#include "lamarck/meta/ued.h"
#include "lamarck/meta/ued_scores.h"

namespace lamarck::meta {

std::vector<int64_t> mutation_parents(const std::string& criterion, const std::vector<float>& scores, int64_t subsample) {
  const int64_t n = int64_t(scores.size());
  std::vector<int64_t> parents(static_cast<size_t>(n));
  if (criterion == "batch") {
    std::iota(parents.begin(), parents.end(), 0);
    return parents;
  }
  if (criterion != "easy" && criterion != "hard")
    throw InvalidArgument("mutation criterion \"" + criterion + "\" (known: batch, easy, hard)");
  if (subsample < 1 || subsample > n || n % subsample != 0)
    throw InvalidArgument("mutation subsample " + std::to_string(subsample) + " must divide the batch of " + std::to_string(n));
  // one flat order over the batch (dcd PR #12: sorting an un-flattened (N, 1) array picked wrong parents)
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const bool easy = criterion == "easy";
  auto key = [&](int64_t i) {
    const float s = scores[size_t(i)];
    return std::isnan(s) ? (easy ? HUGE_VAL : -HUGE_VAL) : double(s);
  };
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return easy ? key(a) < key(b) : key(a) > key(b); });
  const int64_t repeat = n / subsample;
  for (int64_t i = 0; i < n; ++i) parents[size_t(i)] = order[size_t(i / repeat)];
  return parents;
}

namespace curricula {

namespace {

constexpr uint64_t kBranchStream = 0x6272616e6368ull;  // "branch"
constexpr uint64_t kNewStream = 0x6e6577ull;           // "new"
constexpr uint64_t kReplayStream = 0x7265706c6179ull;  // "replay"
constexpr uint64_t kMutateStream = 0x6d75746174ull;    // "mutat"
constexpr uint64_t kResetStream = 0x7265736574ull;     // "reset"

enum class Branch { dr, replay, mutation };
const char* branch_name(Branch b) { return b == Branch::dr ? "dr" : b == Branch::replay ? "replay" : "mutation"; }

class PrioritisedReplay final : public Curriculum {
 public:
  PrioritisedReplay(const std::string& kind, const UedConfig& c, int64_t seeds, int64_t envs)
      : c_(c), P_(seeds), E_(envs), score_(parse_ued_score(c.score)), learn_exploratory_(kind == "plr"),
        mutate_(kind == "accel"), telemetry_(size_t(seeds)) {
    for (int64_t p = 0; p < P_; ++p) seeds_.emplace_back(c.sampler);
  }

  void initial_levels(envs::BatchEnv&) override {}  // before_update sets every level

  void before_update(int64_t u, rl::RecurrentTrainer& trainer, std::vector<uint8_t>& learn) override {
    std::vector<int64_t> rows;
    std::vector<std::string> texts;
    std::vector<uint64_t> ids;
    const uint64_t seed = c_.trainer.seed;
    for (int64_t p = 0; p < P_; ++p) {
      Seed& s = seeds_[size_t(p)];
      Philox branch_rng(derive_key(seed, kBranchStream, uint64_t(p), uint64_t(u)));
      const bool replay = s.sampler.sample_replay_decision(branch_rng);  // drawn every update: one stream
      s.branch = mutate_ && s.branch == Branch::replay ? Branch::mutation : replay ? Branch::replay : Branch::dr;
      s.levels.clear();
      s.slots.assign(size_t(E_), -1);
      s.previous_max.assign(size_t(E_), -std::numeric_limits<float>::infinity());
      s.depth.assign(size_t(E_), 0);
      if (s.branch == Branch::dr) {
        for (int64_t e = 0; e < E_; ++e) {
          Philox rng(derive_key(seed, kNewStream, uint64_t(p * E_ + e), uint64_t(u)));
          s.levels.push_back(maze_level(envs::maze::generate_level(int(c_.level_width), int(c_.level_height), int(c_.n_walls), rng)));
        }
      } else if (s.branch == Branch::replay) {
        Philox rng(derive_key(seed, kReplayStream, uint64_t(p), uint64_t(u)));
        s.slots = s.sampler.sample_replay_levels(rng, E_);
        for (int64_t e = 0; e < E_; ++e) {
          const int64_t slot = s.slots[size_t(e)];
          s.levels.push_back(maze_level(s.sampler.level(slot)));
          s.previous_max[size_t(e)] = s.sampler.extra(slot).max_return;
          s.depth[size_t(e)] = s.sampler.extra(slot).mutations;
        }
      } else {
        const std::vector<int64_t> parents = mutation_parents(c_.mutation_criterion, s.replay_scores, c_.mutation_subsample);
        for (int64_t e = 0; e < E_; ++e) {
          const int64_t parent = parents[size_t(e)];
          envs::maze::Layout child = s.replay_levels[size_t(parent)].layout;
          Philox rng(derive_key(seed, kMutateStream, uint64_t(p * E_ + e), uint64_t(u)));
          envs::maze::mutate_level(child, int(c_.num_edits), rng);
          s.levels.push_back(maze_level(child));
          s.depth[size_t(e)] = s.replay_depth[size_t(parent)] + int32_t(c_.num_edits);
        }
      }
      learn[size_t(p)] = s.branch == Branch::replay || learn_exploratory_ ? 1 : 0;
      for (int64_t e = 0; e < E_; ++e) {
        rows.push_back(p * E_ + e);
        texts.push_back(s.levels[size_t(e)].text);
        ids.push_back(uint64_t(u) * uint64_t(P_ * E_) + uint64_t(p * E_ + e));
      }
    }
    envs::BatchEnv& env = trainer.env();
    env.set_levels(rows, texts);
    env.reset_instances(derive_key(seed, kResetStream, 0, 0).w[0], rows, ids.data());
    trainer.restart_episodes(rows);
  }

  void after_update(int64_t, const rl::RecurrentTrainer& trainer) override {
    RolloutView v;
    v.T = c_.trainer.num_steps;
    v.rows = trainer.rollout_rows();
    v.dones = trainer.rollout_dones();
    v.rewards = trainer.rollout_rewards();
    v.values = trainer.rollout_values();
    v.advantages = trainer.rollout_advantages();
    for (int64_t p = 0; p < P_; ++p) {
      Seed& s = seeds_[size_t(p)];
      std::vector<float> scores(static_cast<size_t>(E_));
      double return_sum = 0, regret_sum = 0;
      int64_t finished = 0;
      for (int64_t e = 0; e < E_; ++e) {
        const MazeLevel& level = s.levels[size_t(e)];
        const RowScore rs = score_row(score_, v, p * E_ + e, s.previous_max[size_t(e)], level.stats.optimal_return);
        scores[size_t(e)] = rs.score;
        if (rs.episodes > 0) {
          return_sum += rs.mean_return;
          regret_sum += double(level.stats.optimal_return) - rs.mean_return;
          ++finished;
        }
        LevelExtra extra;
        extra.max_return = rs.max_return;
        extra.mutations = s.depth[size_t(e)];
        extra.optimal_return = level.stats.optimal_return;
        if (s.branch == Branch::replay)
          s.sampler.update(s.slots[size_t(e)], rs.score, extra);
        else
          s.sampler.insert(level.text, rs.score, extra);
      }
      if (s.branch == Branch::replay) {
        s.replay_levels = s.levels;
        s.replay_scores = scores;
        s.replay_depth = s.depth;
      }
      fill_telemetry(s, scores, telemetry_[size_t(p)]);
      const double nan = std::numeric_limits<double>::quiet_NaN();
      telemetry_[size_t(p)].mean_return = finished ? return_sum / double(finished) : nan;
      telemetry_[size_t(p)].true_regret = finished ? regret_sum / double(finished) : nan;
    }
  }

  const std::vector<CurriculumTelemetry>& telemetry() const override { return telemetry_; }

  std::string state() const override {
    std::ostringstream out;
    {
      cereal::PortableBinaryOutputArchive ar(out);
      ar(int64_t(seeds_.size()), telemetry_counts(telemetry_));
      for (const Seed& s : seeds_) {
        const LevelSampler::State st = s.sampler.state();
        std::vector<float> max_return, optimal;
        std::vector<int32_t> mutations;
        for (const LevelExtra& e : st.extras) {
          max_return.push_back(e.max_return);
          mutations.push_back(e.mutations);
          optimal.push_back(e.optimal_return);
        }
        std::vector<std::string> replay_texts;
        for (const MazeLevel& l : s.replay_levels) replay_texts.push_back(l.text);
        ar(st.levels, st.scores, st.timestamps, max_return, mutations, optimal, st.episode_count, int32_t(s.branch),
           replay_texts, s.replay_scores, s.replay_depth);
      }
    }
    return out.str();
  }

  void restore(const std::string& bytes) override {
    std::istringstream in(bytes);
    cereal::PortableBinaryInputArchive ar(in);
    int64_t seeds = 0;
    std::vector<int64_t> counts;
    ar(seeds, counts);
    if (seeds != P_) throw InvalidArgument("curriculum checkpoint: " + std::to_string(seeds) + " seeds, not " + std::to_string(P_));
    restore_telemetry_counts(counts, telemetry_);
    for (Seed& s : seeds_) {
      LevelSampler::State st;
      std::vector<float> max_return, optimal;
      std::vector<int32_t> mutations;
      int32_t branch = 0;
      std::vector<std::string> replay_texts;
      ar(st.levels, st.scores, st.timestamps, max_return, mutations, optimal, st.episode_count, branch, replay_texts,
         s.replay_scores, s.replay_depth);
      if (max_return.size() != st.levels.size() || mutations.size() != st.levels.size() || optimal.size() != st.levels.size())
        throw InvalidArgument("curriculum checkpoint: buffer arrays differ in length");
      for (size_t i = 0; i < st.levels.size(); ++i) {
        LevelExtra e;
        e.max_return = max_return[i];
        e.mutations = mutations[i];
        e.optimal_return = optimal[i];
        st.extras.push_back(e);
      }
      s.sampler.restore(st);
      s.branch = Branch(branch);
      s.replay_levels.clear();
      for (const std::string& t : replay_texts) s.replay_levels.push_back(maze_level(t));
    }
  }

  std::vector<BufferEntry> buffer(int64_t seed) const override {
    const LevelSampler& b = seeds_[size_t(seed)].sampler;
    const std::vector<double> w = b.replay_weights();
    std::vector<BufferEntry> out;
    for (int64_t i = 0; i < b.size(); ++i) out.push_back(BufferEntry{b.level(i), b.score(i), w[size_t(i)]});
    std::stable_sort(out.begin(), out.end(), [](const BufferEntry& a, const BufferEntry& b) { return a.weight > b.weight; });
    return out;
  }

 private:
  struct Seed {
    explicit Seed(const LevelSamplerConfig& config) : sampler(config) {}
    LevelSampler sampler;
    Branch branch = Branch::dr;
    // this update's levels (num_envs), their buffer slots (replay; else -1), previous R_max, mutation depth
    std::vector<MazeLevel> levels;
    std::vector<int64_t> slots;
    std::vector<float> previous_max;
    std::vector<int32_t> depth;
    // the last replayed batch: ACCEL's parents
    std::vector<MazeLevel> replay_levels;
    std::vector<float> replay_scores;
    std::vector<int32_t> replay_depth;
  };

  void fill_telemetry(const Seed& s, const std::vector<float>& scores, CurriculumTelemetry& t) const {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    t.branch = branch_name(s.branch);
    t.learned = s.branch == Branch::replay || learn_exploratory_;
    std::vector<const MazeLevel*> played;
    for (const MazeLevel& l : s.levels) played.push_back(&l);
    describe_levels(played, t);
    double sum = 0;
    int64_t finite = 0;
    for (float x : scores)
      if (std::isfinite(x)) {
        sum += x;
        ++finite;
      }
    t.score = finite ? sum / double(finite) : nan;
    (s.branch == Branch::dr ? t.dr_updates : s.branch == Branch::replay ? t.replay_updates : t.mutation_updates) += 1;
    // the buffer
    const LevelSampler& b = s.sampler;
    t.buffer_size = b.size();
    const std::vector<double> w = b.replay_weights();
    std::vector<double> finite_scores;
    double weighted = 0, mass = 0, depth = 0;
    for (int64_t i = 0; i < b.size(); ++i) {
      const float x = b.score(i);
      if (std::isfinite(x)) {
        finite_scores.push_back(x);
        weighted += w[size_t(i)] * x;
      }
      if (b.extra(i).optimal_return > 0) mass += w[size_t(i)];
      depth += w[size_t(i)] * b.extra(i).mutations;
    }
    t.buffer_max_score = finite_scores.empty() ? nan : *std::max_element(finite_scores.begin(), finite_scores.end());
    t.buffer_mean_score = finite_scores.empty() ? nan
                                                : std::accumulate(finite_scores.begin(), finite_scores.end(), 0.0) /
                                                      double(finite_scores.size());
    t.buffer_weighted_score = b.size() ? weighted : nan;
    t.buffer_score_q25 = quantile(finite_scores, 0.25);
    t.buffer_score_median = quantile(finite_scores, 0.5);
    t.buffer_score_q75 = quantile(finite_scores, 0.75);
    t.buffer_passable_mass = b.size() ? mass : nan;
    t.buffer_mutation_depth = b.size() ? depth : nan;
  }

  const UedConfig& c_;
  int64_t P_, E_;
  UedScore score_;
  bool learn_exploratory_, mutate_;
  std::vector<Seed> seeds_;
  std::vector<CurriculumTelemetry> telemetry_;
};

}  // namespace

std::unique_ptr<Curriculum> make_prioritised_replay(const std::string& kind, const UedConfig& c, int64_t seeds, int64_t envs) {
  return std::make_unique<PrioritisedReplay>(kind, c, seeds, envs);
}

}  // namespace curricula

}  // namespace lamarck::meta
