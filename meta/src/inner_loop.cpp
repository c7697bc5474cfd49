#include "lamarck/meta/inner_loop.h"

#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <utility>

#include "lamarck/envs/registry.h"

namespace lamarck::meta {

namespace {
struct Group {
  std::string env;
  uint64_t seed = 0;
  std::vector<size_t> tasks;  // indices into the task list
};

struct GroupResult {
  std::vector<double> final_return;
  int64_t diverged = 0, env_steps = 0;
};

GroupResult train_group(const Exec& exec, const rl::TrainConfig& inner, const std::shared_ptr<const rl::UpdateRule>& rule,
                        const std::vector<AgentTask>& tasks, const Group& group, const float* params, int64_t dim) {
  rl::TrainConfig config = inner;
  config.env = group.env;
  config.seed = group.seed;
  const int64_t steps_per_update = config.num_envs * config.num_steps;
  std::vector<int64_t> horizons;
  std::vector<uint64_t> streams;
  std::vector<float> rows;
  for (size_t i : group.tasks) {
    horizons.push_back(std::max<int64_t>(1, tasks[i].timesteps / steps_per_update));
    streams.push_back(tasks[i].stream);
    if (dim > 0) rows.insert(rows.end(), params + tasks[i].row * dim, params + (tasks[i].row + 1) * dim);
  }
  // agents with a level of their own: the env is built here, each agent's instances given its level
  std::unique_ptr<envs::BatchEnv> env;
  bool levels = false;
  for (size_t i : group.tasks) levels = levels || !tasks[i].level.empty();
  if (levels) {
    const int64_t E = config.num_envs;
    env = envs::make_env(group.env, int64_t(group.tasks.size()) * E, exec);
    for (size_t a = 0; a < group.tasks.size(); ++a) {
      const std::string& level = tasks[group.tasks[a]].level;
      if (level.empty()) continue;
      std::vector<int64_t> instances;
      for (int64_t e = 0; e < E; ++e) instances.push_back(int64_t(a) * E + e);
      env->set_levels(instances, {level});
    }
  }
  rl::Trainer trainer(config, int64_t(group.tasks.size()), exec, horizons, rule, streams, std::move(env));
  if (dim > 0) trainer.set_rule_params(rows);
  trainer.run();
  GroupResult out;
  const std::vector<double> returns = trainer.final_returns();
  // an agent whose weights went non-finite has diverged: it scores worst, whatever its last returns
  const std::vector<float> weights = trainer.params();
  const size_t n = size_t(trainer.layout().num_params);
  for (size_t a = 0; a < group.tasks.size(); ++a) {
    bool finite = std::isfinite(returns[a]);
    for (size_t j = 0; finite && j < n; ++j) finite = std::isfinite(weights[a * n + j]);
    out.final_return.push_back(finite ? returns[a] : std::numeric_limits<double>::quiet_NaN());
    if (!finite) ++out.diverged;
  }
  out.env_steps = trainer.env_steps_per_agent() * int64_t(group.tasks.size());
  return out;
}
}  // namespace

InnerResult train_tasks(const Exec& exec, const rl::TrainConfig& inner, std::shared_ptr<const rl::UpdateRule> rule,
                        const std::vector<AgentTask>& tasks, const float* params, int64_t dim,
                        int64_t agents_per_trainer) {
  const auto start = std::chrono::steady_clock::now();
  // group by (env, seed) in first-appearance order, then split each group into chunks
  std::vector<Group> groups;
  std::map<std::pair<std::string, uint64_t>, size_t> open;  // (env, seed) -> its last group
  for (size_t i = 0; i < tasks.size(); ++i) {
    const auto key = std::make_pair(tasks[i].env, tasks[i].seed);
    auto it = open.find(key);
    if (it == open.end() ||
        (agents_per_trainer > 0 && int64_t(groups[it->second].tasks.size()) >= agents_per_trainer)) {
      groups.push_back(Group{tasks[i].env, tasks[i].seed, {}});
      open[key] = groups.size() - 1;
      it = open.find(key);
    }
    groups[it->second].tasks.push_back(i);
  }
  std::vector<GroupResult> results(groups.size());
  if (exec.device == Device::cuda) {
    for (size_t g = 0; g < groups.size(); ++g) results[g] = train_group(exec, inner, rule, tasks, groups[g], params, dim);
  } else {
    const Exec single{Device::cpu, 1};
    const int threads = cpu_threads(exec);
    std::vector<std::exception_ptr> errors(groups.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && groups.size() > 1)
    for (int64_t g = 0; g < int64_t(groups.size()); ++g) {
      try {
        results[size_t(g)] = train_group(single, inner, rule, tasks, groups[size_t(g)], params, dim);
      } catch (...) {
        errors[size_t(g)] = std::current_exception();
      }
    }
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  InnerResult result;
  result.final_return.assign(tasks.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t a = 0; a < groups[g].tasks.size(); ++a) result.final_return[groups[g].tasks[a]] = results[g].final_return[a];
    result.diverged += results[g].diverged;
    result.env_steps += results[g].env_steps;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace lamarck::meta
