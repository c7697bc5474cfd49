// PPO with the recurrent student (recurrent_trainer.h): it learns a maze, is deterministic, splits
// minibatches by env, calls the episode-end hook, and refuses bad configs and envs with clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "lamarck/envs/maze/levels.h"
#include "lamarck/envs/registry.h"
#include "lamarck/rl/recurrent_trainer.h"

namespace lamarck::rl {
namespace {

RecurrentTrainConfig small_config() {
  RecurrentTrainConfig c;
  c.num_envs = 8;
  c.num_steps = 32;
  c.num_updates = 150;
  c.update_epochs = 2;
  c.lr = 3e-3;
  c.conv_filters = 4;
  c.lstm_hidden = 16;
  c.head_hidden = 8;
  c.ent_coef = 0.01;
  c.seed = 3;
  return c;
}

std::unique_ptr<envs::BatchEnv> maze_env(int64_t n, const std::string& level) {
  auto env = envs::make_env("Maze", n, Exec{Device::cpu, 1});
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < n; ++i) ids.push_back(i);
  env->set_levels(ids, {envs::level_from_text("Maze", level)});
  return env;
}

// A 2 x 4 room with the goal behind a turn: the trained students reach it in close to the fewest actions.
TEST(RecurrentTrainer, LearnsASmallMaze) {
  const std::string level = ">...|..#G";
  const auto optimal = envs::maze::level_stats(envs::maze::parse_level(level));
  RecurrentTrainer trainer(small_config(), 2, Exec{Device::cpu, 1}, maze_env(16, level));
  const std::vector<std::string> eval_levels{envs::level_from_text("Maze", level)};
  const LevelEvaluation before = trainer.evaluate(eval_levels, 32, 250, 9);
  for (int64_t u = 0; u < 150; ++u) trainer.update();
  const LevelEvaluation after = trainer.evaluate(eval_levels, 32, 250, 9);
  for (int64_t p = 0; p < 2; ++p) {
    std::printf("agent %d: mean return %.3f -> %.3f, solved %.2f -> %.2f\n", int(p), before.mean_return[size_t(p)],
                after.mean_return[size_t(p)], before.solve_rate[size_t(p)], after.solve_rate[size_t(p)]);
    // the untrained policy solves about half of its attempts (mean return 0.2-0.4); the optimum is 0.982
    EXPECT_GT(after.mean_return[size_t(p)], before.mean_return[size_t(p)] + 0.1) << p;
    EXPECT_GT(after.mean_return[size_t(p)], optimal.optimal_return - 0.15) << p;
    EXPECT_GE(after.solve_rate[size_t(p)], 0.9);
    EXPECT_GT(trainer.last_stats()[size_t(p)].episodes, 8);
  }
  EXPECT_EQ(trainer.updates_done(), 150);
  EXPECT_EQ(trainer.env_steps_per_agent(), 150 * 8 * 32);
  EXPECT_EQ(trainer.gradient_steps(0), 150 * 2);
}

TEST(RecurrentTrainer, DeterministicAndMinibatchesSplitTheEnvs) {
  auto run = [](int64_t minibatches) {
    RecurrentTrainConfig c = small_config();
    c.num_minibatches = minibatches;
    RecurrentTrainer t(c, 2, Exec{Device::cpu, 1}, maze_env(16, ">..#|.#.G|...."));
    for (int u = 0; u < 3; ++u) t.update();
    return t.params();
  };
  const auto a = run(1), b = run(1), c = run(2);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(RecurrentTrainer, EpisodeEndHookSeesEveryEndedInstance) {
  RecurrentTrainConfig c = small_config();
  c.num_steps = 40;
  int64_t calls = 0, ended = 0;
  RecurrentTrainer t(c, 1, Exec{Device::cpu, 1}, maze_env(8, ">G"),
                     [&](envs::BatchEnv& env, const std::vector<int64_t>& instances) {
                       ++calls;
                       ended += int64_t(instances.size());
                       for (int64_t i : instances) EXPECT_TRUE(env.terminated()[i] || env.truncated()[i]);
                     });
  t.update();
  EXPECT_GT(calls, 0);
  EXPECT_EQ(ended, t.last_stats()[0].episodes);
}

TEST(RecurrentTrainer, RefusesBadConfigsAndEnvs) {
  RecurrentTrainConfig c = small_config();
  c.num_minibatches = 3;
  EXPECT_THROW(RecurrentTrainer(c, 1, Exec{}, maze_env(8, ">G")), InvalidArgument);
  EXPECT_THROW(RecurrentTrainer(small_config(), 2, Exec{}, maze_env(8, ">G")), InvalidArgument);  // 2 x 8 != 8
  EXPECT_THROW(RecurrentTrainer(small_config(), 1, Exec{}, envs::make_env("CartPole-v1", 8)), InvalidArgument);
  EXPECT_THROW(RecurrentTrainer(small_config(), 1, Exec{Device::cuda, 0}, maze_env(8, ">G")), InvalidArgument);
}

}  // namespace
}  // namespace lamarck::rl
