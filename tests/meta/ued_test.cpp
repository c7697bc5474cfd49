// UED runs (meta/ued.h): domain randomisation writes a fresh generated level for every episode, the run
// directory holds its files with the evaluation of every seed on every holdout, runs are deterministic,
// and bad configs are refused before anything is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/stats.h"
#include "lamarck/envs/maze/levels.h"
#include "lamarck/envs/registry.h"
#include "lamarck/meta/ued.h"
#include "lamarck/meta/ued_compare.h"

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
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
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
  EXPECT_THROW(parse_config<UedConfig>(R"({"curriculum": "paired_plr"})", "test"), ConfigError);
  EXPECT_THROW(parse_config<UedConfig>(R"({"score": "maxmc"})", "test"), ConfigError);
  EXPECT_THROW(parse_config<UedConfig>(R"({"sampler": {"temperature": 0}})", "test"), ConfigError);
  c = tiny();
  c.curriculum = "accel";
  c.mutation_criterion = "easy";
  c.mutation_subsample = 3;  // does not divide 4 envs
  EXPECT_THROW(run_ued(c, dir, Exec{}), InvalidArgument);
  EXPECT_THROW(parse_config<UedConfig>(R"({"trainer": {"lstm_hiden": 3}})", "test"), ConfigError);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(Ued, ShippedConfigsAreValid) {
  const std::string dir = std::string(LAMARCK_TEST_DATA_DIR) + "/../../experiments/configs";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("ued_", 0) != 0 || entry.path().extension() != ".json") continue;
    if (read(entry.path().string()).find("\"runs\"") != std::string::npos) {  // a study: its runs exist
      const UedStudyConfig study = load_config<UedStudyConfig>(entry.path().string());
      for (const std::string& run : study.runs) EXPECT_TRUE(std::filesystem::exists(dir + "/" + run)) << name << ": " << run;
      continue;
    }
    EXPECT_NO_THROW(load_config<UedConfig>(entry.path().string()).validate()) << name;
    ++count;
  }
  EXPECT_GE(count, 8);
}

// A replay curriculum's run, driven by hand: the levels it sets, the student's parameters around each
// update, and the telemetry.
struct ReplayRun {
  UedConfig c;
  std::unique_ptr<Curriculum> curriculum;
  std::unique_ptr<rl::RecurrentTrainer> trainer;
  std::vector<uint8_t> learn;
  explicit ReplayRun(const std::string& name) {
    c = tiny();
    c.curriculum = name;
    c.seeds = 3;
    c.trainer.num_steps = 256;  // longer than an episode (250 steps): every row finishes one
    c.sampler.capacity = 8;
    c.sampler.min_fill_ratio = 0.5;
    c.trainer.num_updates = 100;  // the learning rate anneals over this horizon
    c.validate();
    auto env = envs::make_env("Maze", c.seeds * c.trainer.num_envs, Exec{Device::cpu, 1});
    curriculum = make_curriculum(c, c.seeds, c.trainer.num_envs);
    curriculum->initial_levels(*env);
    trainer = std::make_unique<rl::RecurrentTrainer>(c.trainer, c.seeds, Exec{Device::cpu, 1}, std::move(env),
                                                     curriculum->episode_hook());
    learn.assign(size_t(c.seeds), 1);
  }
  std::vector<std::string> levels() const {
    std::vector<std::string> out;
    for (int64_t i = 0; i < trainer->env().num_envs(); ++i) out.push_back(trainer->env().get_level(i));
    return out;
  }
};

