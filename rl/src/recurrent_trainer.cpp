// PPO with the recurrent student (recurrent_trainer.h), on the CPU.
#include "lamarck/rl/recurrent_trainer.h"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <sstream>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/nn/adam.h"
#include "lamarck/core/nn/heads.h"
#include "lamarck/core/rng.h"
#include "lamarck/envs/registry.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::rl {

void RecurrentTrainConfig::validate() const {
  check_config(*this, "recurrent trainer config");
  if (num_envs % num_minibatches != 0)
    throw InvalidArgument("num_minibatches (" + std::to_string(num_minibatches) + ") must divide num_envs (" +
                          std::to_string(num_envs) + "): a minibatch is a subset of the envs");
}

RecurrentAgentShape RecurrentTrainConfig::shape(int64_t action_dim) const {
  RecurrentAgentShape s;
  s.action_dim = action_dim;
  s.conv_filters = conv_filters;
  s.embed_dim = embed_dim;
  s.lstm_hidden = lstm_hidden;
  s.head_hidden = head_hidden;
  return s;
}

namespace {
constexpr uint64_t kActionStream = 0x7265637572ull;  // "recur"
constexpr uint64_t kEvalStream = 0x6576616cull;       // "eval"
constexpr uint64_t kShuffleStream = 0x73687566ull;    // "shuf"
}  // namespace

// Rollout arrays are time-major: (T, P * E), row r = p * E + e.
struct RecurrentTrainer::Buffers {
  int64_t rows = 0;
  std::vector<float> obs;            // (T, rows, obs_size)
  std::vector<int32_t> actions;      // (T, rows)
  std::vector<float> logp, values, rewards;  // (T, rows)
  std::vector<uint8_t> dones;        // (T, rows) the episode ended at step t
  std::vector<uint8_t> resets;       // (T, rows) the carry starts from zeros at step t
  std::vector<float> h0, c0;         // (rows, H) the carry the rollout started from
  std::vector<float> h, c;           // (rows, H) the running carry
  std::vector<uint8_t> last_done;    // (rows)
  std::vector<float> last_values;    // (rows)
  std::vector<float> adv, ret;       // (T, rows)
  std::vector<double> running_return;  // (rows)
  std::vector<double> return_sum;    // (P) this update's finished episodes
  std::vector<int64_t> episodes;     // (P)
  RecurrentStepCache<float> act;     // acting
  RecurrentSequenceCache<float> seq;  // the learning pass
  RecurrentSequenceWorkspace<float> seq_ws;
  std::vector<float> grads;          // (P, n)
  nn::AdamState adam;
  LossWorkspace loss_ws;
  std::unique_ptr<UpdateRule> rule;
  DeviceArray<float> rule_params;
  DeviceArray<int64_t> update, horizon;
};

