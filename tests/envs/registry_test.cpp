#include "lamarck/envs/registry.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "lamarck/core/config.h"

namespace lamarck::envs {
namespace {

TEST(Registry, ListsTheClassicEnvs) {
  const auto names = env_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "CartPole-v1"), names.end());
  auto env = make_env("CartPole-v1", 8);
  EXPECT_EQ(env->num_envs(), 8);
  EXPECT_EQ(env->spec().observation.size(), 4);
  EXPECT_EQ(env->spec().action.n, 2);
  EXPECT_EQ(env->spec().max_episode_steps, 500);
}

TEST(Registry, UnknownNameSuggestsTheClosest) {
  try {
    make_env("CartPole-v0", 1);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'CartPole-v1'"), std::string::npos) << e.what();
  }
}

TEST(Registry, ParamsJsonOverridesAndIsValidated) {
  auto env = make_env("CartPole-v1", 2, Exec{}, R"({"max_episode_steps": 200})");
  EXPECT_EQ(env->spec().max_episode_steps, 200);
  EXPECT_NE(env_params_json("CartPole-v1", R"({"gravity": 12.5})").find("12.5"), std::string::npos);
  EXPECT_THROW(make_env("CartPole-v1", 2, Exec{}, R"({"gravty": 1})"), ConfigError);
  EXPECT_THROW(make_env("CartPole-v1", 2, Exec{}, R"({"tau": -1})"), ConfigError);
  EXPECT_THROW(make_env("CartPole-v1", 2, Exec{}, R"({"tau": "fast"})"), ConfigError);
}

TEST(Registry, CpuOnlyEnvsAreListedAndRefuseCuda) {
  const auto cpu = env_names(Device::cpu), cuda = env_names(Device::cuda);
  EXPECT_EQ(cpu, env_names());
  EXPECT_NE(std::find(cpu.begin(), cpu.end(), "Box2D/PushBox"), cpu.end());
  EXPECT_EQ(std::find(cuda.begin(), cuda.end(), "Box2D/PushBox"), cuda.end());
  EXPECT_NE(std::find(cuda.begin(), cuda.end(), "MinAtar/Breakout"), cuda.end());
  try {
    make_env("Box2D/PushBox", 4, Exec{Device::cuda, 0});
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("runs on the CPU only"), std::string::npos) << e.what();
  }
}

// The Box2D test env behaves as specified: pushing right moves the box right; reaching the target at low
// speed ends the episode with +1.
TEST(Box2DPushBox, PushesAndReachesTheTarget) {
  auto env = make_env("Box2D/PushBox", 2, Exec{Device::cpu, 1}, R"({"target": 1.0, "spawn": 0.0})");
  env->reset(1);
  EXPECT_FLOAT_EQ(env->observations()[0], 0.0f);
  EXPECT_NEAR(env->observations()[1], 0.5f, 1e-3f);  // resting on the ground
  std::vector<int32_t> right = {2, 0};
  for (int t = 0; t < 20; ++t) env->step(right.data());
  EXPECT_GT(env->observations()[0], 0.05f);   // pushed right
  EXPECT_LT(env->observations()[7], -0.05f);  // pushed left
  // keep pushing right, then let friction stop it: some episode ends at the target with +1
  bool reached = false;
  std::vector<int32_t> act = {2, 1};
  for (int t = 0; t < 400 && !reached; ++t) {
    const float x = env->observations()[0];
    act[0] = x < 0.6f ? 2 : 1;
    env->step(act.data());
    reached = env->terminated()[0] && env->rewards()[0] == 1.0f;
  }
  EXPECT_TRUE(reached);
}

}  // namespace
}  // namespace lamarck::envs
