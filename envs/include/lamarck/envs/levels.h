// The per-instance Params ("levels") of a batch, kept on the host: what Batched (POD envs, CPU and CUDA)
// and CpuBatched (CPU-only envs) share to implement BatchEnv's level interface. Either one level for every
// instance (the start) or one per instance (after any write).
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/envs/batch_env.h"

namespace lamarck::envs {

// Params may declare `void validate() const` for rules across fields (a maze's agent on a free cell inside
// its grid): it runs on every Params an env is made with or given as a level, after the field checks.
template <class Params, class = void>
struct HasValidate : std::false_type {};
template <class Params>
struct HasValidate<Params, std::void_t<decltype(std::declval<const Params&>().validate())>> : std::true_type {};
template <class Params>
void validate_params(const Params& p) {
  if constexpr (HasValidate<Params>::value) p.validate();
}

template <class Params>
class LevelTable {
 public:
  LevelTable() = default;
  LevelTable(std::string env_name, int64_t n) : name_(std::move(env_name)), n_(n) {}
  void set_name(const std::string& name) { name_ = name; }

  // Shared (size 1) or per-instance (size n) levels, each validated (validate_params) before any is taken.
  void assign(std::vector<Params> levels) {
    if (levels.size() != 1 && int64_t(levels.size()) != n_)
      throw InvalidArgument(name_ + ": expected 1 or " + std::to_string(n_) + " levels, got " +
                            std::to_string(levels.size()));
    for (size_t i = 0; i < levels.size(); ++i) {
      try {
        validate_params(levels[i]);
      } catch (const InvalidArgument& e) {
        throw InvalidArgument(name_ + (levels.size() > 1 ? ", instance " + std::to_string(i) : std::string()) +
                              ": " + e.what());
      }
    }
    levels_ = std::move(levels);
  }
  const std::vector<Params>& all() const { return levels_; }
  bool shared() const { return levels_.size() == 1; }
  const Params& of(int64_t i) const { return levels_[index(i)]; }

  std::vector<ConfigField> fields(int64_t i) const { return config_fields(of(i)); }
  std::string json(int64_t i) const { return config_to_compact_json(of(i)); }
  std::string bytes(int64_t i) const { return config_to_bytes(of(i)); }

  // The levels after writing `levels` (JSON objects over each instance's current level) to `instances`;
  // throws before anything changes when an instance or a level is bad.
  std::vector<Params> with_json(const std::vector<int64_t>& instances, const std::vector<std::string>& levels) const {
    return with(instances, levels.size(), [&](size_t j, const Params& current) {
      return parse_config<Params>(levels[j], name_ + " level", current);
    });
  }
  std::vector<Params> with_bytes(const std::vector<int64_t>& instances, const std::vector<std::string>& levels) const {
    return with(instances, levels.size(), [&](size_t j, const Params& current) {
      return config_from_bytes<Params>(levels[j], name_ + " level", current);
    });
  }

  void check_instance(int64_t i) const {
    if (i < 0 || i >= n_)
      throw InvalidArgument(name_ + ": instance " + std::to_string(i) + " is out of range [0, " + std::to_string(n_) + ")");
  }

 private:
  size_t index(int64_t i) const {
    check_instance(i);
    return levels_.size() == 1 ? 0 : size_t(i);
  }
  template <class Make>
  std::vector<Params> with(const std::vector<int64_t>& instances, size_t count, const Make& make) const {
    if (count != 1 && count != instances.size())
      throw InvalidArgument(name_ + ": set levels of " + std::to_string(instances.size()) + " instances with " +
                            std::to_string(count) + " levels (give 1 or one per instance)");
    std::vector<Params> out = levels_;
    if (out.size() == 1) out.assign(size_t(n_), levels_[0]);
    for (size_t j = 0; j < instances.size(); ++j) {
      check_instance(instances[j]);
      const size_t i = size_t(instances[j]);
      out[i] = make(count == 1 ? 0 : j, out[i]);
    }
    return out;
  }

  std::string name_;
  int64_t n_ = 0;
  std::vector<Params> levels_;
};

// BatchEnv's level interface over a LevelTable, shared by Batched and CpuBatched: a subclass applies a new
// set of levels (one, or one per instance) in set_params.
template <class Params>
class LevelledBatchEnv : public BatchEnv {
 public:
  virtual void set_params(const std::vector<Params>& params) = 0;
  std::vector<ConfigField> level_fields(int64_t instance) const override { return levels_.fields(instance); }
  std::string get_level(int64_t instance) const override { return levels_.json(instance); }
  void set_levels(const std::vector<int64_t>& instances, const std::vector<std::string>& levels) override {
    set_params(levels_.with_json(instances, levels));
  }
  std::string get_level_bytes(int64_t instance) const override { return levels_.bytes(instance); }
  void set_level_bytes(const std::vector<int64_t>& instances, const std::vector<std::string>& levels) override {
    set_params(levels_.with_bytes(instances, levels));
  }

 protected:
  LevelTable<Params> levels_;
};

}  // namespace lamarck::envs
