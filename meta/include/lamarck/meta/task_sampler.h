// The seam where curricula plug into meta-training: which tasks -- env, level, horizon, training seed --
// the candidates of a generation train on, and what the sampler learns from how they did. Meta-training's
// task distributions (the default below), domain randomisation, PLR/ACCEL-style level replay and teacher
// curricula (ALP-GMM) implement it; the meta-trainer only asks for tasks, trains them and reports back.
//
// Determinism: a sampler draws its randomness from counter-based keys (seed, generation, ...) and keeps
// everything else it needs in state(), which the meta-trainer's checkpoint holds, so a resumed run samples
// the same tasks as an uninterrupted one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/meta/config.h"
#include "lamarck/meta/inner_loop.h"

namespace lamarck::meta {

class TaskSampler {
 public:
  virtual ~TaskSampler() = default;
  virtual std::string name() const = 0;
  // The tasks of `generation` (0-based) for candidates 0..pop_size-1 (AgentTask::row): every candidate gets
  // at least one task; its fitness is the mean over its tasks of final return / baseline(env). Tasks with
  // the same (env, seed) train as one lockstep population (see train_tasks), so giving every candidate the
  // same (env, seed, stream, level, horizon) per slot makes their comparison common-random-number paired.
  // A function of (generation, state): it may be called more than once; only update() changes the state.
  virtual std::vector<AgentTask> sample(int64_t generation, int64_t pop_size) const = 0;
  // After the generation trained: result.final_return[i] is what tasks[i]'s agent reached (NaN: diverged).
  virtual void update(int64_t generation, const std::vector<AgentTask>& tasks, const InnerResult& result) {
    (void)generation;
    (void)tasks;
    (void)result;
  }
  // Everything a resumed run needs to continue identically (bytes; empty for a stateless sampler).
  virtual std::string state() const { return {}; }
  virtual void restore(const std::string& state) {
    if (!state.empty()) throw InvalidArgument(name() + ": this task sampler keeps no state, got " +
                                              std::to_string(state.size()) + " bytes");
  }
};

// The LPO / TA-LPO protocol (Lu et al. 2022; Jackson et al. 2024): for every env of config.envs,
// config.tasks_per_candidate slots; each slot draws a training seed, and every candidate trains once per
// slot on that seed and its own random stream (common random numbers: candidates differ only in their
// rule), with a horizon log-uniform in [min_timesteps, max_timesteps] shared by antithetic pairs (2k, 2k+1).
// Tasks are ordered (env, slot, candidate). Stateless: everything is drawn from (seed, generation, slot).
std::unique_ptr<TaskSampler> make_default_task_sampler(const MetaConfig& config);

}  // namespace lamarck::meta