RecurrentTrainer::RecurrentTrainer(const RecurrentTrainConfig& config, int64_t P, const Exec& exec,
                                   std::unique_ptr<envs::BatchEnv> env, EpisodeEndHook on_episode_end)
    : config_(config), P_(P), E_(config.num_envs), T_(config.num_steps), exec_(exec), env_(std::move(env)),
      hook_(std::move(on_episode_end)) {
  config_.validate();
  if (P < 1) throw InvalidArgument("recurrent trainer: P must be at least 1");
  if (exec.device != Device::cpu)
    throw InvalidArgument("recurrent trainer: runs on the CPU only for now (its layers have a CUDA path, the "
                          "trainer's loop does not yet)");
  if (!env_) throw InvalidArgument("recurrent trainer: no env");
  if (env_->num_envs() != P * E_)
    throw InvalidArgument("recurrent trainer: the env has " + std::to_string(env_->num_envs()) + " instances, " +
                          std::to_string(P) + " agents x " + std::to_string(E_) + " envs need " + std::to_string(P * E_));
  const envs::Spec& spec = env_->spec();
  if (spec.action.kind != envs::Space::Kind::discrete)
    throw InvalidArgument("recurrent trainer: " + spec.name + " has continuous actions; the student is categorical");
  layout_ = make_recurrent_agent_layout(config_.shape(spec.action.n));
  if (spec.observation.size() != layout_.obs_size())
    throw InvalidArgument("recurrent trainer: " + spec.name + " observations have " +
                          std::to_string(spec.observation.size()) + " values; the student reads a 5x5x3 image and a "
                          "direction (" + std::to_string(layout_.obs_size()) + ")");
  const int64_t n = layout_.num_params, rows = P * E_, H = layout_.hidden();
  params_.assign(size_t(P * n), 0.0f);
  for (int64_t p = 0; p < P; ++p) init_recurrent_agent(layout_, derive_key(config_.seed, 0x696e6974ull, uint64_t(p), 0), params_.data() + p * n);
  buf_ = std::make_unique<Buffers>();
  Buffers& b = *buf_;
  b.rows = rows;
  b.obs.resize(size_t(T_ * rows * layout_.obs_size()));
  b.actions.resize(size_t(T_ * rows));
  for (auto* v : {&b.logp, &b.values, &b.rewards, &b.adv, &b.ret}) v->resize(size_t(T_ * rows));
  b.dones.resize(size_t(T_ * rows));
  b.resets.resize(size_t(T_ * rows));
  for (auto* v : {&b.h0, &b.c0, &b.h, &b.c}) v->assign(size_t(rows * H), 0.0f);
  b.last_done.assign(size_t(rows), 1);  // the first step starts every episode
  b.last_values.resize(size_t(rows));
  b.running_return.assign(size_t(rows), 0.0);
  b.grads.assign(size_t(P * n), 0.0f);
  b.adam.reset(P, n, Device::cpu);
  b.rule = std::make_unique<PpoClipRule>(float(config_.clip_eps));
  std::vector<float> rp;
  for (int64_t p = 0; p < P; ++p) for (float x : b.rule->default_params()) rp.push_back(x);
  b.rule_params = DeviceArray<float>(rp, Device::cpu);
  b.update = DeviceArray<int64_t>(std::vector<int64_t>(size_t(P), 0), Device::cpu);
  b.horizon = DeviceArray<int64_t>(std::vector<int64_t>(size_t(P), config_.num_updates), Device::cpu);
  stats_.resize(size_t(P));
  learned_updates_.assign(size_t(P), 0);
  std::vector<uint64_t> ids(static_cast<size_t>(rows));
  std::iota(ids.begin(), ids.end(), 0);
  env_->reset(config_.seed, ids.data());
}

RecurrentTrainer::~RecurrentTrainer() = default;

void RecurrentTrainer::update(const uint8_t* learn_mask) {
  rollout();
  advantages();
  bool any = learn_mask == nullptr;
  for (int64_t p = 0; p < P_ && !any; ++p) any = learn_mask[p] != 0;
  if (any) learn(learn_mask);
  // an agent that did not learn keeps the losses of its rollout when another agent's pass computed them,
  // NaN when no pass ran
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int64_t p = 0; p < P_; ++p) {
    if (learn_mask == nullptr || learn_mask[p]) ++learned_updates_[size_t(p)];
    if (!any) stats_[size_t(p)].loss = LossTerms{nan, nan, nan, nan, nan, nan, nan};
  }
  ++updates_;
}

void RecurrentTrainer::restart_episodes(const std::vector<int64_t>& rows) {
  Buffers& b = *buf_;
  for (int64_t r : rows) {
    if (r < 0 || r >= b.rows) throw InvalidArgument("restart_episodes: row " + std::to_string(r) + " out of range");
    b.last_done[size_t(r)] = 1;
    b.running_return[size_t(r)] = 0;
  }
}

