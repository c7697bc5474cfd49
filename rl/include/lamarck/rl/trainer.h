// The inner loop: P independent actor-critic agents trained in lockstep by PPO or A2C, each with its
// own weights, optimiser state, environments, horizon and update-rule parameters, every network call
// batched over the population.
//   PPO: J. Schulman et al., "Proximal Policy Optimization Algorithms", arXiv 1707.06347 (2017), with the
//   implementation details of CleanRL ppo.py and PureJaxRL ppo.py (Huang et al., "The 37 Implementation
//   Details of Proximal Policy Optimization", ICLR blog track 2022).
//   A2C: V. Mnih et al., "Asynchronous Methods for Deep Reinforcement Learning", ICML 2016 (synchronous,
//   GAE advantages, one gradient step per rollout).
//
// One update of agent p = a rollout of T steps on its E envs, GAE, then epochs x minibatches of Adam
// steps whose policy loss comes from the UpdateRule. An agent whose horizon (in updates) is reached stops
// updating; its envs keep stepping with the frozen policy (lockstep), but its curve and final metrics
// are no longer changed.
//
// The trainer runs on exec.device (CPU or CUDA): weights, optimiser state, envs and rollouts live there;
// the per-agent bookkeeping (curves, update counts, learning rates) stays on the host.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/nn/adam.h"
#include "lamarck/core/nn/dense.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/rl/agent.h"
#include "lamarck/rl/ppo_loss.h"
#include "lamarck/rl/trajectory_rule.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::rl {

struct TrainConfig {
  std::string env = "CartPole-v1";
  std::string algo = "ppo";          // ppo | a2c (a2c: one epoch, one minibatch, rule "pg", no value clip)
  std::string rule = "ppo_clip";     // a registered UpdateRule
  std::string rule_file;             // the rule's parameters: a discovered-objective file ("objective", lpo, ...)
  std::string targets = "gae";       // a registered TrajectoryRule: the per-step advantages and value targets
  int64_t num_envs = 4;              // E, per agent
  int64_t num_steps = 128;           // T, rollout length
  int64_t total_timesteps = 500000;  // per agent
  int64_t update_epochs = 4;
  int64_t num_minibatches = 4;
  double lr = 2.5e-4;
  bool anneal_lr = true;
  double gamma = 0.99;
  double gae_lambda = 0.95;
  double clip_eps = 0.2;
  bool clip_value = true;
  bool norm_adv = true;
  double ent_coef = 0.01;
  double vf_coef = 0.5;
  double max_grad_norm = 0.5;        // global-norm gradient clipping per agent; 0 turns it off
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_eps = 1e-5;
  std::vector<int64_t> hidden = {64, 64};
  std::string activation = "tanh";
  double final_window = 0.05;  // fraction of the updates (at least 1) whose episodes make the final return
  uint64_t seed = 1;
  // How a rollout step runs the policy: "layered" = a batched GEMM and a bias pass per layer, then the
  // head; "fused" = one kernel computing each row's whole actor, critic and action (at most
  // nn::kMaxRowLayers - 1 hidden layers, hidden and action widths <= nn::kMaxRowWidth); "auto" = fused on
  // CUDA when the networks fit and the observation has at most nn::kMaxRowWidth values (classic control:
  // there the layered step is a dozen launches of microseconds), else layered. The two agree to rounding.
  std::string policy_step = "auto";

  template <class V>
  void fields(V& v) {
    v("env", env).non_empty();
    v("algo", algo).one_of({"ppo", "a2c"});
    v("rule", rule).non_empty();
    v("rule_file", rule_file);
    v("targets", targets).non_empty();
    v("num_envs", num_envs).at_least(1);
    v("num_steps", num_steps).at_least(1);
    v("total_timesteps", total_timesteps).at_least(1);
    v("update_epochs", update_epochs).at_least(1);
    v("num_minibatches", num_minibatches).at_least(1);
    v("lr", lr).positive();
    v("anneal_lr", anneal_lr);
    v("gamma", gamma).range(0, 1);
    v("gae_lambda", gae_lambda).range(0, 1);
    v("clip_eps", clip_eps).positive();
    v("clip_value", clip_value);
    v("norm_adv", norm_adv);
    v("ent_coef", ent_coef).at_least(0);
    v("vf_coef", vf_coef).at_least(0);
    v("max_grad_norm", max_grad_norm).at_least(0);  // 0 = no gradient clipping
    v("adam_beta1", adam_beta1).range(0, 0.999999);
    v("adam_beta2", adam_beta2).range(0, 0.999999);
    v("adam_eps", adam_eps).positive();
    v("hidden", hidden).non_empty().each_at_least(1);
    v("activation", activation).one_of({"tanh", "relu"});
    v("final_window", final_window).range(0, 1);
    v("seed", seed);
    v("policy_step", policy_step).one_of({"auto", "fused", "layered"});
  }
  // Updates per agent: total_timesteps / (num_envs * num_steps), at least 1.
  int64_t num_updates() const;
  // Checks every field's range and choices (fields(), as parsing does) and their combination (minibatch
  // divisibility, the fused step's limits); throws InvalidArgument.
  void validate() const;
  static std::string fused_limits_message();
};

