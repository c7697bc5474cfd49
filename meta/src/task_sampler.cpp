#include "lamarck/meta/task_sampler.h"

#include <cmath>

#include "lamarck/core/rng.h"

namespace lamarck::meta {
namespace {

constexpr uint64_t kStreamTrainSeed = 0x6d65746173656564ull;  // "metaseed"
constexpr uint64_t kStreamHorizon = 0x6d657461686f727aull;    // "metahorz"

uint64_t key_to_u64(Key k) { return (uint64_t(k.w[1]) << 32) | k.w[0]; }

class LogUniformHorizons final : public TaskSampler {
 public:
  explicit LogUniformHorizons(const MetaConfig& c)
      : envs_(c.envs), slots_(c.tasks_per_candidate), seed_(c.seed), min_(c.min_timesteps), max_(c.max_timesteps) {}
  std::string name() const override { return "log_uniform_horizons"; }

  std::vector<AgentTask> sample(int64_t g, int64_t P) const override {
    const double lo = std::log(double(min_)), hi = std::log(double(max_));
    std::vector<AgentTask> tasks;
    for (size_t e = 0; e < envs_.size(); ++e)
      for (int64_t s = 0; s < slots_; ++s) {
        const uint64_t slot = uint64_t(int64_t(e) * slots_ + s);
        const uint64_t seed = key_to_u64(derive_key(seed_, kStreamTrainSeed, uint64_t(g), slot));
        for (int64_t i = 0; i < P; ++i) {
          Philox rng(derive_key(seed_, kStreamHorizon, uint64_t(g), slot * uint64_t(P) + uint64_t(i / 2)));
          const int64_t steps = int64_t(std::llround(std::exp(lo + (hi - lo) * rng.uniform_double())));
          AgentTask task;
          task.env = envs_[e];
          task.timesteps = steps;
          task.seed = seed;
          task.row = i;
          tasks.push_back(task);
        }
      }
    return tasks;
  }

 private:
  std::vector<std::string> envs_;
  int64_t slots_;
  uint64_t seed_;
  int64_t min_, max_;
};

}  // namespace

std::unique_ptr<TaskSampler> make_default_task_sampler(const MetaConfig& config) {
  return std::make_unique<LogUniformHorizons>(config);
}

}  // namespace lamarck::meta
