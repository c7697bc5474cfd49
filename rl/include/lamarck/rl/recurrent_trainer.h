// PPO with a recurrent policy (recurrent_agent.h) for P agents in lockstep, as JaxUED's maze examples
// train their student (examples/maze_plr.py `update_actor_critic_rnn`, maze_dr.py):
//   J. Schulman et al., "Proximal Policy Optimization Algorithms", arXiv 1707.06347 (2017);
//   S. Coward, M. Beukman, J. Foerster, "JaxUED", arXiv 2403.13091 (the recurrent variant below).
//
// One update = a rollout of T steps on each agent's E envs, the LSTM carry running across steps and
// reset to zeros where an episode starts (and carried over from the previous update), GAE, then epochs x
// minibatches of Adam steps. A minibatch is a subset of the envs with their whole T-step sequences; its
// forward pass restarts from the carry the rollout started with and backpropagates through all T steps.
// Losses as the reference: clipped policy loss on normalised advantages, clipped value loss (0.5 mean of
// the larger squared error), entropy bonus; global gradient-norm clipping; Adam (eps 1e-5) with the
// learning rate annealed linearly over the updates.
//
// Levels: after every env step, `on_episode_end` (optional) gets the instances whose episode ended; it may
// write new levels and reset those instances (domain randomisation draws a fresh level there, as JaxUED's
// AutoResetWrapper). The observation the policy sees next is whatever the env then holds. Without the hook
// an ended episode restarts on the same level (JaxUED's AutoReplayWrapper). A curriculum that sets every
// level before an update (PLR, ACCEL) resets those instances and calls restart_episodes, so the rollout
// starts fresh episodes from zero carries, as JaxUED's maze_plr.py does each update.
//
// Learning may be skipped per agent (Robust PLR takes no gradient step on exploratory levels): update's
// `learn` mask. An agent's learning rate anneals over the updates it learned from (optax's step count).
//
// The trainer runs on the CPU (its layers, core/nn, also run on CUDA; the trainer's device loop does not
// yet: a CUDA exec is refused).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/rl/ppo_loss.h"
#include "lamarck/rl/recurrent_agent.h"

namespace lamarck::rl {

struct RecurrentTrainConfig {
  int64_t num_envs = 32;          // E per agent (JaxUED num_train_envs)
  int64_t num_steps = 256;        // T per rollout
  int64_t num_updates = 30000;
  int64_t update_epochs = 5;
  int64_t num_minibatches = 1;    // splits the envs; must divide num_envs
  double lr = 1e-4;
  bool anneal_lr = true;
  double gamma = 0.995;
  double gae_lambda = 0.98;
  double clip_eps = 0.2;          // policy ratio and value clip
  double ent_coef = 1e-3;
  double vf_coef = 0.5;
  double max_grad_norm = 0.5;
  double adam_eps = 1e-5;
  int64_t conv_filters = 16, embed_dim = 5, lstm_hidden = 256, head_hidden = 32;
  uint64_t seed = 0;

  template <class V>
  void fields(V& v) {
    v("num_envs", num_envs).at_least(1);
    v("num_steps", num_steps).at_least(1);
    v("num_updates", num_updates).at_least(1);
    v("update_epochs", update_epochs).at_least(1);
    v("num_minibatches", num_minibatches).at_least(1);
    v("lr", lr).positive();
    v("anneal_lr", anneal_lr);
    v("gamma", gamma).range(0, 1);
    v("gae_lambda", gae_lambda).range(0, 1);
    v("clip_eps", clip_eps).positive();
    v("ent_coef", ent_coef).at_least(0);
    v("vf_coef", vf_coef).at_least(0);
    v("max_grad_norm", max_grad_norm).at_least(0);
    v("adam_eps", adam_eps).positive();
    v("conv_filters", conv_filters).at_least(1);
    v("embed_dim", embed_dim).at_least(1);
    v("lstm_hidden", lstm_hidden).at_least(1);
    v("head_hidden", head_hidden).at_least(1);
    v("seed", seed);
  }
  void validate() const;  // ranges and num_envs % num_minibatches; InvalidArgument
  RecurrentAgentShape shape(int64_t action_dim) const;
};

struct RecurrentUpdateStats {
  double episode_return = 0;  // mean return of the episodes that ended in this update (NaN if none)
  int64_t episodes = 0;
  LossTerms loss;             // averaged over the update's minibatches and epochs
};

// Per agent and level: the mean return and the fraction solved (return > 0) of `episodes` attempts.
struct LevelEvaluation {
  int64_t P = 0, L = 0;
  std::vector<double> mean_return, solve_rate;  // (P, L)
};

class RecurrentTrainer {
 public:
  using EpisodeEndHook = std::function<void(envs::BatchEnv& env, const std::vector<int64_t>& ended)>;
  // P agents on env (P * num_envs instances, agent p owns [p E, (p + 1) E)), observations laid out as
  // recurrent_agent.h expects (image, then the direction). Agent p's weights and actions are keyed by
  // (config.seed, p).
  RecurrentTrainer(const RecurrentTrainConfig& config, int64_t P, const Exec& exec, std::unique_ptr<envs::BatchEnv> env,
                   EpisodeEndHook on_episode_end = {});
  ~RecurrentTrainer();

