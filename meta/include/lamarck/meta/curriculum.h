// The curriculum seam of UED runs (ued.h): what levels each seed's student plays, and whether it learns
// from them. A curriculum is one class in meta/src/curricula/ and one line in curricula_registry().
//
// Per update u the run calls, for all seeds at once:
//   before_update(u, trainer, learn)  set levels (BatchEnv::set_levels + reset_instances +
//                                      trainer.restart_episodes) where the curriculum picks them per
//                                      update, and learn[p] (1: seed p's student learns from this rollout)
//   trainer.update(learn)
//   after_update(u, trainer)          score the rollout's levels, update buffers, fill telemetry()
// A curriculum that changes levels per episode instead (domain randomisation) gives an episode hook.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/rl/recurrent_trainer.h"

namespace lamarck::meta {

struct UedConfig;

// What one seed's curriculum did in the last update; NaN (or 0 counts) where it does not apply.
struct CurriculumTelemetry {
  std::string branch = "dr";   // "dr" (new generated levels), "replay" or "mutation"
  bool learned = true;         // the student took gradient steps on this rollout
  // the levels played in this update: means over them (shortest path over the solvable ones)
  int64_t levels = 0;
  double walls = 0, shortest_path = 0, solvable = 0, optimal_return = 0;
  double score = 0;            // mean finite score of the played levels (NaN without scores)
  double mean_return = 0;      // the student's mean episode return on them (NaN where not tracked per level)
  double true_regret = 0;      // mean of optimal return - the student's mean return, over levels with a
                               // finished episode, whatever the score (NaN where not tracked per level)
  // the buffer after the update
  int64_t buffer_size = 0;
  double buffer_max_score = 0, buffer_mean_score = 0, buffer_weighted_score = 0;
  double buffer_score_q25 = 0, buffer_score_median = 0, buffer_score_q75 = 0;
  double buffer_passable_mass = 0;   // replay weight on solvable levels
  double buffer_mutation_depth = 0;  // replay-weighted mean of edits since a generated ancestor
  int64_t dr_updates = 0, replay_updates = 0, mutation_updates = 0;
};

class Curriculum {
 public:
  virtual ~Curriculum() = default;
  // The levels every instance starts on (before the trainer's first reset).
  virtual void initial_levels(envs::BatchEnv& env) = 0;
  // Null: an ended episode replays its level.
  virtual rl::RecurrentTrainer::EpisodeEndHook episode_hook() { return {}; }
  virtual void before_update(int64_t update, rl::RecurrentTrainer& trainer, std::vector<uint8_t>& learn) = 0;
  virtual void after_update(int64_t update, const rl::RecurrentTrainer& trainer) = 0;
  // (seeds): this update's telemetry
  virtual const std::vector<CurriculumTelemetry>& telemetry() const = 0;
  // The buffer's levels with their scores and replay weights, best-weighted first (empty without a
  // buffer): for pictures and dumps.
  struct BufferEntry {
    std::string level;
    float score = 0;
    double weight = 0;
  };
  virtual std::vector<BufferEntry> buffer(int64_t /*seed*/) const { return {}; }
  // Checkpoints (between updates): restore(state()) on a curriculum made from the same config continues
  // identically.
  virtual std::string state() const = 0;
  virtual void restore(const std::string& bytes) = 0;
};

// ACCEL's parents (minimax runners/plr_runner.py _mutate_levels): for a replayed batch with these scores,
// the batch index each of the batch's children is mutated from. "batch": child i from level i; "easy" /
// "hard": the `subsample` lowest / highest scored levels (ties by index), each parent of
// scores.size() / subsample consecutive children. subsample must divide the batch.
std::vector<int64_t> mutation_parents(const std::string& criterion, const std::vector<float>& scores, int64_t subsample);

using CurriculumFactory = std::function<std::unique_ptr<Curriculum>(const UedConfig& config, int64_t seeds, int64_t envs)>;

struct CurriculumEntry {
  std::string name;
  std::string summary;
  CurriculumFactory make;
};
const std::vector<CurriculumEntry>& curricula_registry();
std::vector<std::string> curriculum_names();
std::unique_ptr<Curriculum> make_curriculum(const UedConfig& config, int64_t seeds, int64_t envs);

}  // namespace lamarck::meta
