#include "lamarck/meta/config.h"

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/envs/registry.h"
#include "lamarck/es/registry.h"

namespace lamarck::meta {

void MetaConfig::validate() const {
  if (min_timesteps > max_timesteps)
    throw ConfigError("config: min_timesteps = " + std::to_string(min_timesteps) + " is larger than max_timesteps = " +
                      std::to_string(max_timesteps));
  const std::vector<std::string> strategies = es::strategy_names();
  bool known = false;
  for (const auto& s : strategies) known = known || s == strategy;
  if (!known) throw ConfigError("config: strategy: " + unknown_choice_message("strategy", strategy, strategies));
  const std::vector<std::string> names = envs::env_names();
  for (const std::string& env : envs) {
    bool found = false;
    for (const auto& n : names) found = found || n == env;
    if (!found) throw ConfigError("config: envs: " + unknown_choice_message("env", env, names));
    baseline(env);
  }
  inner.validate();
  const int64_t update = inner.num_envs * inner.num_steps;
  if (min_timesteps < update)
    throw ConfigError("config: min_timesteps = " + std::to_string(min_timesteps) +
                      " is less than one inner update (inner.num_envs * inner.num_steps = " + std::to_string(update) + ")");
  for (int64_t t : eval_timesteps)
    if (t < update)
      throw ConfigError("config: eval_timesteps has " + std::to_string(t) +
                        ", less than one inner update (inner.num_envs * inner.num_steps = " + std::to_string(update) + ")");
}

double MetaConfig::baseline(const std::string& env) const {
  for (const Baseline& b : baselines)
    if (b.env == env) return b.value;
  std::vector<std::string> have;
  for (const Baseline& b : baselines) have.push_back(b.env);
  throw ConfigError("config: baselines has no entry for env '" + env + "' (it has: " +
                    (have.empty() ? std::string("none") : join(have)) + "); add {\"env\": \"" + env +
                    "\", \"value\": <PPO's final return>}");
}

std::vector<int64_t> MetaConfig::eval_horizons() const {
  return eval_timesteps.empty() ? std::vector<int64_t>{max_timesteps} : eval_timesteps;
}

MetaConfig load_meta_config(const std::string& path) {
  MetaConfig c = load_config<MetaConfig>(path);
  c.validate();
  return c;
}

}  // namespace lamarck::meta
