// Evaluation of update rules: train `seeds` fresh agents per env and horizon with a rule and report
// the final returns -- mean and 95% interval over seeds (Student t), raw and normalised by a baseline
// table. Used for the held-out evaluation of meta-training and by `lamarck evaluate`.
#pragma once

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/stats.h"
#include "lamarck/learned_objectives/rule_batch.h"
#include "lamarck/meta/config.h"

namespace lamarck::meta {

// Mean and 95% interval of finite values: lamarck::mean_interval (core/stats.h).
using lamarck::MeanInterval;
using lamarck::mean_interval;

struct EvalRow {
  std::string objective;        // a label: "mean", "ppo_clip", a file name...
  std::string env;
  int64_t timesteps = 0;        // env steps per agent
  int64_t seeds = 0;            // agents
  int64_t diverged = 0;         // agents that diverged (counted in the mean as NaN-free: excluded)
  double mean = 0, lo = 0, hi = 0;                 // raw final return, 95% interval
  double norm_mean = 0, norm_lo = 0, norm_hi = 0;  // divided by the env's baseline
  // (seeds) each agent's normalised final return (NaN if diverged), in agent order: agent s of two rows
  // with the same env, horizon and evaluation seed trained on the same randomness (a paired comparison)
  std::vector<double> norm_values;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(CEREAL_NVP(objective), CEREAL_NVP(env), CEREAL_NVP(timesteps), CEREAL_NVP(seeds), CEREAL_NVP(diverged),
       CEREAL_NVP(mean), CEREAL_NVP(lo), CEREAL_NVP(hi), CEREAL_NVP(norm_mean), CEREAL_NVP(norm_lo),
       CEREAL_NVP(norm_hi), CEREAL_NVP(norm_values));
  }
};

// The paired difference a - b of two rows' normalised returns (agent by agent; pairs with a NaN dropped):
// mean and 95% interval. Meaningful for rows evaluated on the same tasks (same env, horizon, seed).
MeanInterval paired_difference(const EvalRow& a, const EvalRow& b);


// The seed of the held-out tasks of (env index, horizon index): a Philox stream no training task uses.
uint64_t held_out_seed(uint64_t seed, int64_t env_index, int64_t horizon_index);

// Trains `seeds` agents per (env, horizon) with `rule` (its own parameters for every agent).
std::vector<EvalRow> evaluate_rule(const Exec& exec, const rl::TrainConfig& inner, const objectives::Rule& rule,
                                   const std::string& label, const std::vector<std::string>& envs,
                                   const std::vector<int64_t>& horizons, int64_t seeds, uint64_t seed,
                                   const MetaConfig& baselines, int64_t* env_steps = nullptr);
// The same for several rules of one kind and constants at once (their agents train together): rule k's
// agents train on the same held-out tasks and streams as rule 0's (paired), and its rows, labelled
// labels[k], are the k-th list. A single rule's rows equal evaluate_rule's.
std::vector<std::vector<EvalRow>> evaluate_rules(const Exec& exec, const rl::TrainConfig& inner,
                                                 const std::vector<objectives::Rule>& rules,
                                                 const std::vector<std::string>& labels,
                                                 const std::vector<std::string>& envs,
                                                 const std::vector<int64_t>& horizons, int64_t seeds, uint64_t seed,
                                                 const MetaConfig& baselines, int64_t* env_steps = nullptr);

// One JSON line of a row (for eval.jsonl); with `ppo`, the row of PPO-clip on the same tasks, it also holds
// the paired difference row - ppo ("vs_ppo_mean", "vs_ppo_lo", "vs_ppo_hi").
std::string eval_row_json(const EvalRow& row, int64_t generation, const EvalRow* ppo = nullptr);
// A readable table of rows; below it, for every row that has a "ppo_clip" row on the same env, horizon
// and number of agents, the paired difference of normalised returns.
std::string eval_table(const std::vector<EvalRow>& rows);
// The "ppo_clip" row of `rows` matching `row`'s env, horizon and agents (null if none).
const EvalRow* matching_ppo_row(const std::vector<EvalRow>& rows, const EvalRow& row);

}  // namespace lamarck::meta
