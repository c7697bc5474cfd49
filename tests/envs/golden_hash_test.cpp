// Golden rollout hashes (Box2D's determinism-test habit): one pinned hash per registered env of a fixed
// random-action rollout (64 instances, 300 steps, seed 2026, episodes capped at 120 steps so every env
// auto-resets). Box2D envs run Debian's prebuilt libbox2d, the same code on every host. Any change in an env's dynamics, rewards, termination, reset distribution or random
// streams changes its hash, and the failure names the env. The envs' arithmetic is lamarck's own
// elementwise code compiled without contraction (-ffp-contract=off), so the hashes are the same for every
// instruction-set target (checked: -march=native on AVX-512, x86-64-v3) and thread count.
//
// A deliberate behaviour change re-pins the env's hash: the failure message prints the new value. A new
// env fails until its hash is pinned here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>

#include "lamarck/envs/registry.h"
#include "test_util.h"

namespace lamarck::envs {
namespace {

const std::map<std::string, uint64_t>& pinned_hashes() {
  static const std::map<std::string, uint64_t> hashes = {
      {"Box2D/PushBox", 0xac658d7cedf9b9d4ull},
      {"Acrobot-v1", 0x6bebbdf12329ae1dull},
      {"CartPole-v1", 0x0a550538377c2a73ull},
      {"Maze", 0x809ab659d1cf5893ull},
      {"MinAtar/Asterix", 0x3790df06ca43584dull},
      {"MinAtar/Asterix-ref", 0x67bd2743b570d9b4ull},
      {"MinAtar/Breakout", 0xf56473f6cccf4ef2ull},
      {"MinAtar/Breakout-ref", 0x71f71b6eaa1fb562ull},
      {"MinAtar/Freeway", 0x4f86328ca21d0993ull},
      {"MinAtar/Freeway-ref", 0xfb4e38a5de9d0993ull},
      {"MinAtar/Seaquest", 0x745878790f1c99eeull},
      {"MinAtar/Seaquest-ref", 0x42db9350a9b7d0efull},
      {"MinAtar/SpaceInvaders", 0x9768c940e3fdc0f9ull},
      {"MinAtar/SpaceInvaders-ref", 0xedf823f2598a0e1bull},
      {"MountainCar-v0", 0xd65d9ffe317196d6ull},
      {"MountainCarContinuous-v0", 0xec55e34c0971447bull},
      {"Pendulum-v1", 0x919e36dc8886753dull},
  };
  return hashes;
}

std::string hex(uint64_t h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64 "ull", h);
  return buf;
}

class GoldenRollout : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenRollout, HashIsPinned) {
  const std::string& name = GetParam();
  for (int threads : {1, 2}) {
    auto env = make_env(name, 64, Exec{Device::cpu, threads}, R"({"max_episode_steps": 120})");
    const uint64_t h = testing::rollout_hash(*env, 2026, 300);
    const auto it = pinned_hashes().find(name);
    ASSERT_NE(it, pinned_hashes().end())
        << name << " has no pinned rollout hash; pin {\"" << name << "\", " << hex(h) << "}";
    EXPECT_EQ(hex(h), hex(it->second)) << name << "'s rollout changed (" << threads << " threads); if the "
                                       << "change is deliberate, re-pin it";
  }
}

TEST(GoldenRollout, EveryPinnedEnvIsRegistered) {
  const auto names = env_names();
  for (const auto& [name, hash] : pinned_hashes())
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name << " is pinned but not registered";
}

INSTANTIATE_TEST_SUITE_P(EveryEnv, GoldenRollout, ::testing::ValuesIn(env_names()),
                         testing::env_test_name);

}  // namespace
}  // namespace lamarck::envs