std::string RecurrentTrainer::state_bytes() const {
  const Buffers& b = *buf_;
  std::vector<std::string> levels(static_cast<size_t>(b.rows));
  for (int64_t i = 0; i < b.rows; ++i) levels[size_t(i)] = env_->get_level_bytes(i);
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive ar(out);
    const int64_t n = layout_.num_params;
    ar(P_, E_, n, updates_, learned_updates_, params_, b.adam.m.to_host(), b.adam.v.to_host(), b.adam.step, b.h, b.c,
       b.last_done, b.running_return, levels, env_->snapshot());
  }
  return out.str();
}

void RecurrentTrainer::restore_bytes(const std::string& bytes) {
  Buffers& b = *buf_;
  int64_t P = 0, E = 0, n = 0, updates = 0;
  std::vector<int64_t> learned, adam_step;
  std::vector<float> params, m, v, h, c;
  std::vector<uint8_t> last_done;
  std::vector<double> running;
  std::vector<std::string> levels;
  std::string snapshot;
  {
    std::istringstream in(bytes);
    cereal::PortableBinaryInputArchive ar(in);
    ar(P, E, n, updates, learned, params, m, v, adam_step, h, c, last_done, running, levels, snapshot);
  }
  if (P != P_ || E != E_ || n != layout_.num_params || params.size() != params_.size() || m.size() != params_.size() ||
      v.size() != params_.size() || h.size() != b.h.size() || c.size() != b.c.size() || levels.size() != size_t(b.rows) ||
      last_done.size() != b.last_done.size() || running.size() != b.running_return.size() || learned.size() != size_t(P_))
    throw InvalidArgument("recurrent trainer checkpoint is of " + std::to_string(P) + " agents x " + std::to_string(E) +
                          " envs x " + std::to_string(n) + " parameters; this trainer has " + std::to_string(P_) + " x " +
                          std::to_string(E_) + " x " + std::to_string(layout_.num_params));
  std::vector<int64_t> ids(static_cast<size_t>(b.rows));
  std::iota(ids.begin(), ids.end(), 0);
  env_->set_level_bytes(ids, levels);
  env_->restore(snapshot);
  updates_ = updates;
  learned_updates_ = learned;
  params_ = params;
  b.adam.m.copy_from_host(m.data(), int64_t(m.size()));
  b.adam.v.copy_from_host(v.data(), int64_t(v.size()));
  b.adam.step = adam_step;
  b.h = h;
  b.c = c;
  b.last_done = last_done;
  b.running_return = running;
}

int64_t RecurrentTrainer::rollout_rows() const { return buf_->rows; }
const uint8_t* RecurrentTrainer::rollout_dones() const { return buf_->dones.data(); }
const float* RecurrentTrainer::rollout_rewards() const { return buf_->rewards.data(); }
const float* RecurrentTrainer::rollout_values() const { return buf_->values.data(); }
const float* RecurrentTrainer::rollout_advantages() const { return buf_->adv.data(); }

