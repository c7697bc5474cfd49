// The prioritised level replay buffer (level_sampler.h).
#include "lamarck/meta/level_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"

namespace lamarck::meta {

LevelSampler::LevelSampler(const LevelSamplerConfig& config) : config_(config) {
  check_config(config_, "level sampler config");
  const size_t cap = size_t(config_.capacity);
  levels_.resize(cap);
  scores_.assign(cap, -std::numeric_limits<float>::infinity());
  timestamps_.assign(cap, 0);
  extras_.resize(cap);
}

std::vector<double> LevelSampler::score_weights() const {
  const int64_t n = size_;
  std::vector<double> w(size_t(config_.capacity), 0.0);
  if (n == 0) return w;
  // slots [0, n) by score, highest first; ties keep buffer order (a stable sort, as jnp.argsort)
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const float sa = scores_[size_t(a)], sb = scores_[size_t(b)];
    if (std::isnan(sb)) return !std::isnan(sa);
    if (std::isnan(sa)) return false;
    return sa > sb;
  });
  if (config_.prioritization == "rank") {
    const double exponent = 1.0 / config_.temperature;
    double sum = 0;
    for (int64_t r = 0; r < n; ++r) {
      const double h = std::pow(1.0 / double(r + 1), exponent);  // rank r + 1: never 1/0
      w[size_t(order[size_t(r)])] = h;
      sum += h;
    }
    for (int64_t i = 0; i < n; ++i) w[size_t(i)] /= sum;
  } else {  // topk: a softmax over the k best scores
    const int64_t k = std::min<int64_t>(config_.topk_k, n);
    double top = -HUGE_VAL;
    for (int64_t r = 0; r < k; ++r) {
      const float s = scores_[size_t(order[size_t(r)])];
      if (!std::isnan(s)) top = std::max(top, double(s));
    }
    if (!std::isfinite(top)) {  // the k best are all -inf or NaN: uniform over them
      for (int64_t r = 0; r < k; ++r) w[size_t(order[size_t(r)])] = 1.0 / double(k);
      return w;
    }
    double sum = 0;
    for (int64_t r = 0; r < k; ++r) {
      const float s = scores_[size_t(order[size_t(r)])];
      const double e = std::isnan(s) ? 0.0 : std::exp(double(s) - top);
      w[size_t(order[size_t(r)])] = e;
      sum += e;
    }
    for (int64_t r = 0; r < k; ++r) w[size_t(order[size_t(r)])] /= sum;
  }
  return w;
}

std::vector<double> LevelSampler::staleness_weights() const {
  std::vector<double> w(size_t(config_.capacity), 0.0);
  if (size_ == 0) return w;
  double sum = 0;
  for (int64_t i = 0; i < size_; ++i) {
    w[size_t(i)] = double(episode_count_ - timestamps_[size_t(i)]);
    sum += w[size_t(i)];
  }
  for (int64_t i = 0; i < size_; ++i) w[size_t(i)] = sum > 0 ? w[size_t(i)] / sum : 1.0 / double(size_);
  return w;
}

std::vector<double> LevelSampler::replay_weights() const {
  std::vector<double> s = score_weights();
  const std::vector<double> c = staleness_weights();
  const double rho = config_.staleness_coef;
  for (size_t i = 0; i < s.size(); ++i) s[i] = (1.0 - rho) * s[i] + rho * c[i];
  return s;
}

bool LevelSampler::sample_replay_decision(Philox& rng) const {
  const double u = rng.uniform_double();
  return proportion_filled() >= config_.min_fill_ratio && size_ > 0 && u < config_.replay_prob;
}

