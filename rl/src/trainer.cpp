#include "lamarck/rl/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/nn/heads.h"
#include "lamarck/envs/registry.h"
#include "lamarck/rl/gae.h"
#include "lamarck/rl/minibatch.h"
#include "ops.h"

namespace lamarck::rl {

namespace {
// Philox streams of the trainer (the env draws its own from the seed).
constexpr uint64_t kStreamInit = 0x1001, kStreamAction = 0x1002, kStreamShuffle = 0x1003;
}  // namespace

int64_t TrainConfig::num_updates() const { return std::max<int64_t>(1, total_timesteps / (num_envs * num_steps)); }

void TrainConfig::validate() const {
  check_config(*this, "train config");  // each field's range and choices (fields())
  const int64_t batch = num_envs * num_steps;
  if (total_timesteps < batch)
    throw InvalidArgument("total_timesteps = " + std::to_string(total_timesteps) +
                          " is less than one update (num_envs * num_steps = " + std::to_string(batch) + ")");
  const int64_t minibatches = algo == "a2c" ? 1 : num_minibatches;
  if (batch % minibatches != 0)
    throw InvalidArgument("num_envs * num_steps = " + std::to_string(batch) +
                          " is not divisible by num_minibatches = " + std::to_string(minibatches));
  // what the config alone decides (the hidden layers, between a placeholder input and output of width 1);
  // the action width is checked by the Trainer, which knows the env
  if (policy_step == "fused") {
    std::vector<int64_t> sizes = {1};
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
    sizes.push_back(1);
    if (!nn::MlpRowLayout::fits(nn::MlpLayout(sizes, nn::Activation::tanh, 0)))
      throw InvalidArgument(fused_limits_message());
  }
}

std::string TrainConfig::fused_limits_message() {
  return "policy_step \"fused\" needs at most " + std::to_string(nn::kMaxRowLayers - 1) +
         " hidden layers and layer widths (hidden sizes and actions) of at most " + std::to_string(nn::kMaxRowWidth) +
         "; use \"layered\" or \"auto\"";
}

struct Trainer::Buffers {
  // rollout, (P, T, E[, ...]), on the trainer's device
  DeviceArray<float> obs, act_f, logp, values, rewards, adv, returns;
  DeviceArray<int32_t> act_i;
  DeviceArray<uint8_t> dones, terminated, truncated;
  DeviceArray<float> last_values;  // (P, E)
  // per-step scratch, (P, E[, ...])
  DeviceArray<int32_t> step_act_i;
  DeviceArray<float> step_act_f, step_act_clipped, step_logp, step_value;
  DeviceArray<float> action_low, action_high;  // (A) the action box, +-inf where unbounded
  nn::MlpCache<float> roll_actor, roll_critic;
  DeviceArray<double> ep_return;       // (P * E) running returns
  DeviceArray<double> upd_return_sum;  // (P) returns of the episodes ended in this update
  DeviceArray<int32_t> upd_episodes;   // (P)
  std::vector<double> upd_return_sum_host;
  std::vector<int32_t> upd_episodes_host;
  // per-agent counters mirrored on the device (the rules and the shuffle read them there)
  DeviceArray<int64_t> update, horizon;
  DeviceArray<uint64_t> streams;
  DeviceArray<float> rule_params;
  // what the trajectory rule asks for (trajectory_rule.h): its parameters (P, num_params), the policy's
  // outputs (P, T, E, A), the extra head's outputs (P, T, E, m) and (P, E, m) after the last step, and its
  // targets (P, T, E, m); empty when not asked for
  DeviceArray<float> traj_params, logits, extras, last_extras, extra_targets, mb_extra_targets;
  nn::MlpCache<float> roll_extra;
  // minibatch, (P, M[, ...])
  DeviceArray<int64_t> perm;  // (P, T * E)
  DeviceArray<float> mb_obs, mb_act_f, mb_logp_old, mb_val_old, mb_adv, mb_ret;
  DeviceArray<int32_t> mb_act_i;
  MinibatchWorkspace mb_ws;
};

Trainer::Trainer(const TrainConfig& config, int64_t P, const Exec& exec, std::vector<int64_t> horizons,
                 std::shared_ptr<const UpdateRule> rule, std::vector<uint64_t> streams,
                 std::unique_ptr<envs::BatchEnv> env)
    : config_(config), P_(P), E_(config.num_envs), T_(config.num_steps), exec_(exec), env_(std::move(env)),
      buf_(new Buffers) {
  if (P < 1) throw InvalidArgument("population size must be >= 1, got " + std::to_string(P));
  if (config_.algo == "a2c") {
    config_.update_epochs = 1;
    config_.num_minibatches = 1;
    config_.clip_value = false;
    config_.rule = "pg";
  }
  config_.validate();
  require_device(exec);
  const Device dev = exec.device;
  // small env batches step on one thread: a fork/join per step would cost more than the physics
  Exec env_exec = exec_;
  if (P * E_ < 4096) env_exec.threads = 1;
  if (env_) {
    if (env_->num_envs() != P * E_)
      throw InvalidArgument("trainer: the env has " + std::to_string(env_->num_envs()) + " instances; " +
                            std::to_string(P) + " agents x num_envs " + std::to_string(E_) + " need " +
                            std::to_string(P * E_));
    if (env_->exec().device != exec_.device)
      throw InvalidArgument(std::string("trainer: the env is on ") + device_name(env_->exec().device) +
                            ", the trainer on " + device_name(exec_.device));
    config_.env = env_->spec().name;
  } else {
    env_ = envs::make_env(config_.env, P * E_, env_exec);
  }
  const envs::Spec& spec = env_->spec();
  obs_dim_ = spec.observation.size();
  const bool continuous = spec.action.kind == envs::Space::Kind::box;
  // the trajectory rule first: it may ask for an extra agent head
  targets_ = make_trajectory_rule(config_.targets);
  const ExtraHeads extra = targets_->extra_heads();
  if (extra.dim < 0 || !(extra.coef >= 0.0) || !std::isfinite(extra.coef))
    throw InvalidArgument("trajectory rule '" + targets_->name() + "': extra head dim " + std::to_string(extra.dim) +
                          ", coef " + std::to_string(extra.coef) + " (need dim >= 0 and a finite coef >= 0)");
  layout_ = make_agent_layout(obs_dim_, continuous, continuous ? spec.action.size() : spec.action.n, config_.hidden,
                              nn::parse_activation(config_.activation), extra.dim);
  const bool fits = nn::MlpRowLayout::fits(layout_.actor) && nn::MlpRowLayout::fits(layout_.critic);
  if (config_.policy_step == "fused" && !fits) throw InvalidArgument(TrainConfig::fused_limits_message());
  // the fused step records neither the extra head nor the policy's outputs
  const bool records_more = extra.dim > 0 || targets_->needs_logits();
  if (config_.policy_step == "fused" && records_more)
    throw InvalidArgument("policy_step 'fused' cannot record what trajectory rule '" + targets_->name() +
                          "' reads (its extra head or the policy's outputs); use 'layered' or 'auto'");
  // auto: fused where the layered step is launch-bound, i.e. on CUDA for small networks on small inputs
  // (classic control); a wide input (MinAtar's 400+) is a real GEMM, which the layered step does better
  const bool small_input = obs_dim_ <= nn::kMaxRowWidth;
  fused_policy_step_ = config_.policy_step == "fused" ||
                       (config_.policy_step == "auto" && dev == Device::cuda && fits && small_input && !records_more);
  rule_ = rule ? std::move(rule) : std::shared_ptr<const UpdateRule>(make_update_rule(config_.rule, {config_.clip_eps, config_.rule_file}));
  const std::vector<float> defaults = rule_->default_params();
  for (int64_t p = 0; p < P; ++p) rule_params_.insert(rule_params_.end(), defaults.begin(), defaults.end());
  const std::vector<float> traj_defaults = targets_->default_params();
  if (int64_t(traj_defaults.size()) != targets_->num_params())
    throw InvalidArgument("trajectory rule '" + targets_->name() + "': " + std::to_string(traj_defaults.size()) +
                          " default parameters for num_params() = " + std::to_string(targets_->num_params()));
  for (int64_t p = 0; p < P; ++p) traj_params_.insert(traj_params_.end(), traj_defaults.begin(), traj_defaults.end());

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
  row_ids_ = DeviceArray<uint64_t>(ids, dev);
  for (int64_t p = 0; p < P; ++p)
    init_agent(layout_, derive_key(config_.seed, kStreamInit, streams_[size_t(p)], 0), host.data() + p * n);
  params_ = DeviceArray<float>(host, dev);
  grads_ = DeviceArray<float>(P * n, dev);
  adam_.reset(P, n, dev);

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
  b.obs = DeviceArray<float>(S * obs_dim_, dev);
  for (DeviceArray<float>* a : {&b.logp, &b.values, &b.rewards, &b.adv, &b.returns}) *a = DeviceArray<float>(S, dev);
  for (DeviceArray<uint8_t>* a : {&b.dones, &b.terminated, &b.truncated}) *a = DeviceArray<uint8_t>(S, dev);
  b.last_values = DeviceArray<float>(N, dev);
  b.step_logp = DeviceArray<float>(N, dev);
  if (fused_policy_step_) b.step_value = DeviceArray<float>(N, dev);
  if (continuous) {
    b.act_f = DeviceArray<float>(S * A, dev);
    b.step_act_f = DeviceArray<float>(N * A, dev);
    b.step_act_clipped = DeviceArray<float>(N * A, dev);
    std::vector<float> low(size_t(A), -std::numeric_limits<float>::infinity());
    std::vector<float> high(size_t(A), std::numeric_limits<float>::infinity());
    if (!spec.action.low.empty()) low = spec.action.low;
    if (!spec.action.high.empty()) high = spec.action.high;
    b.action_low = DeviceArray<float>(low, dev);
    b.action_high = DeviceArray<float>(high, dev);
  } else {
    b.act_i = DeviceArray<int32_t>(S, dev);
    b.step_act_i = DeviceArray<int32_t>(N, dev);
  }
  b.ep_return = DeviceArray<double>(N, dev);
  b.upd_return_sum = DeviceArray<double>(P, dev);
  b.upd_episodes = DeviceArray<int32_t>(P, dev);
  b.update = DeviceArray<int64_t>(update_, dev);
  b.horizon = DeviceArray<int64_t>(horizon_, dev);
  b.streams = DeviceArray<uint64_t>(streams_, dev);
  b.rule_params = DeviceArray<float>(rule_params_, dev);
  b.traj_params = DeviceArray<float>(traj_params_, dev);
  b.perm = DeviceArray<int64_t>(S, dev);
  const int64_t M = T_ * E_ / config_.num_minibatches, rows = P * M;
  if (targets_->needs_logits()) b.logits = DeviceArray<float>(S * A, dev);
  if (extra.dim > 0) {
    b.extras = DeviceArray<float>(S * extra.dim, dev);
    b.last_extras = DeviceArray<float>(N * extra.dim, dev);
    b.extra_targets = DeviceArray<float>(S * extra.dim, dev);
    b.mb_extra_targets = DeviceArray<float>(rows * extra.dim, dev);
  }
  b.mb_obs = DeviceArray<float>(rows * obs_dim_, dev);
  for (DeviceArray<float>* a : {&b.mb_logp_old, &b.mb_val_old, &b.mb_adv, &b.mb_ret}) *a = DeviceArray<float>(rows, dev);
  if (continuous)
    b.mb_act_f = DeviceArray<float>(rows * A, dev);
  else
    b.mb_act_i = DeviceArray<int32_t>(rows, dev);

  env_->reset(config_.seed, row_ids_.data());
}

Trainer::~Trainer() = default;

void Trainer::set_rule_params(const std::vector<float>& params) {
  if (int64_t(params.size()) != P_ * rule_->num_params())
    throw InvalidArgument("rule parameters: expected P * " + std::to_string(rule_->num_params()) + " = " +
                          std::to_string(P_ * rule_->num_params()) + " values, got " + std::to_string(params.size()));
  rule_params_ = params;
  buf_->rule_params = DeviceArray<float>(rule_params_, exec_.device);
}

void Trainer::set_trajectory_params(const std::vector<float>& params) {
  const int64_t n = targets_->num_params();
  if (int64_t(params.size()) != P_ * n)
    throw InvalidArgument("trajectory rule parameters: expected P * " + std::to_string(n) + " = " +
                          std::to_string(P_ * n) + " values, got " + std::to_string(params.size()));
  traj_params_ = params;
  buf_->traj_params = DeviceArray<float>(traj_params_, exec_.device);
}

int64_t Trainer::max_updates() const { return *std::max_element(horizon_.begin(), horizon_.end()); }

void Trainer::collect_rollout() {
  Buffers& b = *buf_;
  const detail::Ops& ops = detail::ops(exec_.device);
  const int64_t N = P_ * E_, A = layout_.action_dim;
  memory::fill_zero(b.upd_return_sum.data(), sizeof(double) * size_t(P_), exec_.device);
  memory::fill_zero(b.upd_episodes.data(), sizeof(int32_t) * size_t(P_), exec_.device);
  detail::ActArgs act;
  act.layout = &layout_;
  act.P = P_;
  act.E = E_;
  act.params = params_.data();
  act.actor = &b.roll_actor;
  act.critic = &b.roll_critic;
  act.seed = config_.seed;
  act.stream = kStreamAction;
  act.row_ids = row_ids_.data();
  act.action_i = layout_.continuous ? nullptr : b.step_act_i.data();
  act.action_f = layout_.continuous ? b.step_act_f.data() : nullptr;
  act.log_prob = b.step_logp.data();
  act.fused = fused_policy_step_;
  act.value = b.step_value.data();
  act.store = detail::StoreStep{E_, T_, 0, obs_dim_, A, nullptr, nullptr, nullptr, nullptr, nullptr,
                                b.obs.data(), b.logp.data(), b.values.data(), b.act_i.data(), b.act_f.data()};
  // what the trajectory rule reads besides (empty arrays: not recorded)
  act.extra = &b.roll_extra;
  act.store.extra_dim = layout_.extra_dim;
  act.store.roll_extra = b.extras.size() > 0 ? b.extras.data() : nullptr;
  act.store.roll_logits = b.logits.size() > 0 ? b.logits.data() : nullptr;
  detail::RecordStep record{E_, T_, 0, nullptr, nullptr, nullptr, b.rewards.data(), b.dones.data(),
                            b.terminated.data(), b.truncated.data(),
                            b.ep_return.data(), b.upd_return_sum.data(), b.upd_episodes.data()};
  for (int64_t t = 0; t < T_; ++t) {
    // act on the current observations and store step t of every agent: rows (p, t, 0..E)
    act.obs = env_->observations();  // (P, E, obs)
    act.step = uint64_t(global_update_ * T_ + t);
    act.store.t = t;
    ops.act(exec_, act);
    // step the envs (continuous actions clipped to the box, the stored action is the sampled one)
    if (layout_.continuous) {
      ops.clip_actions(exec_, detail::ClipActions{b.step_act_f.data(), b.action_low.data(), b.action_high.data(), A,
                                                  b.step_act_clipped.data()},
                       N * A, 2);
      env_->step(b.step_act_clipped.data());
    } else {
      env_->step(b.step_act_i.data());
    }
    record.t = t;
    record.rewards = env_->rewards();
    record.terminated = env_->terminated();
    record.truncated = env_->truncated();
    ops.record_step(exec_, record, P_, 4 * E_);
  }
  // bootstrap values of the observations after the last step
  ops.bootstrap(exec_, detail::BootstrapArgs{&layout_, P_, E_, params_.data(), env_->observations(), &b.roll_critic,
                                             b.last_values.data(), &b.roll_extra,
                                             b.last_extras.size() > 0 ? b.last_extras.data() : nullptr});
  b.upd_return_sum_host = b.upd_return_sum.to_host();
  b.upd_episodes_host = b.upd_episodes.to_host();
}

void Trainer::minibatch_step(int64_t M, std::vector<LossTerms>& sum_terms) {
  Buffers& b = *buf_;
  const int64_t n = layout_.num_params;
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
  mb.update = b.update.data();
  mb.total_updates = b.horizon.data();
  mb.rule_params = rule_params_.empty() ? nullptr : b.rule_params.data();
  if (layout_.extra_dim > 0) {
    const ExtraHeads extra = targets_->extra_heads();
    mb.extra_targets = b.mb_extra_targets.data();
    mb.extra_categorical = extra.loss == ExtraHeads::Loss::categorical;
    mb.extra_coef = extra.coef;
  }
  std::vector<LossTerms> terms(static_cast<size_t>(P_));
  detail::ops(exec_.device)
      .minibatch_gradients(exec_, layout_, *rule_, loss_settings_, params_.data(), mb, b.mb_ws, grads_.data(),
                           terms.data());
  for (int64_t p = 0; p < P_; ++p) sum_terms[size_t(p)] += terms[size_t(p)];
  // Adam on the agents still training, each with its own (annealed) learning rate
  std::vector<double> lr(static_cast<size_t>(P_));
  std::vector<uint8_t> active(static_cast<size_t>(P_));
  for (int64_t p = 0; p < P_; ++p) {
    active[size_t(p)] = update_[size_t(p)] < horizon_[size_t(p)] ? 1 : 0;
    lr[size_t(p)] = config_.anneal_lr ? nn::linear_anneal(config_.lr, update_[size_t(p)], horizon_[size_t(p)]) : config_.lr;
  }
  nn::adam_step(exec_, adam_config_, P_, n, params_.data(), grads_.data(), adam_, lr.data(), active.data(), nullptr);
}

void Trainer::learn() {
  Buffers& b = *buf_;
  const detail::Ops& ops = detail::ops(exec_.device);
  b.update.copy_from_host(update_.data(), P_);
  // the per-step advantages and value targets, from the trajectory rule (GAE by default)
  Trajectory traj;
  traj.P = P_;
  traj.T = T_;
  traj.E = E_;
  traj.rewards = b.rewards.data();
  traj.terminated = b.terminated.data();
  traj.truncated = b.truncated.data();
  traj.dones = b.dones.data();
  traj.values = b.values.data();
  traj.last_values = b.last_values.data();
  traj.log_probs = b.logp.data();
  traj.update = b.update.data();
  traj.total_updates = b.horizon.data();
  traj.gamma = config_.gamma;
  traj.lambda = config_.gae_lambda;
  traj.A = layout_.action_dim;
  traj.logits = b.logits.size() > 0 ? b.logits.data() : nullptr;
  traj.m = layout_.extra_dim;
  traj.extras = b.extras.size() > 0 ? b.extras.data() : nullptr;
  traj.last_extras = b.last_extras.size() > 0 ? b.last_extras.data() : nullptr;
  traj.params = traj_params_.empty() ? nullptr : b.traj_params.data();
  targets_->targets(exec_, traj,
                    TrajectoryTargets{b.adv.data(), b.returns.data(),
                                      b.extra_targets.size() > 0 ? b.extra_targets.data() : nullptr});

  const int64_t S = T_ * E_, M = S / config_.num_minibatches;
  detail::GatherMinibatch gather{S,
                                 M,
                                 0,
                                 obs_dim_,
                                 layout_.action_dim,
                                 b.perm.data(),
                                 b.obs.data(),
                                 b.logp.data(),
                                 b.values.data(),
                                 b.adv.data(),
                                 b.returns.data(),
                                 layout_.continuous ? nullptr : b.act_i.data(),
                                 layout_.continuous ? b.act_f.data() : nullptr,
                                 b.mb_obs.data(),
                                 b.mb_logp_old.data(),
                                 b.mb_val_old.data(),
                                 b.mb_adv.data(),
                                 b.mb_ret.data(),
                                 b.mb_act_i.data(),
                                 b.mb_act_f.data()};
  gather.extra_dim = layout_.extra_dim;
  gather.extra_target = b.extra_targets.size() > 0 ? b.extra_targets.data() : nullptr;
  gather.mb_extra_target = b.mb_extra_targets.size() > 0 ? b.mb_extra_targets.data() : nullptr;
  std::vector<LossTerms> sum_terms(static_cast<size_t>(P_));
  for (int64_t epoch = 0; epoch < config_.update_epochs; ++epoch) {
    // a fresh permutation of each agent's samples (Fisher-Yates from the agent's key)
    ops.shuffle(exec_,
                detail::ShuffleSamples{S, config_.seed, kStreamShuffle, uint64_t(config_.update_epochs), uint64_t(epoch),
                                       b.streams.data(), b.update.data(), b.perm.data()},
                P_, 4 * S);
    for (int64_t mb = 0; mb < config_.num_minibatches; ++mb) {
      gather.mb = mb;
      ops.gather(exec_, gather, P_ * M, obs_dim_ + 8);
      minibatch_step(M, sum_terms);
    }
  }
  const double steps = double(config_.update_epochs * config_.num_minibatches);
  for (LossTerms& t : sum_terms) t /= steps;
  // bookkeeping of the agents that trained in this update
  for (int64_t p = 0; p < P_; ++p) {
    if (update_[size_t(p)] >= horizon_[size_t(p)]) continue;
    UpdateStats& s = stats_[size_t(p)];
    s.episodes = b.upd_episodes_host[size_t(p)];
    s.episode_return = s.episodes > 0 ? float(b.upd_return_sum_host[size_t(p)] / s.episodes)
                                      : std::numeric_limits<float>::quiet_NaN();
    s.loss = sum_terms[size_t(p)];
    std::vector<float>& curve = curves_[size_t(p)];
    const float last = curve.empty() ? std::numeric_limits<float>::quiet_NaN() : curve.back();
    curve.push_back(s.episodes > 0 ? s.episode_return : last);
    const int64_t H = horizon_[size_t(p)];
    const int64_t window = std::max<int64_t>(1, int64_t(std::ceil(config_.final_window * double(H))));
    if (update_[size_t(p)] >= H - window) {
      window_sum_[size_t(p)] += b.upd_return_sum_host[size_t(p)];
      window_count_[size_t(p)] += b.upd_episodes_host[size_t(p)];
    }
    ++update_[size_t(p)];
  }
}

bool Trainer::update() {
  bool any = false;
  for (int64_t p = 0; p < P_; ++p) any = any || update_[size_t(p)] < horizon_[size_t(p)];
  if (!any) return false;
  // wall time per phase: on CUDA both end waiting for the device (the rollout reads its episode sums to
  // the host; the learning phase's last Adam step is waited for here), so the clock sees the device work
  const auto t0 = std::chrono::steady_clock::now();
  collect_rollout();
  const auto t1 = std::chrono::steady_clock::now();
  learn();
  synchronize(exec_);
  const auto t2 = std::chrono::steady_clock::now();
  rollout_seconds_ += std::chrono::duration<double>(t1 - t0).count();
  learn_seconds_ += std::chrono::duration<double>(t2 - t1).count();
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
