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

}  // namespace
}  // namespace lamarck::envs
