// The meta-trainer: evolution strategies over the parameters of a learned update rule (LPO, TA-LPO).
//   C. Lu, J. G. Kuba, A. Letcher, L. Metz, C. Schroeder de Witt, J. Foerster, "Discovered Policy
//   Optimisation", NeurIPS 2022 (arXiv 2210.05639); M. T. Jackson, C. Lu, L. Kirsch, R. T. Lange,
//   S. Whiteson, J. N. Foerster, "Discovering Temporally-Aware Reinforcement Learning Algorithms", ICLR 2024
//   (arXiv 2402.05828). Fitness normalisation by PPO returns as in Goldie et al. (learn-rl-algorithms).
//
// One generation (run_generation): ask the strategy for candidates -> draw the tasks -> train one agent per
// candidate and task -> fitness = mean over tasks of final return / baseline(env), NaN (ranked last and
// counted) for a diverged agent -> tell -> log -> every eval_every generations evaluate the mean candidate on
// held-out seeds -> every checkpoint_every generations write a checkpoint. All randomness is derived from
// (seed, generation, ...), and a checkpoint holds the whole state, so a resumed run continues
// bit-identically to an uninterrupted one.
//
// Run directory:
// With config.instances > 1, every instance's metrics, evaluations and objectives are in instance_K/ (a
// directory laid out like a run of one instance); config.json, timing.jsonl and the checkpoint stay here.
//   config.json           the resolved config (every field)
//   metrics.jsonl         one line per generation: fitness mean/best/worst, NaN count, sigma, |mean|
//   eval.jsonl            held-out evaluations (mean candidate, and PPO-clip once) per env and horizon
//   timing.jsonl          per generation: seconds, ES seconds, agent env steps, steps/s (not deterministic)
//   checkpoint.bin        the resumable state (binary, checksummed)
//   objective_mean.json   the current mean of the search distribution as a discovered objective (+ .lmk)
//   objective_best.json   the best candidate seen so far
//   plots/*.png           written by `lamarck plot RUN_DIR`
#pragma once

#include <cereal/types/vector.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/es/strategy.h"
#include "lamarck/learned_objectives/objective_file.h"
#include "lamarck/meta/config.h"
#include "lamarck/meta/evaluate.h"
#include "lamarck/meta/inner_loop.h"
#include "lamarck/meta/task_sampler.h"

namespace lamarck::meta {

// The logs of one search instance (MetaConfig::instances).
struct InstanceLog {
  std::vector<std::string> metrics;   // metrics.jsonl lines
  std::vector<std::string> evals;     // eval.jsonl lines
  std::vector<EvalRow> last_eval;     // the latest evaluation of the instance's mean candidate
  template <class Archive>
  void serialize(Archive& ar) {
    ar(metrics, evals, last_eval);
  }
};

// What a checkpoint holds.
struct MetaState {
  int64_t generation = 0;             // completed generations
  std::string es_state;               // StrategyBatch::state_bytes() (format 4 on; before: Strategy::state_bytes())
  int64_t env_steps = 0;              // agent env steps so far (training and evaluation)
  int64_t diverged = 0;               // diverged agents so far
  std::vector<EvalRow> ppo_eval;      // PPO-clip on the held-out tasks (computed once, shared by the instances)
  std::vector<InstanceLog> instances; // (config.instances)
  std::string sampler_name;           // the TaskSampler of the run, and its state (format version 3 on)
  std::string sampler_state;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(generation, es_state, env_steps, diverged, ppo_eval, instances, sampler_name, sampler_state);
  }
  // Formats 2 (before task samplers: a run of the default sampler, which keeps no state) and 3 (before
  // instances): one search, whose es_state is a Strategy's.
  template <class Archive>
  void load_single(Archive& ar, uint32_t version) {
    instances.assign(1, InstanceLog{});
    InstanceLog& one = instances[0];
    ar(generation, es_state, env_steps, diverged, one.metrics, one.evals, ppo_eval, one.last_eval);
    if (version >= 3) ar(sampler_name, sampler_state);
  }
};

// Timing of one generation (for throughput reports; not part of the checkpoint).
struct GenerationTiming {
  double seconds = 0, es_seconds = 0, inner_seconds = 0, eval_seconds = 0;
  int64_t env_steps = 0;  // training agent steps of this generation
};

class MetaTrainer {
 public:
  // A fresh run into run_dir (created; an existing checkpoint there is an error: use resume). sampler: the
  // tasks of each generation (null: make_default_task_sampler(config)).
  MetaTrainer(MetaConfig config, std::string run_dir, Exec exec = {}, std::unique_ptr<TaskSampler> sampler = nullptr);
  // Continues the run in run_dir from its checkpoint and config.json, with a sampler of the same name as
  // the run's (null: the default), restored from the checkpoint.
  static std::unique_ptr<MetaTrainer> resume(const std::string& run_dir, Exec exec = {},
                                             std::unique_ptr<TaskSampler> sampler = nullptr);

  // Replaces lamarck's trainer for the generations' agents (the held-out evaluation keeps it): a plug for
  // a trainer lamarck does not have, and for tests on a fitness whose optimum is known. Not saved in the
  // checkpoint: a resumed run must be given the same loop again.
  void set_inner_loop(InnerLoop loop) { inner_loop_ = std::move(loop); }

  // Runs generations until `until` have completed (default: all of config.generations).
  void run(int64_t until = -1);
  void run_generation();

  const MetaConfig& config() const { return config_; }
  const MetaState& state() const { return state_; }
  // The search instances (config.instances) and instance k's strategy.
  const es::StrategyBatch& strategies() const { return *es_; }
  const es::Strategy& strategy(int64_t instance = 0) const { return es_->member(instance); }
  const std::string& run_dir() const { return run_dir_; }
  // Where instance k writes its logs and objectives: the run directory for a run of one instance, else
  // run_dir/instance_K (each laid out like a run directory of one instance, config.json included).
  std::string instance_dir(int64_t instance) const;
  const std::vector<GenerationTiming>& timings() const { return timings_; }
  // The rule with instance k's current mean.
  objectives::Rule mean_rule(int64_t instance = 0) const;
  std::string objective_path(int64_t instance = 0) const { return instance_dir(instance) + "/objective_mean.json"; }
  // The tasks of a generation for the population's rows (every instance's, one after another), from the task
  // sampler (the default's: ordered (env, slot, row), pairs (2k, 2k + 1) share their horizon).
  std::vector<AgentTask> sample_tasks(int64_t generation) const;
  const TaskSampler& task_sampler() const { return *sampler_; }
  // Fitness per population row: mean over its tasks of final return / baseline(env); NaN if any agent
  // diverged.
  std::vector<float> score(const std::vector<AgentTask>& tasks, const InnerResult& result) const;

 private:
  MetaTrainer(MetaConfig config, std::string run_dir, Exec exec, std::unique_ptr<TaskSampler> sampler, bool resuming);
  void log_generation(int64_t instance, const es::TellInfo& info, const std::vector<float>& fitness);
  void evaluate_mean();
  void write_outputs();
  void checkpoint();
  void append_timing(const GenerationTiming& t);

  MetaConfig config_;
  std::string run_dir_;
  Exec exec_;
  objectives::RuleKind kind_;
  std::unique_ptr<es::StrategyBatch> es_;
  std::shared_ptr<const rl::UpdateRule> rule_;
  std::unique_ptr<TaskSampler> sampler_;
  InnerLoop inner_loop_;  // empty: train_tasks
  MetaState state_;
  std::vector<GenerationTiming> timings_;
};

}  // namespace lamarck::meta