std::vector<int64_t> LevelSampler::sample_replay_levels(Philox& rng, int64_t n) {
  if (size_ == 0) throw InvalidArgument("level sampler: no level to replay (the buffer is empty)");
  // the score weights stay fixed through the batch; only the staleness moves
  const std::vector<double> ws = score_weights();
  const double rho = config_.staleness_coef;
  std::vector<int64_t> drawn;
  drawn.reserve(size_t(n));
  std::vector<double> cdf(static_cast<size_t>(size_));
  for (int64_t k = 0; k < n; ++k) {
    double stale_sum = 0;
    for (int64_t i = 0; i < size_; ++i) stale_sum += double(episode_count_ - timestamps_[size_t(i)]);
    double acc = 0;
    for (int64_t i = 0; i < size_; ++i) {
      const double c = stale_sum > 0 ? double(episode_count_ - timestamps_[size_t(i)]) / stale_sum : 1.0 / double(size_);
      acc += (1.0 - rho) * ws[size_t(i)] + rho * c;
      cdf[size_t(i)] = acc;
    }
    const double u = rng.uniform_double() * acc;
    int64_t pick = int64_t(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    pick = std::min(pick, size_ - 1);
    while (pick > 0 && cdf[size_t(pick)] == cdf[size_t(pick - 1)]) --pick;  // never a zero-weight slot
    drawn.push_back(pick);
    timestamps_[size_t(pick)] = ++episode_count_;
  }
  return drawn;
}

int64_t LevelSampler::next_slot() const {
  if (size_ < config_.capacity) return size_;
  const std::vector<double> w = replay_weights();
  return int64_t(std::min_element(w.begin(), w.begin() + size_) - w.begin());  // the first least
}

int64_t LevelSampler::find(const std::string& level) const {
  const auto it = index_.find(level);
  return it == index_.end() ? -1 : it->second;
}

int64_t LevelSampler::insert(const std::string& level, float score, const LevelExtra& extra) {
  if (config_.duplicate_check) {
    const int64_t slot = find(level);
    if (slot >= 0) {
      update(slot, score, extra);
      timestamps_[size_t(slot)] = ++episode_count_;
      return slot;
    }
  }
  const int64_t slot = next_slot();
  int64_t kept = -1;
  if (scores_[size_t(slot)] < score) {  // an empty slot holds -inf: a level scored -inf is never kept
    if (slot < size_) {
      const auto it = index_.find(levels_[size_t(slot)]);
      if (it != index_.end() && it->second == slot) index_.erase(it);
    }
    levels_[size_t(slot)] = level;
    scores_[size_t(slot)] = score;
    timestamps_[size_t(slot)] = episode_count_ + 1;
    extras_[size_t(slot)] = extra;
    index_[level] = slot;
    size_ = std::min(size_ + 1, config_.capacity);
    kept = slot;
  }
  ++episode_count_;
  return kept;
}

void LevelSampler::update(int64_t slot, float score, const LevelExtra& extra) {
  if (slot < 0 || slot >= size_) throw InvalidArgument("level sampler: slot " + std::to_string(slot) + " is empty");
  scores_[size_t(slot)] = score;
  extras_[size_t(slot)] = extra;
}

LevelSampler::State LevelSampler::state() const {
  State s;
  s.levels.assign(levels_.begin(), levels_.begin() + size_);
  s.scores.assign(scores_.begin(), scores_.begin() + size_);
  s.timestamps.assign(timestamps_.begin(), timestamps_.begin() + size_);
  s.extras.assign(extras_.begin(), extras_.begin() + size_);
  s.episode_count = episode_count_;
  return s;
}

void LevelSampler::restore(const State& s) {
  const size_t n = s.levels.size();
  if (int64_t(n) > config_.capacity || s.scores.size() != n || s.timestamps.size() != n || s.extras.size() != n)
    throw InvalidArgument("level sampler: a saved buffer of " + std::to_string(n) + " levels does not fit capacity " +
                          std::to_string(config_.capacity) + " (or its arrays differ in length)");
  *this = LevelSampler(config_);
  for (size_t i = 0; i < n; ++i) {
    levels_[i] = s.levels[i];
    scores_[i] = s.scores[i];
    timestamps_[i] = s.timestamps[i];
    extras_[i] = s.extras[i];
    index_[s.levels[i]] = int64_t(i);
  }
  size_ = int64_t(n);
  episode_count_ = s.episode_count;
}

}  // namespace lamarck::meta
