// Levels as data: every env's per-instance Params read, written for a subset, serialised, hashed and
// described through the type-erased BatchEnv, and the per-instance path stepping the same bits as the
// shared one.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "lamarck/envs/registry.h"
#include "test_util.h"

namespace lamarck::envs {
namespace {

using testing::rollout_hash;

std::vector<int64_t> all_instances(int64_t n) {
  std::vector<int64_t> ids(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ids[size_t(i)] = i;
  return ids;
}

class EveryEnvLevels : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryEnvLevels, PerInstanceLevelsEqualToTheSharedOneStepTheSameBits) {
  const std::string cap = R"({"max_episode_steps": 60})";
  auto shared = make_env(GetParam(), 96, Exec{Device::cpu, 2}, cap);
  auto per_instance = make_env(GetParam(), 96, Exec{Device::cpu, 2}, cap);
  // writing every instance's own level (the same values) switches to the per-instance Params path
  per_instance->set_levels(all_instances(96), {per_instance->get_level(0)});
  EXPECT_EQ(rollout_hash(*shared, 5, 150), rollout_hash(*per_instance, 5, 150));
}

TEST_P(EveryEnvLevels, JsonBytesAndHashRoundTrip) {
  auto env = make_env(GetParam(), 8);
  const std::string json = env->get_level(3);
  const std::vector<ConfigField> fields = env->level_fields(3);
  ASSERT_FALSE(fields.empty());
  for (const ConfigField& f : fields) {
    EXPECT_NE(json.find("\"" + f.path + "\":" + f.value), std::string::npos) << f.path << " in " << json;
    EXPECT_FALSE(f.type.empty());
  }
  const std::string bytes = env->get_level_bytes(3);
  const uint64_t hash = env->level_hash(3);
  EXPECT_EQ(hash, env->level_hash(0));  // every instance starts on the env's level
  env->set_level_bytes({5}, {bytes});
  EXPECT_EQ(env->get_level(5), json);
  env->set_levels({6}, {json});
  EXPECT_EQ(env->get_level_bytes(6), bytes);
  EXPECT_THROW(env->set_level_bytes({5}, {bytes.substr(0, bytes.size() - 1)}), ConfigError);
  EXPECT_THROW(env->set_level_bytes({5}, {bytes + "x"}), ConfigError);
  // max_episode_steps is every env's field: changing it changes the hash and only that instance's level
  env->set_levels({2}, {R"({"max_episode_steps": 7})"});
  EXPECT_NE(env->level_hash(2), hash);
  EXPECT_EQ(env->level_hash(1), hash);
  EXPECT_NE(env->get_level(2).find("\"max_episode_steps\":7"), std::string::npos) << env->get_level(2);
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryEnvLevels, ::testing::ValuesIn(env_names()),
                         testing::env_test_name);

// Observation rows of instance i after `steps` steps of action 1.
std::vector<float> rows_after(BatchEnv& env, int steps) {
  const int64_t n = env.num_envs(), d = env.spec().observation.size();
  std::vector<int32_t> actions(size_t(n), 1);
  for (int t = 0; t < steps; ++t) env.step(actions.data());
  return std::vector<float>(env.observations(), env.observations() + n * d);
}

TEST(Levels, ASubsetGetsItsOwnDynamics) {
  auto base = make_env("CartPole-v1", 6);
  auto heavy = make_env("CartPole-v1", 6);
  heavy->set_levels({1, 4}, {R"({"gravity": 30.0})"});
  EXPECT_NE(heavy->get_level(1).find("\"gravity\":30"), std::string::npos);
  EXPECT_EQ(heavy->get_level(0), base->get_level(0));
  base->reset(11);
  heavy->reset(11);
  const std::vector<float> a = rows_after(*base, 5), b = rows_after(*heavy, 5);
  for (int64_t i = 0; i < 6; ++i) {
    const bool same = std::memcmp(a.data() + i * 4, b.data() + i * 4, 4 * sizeof(float)) == 0;
    EXPECT_EQ(same, i != 1 && i != 4) << "instance " << i;
  }
}

TEST(Levels, BadLevelsAreRefusedAndNothingIsWritten) {
  auto env = make_env("CartPole-v1", 4);
  const std::string before = env->get_level(2);
  try {
    env->set_levels({2}, {R"({"gravty": 3})"});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'gravity'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(env->set_levels({2}, {R"({"tau": -1})"}), ConfigError);
  EXPECT_THROW(env->set_levels({2}, {R"({"tau": "fast"})"}), ConfigError);
  EXPECT_THROW(env->set_levels({2}, {"not json"}), ConfigError);
  EXPECT_THROW(env->set_levels({4}, {"{}"}), InvalidArgument);
  EXPECT_THROW(env->set_levels({-1}, {"{}"}), InvalidArgument);
  EXPECT_THROW(env->set_levels({0, 1, 2}, {"{}", "{}"}), InvalidArgument);
  // the second level is bad: the first is not written either
  EXPECT_THROW(env->set_levels({1, 2}, {R"({"gravity": 1})", R"({"length": 0})"}), ConfigError);
  EXPECT_EQ(env->get_level(1), before);
  EXPECT_EQ(env->get_level(2), before);
  EXPECT_THROW(env->get_level(9), InvalidArgument);
  EXPECT_THROW(env->reset_instances(0, {4}), InvalidArgument);
}

TEST(Levels, ResetInstancesResetsOnlyThose) {
  auto env = make_env("MinAtar/Breakout", 5);
  auto all = make_env("MinAtar/Breakout", 5);
  env->reset(3);
  all->reset(3);
  const int64_t d = env->spec().observation.size();
  std::vector<int32_t> actions(5, 2);
  for (int t = 0; t < 4; ++t) env->step(actions.data());
  const std::vector<float> stepped(env->observations(), env->observations() + 5 * d);
  // instance 1 and 3 back to the first observation of a seed-3 reset; the others keep their episodes
  env->reset_instances(3, {1, 3});
  for (int64_t i = 0; i < 5; ++i) {
    const float* row = env->observations() + i * d;
    const float* expect = (i == 1 || i == 3) ? all->observations() + i * d : stepped.data() + i * d;
    EXPECT_EQ(std::memcmp(row, expect, sizeof(float) * size_t(d)), 0) << "instance " << i;
  }
  // with explicit ids, as reset(seed, ids) keys them
  const std::vector<uint64_t> ids = {40, 41, 42, 43, 44};
  all->reset(8, ids.data());
  env->reset_instances(8, all_instances(5), ids.data());
  EXPECT_EQ(std::memcmp(env->observations(), all->observations(), sizeof(float) * size_t(5 * d)), 0);
}

}  // namespace
}  // namespace lamarck::envs