void RecurrentTrainer::rollout() {
  Buffers& b = *buf_;
  const int64_t rows = b.rows, H = layout_.hidden(), A = layout_.action_dim, O = layout_.obs_size();
  const int64_t n = layout_.num_params;
  b.h0 = b.h;
  b.c0 = b.c;
  b.return_sum.assign(size_t(P_), 0.0);
  b.episodes.assign(size_t(P_), 0);
  std::vector<int64_t> ended;
  for (int64_t t = 0; t < T_; ++t) {
    std::memcpy(b.obs.data() + t * rows * O, env_->observations(), sizeof(float) * size_t(rows * O));
    std::memcpy(b.resets.data() + t * rows, b.last_done.data(), size_t(rows));
    recurrent_step<float>(exec_, layout_, P_, E_, params_.data(), n, b.obs.data() + t * rows * O, b.h.data(), b.c.data(),
                          b.last_done.data(), b.act);
    int32_t* act = b.actions.data() + t * rows;
    const uint64_t step = uint64_t(updates_ * T_ + t);
    nn::categorical_sample(exec_, rows, A, b.act.logits(), act, config_.seed, kActionStream, step);
    nn::categorical_log_prob<float>(exec_, rows, A, b.act.logits(), act, b.logp.data() + t * rows, nullptr);
    std::memcpy(b.values.data() + t * rows, b.act.values(), sizeof(float) * size_t(rows));
    std::memcpy(b.h.data(), b.act.h.data(), sizeof(float) * size_t(rows * H));
    std::memcpy(b.c.data(), b.act.c.data(), sizeof(float) * size_t(rows * H));
    env_->step(act);
    ended.clear();
    for (int64_t r = 0; r < rows; ++r) {
      const float reward = env_->rewards()[r];
      const uint8_t done = env_->terminated()[r] | env_->truncated()[r];
      b.rewards[size_t(t * rows + r)] = reward;
      b.dones[size_t(t * rows + r)] = done;
      b.last_done[size_t(r)] = done;
      b.running_return[size_t(r)] += reward;
      if (done) {
        b.return_sum[size_t(r / E_)] += b.running_return[size_t(r)];
        b.episodes[size_t(r / E_)] += 1;
        b.running_return[size_t(r)] = 0;
        ended.push_back(r);
      }
    }
    if (hook_ && !ended.empty()) hook_(*env_, ended);
  }
  // the values of the observations after the last step, for GAE's bootstrap
  recurrent_step<float>(exec_, layout_, P_, E_, params_.data(), n, env_->observations(), b.h.data(), b.c.data(),
                        b.last_done.data(), b.act);
  std::memcpy(b.last_values.data(), b.act.values(), sizeof(float) * size_t(rows));
  for (int64_t p = 0; p < P_; ++p) {
    stats_[size_t(p)].episodes = b.episodes[size_t(p)];
    stats_[size_t(p)].episode_return = b.episodes[size_t(p)] > 0 ? b.return_sum[size_t(p)] / double(b.episodes[size_t(p)])
                                                                  : std::numeric_limits<double>::quiet_NaN();
  }
}

void RecurrentTrainer::advantages() {
  Buffers& b = *buf_;
  const int64_t rows = b.rows;
  // GAE (JaxUED compute_gae): no bootstrap through an episode end
  for (int64_t r = 0; r < rows; ++r) {
    float gae = 0.0f, next_value = b.last_values[size_t(r)];
    for (int64_t t = T_ - 1; t >= 0; --t) {
      const size_t i = size_t(t * rows + r);
      const float live = b.dones[i] ? 0.0f : 1.0f;
      const float delta = b.rewards[i] + float(config_.gamma) * next_value * live - b.values[i];
      gae = delta + float(config_.gamma * config_.gae_lambda) * live * gae;
      b.adv[i] = gae;
      b.ret[i] = gae + b.values[i];
      next_value = b.values[i];
    }
  }
}

