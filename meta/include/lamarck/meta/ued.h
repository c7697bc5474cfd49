// Unsupervised environment design runs on the maze: a recurrent PPO student (rl/recurrent_trainer.h)
// trained on levels chosen by a curriculum, evaluated on hand-designed holdout levels.
//   M. Dennis et al., "Emergent Complexity and Zero-shot Transfer via Unsupervised Environment Design",
//   NeurIPS 2020 (domain randomisation as the UED baseline); M. Jiang et al., "Replay-Guided Adversarial
//   Environment Design", NeurIPS 2021 (the maze protocol: 13 x 13, 25 walls, holdout mazes, solved =
//   return > 0); S. Coward et al., "JaxUED", arXiv 2403.13091 (examples/maze_dr.py: the settings).
//
// Curricula (curriculum.h, meta/src/curricula/): "dr" draws a fresh level from JaxUED's generator
// (maze/maze.h generate_level) for every episode, as maze_dr.py's AutoResetWrapper does; "plr",
// "robust_plr" and "accel" keep a prioritised level buffer per seed (level_sampler.h) scored by `score`
// (ued_scores.h), as maze_plr.py. Each seed is one agent of the trainer's population (common code, own
// weights, envs, levels, buffer and random streams).
//
// Every eval_every updates (and after the last) each seed plays eval_episodes episodes of every holdout
// level; the run directory gets config.json, train.csv (per update and seed: return, episodes, losses),
// levels.csv (per update and seed: the branch taken, whether the student learned, the played levels'
// walls, shortest path, solvable fraction, optimal return, score, the student's mean return and true
// regret (replay curricula); the buffer's size, score statistics,
// passable mass and mutation depth; the counts of DR, replay and mutation updates), buffer.jsonl (replay
// curricula, per evaluation and seed: the finite scores' 0, 5, ..., 100% quantiles and the 16 best-weighted
// and best-scored levels), eval.csv (per
// evaluation, seed and level: solve rate and mean return) and summary.json (the last evaluation: per level
// and overall, the mean over seeds with its 95% interval), each rewritten atomically after every
// evaluation (summary.json holds no timings, so reruns give equal files); the last evaluation also draws
// seed 0's first attempt at every holdout as plots/rollouts/<level>.gif. The budget is logged in env steps
// and in gradient steps (which differ between seeds of Robust PLR and ACCEL: no gradient step on
// exploratory levels).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/stats.h"
#include "lamarck/meta/curriculum.h"
#include "lamarck/meta/level_sampler.h"
#include "lamarck/rl/recurrent_trainer.h"

namespace lamarck::meta {

struct UedConfig {
  std::string curriculum = "dr";   // curricula_registry(): dr, plr, robust_plr, accel
  int64_t level_width = 13, level_height = 13;
  int64_t n_walls = 25;            // generator draws (with replacement)
  // replay curricula (plr, robust_plr, accel)
  std::string score = "max_mc";    // ued_scores.h: max_mc, pvl, true_regret
  LevelSamplerConfig sampler;
  int64_t num_edits = 5;           // accel: edits per mutation (JaxUED 5, minimax 20)
  std::string mutation_criterion = "batch";  // accel: mutate the replayed batch ("batch"), or its
                                             // mutation_subsample lowest ("easy") / highest ("hard") scored
  int64_t mutation_subsample = 1;  // easy / hard: parents, each mutated num_envs / mutation_subsample times
  int64_t seeds = 1;               // students trained in lockstep
  int64_t eval_every = 250;        // updates
  int64_t eval_episodes = 100;     // per holdout level and seed (DCD: 100)
  int64_t eval_max_steps = 250;
  int64_t checkpoint_every = 0;    // updates; 0: at every evaluation only
  std::vector<std::string> holdouts = {"SixteenRooms", "SixteenRooms2", "Labyrinth", "LabyrinthFlipped",
                                       "Labyrinth2",   "StandardMaze",  "StandardMaze2", "StandardMaze3"};
  rl::RecurrentTrainConfig trainer;

  template <class V>
  void fields(V& v) {
    v("curriculum", curriculum).one_of(curriculum_names());
    v("level_width", level_width).range(2, 32);
    v("level_height", level_height).range(2, 32);
    v("n_walls", n_walls).at_least(0);
    v("score", score).one_of({"max_mc", "pvl", "true_regret"});
    v("sampler", sampler);
    v("num_edits", num_edits).at_least(0);
    v("mutation_criterion", mutation_criterion).one_of({"batch", "easy", "hard"});
    v("mutation_subsample", mutation_subsample).at_least(1);
    v("seeds", seeds).at_least(1);
    v("eval_every", eval_every).at_least(1);
    v("eval_episodes", eval_episodes).at_least(1);
    v("eval_max_steps", eval_max_steps).at_least(1);
    v("checkpoint_every", checkpoint_every).at_least(0);
    v("holdouts", holdouts).non_empty();
    v("trainer", trainer);
  }
  void validate() const;  // fields, n_walls <= cells - 2, holdout names, the subsample divides num_envs;
                          // InvalidArgument
};

// One evaluation of every seed on every holdout level.
struct UedEvaluation {
  int64_t update = 0, env_steps = 0, gradient_steps = 0;  // per seed (gradient steps: the mean over seeds)
  std::vector<std::string> levels;
  std::vector<double> solve_rate, mean_return;  // (seeds, levels)
  // per seed: the mean over levels; over seeds: its mean and 95% interval
  std::vector<double> seed_solve_rate;
  MeanInterval solve_rate_interval, return_interval;
};

struct UedResult {
  std::vector<UedEvaluation> evaluations;
  double seconds = 0;
};

// Runs the whole budget (trainer.num_updates) into run_dir (created; refused when it holds a checkpoint).
// on_update(u) after each update (progress). Every evaluation (and every checkpoint_every updates) writes
// the logs, then checkpoint.bin (the trainer's and the curriculum's state): a crash loses at most the
// updates since. UedResult holds the evaluations of this call.
UedResult run_ued(const UedConfig& config, const std::string& run_dir, const Exec& exec,
                  const std::function<void(int64_t update, const rl::RecurrentTrainer&)>& on_update = {});
// Continues the run in run_dir from its checkpoint (from the start when it has none yet), with the config
// it was started with; the logs are cut back to the checkpoint's update, so a resumed run's files equal an
// uninterrupted run's byte for byte.
UedResult resume_ued(const std::string& run_dir, const Exec& exec,
                     const std::function<void(int64_t update, const rl::RecurrentTrainer&)>& on_update = {});

}  // namespace lamarck::meta
