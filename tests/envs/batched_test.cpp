// The generic batched wrapper: determinism across thread counts, fast path == plain path, auto-reset
// and truncation semantics. Runs over every registered env.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "lamarck/envs/batched.h"
#include "lamarck/envs/classic/cartpole.h"
#include "lamarck/envs/minatar/asterix.h"
#include "lamarck/envs/minatar/breakout.h"
#include "lamarck/envs/minatar/freeway.h"
#include "lamarck/envs/minatar/seaquest.h"
#include "lamarck/envs/minatar/space_invaders.h"
#include "lamarck/envs/registry.h"
#include "test_util.h"

namespace lamarck::envs {
namespace {

using testing::rollout_hash;

class EveryEnv : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryEnv, SameSeedSameTrajectoryForOneAndTwoThreads) {
  // a short cap so every env ends episodes (and auto-resets) within the rollout
  const std::string cap = R"({"max_episode_steps": 100})";
  auto one = make_env(GetParam(), 520, Exec{Device::cpu, 1}, cap);
  auto two = make_env(GetParam(), 520, Exec{Device::cpu, 2}, cap);
  int64_t episodes = 0;
  const uint64_t h1 = rollout_hash(*one, 7, 110, &episodes);
  EXPECT_EQ(h1, rollout_hash(*two, 7, 110));
  EXPECT_GT(episodes, 0) << "the rollout should end some episodes";
  EXPECT_NE(h1, rollout_hash(*one, 8, 110)) << "another seed should give another trajectory";
}

TEST_P(EveryEnv, FastPathMatchesThePlainKernelBitwise) {
  const std::string cap = R"({"max_episode_steps": 100})";
  auto fast = make_env(GetParam(), 520, Exec{Device::cpu, 2}, cap);
  auto plain = make_reference_env(GetParam(), 520, Exec{Device::cpu, 2}, cap);
  EXPECT_EQ(rollout_hash(*fast, 12, 110), rollout_hash(*plain, 12, 110));
}

// A snapshot taken mid-episode (some instances past an auto-reset) restores into another batch of the same
// env, on another thread count, and both continue bit-identically.
TEST_P(EveryEnv, SnapshotRestoreContinuesBitIdentically) {
  const std::string cap = R"({"max_episode_steps": 30})";
  auto env = make_env(GetParam(), 40, Exec{Device::cpu, 2}, cap);
  const int64_t d = env->spec().observation.size();
  testing::RandomActions actions;
  env->reset(9);
  for (int t = 0; t < 45; ++t) {
    actions.fill(*env, 9, uint64_t(t));
    actions.step(*env);
  }
  const std::string snap = env->snapshot();
  auto continue_hash = [&](BatchEnv& e) {
    uint64_t h = testing::fnv1a(e.observations(), sizeof(float) * size_t(e.num_envs() * d));
    for (int t = 45; t < 120; ++t) {
      actions.fill(e, 9, uint64_t(t));
      actions.step(e);
      h = testing::fnv1a(e.observations(), sizeof(float) * size_t(e.num_envs() * d), h);
      h = testing::fnv1a(e.rewards(), sizeof(float) * size_t(e.num_envs()), h);
      h = testing::fnv1a(e.terminated(), size_t(e.num_envs()), h);
    }
    return h;
  };
  const uint64_t a = continue_hash(*env);
  auto other = make_env(GetParam(), 40, Exec{Device::cpu, 1}, cap);
  other->restore(snap);
  EXPECT_EQ(continue_hash(*other), a);
  auto wrong = make_env(GetParam(), 41, Exec{Device::cpu, 1});
  EXPECT_THROW(wrong->restore(snap), InvalidArgument);
  EXPECT_THROW(other->restore(snap.substr(0, snap.size() / 2)), InvalidArgument);
}

TEST_P(EveryEnv, ObservationsFitTheSpec) {
  auto env = make_env(GetParam(), 64, Exec{Device::cpu, 1});
  const Spec& spec = env->spec();
  ASSERT_EQ(spec.name, GetParam());
  const int64_t obs = spec.observation.size();
  ASSERT_EQ(int64_t(spec.observation.low.size()), obs);
  ASSERT_EQ(int64_t(spec.observation.high.size()), obs);
  env->reset(3);
  testing::RandomActions actions;
  for (int t = 0; t < 200; ++t) {
    actions.fill(*env, 3, uint64_t(t));
    actions.step(*env);
    for (int64_t i = 0; i < env->num_envs() * obs; ++i) {
      const float x = env->observations()[i];
      ASSERT_TRUE(std::isfinite(x));
      ASSERT_GE(x, spec.observation.low[size_t(i % obs)]) << "element " << i % obs << " step " << t;
      ASSERT_LE(x, spec.observation.high[size_t(i % obs)]) << "element " << i % obs << " step " << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryEnv, ::testing::ValuesIn(env_names()),
                         testing::env_test_name);

// The CUDA step of the MinAtar games (strided observations into a (K, N) scratch, then a transpose), run
// on the CPU: the same bits as the plain kernel, episode ends and final observations included.
template <class Game>
void expect_strided_path_matches(const char* name) {
  using Env = minatar::MinAtar<Game>;
  minatar::Params p;
  p.max_episode_steps = 60;  // episodes end (and auto-reset) within the rollout
  Batched<Env> strided(300, Exec{Device::cpu, 2}, p), plain(300, Exec{Device::cpu, 2}, p);
  strided.set_name(name);
  plain.set_name(name);
  strided.set_strided_path(true);
  plain.set_reference_path(true);
  int64_t episodes = 0;
  EXPECT_EQ(rollout_hash(strided, 5, 150, &episodes), rollout_hash(plain, 5, 150)) << name;
  EXPECT_GT(episodes, 0) << name;
}

TEST(Batched, StridedObservationPathMatchesThePlainKernelBitwise) {
  expect_strided_path_matches<minatar::Asterix>("MinAtar/Asterix");
  expect_strided_path_matches<minatar::Breakout>("MinAtar/Breakout");
  expect_strided_path_matches<minatar::Freeway>("MinAtar/Freeway");
  expect_strided_path_matches<minatar::Seaquest>("MinAtar/Seaquest");
  expect_strided_path_matches<minatar::SpaceInvaders>("MinAtar/SpaceInvaders");
  Batched<CartPole> cartpole(8, Exec{});
  EXPECT_THROW(cartpole.set_strided_path(true), InvalidArgument);
}

TEST(Batched, PerEnvParamsApplyPerInstance) {
  Batched<CartPole> env(2, Exec{Device::cpu, 1});
  CartPole::Params heavy;
  heavy.gravity = 30.0f;
  env.set_params({CartPole::Params(), heavy});
  env.reset(1);
  // same key stream per index, so only gravity differs between the two physics
  CartPole::State s0 = env.host_states()[0];
  s0.theta = 0.1f;
  env.set_host_states({s0, s0});
  const int32_t actions[2] = {1, 1};
  env.step(actions);
  EXPECT_GT(env.host_states()[1].theta_dot, env.host_states()[0].theta_dot);
}

TEST(Batched, AutoResetKeepsTheFinalObservation) {
  Batched<CartPole> env(1, Exec{Device::cpu, 1});
  env.reset(5);
  const int32_t push_right = 1;
  for (int t = 1; t <= 500; ++t) {
    const CartPole::State before = env.host_states()[0];
    env.step(&push_right);
    if (env.terminated()[0]) {
      // the final observation is the state the episode ended in: one Euler step from `before`
      EXPECT_NEAR(env.final_observations()[0], before.x + 0.02f * before.x_dot, 1e-6);
      EXPECT_TRUE(std::fabs(env.final_observations()[2]) > 0.2094f || std::fabs(env.final_observations()[0]) > 2.4f);
      for (int k = 0; k < 4; ++k) EXPECT_LE(std::fabs(env.observations()[k]), 0.05f) << "fresh reset";
      EXPECT_EQ(env.episode_steps()[0], 0);
      EXPECT_EQ(env.rewards()[0], 1.0f) << "Gymnasium rewards the terminal step too";
      return;
    }
    EXPECT_EQ(env.episode_steps()[0], t);
  }
  FAIL() << "always pushing right must topple the pole";
}

TEST(Batched, TruncatesAtTheGymnasiumLimit) {
  CartPole::Params p;
  p.x_threshold = 1e9f;  // never terminates
  p.theta_threshold = 1e9f;
  Batched<CartPole> env(3, Exec{Device::cpu, 1}, p);
  env.reset(2);
  const int32_t actions[3] = {0, 1, 0};
  for (int t = 1; t <= 1000; ++t) {
    env.step(actions);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(env.terminated()[i], 0);
      EXPECT_EQ(env.truncated()[i], (t % 500 == 0) ? 1 : 0) << "step " << t;
    }
  }
}

TEST(Batched, RejectsTheWrongActionType) {
  Batched<CartPole> env(2, Exec{Device::cpu, 1});
  env.reset(0);
  const float actions[2] = {0, 1};
  EXPECT_THROW(env.step(actions), InvalidArgument);
  EXPECT_THROW(Batched<CartPole>(0, Exec{}), InvalidArgument);
}

}  // namespace
}  // namespace lamarck::envs