void RecurrentTrainer::learn(const uint8_t* active) {
  Buffers& b = *buf_;
  const int64_t rows = b.rows, H = layout_.hidden(), A = layout_.action_dim, O = layout_.obs_size();
  const int64_t n = layout_.num_params;
  const int64_t M = config_.num_minibatches, Em = E_ / M, mrows = P_ * Em, S = T_ * Em;
  LossSettings settings;
  settings.ent_coef = config_.ent_coef;
  settings.vf_coef = config_.vf_coef;
  settings.value_clip_eps = config_.clip_eps;
  settings.clip_value = true;
  settings.norm_adv = true;
  nn::AdamConfig adam;
  adam.eps = config_.adam_eps;
  adam.max_grad_norm = config_.max_grad_norm;
  b.update.copy_from_host(std::vector<int64_t>(size_t(P_), updates_).data(), P_);
  // a minibatch is Em envs of each agent with their whole sequences, laid out (P, T, Em): the network's
  // sequence layout and the loss's (P, samples) layout at once
  const int64_t rows_mb = P_ * S;
  std::vector<float> mobs(static_cast<size_t>(rows_mb * O)), mh0(static_cast<size_t>(mrows * H)),
      mc0(static_cast<size_t>(mrows * H));
  std::vector<int32_t> mact(static_cast<size_t>(rows_mb));
  std::vector<uint8_t> mreset(static_cast<size_t>(rows_mb));
  DeviceArray<float> L_logp(rows_mb), L_ent(rows_mb), L_oldlogp(rows_mb), L_oldval(rows_mb), L_adv(rows_mb),
      L_ret(rows_mb), d_logp(rows_mb), d_ent(rows_mb), d_val(rows_mb), dlogits(rows_mb * A);
  std::vector<int64_t> perm(static_cast<size_t>(E_));
  std::vector<LossTerms> sum_terms(static_cast<size_t>(P_));
  std::vector<double> lr(static_cast<size_t>(P_));
  for (int64_t p = 0; p < P_; ++p)
    lr[size_t(p)] = config_.anneal_lr ? nn::linear_anneal(config_.lr, learned_updates_[size_t(p)], config_.num_updates)
                                      : config_.lr;
  for (int64_t epoch = 0; epoch < config_.update_epochs; ++epoch) {
    // the envs of each minibatch: a permutation per epoch (shared by the agents), keyed by the update
    std::iota(perm.begin(), perm.end(), 0);
    if (M > 1) {
      Philox rng(derive_key(config_.seed, kShuffleStream, uint64_t(updates_), uint64_t(epoch)));
      for (int64_t i = E_ - 1; i > 0; --i) std::swap(perm[size_t(i)], perm[size_t(rng.below(uint32_t(i + 1)))]);
    }
    for (int64_t mb = 0; mb < M; ++mb) {
      // gather: minibatch (p, t, k) is rollout (t, p * E + perm[mb * Em + k])
      for (int64_t p = 0; p < P_; ++p)
        for (int64_t k = 0; k < Em; ++k) {
          const int64_t r = p * E_ + perm[size_t(mb * Em + k)], q = p * Em + k;
          std::memcpy(mh0.data() + q * H, b.h0.data() + r * H, sizeof(float) * size_t(H));
          std::memcpy(mc0.data() + q * H, b.c0.data() + r * H, sizeof(float) * size_t(H));
          for (int64_t t = 0; t < T_; ++t) {
            const size_t mi = size_t((p * T_ + t) * Em + k), ri = size_t(t * rows + r);
            std::memcpy(mobs.data() + mi * size_t(O), b.obs.data() + ri * size_t(O), sizeof(float) * size_t(O));
            mact[mi] = b.actions[ri];
            mreset[mi] = b.resets[ri];
            L_oldlogp.data()[mi] = b.logp[ri];
            L_oldval.data()[mi] = b.values[ri];
            L_adv.data()[mi] = b.adv[ri];
            L_ret.data()[mi] = b.ret[ri];
          }
        }
      // forward through the whole sequences from the rollout's initial carry
      recurrent_sequence_forward<float>(exec_, layout_, P_, T_, Em, params_.data(), n, mobs.data(), mh0.data(), mc0.data(),
                                        mreset.data(), b.seq);
      nn::categorical_log_prob<float>(exec_, rows_mb, A, b.seq.logits(), mact.data(), L_logp.data(), L_ent.data());
      LossInputs in;
      in.P = P_;
      in.B = S;
      in.log_prob = L_logp.data();
      in.entropy = L_ent.data();
      in.value = b.seq.values();
      in.old_log_prob = L_oldlogp.data();
      in.old_value = L_oldval.data();
      in.advantage = L_adv.data();
      in.returns = L_ret.data();
      in.update = b.update.data();
      in.total_updates = b.horizon.data();
      in.rule_params = b.rule_params.data();
      std::vector<LossTerms> terms(static_cast<size_t>(P_));
      ppo_loss_grads(exec_, *b.rule, settings, in, b.loss_ws, d_logp.data(), d_ent.data(), d_val.data(), terms.data());
      for (int64_t p = 0; p < P_; ++p) sum_terms[size_t(p)] += terms[size_t(p)];
      // backpropagation through time, then Adam
      nn::categorical_backward<float>(exec_, rows_mb, A, b.seq.logits(), mact.data(), d_logp.data(), d_ent.data(),
                                      dlogits.data());
      recurrent_sequence_backward<float>(exec_, layout_, params_.data(), n, b.seq, mreset.data(), dlogits.data(),
                                         d_val.data(), b.grads.data(), false, b.seq_ws);
      nn::adam_step(exec_, adam, P_, n, params_.data(), b.grads.data(), b.adam, lr.data(), active, nullptr);
    }
  }
  for (int64_t p = 0; p < P_; ++p) {
    sum_terms[size_t(p)] /= double(config_.update_epochs * M);
    stats_[size_t(p)].loss = sum_terms[size_t(p)];
  }
}

