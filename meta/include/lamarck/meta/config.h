// The meta-training config: which rule to discover, the strategy that searches its parameters, the task
// distribution the candidates are scored on, the fitness normalisation, evaluation and checkpoints, and
// the inner-loop PPO settings. One field list (fields()) drives parsing, validation and config.json.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/learned_objectives/rule_batch.h"
#include "lamarck/rl/trainer.h"

namespace lamarck::meta {

// The return that counts as "1" for an env (PPO's final return by default; learned_objectives.md §9).
struct Baseline {
  std::string env;
  double value = 1.0;  // return units of the env
  template <class V>
  void fields(V& v) {
    v("env", env).non_empty();
    v("value", value).positive();
  }
};

// A strategy hyperparameter by name (see the strategy's header for the names).
struct EsOption {
  std::string name;
  double value = 0.0;
  template <class V>
  void fields(V& v) {
    v("name", name).non_empty();
    v("value", value);
  }
};

struct MetaConfig {
  std::string rule = "lpo";            // the learned rule: a table rule with parameters (lpo | ta_lpo)
  // ---- the outer loop (es/)
  std::string strategy = "open_es";
  int64_t pop_size = 16;               // candidates per generation (even for antithetic strategies)
  double sigma = 0.03;                 // initial search scale
  double lr = 0.03;                    // open_es: Adam learning rate of the mean
  double sigma_decay = 1.0;            // open_es: per generation
  double lr_decay = 1.0;               // open_es: per generation
  std::string shaping = "centered_rank";
  std::vector<EsOption> es_options;    // any other strategy option
  int64_t generations = 20;
  uint64_t seed = 0;
  // Independent searches (meta-seeds) run as one es::StrategyBatch: instance 0 is the run of `seed`, instance
  // k > 0 searches with a seed derived from it, from the same start. Each instance keeps its own search
  // distribution, logs and objectives (run_dir/instance_K/ when instances > 1); the generation's agents of
  // every instance train together, on the generation's shared task draws (common random numbers across
  // instances too). A measure of how reliably a config discovers, in one run.
  int64_t instances = 1;
  // ---- the task distribution: each candidate trains one agent per env per task slot
  std::vector<std::string> envs = {"CartPole-v1"};
  int64_t tasks_per_candidate = 1;     // task slots (distinct seeds and horizons) per env
  int64_t min_timesteps = 50000;       // inner-run length per agent, drawn log-uniformly in
  int64_t max_timesteps = 50000;       //   [min, max] env steps (shared by an antithetic pair)
  std::vector<Baseline> baselines = {{"CartPole-v1", 475.0}};
  // ---- held-out evaluation of the mean candidate (and of PPO at the same budgets, once)
  int64_t eval_every = 5;              // generations (0 = only at the end)
  int64_t eval_seeds = 8;              // agents per env and horizon, on seeds never used in training
  std::vector<int64_t> eval_timesteps; // horizons to evaluate (empty = max_timesteps)
  bool eval_ppo = true;                // also evaluate PPO-clip on the same held-out tasks
  int64_t checkpoint_every = 1;        // generations
  // ---- the inner loop
  int64_t agents_per_trainer = 4;      // lockstep population size (CPU: populations train in parallel)
  rl::TrainConfig inner;

  template <class V>
  void fields(V& v) {
    v("rule", rule).one_of(objectives::learnable_rule_names());
    v("strategy", strategy).non_empty();
    v("pop_size", pop_size).at_least(2);
    v("sigma", sigma).positive();
    v("lr", lr).positive();
    v("sigma_decay", sigma_decay).range(0, 1);
    v("lr_decay", lr_decay).range(0, 1);
    v("shaping", shaping).one_of({"identity", "z_score", "centered_rank", "rank_weights"});
    v("es_options", es_options);
    v("generations", generations).at_least(1);
    v("seed", seed);
    v("instances", instances).at_least(1);
    v("envs", envs).non_empty();
    v("tasks_per_candidate", tasks_per_candidate).at_least(1);
    v("min_timesteps", min_timesteps).at_least(1);
    v("max_timesteps", max_timesteps).at_least(1);
    v("baselines", baselines);
    v("eval_every", eval_every).at_least(0);
    v("eval_seeds", eval_seeds).at_least(1);
    v("eval_timesteps", eval_timesteps);
    v("eval_ppo", eval_ppo);
    v("checkpoint_every", checkpoint_every).at_least(1);
    v("agents_per_trainer", agents_per_trainer).at_least(0);
    v("inner", inner);
  }
  // Cross-field checks (min <= max, a baseline for every env, the strategy name, the inner config).
  void validate() const;
  double baseline(const std::string& env) const;
  std::vector<int64_t> eval_horizons() const;
};

MetaConfig load_meta_config(const std::string& path);

}  // namespace lamarck::meta
