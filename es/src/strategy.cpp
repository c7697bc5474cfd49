// Shared ask/tell bookkeeping (written once for every strategy), fitness shaping and the batch of
// independent instances. See strategy.h.
#include "lamarck/es/strategy.h"

#include <omp.h>

#include <algorithm>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "lamarck/core/device_array.h"
#include "lamarck/core/error.h"
#include "lamarck/es/kernels.h"
#include "lamarck/es/registry.h"
#include "lamarck/es/shaping.h"

namespace lamarck::es {

const char* direction_name(Direction d) { return d == Direction::minimize ? "min" : "max"; }

Direction parse_direction(const std::string& name) {
  if (name == "min" || name == "minimize") return Direction::minimize;
  if (name == "max" || name == "maximize") return Direction::maximize;
  throw_unknown_choice("direction", name, {"min", "max"});
}

const char* shaping_name(Shaping s) {
  switch (s) {
    case Shaping::identity: return "identity";
    case Shaping::z_score: return "z_score";
    case Shaping::centered_rank: return "centered_rank";
    case Shaping::rank_weights: return "rank_weights";
  }
  return "?";
}

Shaping parse_shaping(const std::string& name) {
  if (name == "identity") return Shaping::identity;
  if (name == "z_score") return Shaping::z_score;
  if (name == "centered_rank") return Shaping::centered_rank;
  if (name == "rank_weights") return Shaping::rank_weights;
  throw_unknown_choice("fitness shaping", name, {"identity", "z_score", "centered_rank", "rank_weights"});
}

Strategy::Strategy(std::string name, Settings settings, Shaping default_shaping)
    : name_(std::move(name)), settings_(std::move(settings)), shaping_(default_shaping) {
  if (settings_.dim <= 0)
    throw InvalidArgument("dimension must be positive, got " + std::to_string(settings_.dim));
  if (settings_.pop_size < 0)
    throw InvalidArgument("population size must be positive, got " + std::to_string(settings_.pop_size));
  if (!(settings_.sigma_init > 0.0) || !std::isfinite(settings_.sigma_init))
    throw InvalidArgument("sigma_init must be positive and finite, got " + std::to_string(settings_.sigma_init));
  if (settings_.weight_decay < 0.0)
    throw InvalidArgument("weight_decay must be >= 0, got " + std::to_string(settings_.weight_decay));
  if (!settings_.mean_init.empty() && int64_t(settings_.mean_init.size()) != settings_.dim)
    throw InvalidArgument("mean_init has " + std::to_string(settings_.mean_init.size()) +
                          " values but the dimension is " + std::to_string(settings_.dim));
  if (!settings_.shaping.empty()) shaping_ = parse_shaping(settings_.shaping);
  require_device(settings_.exec);
}

std::vector<float> Strategy::initial_mean() const {
  if (settings_.mean_init.empty()) return std::vector<float>(size_t(settings_.dim), 0.0f);
  return settings_.mean_init;
}

std::vector<float> Strategy::rank_weights(int64_t pop) const { return recombination_weights(pop); }

void Strategy::sample_gaussian(const std::vector<float>& mean, const std::vector<float>* sigma, float sigma_scalar,
                               float* population, bool antithetic) const {
  const int64_t D = dim(), rows = antithetic ? pop_size() / 2 : pop_size();
  const Key gen = generation_key(book_.generation);
  const Exec exec = compute_exec();
  if (exec.device == Device::cpu) {
    parallel_for(exec_for(pop_size() * D), rows,
                 SampleGaussianRows{gen, mean.data(), sigma ? sigma->data() : nullptr, sigma_scalar, population, D,
                                    antithetic});
    return;
  }
  require_device(exec);  // throws where CUDA is not there
  const int64_t blocks = (D + 3) / 4;
  DeviceArray<float> mean_dev(mean, exec.device);
  DeviceArray<float> sigma_dev = sigma ? DeviceArray<float>(*sigma, exec.device) : DeviceArray<float>();
  cuda::sample_gaussian(SampleGaussian{gen, mean_dev.data(), sigma ? sigma_dev.data() : nullptr, sigma_scalar,
                                       population, D, blocks, antithetic},
                        rows * blocks);
}

void Strategy::noise_moments(const std::vector<int64_t>& rows, const std::vector<double>& w1,
                             const std::vector<double>* w2, std::vector<double>& m1, std::vector<double>* m2) const {
  const int64_t D = dim(), count = int64_t(rows.size()), blocks = (D + 3) / 4;
  LMK_ASSERT(int64_t(w1.size()) == count && (!w2 || int64_t(w2->size()) == count) && (!w2 || m2),
             "noise_moments: mismatched sizes");
  const Key gen = generation_key(book_.generation);
  std::vector<Key> keys(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) keys[size_t(k)] = row_key(gen, rows[size_t(k)]);
  m1.assign(size_t(D), 0.0);
  if (w2) m2->assign(size_t(D), 0.0);
  const Exec exec = compute_exec();
  if (exec.device == Device::cpu) {
    parallel_for(exec_for(count * D), blocks,
                 NoiseMoments{keys.data(), w1.data(), w2 ? w2->data() : nullptr, count, D, m1.data(),
                              w2 ? m2->data() : nullptr});
    return;
  }
  require_device(exec);  // throws where CUDA is not there
  DeviceArray<Key> keys_dev(keys, exec.device);
  DeviceArray<double> w1_dev(w1, exec.device), m1_dev(D, exec.device);
  DeviceArray<double> w2_dev = w2 ? DeviceArray<double>(*w2, exec.device) : DeviceArray<double>();
  DeviceArray<double> m2_dev = w2 ? DeviceArray<double>(D, exec.device) : DeviceArray<double>();
  cuda::noise_moments(NoiseMoments{keys_dev.data(), w1_dev.data(), w2 ? w2_dev.data() : nullptr, count, D,
                                   m1_dev.data(), w2 ? m2_dev.data() : nullptr});
  m1_dev.copy_to_host(m1.data(), D);
  if (w2) m2_dev.copy_to_host(m2->data(), D);
}

void Strategy::sample_offspring(const std::vector<float>& parents, const OffspringPlan& plan,
                                float* population) const {
  const int64_t D = dim(), P = int64_t(plan.first.size()), blocks = (D + 3) / 4;
  const bool cross = !plan.second.empty();
  const Key gen = generation_key(book_.generation);
  std::vector<Key> keys(static_cast<size_t>(P));
  for (int64_t k = 0; k < P; ++k) keys[size_t(k)] = row_key(gen, k);
  const Exec exec = compute_exec();
  if (exec.device == Device::cpu) {
    parallel_for(exec_for(P * D), P * blocks,
                 OffspringRows{parents.data(), plan.first.data(), cross ? plan.second.data() : nullptr, keys.data(),
                               cross ? plan.mask_keys.data() : nullptr, cross ? plan.mask_word.data() : nullptr,
                               plan.scale.data(), plan.crossover, population, D, blocks});
    return;
  }
  require_device(exec);  // throws where CUDA is not there
  const Device d = exec.device;
  DeviceArray<float> parents_dev(parents, d), scale_dev(plan.scale, d);
  DeviceArray<int32_t> first_dev(plan.first, d), second_dev = cross ? DeviceArray<int32_t>(plan.second, d) : DeviceArray<int32_t>();
  DeviceArray<Key> keys_dev(keys, d), mask_keys_dev = cross ? DeviceArray<Key>(plan.mask_keys, d) : DeviceArray<Key>();
  DeviceArray<uint64_t> mask_word_dev = cross ? DeviceArray<uint64_t>(plan.mask_word, d) : DeviceArray<uint64_t>();
  cuda::offspring_rows(OffspringRows{parents_dev.data(), first_dev.data(), cross ? second_dev.data() : nullptr,
                                     keys_dev.data(), cross ? mask_keys_dev.data() : nullptr,
                                     cross ? mask_word_dev.data() : nullptr, scale_dev.data(), plan.crossover,
                                     population, D, blocks},
                       P * blocks);
}

void Strategy::copy_row_to_host(const float* population, int64_t row, float* out) const {
  const Device where = staged() ? Device::cpu : settings_.exec.device;
  memory::copy(out, Device::cpu, population + row * dim(), where, sizeof(float) * size_t(dim()));
}

void Strategy::ask(float* population) const {
  if (!staged()) {
    sample(population);
    return;
  }
  // host-computed strategy on a device exec: sample on the host, copy the candidates over
  std::vector<float> host(static_cast<size_t>(pop_size() * dim()));
  sample(host.data());
  memory::copy(population, settings_.exec.device, host.data(), Device::cpu, sizeof(float) * host.size());
}

std::vector<float> Strategy::ask() const {
  if (settings_.exec.device != Device::cpu)
    throw InvalidArgument("ask(): this strategy's population lives on " + std::string(device_name(settings_.exec.device)) +
                          "; call ask(float*) with device memory");
  std::vector<float> x(static_cast<size_t>(pop_size() * dim()));
  sample(x.data());
  return x;
}

TellInfo Strategy::tell(const float* population, const float* fitness) {
  const int64_t P = pop_size(), D = dim();
  // host-computed strategy on a device exec: its update reads a host copy of the candidates
  std::vector<float> staged_population;
  if (staged()) {
    staged_population.resize(size_t(P * D));
    memory::copy(staged_population.data(), Device::cpu, population, settings_.exec.device,
                 sizeof(float) * staged_population.size());
    population = staged_population.data();
  }
  const bool host = settings_.exec.device == Device::cpu || staged();
  // L2 weight decay needs each candidate's squared norm, computed where the population lives
  std::vector<double> sq_norm;
  if (settings_.weight_decay > 0.0) {
    sq_norm.resize(size_t(P));
    if (host) {
      parallel_for(exec_for(P * D), P, RowSquaredNorms{population, D, sq_norm.data()});
    } else {
      require_device(settings_.exec);  // throws where CUDA is not there
      DeviceArray<double> sq_dev(P, settings_.exec.device);
      cuda::row_squared_norms(RowSquaredNorms{population, D, sq_dev.data()}, P);
      sq_dev.copy_to_host(sq_norm.data(), P);
    }
  }
  Ranked r;
  r.loss.resize(size_t(P));
  TellInfo info;
  double sum = 0.0;
  int64_t finite = 0, gen_best = -1;
  // direction, NaN/Inf -> +inf loss (ranks last, counted), weight decay
  for (int64_t i = 0; i < P; ++i) {
    const double f = double(fitness[i]);
    if (!std::isfinite(f)) {
      r.loss[size_t(i)] = std::numeric_limits<double>::infinity();
      ++info.nonfinite;
      continue;
    }
    sum += f;
    ++finite;
    double loss = settings_.direction == Direction::minimize ? f : -f;
    if (settings_.weight_decay > 0.0) loss += settings_.weight_decay * sq_norm[size_t(i)];
    r.loss[size_t(i)] = loss;
    const bool better = gen_best < 0 || (settings_.direction == Direction::minimize ? f < fitness[gen_best]
                                                                                     : f > fitness[gen_best]);
    if (better) gen_best = i;
  }
  info.gen_mean = finite > 0 ? sum / double(finite) : std::nan("");
  info.gen_best = gen_best >= 0 ? double(fitness[gen_best]) : std::nan("");
  // best so far (raw fitness in the user's direction)
  if (gen_best >= 0) {
    const double f = double(fitness[gen_best]);
    const bool better = !book_.has_best ||
                        (settings_.direction == Direction::minimize ? f < book_.best_fitness : f > book_.best_fitness);
    if (better) {
      book_.has_best = true;
      book_.best_fitness = f;
      book_.best_x.resize(size_t(D));
      memory::copy(book_.best_x.data(), Device::cpu, population + gen_best * D,
                   host ? Device::cpu : settings_.exec.device, sizeof(float) * size_t(D));
    }
  }
  // ranks and shaped utilities
  r.order = rank_order(r.loss);
  r.rank.resize(size_t(P));
  for (int64_t k = 0; k < P; ++k) r.rank[size_t(r.order[size_t(k)])] = k;
  r.utility = shape_fitness(shaping_, r.loss, r.rank, shaping_ == Shaping::rank_weights ? rank_weights(P)
                                                                                         : std::vector<float>{});
  update(population, r);
  book_.generation += 1;
  book_.evaluations += P;
  book_.nonfinite += info.nonfinite;
  return info;
}

std::string Strategy::state_bytes() const {
  std::ostringstream out;
  std::string own;
  save_state(own);
  {
    cereal::PortableBinaryOutputArchive ar(out);
    Settings s = settings_;
    ar(name_, s, book_, own);
  }
  return out.str();
}

void Strategy::restore_bytes(const std::string& bytes) {
  std::istringstream in(bytes);
  std::string name, own;
  Settings s;
  Bookkeeping b;
  {
    cereal::PortableBinaryInputArchive ar(in);
    ar(name, s, b, own);
  }
  if (name != name_) throw FileError("checkpoint holds a '" + name + "' state, not '" + name_ + "'");
  if (s.dim != settings_.dim)
    throw FileError("checkpoint dimension " + std::to_string(s.dim) + " differs from " + std::to_string(settings_.dim));
  book_ = b;
  load_state(own);
}

// ---- options ------------------------------------------------------------------------------------------

double OptionReader::get(const std::string& key, double fallback) {
  known_.push_back(key);
  const auto it = options_.find(key);
  return it == options_.end() ? fallback : it->second;
}

void OptionReader::finish() const {
  for (const auto& [key, value] : options_) {
    (void)value;
    if (std::find(known_.begin(), known_.end(), key) == known_.end())
      throw InvalidArgument(strategy_ + ": " + unknown_choice_message("option", key, known_));
  }
}

// ---- batch --------------------------------------------------------------------------------------------

StrategyBatch::StrategyBatch(const std::string& strategy, const Settings& settings, int64_t instances)
    : name_(strategy), settings_(settings) {
  if (instances <= 0) throw InvalidArgument("instances must be positive, got " + std::to_string(instances));
  threads_ = cpu_threads(settings.exec);
  for (int64_t n = 0; n < instances; ++n) {
    Settings s = settings;
    // instance 0 is the run the batch's settings give alone; the others' seeds are derived from it
    if (n > 0) s.seed = fold_in(key_from_seed(settings.seed), uint64_t(n)).w[0] | (uint64_t(n) << 32);
    s.exec.threads = 1;  // parallel over instances, each instance on one thread
    members_.push_back(make_strategy(strategy, s));
  }
}

std::vector<int64_t> StrategyBatch::first_rows() const {
  std::vector<int64_t> first(members_.size() + 1, 0);
  for (size_t n = 0; n < members_.size(); ++n) first[n + 1] = first[n] + members_[n]->pop_size();
  return first;
}

int64_t StrategyBatch::offset(int64_t n) const { return first_rows()[size_t(n)]; }

void StrategyBatch::ask(float* population) const {
  const int64_t N = instances(), D = dim();
  const std::vector<int64_t> first = first_rows();  // taken before any member changes size
  cpu_for(threads_, true, N, [&](int64_t n) { members_[size_t(n)]->ask(population + first[size_t(n)] * D); });
}

std::string StrategyBatch::state_bytes() const {
  std::vector<std::string> states;
  for (const auto& m : members_) states.push_back(m->state_bytes());
  std::ostringstream os(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(os);
    ar(states);
  }
  return os.str();
}

void StrategyBatch::restore_bytes(const std::string& bytes) {
  std::vector<std::string> states;
  try {
    std::istringstream is(bytes, std::ios::binary);
    cereal::PortableBinaryInputArchive ar(is);
    ar(states);
  } catch (const std::exception& e) {
    throw InvalidArgument(std::string("strategy batch state: unreadable (") + e.what() + ")");
  }
  if (states.size() != members_.size())
    throw InvalidArgument("strategy batch state: " + std::to_string(states.size()) + " instances, this batch has " +
                          std::to_string(members_.size()));
  // all or nothing: restore into fresh members, then swap them in
  std::vector<std::unique_ptr<Strategy>> restored;
  for (size_t n = 0; n < members_.size(); ++n) {
    restored.push_back(make_strategy(name_, members_[n]->settings()));
    restored.back()->restore_bytes(states[n]);
  }
  members_ = std::move(restored);
}

std::vector<TellInfo> StrategyBatch::tell(const float* population, const float* fitness) {
  const int64_t N = instances(), D = dim();
  const std::vector<int64_t> first = first_rows();  // the rows of the ask these fitness values answer
  std::vector<TellInfo> info(static_cast<size_t>(N));
  cpu_for(threads_, true, N, [&](int64_t n) {
    info[size_t(n)] = members_[size_t(n)]->tell(population + first[size_t(n)] * D, fitness + first[size_t(n)]);
  });
  return info;
}

}  // namespace lamarck::es