TEST(Ued, ReplayCurriculaPlayTheirLevelsAllUpdateAndRobustPlrLearnsOnlyFromReplays) {
  ReplayRun run("robust_plr");
  const int64_t E = run.c.trainer.num_envs, n = run.trainer->layout().num_params;
  int replays = 0, new_levels = 0;
  for (int64_t u = 0; u < 12; ++u) {
    run.curriculum->before_update(u, *run.trainer, run.learn);
    const std::vector<std::string> set = run.levels();
    const std::vector<float> before = run.trainer->params();
    run.trainer->update(run.learn.data());
    run.curriculum->after_update(u, *run.trainer);
    // minimax #6: an episode ending inside the update replays the level, it does not draw a new one
    EXPECT_EQ(run.levels(), set);
    int64_t ended = 0;
    for (int64_t i = 0; i < 256 * run.trainer->rollout_rows(); ++i) ended += run.trainer->rollout_dones()[i];
    EXPECT_GE(ended, run.trainer->rollout_rows());
    for (int64_t p = 0; p < run.c.seeds; ++p) {
      const CurriculumTelemetry& t = run.curriculum->telemetry()[size_t(p)];
      const bool changed = !std::equal(before.begin() + p * n, before.begin() + (p + 1) * n, run.trainer->params().begin() + p * n);
      EXPECT_EQ(changed, t.branch == "replay") << "update " << u << " seed " << p << " " << t.branch;
      EXPECT_EQ(t.learned, t.branch == "replay");
      EXPECT_EQ(t.levels, E);
      EXPECT_LE(t.buffer_size, 8);
      // 256 steps finish an episode on every row: the regret is the optimum less the return, both means
      EXPECT_NEAR(t.true_regret, t.optimal_return - t.mean_return, 1e-5);
      EXPECT_GE(t.true_regret, -1e-5);  // no student beats the shortest path
      replays += t.branch == "replay";
      new_levels += t.branch == "dr";
      if (t.branch == "replay") {
        EXPECT_GE(t.buffer_size, 4);  // the minimum fill
      }
    }
  }
  EXPECT_GT(replays, 0);
  EXPECT_GT(new_levels, 0);
  for (int64_t p = 0; p < run.c.seeds; ++p)
    EXPECT_EQ(run.trainer->gradient_steps(p), run.curriculum->telemetry()[size_t(p)].replay_updates);
}

TEST(Ued, AccelMutatesTheReplayedLevelsInTheUpdateAfterAReplay) {
  ReplayRun run("accel");
  std::vector<std::vector<std::string>> replayed(size_t(run.c.seeds));
  int mutations = 0;
  const int64_t E = run.c.trainer.num_envs;
  for (int64_t u = 0; u < 16; ++u) {
    std::vector<std::string> previous_branch;
    for (const auto& t : run.curriculum->telemetry()) previous_branch.push_back(t.branch);
    run.curriculum->before_update(u, *run.trainer, run.learn);
    const std::vector<std::string> set = run.levels();
    run.trainer->update(run.learn.data());
    run.curriculum->after_update(u, *run.trainer);
    for (int64_t p = 0; p < run.c.seeds; ++p) {
      const CurriculumTelemetry& t = run.curriculum->telemetry()[size_t(p)];
      if (u > 0) {
        EXPECT_EQ(t.branch == "mutation", previous_branch[size_t(p)] == "replay") << "update " << u;
      }
      EXPECT_EQ(t.learned, t.branch == "replay");
      if (t.branch == "mutation") {
        ++mutations;
        // child e of parent e ("batch"): an edit toggles a wall, moves the goal to a free cell or does
        // nothing (JaxUED's minimax mutator), so at most num_edits changes
        for (int64_t e = 0; e < E; ++e) {
          const envs::maze::Layout a = envs::maze::level_from_json(replayed[size_t(p)][size_t(e)]);
          const envs::maze::Layout b = envs::maze::level_from_json(set[size_t(p * E + e)]);
          int wall_diff = 0;
          for (int y = 0; y < a.height; ++y) wall_diff += __builtin_popcount(a.walls[y] ^ b.walls[y]);
          const int moved = (a.agent_x != b.agent_x || a.agent_y != b.agent_y) + (a.goal_x != b.goal_x || a.goal_y != b.goal_y);
          EXPECT_LE(wall_diff + moved, run.c.num_edits);
          EXPECT_EQ(a.agent_x, b.agent_x);
        }
        EXPECT_GT(t.buffer_mutation_depth, 0.0) << "the buffer holds mutated levels after a mutation update";
      }
      if (t.branch == "replay") replayed[size_t(p)] = std::vector<std::string>(set.begin() + p * E, set.begin() + (p + 1) * E);
    }
  }
  EXPECT_GT(mutations, 0);
}