  // One lockstep update: every agent's rollout (and its GAE), then the learning pass of the agents with
  // learn[p] != 0 (learn null: all). The rollout stays readable until the next update.
  void update(const uint8_t* learn = nullptr);
  // The listed rows (instances) start new episodes at the next step: the carry restarts from zeros and a
  // running return is dropped. The caller has reset those env instances.
  void restart_episodes(const std::vector<int64_t>& rows);
  int64_t updates_done() const { return updates_; }
  int64_t env_steps_per_agent() const { return updates_ * config_.num_envs * config_.num_steps; }
  // Gradient steps agent p took (epochs x minibatches per update it learned from).
  int64_t gradient_steps(int64_t p) const { return learned_updates_[size_t(p)] * config_.update_epochs * config_.num_minibatches; }
  int64_t learned_updates(int64_t p) const { return learned_updates_[size_t(p)]; }

  // The last rollout, time-major (T, P * num_envs): element (t, r) at t * rows + r.
  int64_t rollout_rows() const;
  const uint8_t* rollout_dones() const;
  const float* rollout_rewards() const;
  const float* rollout_values() const;
  const float* rollout_advantages() const;
  const std::vector<RecurrentUpdateStats>& last_stats() const { return stats_; }
  const RecurrentAgentLayout& layout() const { return layout_; }
  const std::vector<float>& params() const { return params_; }  // (P, num_params), host
  envs::BatchEnv& env() { return *env_; }
  const envs::BatchEnv& env() const { return *env_; }

  // Checkpoints: everything that decides the trainer's future (updates done, weights, Adam moments and
  // steps, carries, episode flags and running returns, every env instance's level and the env's
  // snapshot); restore_bytes on a trainer built with the same config, P and env continues bit-identically.
  std::string state_bytes() const;
  void restore_bytes(const std::string& bytes);

  // Each agent plays `episodes` episodes of every level (JSON as BatchEnv::set_levels takes) on an env of
  // the training env's name, stochastic policy from fresh carries, until every first episode ended or
  // max_steps passed; keys from (seed, agent). Returns per agent and level the mean return and solve rate.
  // first_actions (optional): per (agent, level) the actions of attempt 0 until its episode ended (or
  // max_steps), for replays and pictures.
  LevelEvaluation evaluate(const std::vector<std::string>& levels, int64_t episodes, int64_t max_steps,
                           uint64_t seed, std::vector<std::vector<int32_t>>* first_actions = nullptr) const;

 private:
  struct Buffers;
  void rollout();
  void advantages();
  void learn(const uint8_t* active);

  RecurrentTrainConfig config_;
  int64_t P_, E_, T_;
  Exec exec_;
  std::unique_ptr<envs::BatchEnv> env_;
  EpisodeEndHook hook_;
  RecurrentAgentLayout layout_;
  std::vector<float> params_;
  int64_t updates_ = 0;
  std::vector<int64_t> learned_updates_;  // (P)
  std::vector<RecurrentUpdateStats> stats_;
  std::unique_ptr<Buffers> buf_;
};

}  // namespace lamarck::rl
