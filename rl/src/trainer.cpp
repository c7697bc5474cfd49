#include "lamarck/rl/trainer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lamarck/core/error.h"
#include "lamarck/core/nn/heads.h"
#include "lamarck/envs/registry.h"
#include "lamarck/rl/gae.h"
#include "lamarck/rl/minibatch.h"

namespace lamarck::rl {

namespace {
// Philox streams of the trainer (the env draws its own from the seed).
constexpr uint64_t kStreamInit = 0x1001, kStreamAction = 0x1002, kStreamShuffle = 0x1003;
}  // namespace

int64_t TrainConfig::num_updates() const { return std::max<int64_t>(1, total_timesteps / (num_envs * num_steps)); }

void TrainConfig::validate() const {
  const int64_t batch = num_envs * num_steps;
  const int64_t minibatches = algo == "a2c" ? 1 : num_minibatches;
  if (batch % minibatches != 0)
    throw InvalidArgument("num_envs * num_steps = " + std::to_string(batch) +
                          " is not divisible by num_minibatches = " + std::to_string(minibatches));
  nn::parse_activation(activation);
}

struct Trainer::Buffers {
  // rollout, (P, T, E[, ...])
  std::vector<float> obs, act_f, logp, values, rewards, adv, returns;
  std::vector<int32_t> act_i;
  std::vector<uint8_t> dones;
  std::vector<float> last_values;  // (P, E)
  // per-step scratch, (P, E[, ...])
  std::vector<int32_t> step_act_i;
  std::vector<float> step_act_f, step_act_clipped, step_logp;
  nn::MlpCache<float> roll_actor, roll_critic;
  std::vector<double> ep_return;  // (P * E) running returns
  std::vector<double> upd_return_sum;
  std::vector<int32_t> upd_episodes;
  // minibatch, (P, M[, ...])
  std::vector<int64_t> perm;  // (P, T * E)
  std::vector<float> mb_obs, mb_act_f, mb_logp_old, mb_val_old, mb_adv, mb_ret;
  std::vector<int32_t> mb_act_i;
  MinibatchWorkspace mb_ws;
};

Trainer::Trainer(const TrainConfig& config, int64_t P, const Exec& exec, std::vector<int64_t> horizons,
                 std::shared_ptr<const UpdateRule> rule, std::vector<uint64_t> streams)
    : config_(config), P_(P), E_(config.num_envs), T_(config.num_steps), exec_(exec), buf_(new Buffers) {
  if (P < 1) throw InvalidArgument("population size must be >= 1, got " + std::to_string(P));
  if (config_.algo == "a2c") {
    config_.update_epochs = 1;
    config_.num_minibatches = 1;
    config_.clip_value = false;
    config_.rule = "pg";
  }
  config_.validate();
  if (exec.device != Device::cpu)
    throw InvalidArgument("the trainer runs on device 'cpu' in this build (valid choices: cpu)");
  // small env batches step on one thread: a fork/join per step would cost more than the physics
  Exec env_exec = exec_;
  if (P * E_ < 4096) env_exec.threads = 1;
  env_ = envs::make_env(config_.env, P * E_, env_exec);
  const envs::Spec& spec = env_->spec();
  obs_dim_ = spec.observation.size();
  const bool continuous = spec.action.kind == envs::Space::Kind::box;
  layout_ = make_agent_layout(obs_dim_, continuous, continuous ? spec.action.size() : spec.action.n, config_.hidden,
                              nn::parse_activation(config_.activation));
  rule_ = rule ? std::move(rule) : std::shared_ptr<const UpdateRule>(make_update_rule(config_.rule, {config_.clip_eps, ""}));
  const std::vector<float> defaults = rule_->default_params();
  for (int64_t p = 0; p < P; ++p) rule_params_.insert(rule_params_.end(), defaults.begin(), defaults.end());

  loss_settings_ = LossSettings{config_.ent_coef, config_.vf_coef, config_.clip_eps, config_.clip_value, config_.norm_adv};
  adam_config_ = nn::AdamConfig{config_.adam_beta1, config_.adam_beta2, config_.adam_eps, config_.max_grad_norm};

  // parameters: one row per agent, from the agent's own key
  const int64_t n = layout_.num_params;
  std::vector<float> host(static_cast<size_t>(P * n));
  streams_ = std::move(streams);
  if (streams_.empty())
    for (int64_t p = 0; p < P; ++p) streams_.push_back(uint64_t(p));
  if (int64_t(streams_.size()) != P)
    throw InvalidArgument("streams: expected " + std::to_string(P) + " values, got " + std::to_string(streams_.size()));
  std::vector<uint64_t> ids(static_cast<size_t>(P * E_));
  for (int64_t p = 0; p < P; ++p)
    for (int64_t e = 0; e < E_; ++e) ids[size_t(p * E_ + e)] = streams_[size_t(p)] * uint64_t(E_) + uint64_t(e);
  row_ids_ = DeviceArray<uint64_t>(ids, exec.device);
  for (int64_t p = 0; p < P; ++p)
    init_agent(layout_, derive_key(config_.seed, kStreamInit, streams_[size_t(p)], 0), host.data() + p * n);
  params_ = DeviceArray<float>(host, exec.device);
  grads_ = DeviceArray<float>(P * n, exec.device);
  adam_.reset(P, n, exec.device);

  horizon_ = horizons.empty() ? std::vector<int64_t>(size_t(P), config_.num_updates()) : std::move(horizons);
  if (int64_t(horizon_.size()) != P)
    throw InvalidArgument("horizons: expected " + std::to_string(P) + " values, got " + std::to_string(horizon_.size()));
  for (int64_t h : horizon_)
    if (h < 1) throw InvalidArgument("horizons must be >= 1 update, got " + std::to_string(h));
  update_.assign(size_t(P), 0);
  curves_.assign(size_t(P), {});
  window_sum_.assign(size_t(P), 0.0);
  window_count_.assign(size_t(P), 0);
  stats_.assign(size_t(P), UpdateStats{});

  // buffers
  Buffers& b = *buf_;
  const int64_t N = P * E_, S = P * T_ * E_, A = layout_.action_dim;
  b.obs.resize(size_t(S * obs_dim_));
  b.logp.resize(size_t(S));
  b.values.resize(size_t(S));
  b.rewards.resize(size_t(S));
  b.adv.resize(size_t(S));
  b.returns.resize(size_t(S));
  b.dones.resize(size_t(S));
  b.last_values.resize(size_t(N));
  b.step_logp.resize(size_t(N));
  if (continuous) {
    b.act_f.resize(size_t(S * A));
    b.step_act_f.resize(size_t(N * A));
    b.step_act_clipped.resize(size_t(N * A));
  } else {
    b.act_i.resize(size_t(S));
    b.step_act_i.resize(size_t(N));
  }
  b.ep_return.assign(size_t(N), 0.0);
  b.upd_return_sum.assign(size_t(P), 0.0);
  b.upd_episodes.assign(size_t(P), 0);
  b.perm.resize(size_t(P * T_ * E_));
  const int64_t M = T_ * E_ / config_.num_minibatches, rows = P * M;
  b.mb_obs.resize(size_t(rows * obs_dim_));
  b.mb_logp_old.resize(size_t(rows));
  b.mb_val_old.resize(size_t(rows));
  b.mb_adv.resize(size_t(rows));
  b.mb_ret.resize(size_t(rows));
  if (continuous)
    b.mb_act_f.resize(size_t(rows * A));
  else
    b.mb_act_i.resize(size_t(rows));

  env_->reset(config_.seed, row_ids_.data());
}

Trainer::~Trainer() = default;

void Trainer::set_rule_params(const std::vector<float>& params) {
  if (int64_t(params.size()) != P_ * rule_->num_params())
    throw InvalidArgument("rule parameters: expected P * " + std::to_string(rule_->num_params()) + " = " +
                          std::to_string(P_ * rule_->num_params()) + " values, got " + std::to_string(params.size()));
  rule_params_ = params;
}

int64_t Trainer::max_updates() const { return *std::max_element(horizon_.begin(), horizon_.end()); }

void Trainer::collect_rollout() {
  Buffers& b = *buf_;
  const int64_t N = P_ * E_, A = layout_.action_dim, n = layout_.num_params;
  const float* params = params_.data();
  std::fill(b.upd_return_sum.begin(), b.upd_return_sum.end(), 0.0);
  std::fill(b.upd_episodes.begin(), b.upd_episodes.end(), 0);
  for (int64_t t = 0; t < T_; ++t) {
    const float* obs = env_->observations();  // (P, E, obs)
    nn::mlp_forward<float>(exec_, layout_.actor, P_, E_, params, n, obs, b.roll_actor);
    nn::mlp_forward<float>(exec_, layout_.critic, P_, E_, params, n, obs, b.roll_critic);
    const float* head = b.roll_actor.output();
    const uint64_t step = uint64_t(global_update_ * T_ + t);
    if (layout_.continuous) {
      nn::gaussian_sample(exec_, N, A, E_, head, params + layout_.log_std_offset, n, b.step_act_f.data(),
                          config_.seed, kStreamAction, step, row_ids_.data());
      nn::gaussian_log_prob<float>(exec_, N, A, E_, head, params + layout_.log_std_offset, n, b.step_act_f.data(),
                                   b.step_logp.data(), nullptr);
    } else {
      nn::categorical_sample(exec_, N, A, head, b.step_act_i.data(), config_.seed, kStreamAction, step,
                             row_ids_.data());
      nn::categorical_log_prob<float>(exec_, N, A, head, b.step_act_i.data(), b.step_logp.data(), nullptr);
    }
    // store step t of every agent: rows (p, t, 0..E)
    const float* values = b.roll_critic.output();
    for (int64_t p = 0; p < P_; ++p) {
      const int64_t dst = (p * T_ + t) * E_, src = p * E_;
      std::copy(obs + src * obs_dim_, obs + (src + E_) * obs_dim_, b.obs.begin() + dst * obs_dim_);
      std::copy(b.step_logp.begin() + src, b.step_logp.begin() + src + E_, b.logp.begin() + dst);
      std::copy(values + src, values + src + E_, b.values.begin() + dst);
      if (layout_.continuous)
        std::copy(b.step_act_f.begin() + src * A, b.step_act_f.begin() + (src + E_) * A, b.act_f.begin() + dst * A);
      else
        std::copy(b.step_act_i.begin() + src, b.step_act_i.begin() + src + E_, b.act_i.begin() + dst);
    }
    // step the envs (continuous actions clipped to the box, the stored action is the sampled one)
    if (layout_.continuous) {
      const envs::Space& space = env_->spec().action;
      for (int64_t i = 0; i < N * A; ++i) {
        const int64_t j = i % A;
        float a = b.step_act_f[size_t(i)];
        if (!space.low.empty()) a = std::max(a, space.low[size_t(j)]);
        if (!space.high.empty()) a = std::min(a, space.high[size_t(j)]);
        b.step_act_clipped[size_t(i)] = a;
      }
      env_->step(b.step_act_clipped.data());
    } else {
      env_->step(b.step_act_i.data());
    }
    const float* rewards = env_->rewards();
    const uint8_t* term = env_->terminated();
    const uint8_t* trunc = env_->truncated();
    for (int64_t i = 0; i < N; ++i) {
      const int64_t p = i / E_, e = i % E_, dst = (p * T_ + t) * E_ + e;
      const uint8_t done = (term[i] | trunc[i]) ? 1 : 0;
      b.rewards[size_t(dst)] = rewards[i];
      b.dones[size_t(dst)] = done;
      b.ep_return[size_t(i)] += rewards[i];
      if (done) {
        b.upd_return_sum[size_t(p)] += b.ep_return[size_t(i)];
        b.upd_episodes[size_t(p)] += 1;
        b.ep_return[size_t(i)] = 0.0;
      }
    }
  }
  // bootstrap values of the observations after the last step
  nn::mlp_forward<float>(exec_, layout_.critic, P_, E_, params, n, env_->observations(), b.roll_critic);
  std::copy(b.roll_critic.output(), b.roll_critic.output() + N, b.last_values.begin());
}

void Trainer::gather_minibatch(const std::vector<int64_t>& perm, int64_t mb) {
  Buffers& b = *buf_;
  const int64_t S = T_ * E_, M = S / config_.num_minibatches, A = layout_.action_dim;
  for (int64_t p = 0; p < P_; ++p)
    for (int64_t i = 0; i < M; ++i) {
      const int64_t src = p * S + perm[size_t(p * S + mb * M + i)], dst = p * M + i;
      std::copy(b.obs.begin() + src * obs_dim_, b.obs.begin() + (src + 1) * obs_dim_, b.mb_obs.begin() + dst * obs_dim_);
      b.mb_logp_old[size_t(dst)] = b.logp[size_t(src)];
      b.mb_val_old[size_t(dst)] = b.values[size_t(src)];
      b.mb_adv[size_t(dst)] = b.adv[size_t(src)];
      b.mb_ret[size_t(dst)] = b.returns[size_t(src)];
      if (layout_.continuous)
        std::copy(b.act_f.begin() + src * A, b.act_f.begin() + (src + 1) * A, b.mb_act_f.begin() + dst * A);
      else
        b.mb_act_i[size_t(dst)] = b.act_i[size_t(src)];
    }
}

void Trainer::minibatch_step(int64_t M, std::vector<LossTerms>& sum_terms) {
  Buffers& b = *buf_;
  const int64_t n = layout_.num_params;
  float* params = params_.data();
  float* grads = grads_.data();
  Minibatch mb;
  mb.P = P_;
  mb.M = M;
  mb.obs = b.mb_obs.data();
  mb.actions = layout_.continuous ? nullptr : b.mb_act_i.data();
  mb.box_actions = layout_.continuous ? b.mb_act_f.data() : nullptr;
  mb.old_log_prob = b.mb_logp_old.data();
  mb.old_value = b.mb_val_old.data();
  mb.advantage = b.mb_adv.data();
  mb.returns = b.mb_ret.data();
  mb.update = update_.data();
  mb.total_updates = horizon_.data();
  mb.rule_params = rule_params_.empty() ? nullptr : rule_params_.data();
  std::vector<LossTerms> terms(static_cast<size_t>(P_));
  minibatch_gradients(exec_, layout_, *rule_, loss_settings_, params, mb, b.mb_ws, grads, terms.data());
  for (int64_t p = 0; p < P_; ++p) {
    LossTerms& s = sum_terms[size_t(p)];
    const LossTerms& t = terms[size_t(p)];
    s.policy += t.policy;
    s.value += t.value;
    s.entropy += t.entropy;
    s.total += t.total;
    s.approx_kl += t.approx_kl;
    s.clip_frac += t.clip_frac;
  }
  // Adam on the agents still training, each with its own (annealed) learning rate
  std::vector<double> lr(static_cast<size_t>(P_));
  std::vector<uint8_t> active(static_cast<size_t>(P_));
  for (int64_t p = 0; p < P_; ++p) {
    active[size_t(p)] = update_[size_t(p)] < horizon_[size_t(p)] ? 1 : 0;
    lr[size_t(p)] = config_.anneal_lr ? nn::linear_anneal(config_.lr, update_[size_t(p)], horizon_[size_t(p)]) : config_.lr;
  }
  nn::adam_step(exec_, adam_config_, P_, n, params, grads, adam_, lr.data(), active.data(), nullptr);
}

void Trainer::learn() {
  Buffers& b = *buf_;
  GaeArgs g;
  g.P = P_;
  g.T = T_;
  g.E = E_;
  g.gamma = float(config_.gamma);
  g.lambda = float(config_.gae_lambda);
  g.rewards = b.rewards.data();
  g.values = b.values.data();
  g.dones = b.dones.data();
  g.last_values = b.last_values.data();
  g.advantages = b.adv.data();
  g.returns = b.returns.data();
  gae(exec_, g);

  const int64_t S = T_ * E_, M = S / config_.num_minibatches;
  std::vector<LossTerms> sum_terms(static_cast<size_t>(P_));
  for (int64_t epoch = 0; epoch < config_.update_epochs; ++epoch) {
    // a fresh permutation of each agent's samples (Fisher-Yates from the agent's key)
    for (int64_t p = 0; p < P_; ++p) {
      int64_t* perm = b.perm.data() + p * S;
      for (int64_t i = 0; i < S; ++i) perm[i] = i;
      Philox rng(derive_key(config_.seed, kStreamShuffle, streams_[size_t(p)],
                            uint64_t(update_[size_t(p)] * config_.update_epochs + epoch)));
      for (int64_t i = S - 1; i > 0; --i) std::swap(perm[i], perm[rng.below(uint32_t(i + 1))]);
    }
    for (int64_t mb = 0; mb < config_.num_minibatches; ++mb) {
      gather_minibatch(b.perm, mb);
      minibatch_step(M, sum_terms);
    }
  }
  const double steps = double(config_.update_epochs * config_.num_minibatches);
  for (int64_t p = 0; p < P_; ++p) {
    LossTerms& t = sum_terms[size_t(p)];
    t.policy /= steps;
    t.value /= steps;
    t.entropy /= steps;
    t.total /= steps;
    t.approx_kl /= steps;
    t.clip_frac /= steps;
  }
  // bookkeeping of the agents that trained in this update
  for (int64_t p = 0; p < P_; ++p) {
    if (update_[size_t(p)] >= horizon_[size_t(p)]) continue;
    UpdateStats& s = stats_[size_t(p)];
    s.episodes = b.upd_episodes[size_t(p)];
    s.episode_return = s.episodes > 0 ? float(b.upd_return_sum[size_t(p)] / s.episodes)
                                      : std::numeric_limits<float>::quiet_NaN();
    s.loss = sum_terms[size_t(p)];
    std::vector<float>& curve = curves_[size_t(p)];
    const float last = curve.empty() ? std::numeric_limits<float>::quiet_NaN() : curve.back();
    curve.push_back(s.episodes > 0 ? s.episode_return : last);
    const int64_t H = horizon_[size_t(p)];
    const int64_t window = std::max<int64_t>(1, int64_t(std::ceil(config_.final_window * double(H))));
    if (update_[size_t(p)] >= H - window) {
      window_sum_[size_t(p)] += b.upd_return_sum[size_t(p)];
      window_count_[size_t(p)] += b.upd_episodes[size_t(p)];
    }
    ++update_[size_t(p)];
  }
}

bool Trainer::update() {
  bool any = false;
  for (int64_t p = 0; p < P_; ++p) any = any || update_[size_t(p)] < horizon_[size_t(p)];
  if (!any) return false;
  collect_rollout();
  learn();
  ++global_update_;
  for (int64_t p = 0; p < P_; ++p)
    if (update_[size_t(p)] < horizon_[size_t(p)]) return true;
  return false;
}

void Trainer::run(const std::function<void(int64_t)>& on_update) {
  while (update())
    if (on_update) on_update(global_update_);
  if (on_update) on_update(global_update_);
}

std::vector<double> Trainer::final_returns() const {
  std::vector<double> out(static_cast<size_t>(P_));
  for (int64_t p = 0; p < P_; ++p) {
    if (window_count_[size_t(p)] > 0)
      out[size_t(p)] = window_sum_[size_t(p)] / double(window_count_[size_t(p)]);
    else  // no episode ended in the window: the last value of the curve
      out[size_t(p)] = curves_[size_t(p)].empty() ? std::numeric_limits<double>::quiet_NaN() : curves_[size_t(p)].back();
  }
  return out;
}

}  // namespace lamarck::rl
