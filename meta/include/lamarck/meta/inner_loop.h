// The inner loop of meta-training: train one agent per task with a given update rule and per-agent rule
// parameters, and report each agent's final return. Tasks that share an env and a seed are trained as one
// lockstep population by rl::Trainer (one batched network call per layer for all of them). An agent's
// randomness (initial weights, env instances, actions, minibatch shuffles) is keyed by its (seed, stream),
// not by its position in a population: tasks with equal (env, seed, stream) are common-random-number copies
// that differ only in their rule parameters (and horizon).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/rl/trainer.h"

namespace lamarck::meta {

// One agent's training run.
struct AgentTask {
  std::string env;          // registry name
  int64_t timesteps = 0;    // env steps of the agent's run (its horizon is timesteps / (E * T) updates)
  uint64_t seed = 0;        // agents with the same (env, seed) train in one lockstep population
  int64_t row = 0;          // the row of the parameter matrix this agent uses
  uint64_t stream = 0;      // the agent's random stream under `seed` (rl::Trainer streams)
  std::string level;        // the agent's level: JSON overriding fields of the env's Params for all of
                            // its env instances (BatchEnv::set_levels); "" = the env's own
};

struct InnerResult {
  std::vector<double> final_return;  // (tasks) NaN when the agent diverged (non-finite weights or returns)
  int64_t diverged = 0;
  int64_t env_steps = 0;             // agent env steps taken, learning included
  double seconds = 0.0;
};

// Trains every task. params: (rows, dim) host rule parameters (dim = rule->num_params(), may be 0).
// Tasks with the same (env, seed) are split, in order, into lockstep populations of at most
// agents_per_trainer agents (0 = no limit). On the CPU those populations train in parallel, one per
// thread, each single-threaded: for small networks this coarse split is far faster than threading each
// tiny kernel, and since the split does not depend on the thread count, neither do the results. On CUDA
// the populations run one after another on the device.
InnerResult train_tasks(const Exec& exec, const rl::TrainConfig& inner, std::shared_ptr<const rl::UpdateRule> rule,
                        const std::vector<AgentTask>& tasks, const float* params, int64_t dim,
                        int64_t agents_per_trainer = 0);

// What meta-training calls to train a generation's agents: tasks, and (rows, dim) rule parameters
// (default: train_tasks with the run's settings; MetaTrainer::set_inner_loop plugs in another).
using InnerLoop =
    std::function<InnerResult(const std::vector<AgentTask>& tasks, const float* params, int64_t dim)>;

}  // namespace lamarck::meta