TEST(Ued, ReplayRunsWriteTheirTelemetryAndAreDeterministicAcrossThreads) {
  UedConfig c = tiny();
  c.curriculum = "accel";
  c.score = "true_regret";
  c.trainer.num_steps = 256;
  c.trainer.num_updates = 8;
  c.eval_every = 4;
  c.sampler.capacity = 8;
  c.sampler.min_fill_ratio = 0.25;
  const std::string a = ::testing::TempDir() + "/ued_accel_1", b = ::testing::TempDir() + "/ued_accel_2";
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
  run_ued(c, a, Exec{Device::cpu, 1});
  run_ued(c, b, Exec{Device::cpu, 2});
  for (const char* f : {"train.csv", "eval.csv", "levels.csv", "buffer.jsonl"}) {
    ASSERT_TRUE(std::filesystem::exists(std::string(a) + "/" + f)) << f;
    EXPECT_EQ(read(a + "/" + f), read(b + "/" + f)) << f;
  }
  const std::string levels = read(a + "/levels.csv");
  EXPECT_NE(levels.find(",replay,1,"), std::string::npos);
  EXPECT_NE(levels.find(",mutation,0,"), std::string::npos);
  EXPECT_NE(levels.find(",dr,0,"), std::string::npos);
  EXPECT_NE(read(a + "/buffer.jsonl").find("\"top_scored\""), std::string::npos);
  // the student's first attempt at each holdout, drawn at the end
  for (const std::string& level : c.holdouts) {
    const std::string gif = read(a + "/plots/rollouts/" + level + ".gif");
    EXPECT_EQ(gif.substr(0, 6), "GIF89a") << level;
    EXPECT_EQ(gif, read(b + "/plots/rollouts/" + level + ".gif")) << level;
  }
}

