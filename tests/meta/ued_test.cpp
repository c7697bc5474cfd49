// UED runs (meta/ued.h): domain randomisation writes a fresh generated level for every episode, the run
// directory holds its files with the evaluation of every seed on every holdout, runs are deterministic,
// and bad configs are refused before anything is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "lamarck/core/config.h"
#include "lamarck/meta/ued.h"

namespace lamarck::meta {
namespace {

UedConfig tiny() {
  UedConfig c;
  c.seeds = 2;
  c.eval_every = 2;
  c.eval_episodes = 4;
  c.holdouts = {"SixteenRooms", "Labyrinth", "TrivialMaze3"};
  c.trainer.num_envs = 4;
  c.trainer.num_steps = 64;
  c.trainer.num_updates = 3;
  c.trainer.update_epochs = 1;
  c.trainer.conv_filters = 2;
  c.trainer.lstm_hidden = 8;
  c.trainer.head_hidden = 4;
  return c;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Ued, DomainRandomisationRunWritesEvaluationsOfEverySeedOnEveryHoldout) {
  const std::string dir = ::testing::TempDir() + "/ued_run";
  std::filesystem::remove_all(dir);
  std::set<std::string> levels_seen;
  const UedResult r = run_ued(tiny(), dir, Exec{Device::cpu, 1}, [&](int64_t, const rl::RecurrentTrainer& t) {
    for (int64_t i = 0; i < 8; ++i) levels_seen.insert(t.env().get_level(i));
  });
  // evaluations after updates 2 and 3 (the last)
  ASSERT_EQ(r.evaluations.size(), 2u);
  EXPECT_EQ(r.evaluations[0].update, 2);
  EXPECT_EQ(r.evaluations[1].update, 3);
  EXPECT_EQ(r.evaluations[1].env_steps, 3 * 4 * 64);
  EXPECT_EQ(r.evaluations[1].gradient_steps, 3);
  EXPECT_EQ(r.evaluations[1].solve_rate.size(), 6u);
  EXPECT_EQ(r.evaluations[1].solve_rate_interval.n, 2);
  // episodes ended within 3 x 64 steps on 8 instances: each got a fresh generated level
  EXPECT_GT(levels_seen.size(), 8u);
  for (const char* f : {"config.json", "train.csv", "eval.csv", "summary.json"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  const std::string eval = read(dir + "/eval.csv");
  EXPECT_NE(eval.find("3,768,3,1,TrivialMaze3,"), std::string::npos) << eval;
  const std::string summary = read(dir + "/summary.json");
  EXPECT_NE(summary.find("\"env_steps_per_seed\": 768"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"Labyrinth\": {\"solve_rate\""), std::string::npos) << summary;
  // the config written is the one that ran, and it loads back
  EXPECT_EQ(load_config<UedConfig>(dir + "/config.json").trainer.num_updates, 3);
}

TEST(Ued, RunsAreDeterministic) {
  const std::string a = ::testing::TempDir() + "/ued_a", b = ::testing::TempDir() + "/ued_b";
  run_ued(tiny(), a, Exec{Device::cpu, 1});
  run_ued(tiny(), b, Exec{Device::cpu, 2});
  EXPECT_EQ(read(a + "/eval.csv"), read(b + "/eval.csv"));
  EXPECT_EQ(read(a + "/train.csv"), read(b + "/train.csv"));
}

TEST(Ued, BadConfigsAreRefusedBeforeAnythingIsWritten) {
  const std::string dir = ::testing::TempDir() + "/ued_bad";
  std::filesystem::remove_all(dir);
  UedConfig c = tiny();
  c.n_walls = 200;
  EXPECT_THROW(run_ued(c, dir, Exec{}), InvalidArgument);
  c = tiny();
  c.holdouts = {"Labyrinth3"};
  EXPECT_THROW(run_ued(c, dir, Exec{}), InvalidArgument);
  c = tiny();
  c.trainer.num_minibatches = 3;
  EXPECT_THROW(run_ued(c, dir, Exec{}), InvalidArgument);
  EXPECT_THROW(parse_config<UedConfig>(R"({"curriculum": "plr"})", "test"), ConfigError);
  EXPECT_THROW(parse_config<UedConfig>(R"({"trainer": {"lstm_hiden": 3}})", "test"), ConfigError);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace lamarck::meta
