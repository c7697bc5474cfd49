// Uses several layers of an installed lamarck: RNG, a batched env, a strategy, a discovered-objective rule.
#include <cstdio>
#include <vector>

#include "lamarck/core/rng.h"
#include "lamarck/core/version.h"
#include "lamarck/envs/registry.h"
#include "lamarck/es/registry.h"
#include "lamarck/learned_objectives/rule_batch.h"

int main() {
  lamarck::Philox rng(lamarck::derive_key(1, 2, 3, 4));
  auto env = lamarck::envs::make_env("CartPole-v1", 4);
  env->reset(0);
  std::vector<int32_t> actions(4, 1);
  env->step(actions.data());
  lamarck::es::Settings settings;
  settings.dim = 3;
  auto es = lamarck::es::make_strategy("cma_es", settings);
  const auto x = es->ask();
  lamarck::objectives::Rule ppo;
  const auto sample = lamarck::objectives::rule_at(ppo, 1.5, 1.0, 0.0, 0.0);
  std::printf("lamarck %s: %u %zu %.3f\n", lamarck::kVersion, rng.next_u32(), x.size(), sample.drift);
  return 0;
}