namespace lamarck::envs {
namespace {

TEST(Batched, StateRoundTripsAndSetsObservations) {
  auto env = make_env("Pendulum-v1", 3, Exec{Device::cpu, 1});
  env->reset(1);
  ASSERT_EQ(env->state_size(), 2);
  const float states[6] = {0.0f, 1.0f, 3.14159265f, -2.0f, 1.5707963f, 0.5f};
  env->set_state(states);
  float back[6];
  env->get_state(back);
  for (int k = 0; k < 6; ++k) EXPECT_EQ(back[k], states[k]);
  EXPECT_NEAR(env->observations()[0], 1.0f, 1e-6);   // cos 0
  EXPECT_NEAR(env->observations()[3], -1.0f, 1e-6);  // cos pi
  EXPECT_NEAR(env->observations()[7], 1.0f, 1e-6);   // sin pi/2
  EXPECT_EQ(env->observations()[8], 0.5f);
}

}  // namespace
}  // namespace lamarck::envs

namespace lamarck::envs {
namespace {

// A non-finite action is data, not an exception (docs/design.md): the step is undone, the episode is cut
// (truncated, final observation = the last finite state), the instance resets, the step is counted; the
// other instances step exactly as if nothing happened, and the fast path and the plain kernel agree.
TEST(Divergence, NonFiniteBoxActionsTruncateResetAndCount) {
  for (const std::string name : {"Pendulum-v1", "MountainCarContinuous-v0"}) {
    for (const bool reference : {false, true}) {
      const int64_t n = 6;
      auto env = reference ? make_reference_env(name, n, Exec{Device::cpu, 2}) : make_env(name, n, Exec{Device::cpu, 2});
      auto clean = make_env(name, n, Exec{Device::cpu, 2});
      const int64_t d = env->spec().observation.size();
      env->reset(3);
      clean->reset(3);
      std::vector<float> ok(size_t(n), 0.5f);
      for (int t = 0; t < 4; ++t) {
        env->step(ok.data());
        clean->step(ok.data());
      }
      const std::vector<float> before(env->observations(), env->observations() + n * d);
      std::vector<float> bad = ok;
      bad[1] = std::nanf("");
      bad[4] = -std::numeric_limits<float>::infinity();
      env->step(bad.data());
      clean->step(ok.data());
      EXPECT_EQ(env->diverged_steps(), 2) << name;
      for (int64_t i = 0; i < n; ++i) {
        const bool hit = i == 1 || i == 4;
        for (int64_t k = 0; k < d; ++k) {
          const size_t at = size_t(i * d + k);
          ASSERT_TRUE(std::isfinite(env->observations()[at])) << name << " instance " << i;
          if (hit) EXPECT_EQ(env->final_observations()[at], before[at]) << name << " instance " << i;
          else EXPECT_EQ(env->observations()[at], clean->observations()[at]) << name << " instance " << i;
        }
        EXPECT_EQ(env->truncated()[i], hit ? 1 : clean->truncated()[i]) << name << " instance " << i;
        EXPECT_EQ(env->terminated()[i], hit ? 0 : clean->terminated()[i]);
        if (hit) EXPECT_EQ(env->rewards()[i], 0.0f);
        else EXPECT_EQ(env->rewards()[i], clean->rewards()[i]);
      }
      // the count survives a snapshot and is cleared by a full reset
      auto copy = make_env(name, n, Exec{Device::cpu, 1});
      copy->restore(env->snapshot());
      EXPECT_EQ(copy->diverged_steps(), 2);
      env->reset(3);
      EXPECT_EQ(env->diverged_steps(), 0);
    }
  }
}

}  // namespace
}  // namespace lamarck::envs