// Two fake runs of 3 seeds on 2 levels: the table's means, medians, IQRs and the Welch test by hand.
TEST(UedCompare, SummarisesTheLastEvaluationPerMethodAndLevelWithWelchTests) {
  const std::string root = ::testing::TempDir() + "/ued_compare";
  std::filesystem::remove_all(root);
  auto fake = [&](const std::string& name, const std::string& curriculum, const std::vector<double>& a, const std::vector<double>& b) {
    const std::string dir = root + "/" + name;
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/config.json") << "{\"curriculum\": \"" << curriculum << "\"}";
    std::ofstream eval(dir + "/eval.csv");
    eval << "update,env_steps,gradient_steps,seed,level,solve_rate,mean_return\n";
    for (int p = 0; p < 3; ++p) eval << "5,100,9,"  << p << ",Labyrinth,0.9,0.9\n";  // an earlier evaluation: ignored
    for (int p = 0; p < 3; ++p) {
      eval << "10,200," << 10 + p << "," << p << ",Labyrinth," << a[size_t(p)] << ",0.5\n";
      eval << "10,200," << 10 + p << "," << p << ",StandardMaze," << b[size_t(p)] << ",0.25\n";
    }
    return dir;
  };
  const UedComparison c = compare_ued_runs({load_ued_run(fake("x", "dr", {0.1, 0.2, 0.6}, {0.0, 0.0, 0.2})),
                                            load_ued_run(fake("y", "accel", {0.5, 0.7, 0.9}, {0.3, 0.5, 0.4}))});
  ASSERT_EQ(c.runs.size(), 2u);
  EXPECT_EQ(c.runs[0].update, 10);
  EXPECT_EQ(c.runs[0].env_steps, 200);
  EXPECT_DOUBLE_EQ(c.runs[0].gradient_steps, 11.0);
  ASSERT_EQ(c.summaries.size(), 6u);  // (Labyrinth, StandardMaze, mean) per run
  const UedLevelSummary& dr_lab = c.summaries[0];
  EXPECT_EQ(dr_lab.method, "dr");
  EXPECT_EQ(dr_lab.level, "Labyrinth");
  EXPECT_NEAR(dr_lab.mean, 0.3, 1e-12);
  EXPECT_NEAR(dr_lab.median, 0.2, 1e-12);
  EXPECT_NEAR(dr_lab.q25, 0.15, 1e-12);
  EXPECT_NEAR(dr_lab.q75, 0.4, 1e-12);
  EXPECT_NEAR(dr_lab.return_mean, 0.5, 1e-12);
  const UedLevelSummary& accel_mean = c.summaries[5];
  EXPECT_EQ(accel_mean.level, "mean");
  EXPECT_NEAR(accel_mean.mean, (0.4 + 0.6 + 0.65) / 3, 1e-12);
  // per-seed means over levels: dr 0.05, 0.1, 0.4; accel 0.4, 0.6, 0.65
  const WelchTest w = welch_test({0.05, 0.1, 0.4}, {0.4, 0.6, 0.65});
  const UedWelchRow& row = c.welch.back();
  EXPECT_EQ(row.level, "mean");
  EXPECT_EQ(row.method_a, "dr");
  EXPECT_EQ(row.method_b, "accel");
  EXPECT_NEAR(row.p, w.p, 1e-12);
  EXPECT_LT(row.p, 0.1);
  EXPECT_NE(c.markdown().find("| **mean** |"), std::string::npos);
  write_ued_comparison(c, root + "/out");
  for (const char* f : {"compare.md", "compare.csv", "compare.json", "welch.csv"})
    EXPECT_TRUE(std::filesystem::exists(root + "/out/" + f)) << f;
  // runs sharing a curriculum are named by their directories; other holdouts are refused
  const UedComparison same = compare_ued_runs({load_ued_run(root + "/x"), load_ued_run(fake("z", "dr", {0, 0, 0}, {0, 0, 0}))});
  EXPECT_EQ(same.runs[0].method, "x");
  EXPECT_EQ(same.runs[1].method, "z");
  UedRunEval other = load_ued_run(root + "/y");
  other.levels[1] = "SixteenRooms";
  EXPECT_THROW(compare_ued_runs({load_ued_run(root + "/x"), other}), InvalidArgument);
  EXPECT_THROW(load_ued_run(root), InvalidArgument);
}

// A run interrupted after a checkpoint (and with stray log lines from after it, as a crash between the
// logs and the checkpoint leaves) resumes to files equal byte for byte to an uninterrupted run's.
TEST(Ued, InterruptedRunsResumeToIdenticalFiles) {
  for (const char* curriculum : {"dr", "accel"}) {
    UedConfig c = tiny();
    c.curriculum = curriculum;
    c.trainer.num_steps = 256;
    c.trainer.num_updates = 9;
    c.eval_every = 4;
    c.checkpoint_every = 3;
    c.sampler.capacity = 8;
    c.sampler.min_fill_ratio = 0.25;
    const std::string a = ::testing::TempDir() + "/ued_resume_a", b = ::testing::TempDir() + "/ued_resume_b";
    std::filesystem::remove_all(a);
    std::filesystem::remove_all(b);
    run_ued(c, a, Exec{Device::cpu, 2});
    struct Crash {};
    EXPECT_THROW(run_ued(c, b, Exec{Device::cpu, 2},
                         [](int64_t u, const rl::RecurrentTrainer&) {
                           if (u == 7) throw Crash{};  // after the checkpoint of update 6
                         }),
                 Crash);
    std::ofstream(b + "/train.csv", std::ios::app) << "8,0,0,0,0,0,0,0,0,0\n";
    // a new run into the directory is refused: it holds one
    EXPECT_THROW(run_ued(c, b, Exec{Device::cpu, 2}), InvalidArgument);
    const UedResult r = resume_ued(b, Exec{Device::cpu, 1});
    ASSERT_EQ(r.evaluations.size(), 2u);  // updates 8 and 9
    for (const char* f : {"config.json", "train.csv", "eval.csv", "levels.csv", "summary.json", "buffer.jsonl"}) {
      if (!std::filesystem::exists(a + "/" + f)) continue;  // dr has no buffer
      EXPECT_EQ(read(a + "/" + f), read(b + "/" + f)) << curriculum << " " << f;
    }
    // resuming a finished run does nothing
    EXPECT_TRUE(resume_ued(b, Exec{Device::cpu, 1}).evaluations.empty());
  }
  EXPECT_THROW(resume_ued(::testing::TempDir() + "/no_such_ued_run", Exec{}), InvalidArgument);
}

}  // namespace
}  // namespace lamarck::meta