LevelEvaluation RecurrentTrainer::evaluate(const std::vector<std::string>& levels, int64_t episodes, int64_t max_steps,
                                           uint64_t seed, std::vector<std::vector<int32_t>>* first_actions) const {
  if (levels.empty()) throw InvalidArgument("evaluate: no levels");
  if (episodes < 1 || max_steps < 1) throw InvalidArgument("evaluate: episodes and max_steps must be at least 1");
  const int64_t L = int64_t(levels.size()), K = episodes, B = L * K, rows = P_ * B, H = layout_.hidden();
  const int64_t A = layout_.action_dim, n = layout_.num_params;
  auto env = envs::make_env(env_->spec().name, rows, exec_);
  // instance (p, l, k) = p * B + l * K + k plays level l
  std::vector<int64_t> ids(static_cast<size_t>(rows));
  std::iota(ids.begin(), ids.end(), 0);
  std::vector<std::string> per_instance(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) per_instance[size_t(i)] = levels[size_t((i % B) / K)];
  env->set_levels(ids, per_instance);
  std::vector<uint64_t> keys(static_cast<size_t>(rows));
  std::iota(keys.begin(), keys.end(), 0);
  env->reset(seed, keys.data());
  std::vector<float> h(size_t(rows * H), 0.0f), c(size_t(rows * H), 0.0f), ret(size_t(rows), 0.0f);
  std::vector<uint8_t> finished(size_t(rows), 0);
  std::vector<int32_t> act(static_cast<size_t>(rows));
  RecurrentStepCache<float> s;
  int64_t open = rows;
  if (first_actions) first_actions->assign(size_t(P_ * L), {});
  for (int64_t t = 0; t < max_steps && open > 0; ++t) {
    recurrent_step<float>(exec_, layout_, P_, B, params_.data(), n, env->observations(), h.data(), c.data(), nullptr, s);
    nn::categorical_sample(exec_, rows, A, s.logits(), act.data(), seed, kEvalStream, uint64_t(t));
    std::memcpy(h.data(), s.h.data(), sizeof(float) * h.size());
    std::memcpy(c.data(), s.c.data(), sizeof(float) * c.size());
    env->step(act.data());
    for (int64_t i = 0; i < rows; ++i) {
      if (finished[size_t(i)]) continue;
      if (first_actions && i % K == 0) (*first_actions)[size_t((i / B) * L + (i % B) / K)].push_back(act[size_t(i)]);
      ret[size_t(i)] += env->rewards()[i];
      if (env->terminated()[i] || env->truncated()[i]) {
        finished[size_t(i)] = 1;
        --open;
      }
    }
  }
  LevelEvaluation out;
  out.P = P_;
  out.L = L;
  out.mean_return.assign(size_t(P_ * L), 0.0);
  out.solve_rate.assign(size_t(P_ * L), 0.0);
  for (int64_t i = 0; i < rows; ++i) {
    const size_t pl = size_t((i / B) * L + (i % B) / K);
    out.mean_return[pl] += ret[size_t(i)] / double(K);
    out.solve_rate[pl] += ret[size_t(i)] > 0.0f ? 1.0 / double(K) : 0.0;
  }
  return out;
}

}  // namespace lamarck::rl