// What one update reports, per agent.
struct UpdateStats {
  float episode_return = 0;  // mean return of the episodes that ended in this update (NaN if none)
  int32_t episodes = 0;
  LossTerms loss;            // averaged over the update's minibatches
};

class Trainer {
 public:
  // P agents. horizons: per-agent total updates (empty = config.num_updates() for all). rule: null =
  // make_update_rule(config.rule) (algo a2c forces "pg"). streams: the random stream of each agent (empty =
  // 0..P-1): agent p's initial weights, env instances, actions and minibatch shuffles are keyed by
  // (config.seed, streams[p]), so agents with the same seed and stream (in this or another trainer) see the
  // same random numbers, whatever their position in the population (common random numbers).
  // env: the P * E instances to train on (agent p owns [p * E, (p + 1) * E)), on the trainer's device, e.g.
  // with levels of their own (BatchEnv::set_levels); null = envs::make_env(config.env, P * E). A given env
  // is authoritative: config().env becomes its name. The trainer resets it.
  Trainer(const TrainConfig& config, int64_t P, const Exec& exec = {}, std::vector<int64_t> horizons = {},
          std::shared_ptr<const UpdateRule> rule = nullptr, std::vector<uint64_t> streams = {},
          std::unique_ptr<envs::BatchEnv> env = nullptr);
  ~Trainer();

  // Sets the rule parameters of every agent: (P, rule.num_params()), host.
  void set_rule_params(const std::vector<float>& params);
  // Sets the trajectory rule's parameters of every agent: (P, trajectory_rule().num_params()), host.
  void set_trajectory_params(const std::vector<float>& params);
  const TrajectoryRule& trajectory_rule() const { return *targets_; }
  // One lockstep update of every agent. Returns false once every agent has reached its horizon.
  bool update();
  // Runs to the end; on_update(n) after each lockstep update.
  void run(const std::function<void(int64_t)>& on_update = {});

  int64_t population() const { return P_; }
  int64_t max_updates() const;
  int64_t updates_done() const { return global_update_; }
  const std::vector<int64_t>& horizons() const { return horizon_; }
  // curve(p)[n]: the mean episodic return after update n (the last known value where none ended).
  const std::vector<float>& curve(int64_t p) const { return curves_[size_t(p)]; }
  const std::vector<UpdateStats>& last_stats() const { return stats_; }
  // Mean return of the episodes ended within the last final_window of each agent's updates.
  std::vector<double> final_returns() const;
  // Env steps taken per agent so far (including after its horizon).
  int64_t env_steps_per_agent() const { return global_update_ * E_ * T_; }
  const AgentLayout& layout() const { return layout_; }
  std::vector<float> params() const { return params_.to_host(); }
  const TrainConfig& config() const { return config_; }
  // The env the agents train on (levels can be read and written between updates).
  envs::BatchEnv& env() { return *env_; }
  // Wall seconds spent so far collecting rollouts (acting and stepping the envs) and learning from them
  // (GAE, shuffles, minibatch passes, Adam).
  double rollout_seconds() const { return rollout_seconds_; }
  double learn_seconds() const { return learn_seconds_; }
  // The policy step this trainer runs ("fused" or "layered": config.policy_step resolved).
  const char* policy_step() const { return fused_policy_step_ ? "fused" : "layered"; }

 private:
  struct Buffers;
  void collect_rollout();
  void learn();
  void minibatch_step(int64_t mb_size, std::vector<LossTerms>& sum_terms);

  TrainConfig config_;
  int64_t P_, E_, T_, obs_dim_;
  Exec exec_;
  bool fused_policy_step_ = false;  // config.policy_step resolved for this device and network
  std::unique_ptr<envs::BatchEnv> env_;
  std::shared_ptr<const UpdateRule> rule_;
  std::unique_ptr<const TrajectoryRule> targets_;
  std::vector<float> rule_params_;
  std::vector<float> traj_params_;  // (P, targets_->num_params())
  AgentLayout layout_;
  LossSettings loss_settings_;
  nn::AdamConfig adam_config_;
  DeviceArray<float> params_, grads_;
  nn::AdamState adam_;
  std::unique_ptr<Buffers> buf_;
  std::vector<int64_t> update_, horizon_;
  std::vector<uint64_t> streams_;   // (P) random stream of each agent
  DeviceArray<uint64_t> row_ids_;   // (P * E) streams_[p] * E + e: the key index of env instance / action row
  int64_t global_update_ = 0;
  double rollout_seconds_ = 0, learn_seconds_ = 0;
  std::vector<std::vector<float>> curves_;
  std::vector<double> window_sum_;
  std::vector<int64_t> window_count_;
  std::vector<UpdateStats> stats_;
};

}  // namespace lamarck::rl
