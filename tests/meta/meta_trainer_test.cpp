// Tests of the meta-trainer on tiny budgets: bit-identical resume, thread-count determinism, task
// sampling, fitness normalisation with diverged agents, config validation, and the interval statistics.
#include "lamarck/meta/meta_trainer.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <filesystem>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"
#include "lamarck/learned_objectives/rl_rules.h"
#include "lamarck/meta/inner_loop.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::meta {
namespace {

std::string temp_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "lmk_meta_" + std::to_string(::getpid()) + "_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// A meta-training run small enough for CI: 4 candidates, agents of 4 updates of 2 x 16 steps.
MetaConfig tiny_config() {
  MetaConfig c;
  c.rule = "ta_lpo";
  c.pop_size = 4;
  c.sigma = 0.5;
  c.lr = 0.05;
  c.generations = 3;
  c.seed = 3;
  c.min_timesteps = 64;
  c.max_timesteps = 160;
  c.tasks_per_candidate = 2;
  c.eval_every = 2;
  c.eval_seeds = 2;
  c.agents_per_trainer = 3;
  c.inner.num_envs = 2;
  c.inner.num_steps = 16;
  c.inner.num_minibatches = 2;
  c.inner.update_epochs = 2;
  c.inner.hidden = {16, 16};
  return c;
}

const char* kCompared[] = {"metrics.jsonl", "eval.jsonl", "checkpoint.bin", "objective_mean.json",
                           "objective_mean.lmk", "objective_best.json", "config.json"};

void expect_same_files(const std::string& a, const std::string& b) {
  for (const char* name : kCompared) {
    const std::string fa = read_file(a + "/" + name), fb = read_file(b + "/" + name);
    EXPECT_FALSE(fa.empty()) << name;
    EXPECT_TRUE(fa == fb) << name << " differs between " << a << " and " << b;
  }
}

TEST(MetaTrainer, ResumeIsBitIdentical) {
  const MetaConfig config = tiny_config();
  const std::string whole = temp_dir("whole"), split = temp_dir("split");
  {
    MetaTrainer t(config, whole, Exec{Device::cpu, 1});
    t.run();
    EXPECT_EQ(t.state().generation, 3);
    EXPECT_EQ(t.state().instances[0].metrics.size(), 3u);
    EXPECT_FALSE(t.state().instances[0].last_eval.empty());
    EXPECT_FALSE(t.state().ppo_eval.empty());
  }
  {
    MetaTrainer t(config, split, Exec{Device::cpu, 1});
    t.run(1);  // "crash" after generation 1
  }
  auto resumed = MetaTrainer::resume(split, Exec{Device::cpu, 1});
  EXPECT_EQ(resumed->state().generation, 1);
  resumed->run();
  expect_same_files(whole, split);
  // the discovered objective loads, and says where it came from
  const objectives::DiscoveredObjective o = objectives::load_objective(whole + "/objective_mean.json");
  EXPECT_EQ(o.rule, "ta_lpo");
  EXPECT_EQ(o.provenance.generation, 3);
  EXPECT_EQ(o.provenance.source, "meta-train");
  EXPECT_NE(o.provenance.config.find("\"pop_size\": 4"), std::string::npos);
  // a fresh run into a directory that holds one is refused
  EXPECT_THROW(MetaTrainer(config, whole, Exec{}), InvalidArgument);
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(split);
}

// Checkpoints of format version 2 (written before task samplers) and 3 (before search instances: one
// strategy's state, one set of logs) still resume, and the run continues bit-identically.
struct CheckpointSingle {
  const MetaState* state;
  std::string es_state;  // the one strategy's Strategy::state_bytes()
  uint32_t version;
  template <class Archive>
  void serialize(Archive& ar) {
    const InstanceLog& one = state->instances[0];
    ar(state->generation, es_state, state->env_steps, state->diverged, one.metrics, one.evals, state->ppo_eval,
       one.last_eval);
    if (version >= 3) ar(state->sampler_name, state->sampler_state);
  }
};

TEST(MetaTrainer, ResumesVersion2And3Checkpoints) {
  const MetaConfig config = tiny_config();
  const std::string whole = temp_dir("old_whole");
  MetaTrainer(config, whole, Exec{Device::cpu, 1}).run();
  for (uint32_t version : {2u, 3u}) {
    const std::string split = temp_dir("old_split" + std::to_string(version));
    {
      MetaTrainer t(config, split, Exec{Device::cpu, 1});
      t.run(1);
      save_binary(split + "/checkpoint.bin", "meta_checkpoint", version,
                  CheckpointSingle{&t.state(), t.strategy().state_bytes(), version});
    }
    auto resumed = MetaTrainer::resume(split, Exec{Device::cpu, 1});
    EXPECT_EQ(resumed->state().generation, 1);
    EXPECT_EQ(resumed->state().sampler_name, "log_uniform_horizons");
    resumed->run();
    expect_same_files(whole, split);
    std::filesystem::remove_all(split);
  }
  std::filesystem::remove_all(whole);
}

TEST(MetaTrainer, SameResultForOneAndTwoThreads) {
  MetaConfig config = tiny_config();
  config.generations = 2;
  config.eval_every = 0;
  const std::string one = temp_dir("t1"), two = temp_dir("t2");
  MetaTrainer(config, one, Exec{Device::cpu, 1}).run();
  MetaTrainer(config, two, Exec{Device::cpu, 2}).run();
  expect_same_files(one, two);
  std::filesystem::remove_all(one);
  std::filesystem::remove_all(two);
}

// On a task where meta-training must improve: an inner loop whose final return is known in closed form,
// 475 * (1 - |θ - θ*|² / |θ0 - θ*|²) for the candidate row θ each agent is given, with θ* = θ0 + 0.2.
// The search has to climb it, which fails if fitness reached the strategy with the wrong sign, attached to
// the wrong candidate, or the tasks pointed at the wrong rows.
TEST(MetaTrainer, ClimbsAKnownFitness) {
  MetaConfig config = tiny_config();
  config.rule = "lpo";
  config.pop_size = 64;  // 1152 dimensions: a smaller population's gradient estimate is mostly noise
  config.sigma = 0.02;
  config.lr = 0.02;
  config.generations = 30;
  config.eval_every = 0;
  config.eval_ppo = false;
  const std::string dir = temp_dir("climb");
  MetaTrainer t(config, dir, Exec{});
  const std::vector<float> start = t.strategy().mean();
  std::vector<float> target = start;
  for (float& v : target) v += 0.2f;
  const auto gap = [&](const float* theta) {
    double sq = 0.0;
    for (size_t k = 0; k < target.size(); ++k) sq += (double(theta[k]) - target[k]) * (double(theta[k]) - target[k]);
    return sq / (double(target.size()) * 0.04);  // 1 at the start
  };
  int64_t calls = 0;
  t.set_inner_loop([&](const std::vector<AgentTask>& tasks, const float* params, int64_t dim) {
    EXPECT_EQ(dim, int64_t(target.size()));
    InnerResult r;
    for (const AgentTask& task : tasks) r.final_return.push_back(475.0 * (1.0 - gap(params + task.row * dim)));
    ++calls;
    return r;
  });
  t.run();
  EXPECT_EQ(calls, config.generations);
  const double start_gap = gap(start.data()), end_gap = gap(t.strategy().mean().data());
  EXPECT_NEAR(start_gap, 1.0, 1e-6);
  EXPECT_LT(end_gap, 0.75) << "30 generations should close at least a quarter of the squared distance";
  // the logged fitness of the generations rises with it
  const auto fitness_mean = [&](size_t g) {
    rapidjson::Document d;
    d.Parse(t.state().instances[0].metrics[g].c_str());
    return d["fitness_mean"].GetDouble();
  };
  EXPECT_GT(fitness_mean(t.state().instances[0].metrics.size() - 1), fitness_mean(0) + 0.2);
  std::filesystem::remove_all(dir);
}

// Several search instances in one run (MetaConfig::instances): on the known fitness above, instance 0 must
// be exactly the run of one instance (its rows are its own: a wrong offset or a fitness handed to the wrong
// instance breaks this), the others must climb too, each from its own noise, and every instance writes its
// own logs and objectives.
TEST(MetaTrainer, InstancesAreIndependentSearchesInOneBatch) {
  MetaConfig config = tiny_config();
  config.rule = "lpo";
  config.pop_size = 64;
  config.sigma = 0.02;
  config.lr = 0.02;
  config.generations = 12;
  config.eval_every = 0;
  config.eval_ppo = false;
  const auto known_fitness = [](const std::vector<float>& start) {
    return [start](const std::vector<AgentTask>& tasks, const float* params, int64_t dim) {
      InnerResult r;
      for (const AgentTask& task : tasks) {
        double sq = 0.0;
        for (int64_t k = 0; k < dim; ++k) {
          const double d = double(params[task.row * dim + k]) - (double(start[size_t(k)]) + 0.2);
          sq += d * d;
        }
        r.final_return.push_back(475.0 * (1.0 - sq / (double(dim) * 0.04)));
      }
      return r;
    };
  };
  const std::string one_dir = temp_dir("inst1"), three_dir = temp_dir("inst3");
  MetaTrainer one(config, one_dir, Exec{Device::cpu, 1});
  one.set_inner_loop(known_fitness(one.strategy().mean()));
  one.run();
  config.instances = 3;
  MetaTrainer three(config, three_dir, Exec{Device::cpu, 2});
  ASSERT_EQ(three.strategies().instances(), 3);
  EXPECT_EQ(three.strategies().total_pop_size(), 3 * 64);
  EXPECT_EQ(three.sample_tasks(0).size(), size_t(3 * 64 * config.tasks_per_candidate));
  const std::vector<float> start = three.strategy(0).mean();
  for (int64_t k = 1; k < 3; ++k) EXPECT_EQ(three.strategy(k).mean(), start) << "every instance starts at the same point";
  three.set_inner_loop(known_fitness(start));
  three.run();
  // instance 0 is the one-instance run, line for line and bit for bit
  EXPECT_EQ(three.state().instances[0].metrics, one.state().instances[0].metrics);
  EXPECT_EQ(three.strategy(0).mean(), one.strategy(0).mean());
  EXPECT_EQ(read_file(three_dir + "/instance_0/metrics.jsonl"), read_file(one_dir + "/metrics.jsonl"));
  EXPECT_NE(three.strategy(1).mean(), three.strategy(2).mean()) << "instances search with their own noise";
  for (int64_t k = 0; k < 3; ++k) {
    const std::string dir = three_dir + "/instance_" + std::to_string(k);
    EXPECT_EQ(three.instance_dir(k), dir);
    ASSERT_EQ(three.state().instances[size_t(k)].metrics.size(), 12u);
    rapidjson::Document first, last;
    first.Parse(three.state().instances[size_t(k)].metrics.front().c_str());
    last.Parse(three.state().instances[size_t(k)].metrics.back().c_str());
    EXPECT_GT(last["fitness_mean"].GetDouble(), first["fitness_mean"].GetDouble() + 0.05) << "instance " << k;
    const objectives::DiscoveredObjective o = objectives::load_objective(dir + "/objective_mean.json");
    EXPECT_EQ(o.weights, three.strategy(k).mean()) << "instance " << k;
    EXPECT_EQ(o.provenance.candidate, "mean (instance " + std::to_string(k) + ")");
    EXPECT_TRUE(std::filesystem::exists(dir + "/config.json"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/objective_best.json"));
  }
  EXPECT_FALSE(std::filesystem::exists(three_dir + "/metrics.jsonl")) << "a run of instances logs per instance";
  EXPECT_THROW(three.instance_dir(3), InvalidArgument);
  std::filesystem::remove_all(one_dir);
  std::filesystem::remove_all(three_dir);
}

// A run of two instances with the real trainer resumes bit-identically (checkpoint format 4: the batch's
// state and every instance's logs) and evaluates each instance's mean on the same held-out tasks.
TEST(MetaTrainer, InstancesResumeBitIdentically) {
  MetaConfig config = tiny_config();
  config.instances = 2;
  const std::string whole = temp_dir("inst_whole"), split = temp_dir("inst_split");
  {
    MetaTrainer t(config, whole, Exec{Device::cpu, 2});
    t.run();
    for (const InstanceLog& log : t.state().instances) {
      EXPECT_EQ(log.metrics.size(), 3u);
      ASSERT_EQ(log.last_eval.size(), 1u);
      EXPECT_EQ(log.last_eval[0].seeds, config.eval_seeds);
    }
    EXPECT_NE(t.state().instances[0].metrics, t.state().instances[1].metrics);
  }
  {
    MetaTrainer t(config, split, Exec{Device::cpu, 1});
    t.run(1);
  }
  auto resumed = MetaTrainer::resume(split, Exec{Device::cpu, 2});
  EXPECT_EQ(resumed->state().generation, 1);
  resumed->run();
  EXPECT_EQ(read_file(whole + "/checkpoint.bin"), read_file(split + "/checkpoint.bin"));
  for (const char* sub : {"/instance_0", "/instance_1"})
    for (const char* name : {"metrics.jsonl", "eval.jsonl", "objective_mean.json", "objective_best.json", "config.json"}) {
      const std::string a = read_file(whole + sub + "/" + name);
      EXPECT_FALSE(a.empty()) << sub << "/" << name;
      EXPECT_TRUE(a == read_file(split + sub + "/" + name)) << sub << "/" << name;
    }
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(split);
}

TEST(MetaTrainer, TasksShareHorizonsWithinAntitheticPairs) {
  MetaConfig config = tiny_config();
  config.min_timesteps = 1000;
  config.max_timesteps = 100000;
  config.pop_size = 8;
  const std::string dir = temp_dir("tasks");
  MetaTrainer t(config, dir, Exec{});
  const std::vector<AgentTask> tasks = t.sample_tasks(5);
  ASSERT_EQ(tasks.size(), 16u);  // 8 candidates x 2 slots x 1 env
  for (size_t i = 0; i < tasks.size(); ++i) {
    EXPECT_GE(tasks[i].timesteps, 1000);
    EXPECT_LE(tasks[i].timesteps, 100000);
    EXPECT_EQ(tasks[i].row, int64_t(i % 8));
    if (i % 2 == 1) {
      EXPECT_EQ(tasks[i].timesteps, tasks[i - 1].timesteps);
    }
  }
  EXPECT_NE(tasks[0].seed, tasks[8].seed);  // slots differ
  EXPECT_NE(tasks[0].timesteps, tasks[2].timesteps);
  EXPECT_NE(t.sample_tasks(6)[0].seed, tasks[0].seed);  // generations differ
  std::filesystem::remove_all(dir);
}

TEST(MetaTrainer, FitnessIsNormalisedAndDivergedScoresNaN) {
  MetaConfig config = tiny_config();
  config.baselines = {{"CartPole-v1", 200.0}};
  const std::string dir = temp_dir("score");
  MetaTrainer t(config, dir, Exec{});
  const std::vector<AgentTask> tasks = t.sample_tasks(0);  // 2 slots x 4 candidates
  InnerResult r;
  for (size_t i = 0; i < tasks.size(); ++i) r.final_return.push_back(100.0 + double(i));
  r.final_return[6] = std::nan("");  // candidate 2, slot 0
  const std::vector<float> f = t.score(tasks, r);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_FLOAT_EQ(f[0], float((100.0 + 104.0) / 2 / 200.0));
  EXPECT_FLOAT_EQ(f[3], float((103.0 + 107.0) / 2 / 200.0));
  EXPECT_TRUE(std::isnan(f[2]));
  std::filesystem::remove_all(dir);
}

// Absurd search scales make agents diverge: counted, ranked last, and the run goes on.
TEST(MetaTrainer, DivergedAgentsAreCounted) {
  MetaConfig config = tiny_config();
  config.rule = "lpo";
  config.sigma = 1e30;
  config.generations = 1;
  config.eval_every = 0;
  config.eval_ppo = false;
  const std::string dir = temp_dir("diverge");
  MetaTrainer t(config, dir, Exec{});
  t.run();
  EXPECT_GT(t.state().diverged, 0);
  EXPECT_NE(t.state().instances[0].metrics[0].find("\"nonfinite\":"), std::string::npos);
  EXPECT_EQ(t.state().instances[0].metrics[0].find("\"nonfinite\":0"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Candidates of one task slot share seed and stream: with equal rule parameters they are the same run,
// however the tasks are split into lockstep populations; distinct streams are independent runs.
TEST(InnerLoop, CommonRandomNumbersAcrossPopulationSplits) {
  const MetaConfig c = tiny_config();
  objectives::register_rl_rules();
  const std::shared_ptr<const rl::UpdateRule> rule = rl::make_update_rule("ppo_clip", {0.2, ""});
  std::vector<AgentTask> same, distinct;
  for (int64_t i = 0; i < 4; ++i) {
    same.push_back(AgentTask{"CartPole-v1", 128, 11, i, 0, ""});
    distinct.push_back(AgentTask{"CartPole-v1", 128, 11, i, uint64_t(i), ""});
  }
  for (int64_t split : {0, 1, 3}) {
    const InnerResult r = train_tasks(Exec{Device::cpu, 1}, c.inner, rule, same, nullptr, 0, split);
    for (int64_t i = 1; i < 4; ++i) EXPECT_EQ(r.final_return[size_t(i)], r.final_return[0]) << "split " << split;
  }
  const InnerResult d0 = train_tasks(Exec{Device::cpu, 1}, c.inner, rule, distinct, nullptr, 0, 0);
  const InnerResult d3 = train_tasks(Exec{Device::cpu, 2}, c.inner, rule, distinct, nullptr, 0, 3);
  EXPECT_EQ(d0.final_return, d3.final_return) << "results do not depend on the split or the threads";
  int64_t equal_pairs = 0;
  for (size_t i = 0; i < 4; ++i)
    for (size_t j = i + 1; j < 4; ++j) equal_pairs += d0.final_return[i] == d0.final_return[j];
  EXPECT_LT(equal_pairs, 6) << "distinct streams are distinct runs";
}

// A curriculum written only against the TaskSampler seam: one CartPole task per candidate on a level
// whose episodes are capped at cap steps; each generation's update() raises the cap by 4 (state, which
// the checkpoint must carry for a resume to be exact).
struct SamplerLog {
  std::vector<int64_t> generations;
  std::vector<double> max_return;  // per update: the best final return of the generation
  std::vector<int64_t> caps;       // per update: the cap its tasks ran with
};

class CappedEpisodes final : public TaskSampler {
 public:
  explicit CappedEpisodes(SamplerLog* log) : log_(log) {}
  std::string name() const override { return "capped_episodes"; }
  std::vector<AgentTask> sample(int64_t g, int64_t P) const override {
    std::vector<AgentTask> tasks;
    for (int64_t i = 0; i < P; ++i) {
      AgentTask t;
      t.env = "CartPole-v1";
      t.timesteps = 160;
      t.seed = 100 + uint64_t(g);
      t.row = i;
      t.level = "{\"max_episode_steps\": " + std::to_string(cap_) + "}";
      tasks.push_back(t);
    }
    return tasks;
  }
  void update(int64_t g, const std::vector<AgentTask>& tasks, const InnerResult& result) override {
    double best = 0;
    for (double r : result.final_return) best = std::max(best, r);
    if (log_) {
      log_->generations.push_back(g);
      log_->max_return.push_back(best);
      log_->caps.push_back(cap_);
    }
    EXPECT_EQ(tasks.size(), result.final_return.size());
    cap_ += 4;
  }
  std::string state() const override { return std::to_string(cap_); }
  void restore(const std::string& state) override { cap_ = std::stoll(state); }

 private:
  SamplerLog* log_;
  int64_t cap_ = 6;
};

TEST(TaskSampler, ACustomCurriculumChoosesTheTasksAndLevels) {
  MetaConfig config = tiny_config();
  config.generations = 3;
  config.eval_every = 0;
  const std::string whole = temp_dir("sampler_whole"), split = temp_dir("sampler_split");
  SamplerLog log;
  {
    MetaTrainer t(config, whole, Exec{Device::cpu, 1}, std::make_unique<CappedEpisodes>(&log));
    EXPECT_EQ(t.sample_tasks(0).size(), 4u);
    EXPECT_EQ(t.sample_tasks(0)[2].level, "{\"max_episode_steps\": 6}");
    t.run();
  }
  ASSERT_EQ(log.generations, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(log.caps, (std::vector<int64_t>{6, 10, 14}));
  for (size_t g = 0; g < 3; ++g) {
    // CartPole's return is the episode length: the level's cap bounds it, so the levels reached the envs
    EXPECT_GT(log.max_return[g], 0.0);
    EXPECT_LE(log.max_return[g], double(log.caps[g])) << "generation " << g;
  }
  {
    MetaTrainer t(config, split, Exec{Device::cpu, 1}, std::make_unique<CappedEpisodes>(nullptr));
    t.run(1);
  }
  // the default sampler cannot continue a run of another one
  EXPECT_THROW(MetaTrainer::resume(split, Exec{Device::cpu, 1}), InvalidArgument);
  auto resumed = MetaTrainer::resume(split, Exec{Device::cpu, 1}, std::make_unique<CappedEpisodes>(nullptr));
  EXPECT_EQ(resumed->task_sampler().state(), "10");  // restored from the checkpoint
  resumed->run();
  expect_same_files(whole, split);
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(split);
}

TEST(TaskSampler, EveryCandidateNeedsATask) {
  class Forgetful final : public TaskSampler {
   public:
    std::string name() const override { return "forgetful"; }
    std::vector<AgentTask> sample(int64_t, int64_t P) const override {
      std::vector<AgentTask> tasks;
      for (int64_t i = 0; i + 1 < P; ++i) tasks.push_back(AgentTask{"CartPole-v1", 64, 1, i, 0, ""});
      return tasks;
    }
  };
  const std::string dir = temp_dir("forgetful");
  MetaTrainer t(tiny_config(), dir, Exec{Device::cpu, 1}, std::make_unique<Forgetful>());
  try {
    t.run_generation();
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("forgetful: no task for candidate 3"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

// A level per agent in one lockstep population: the inner loop gives each agent's instances its level.
TEST(InnerLoop, EachAgentTrainsOnItsOwnLevel) {
  const MetaConfig c = tiny_config();
  objectives::register_rl_rules();
  const std::shared_ptr<const rl::UpdateRule> rule = rl::make_update_rule("ppo_clip", {0.2, ""});
  std::vector<AgentTask> tasks;
  for (int64_t i = 0; i < 3; ++i) {
    AgentTask t{"CartPole-v1", 160, 5, i, 0, ""};
    if (i > 0) t.level = "{\"max_episode_steps\": " + std::to_string(4 * i) + "}";
    tasks.push_back(t);
  }
  const InnerResult r = train_tasks(Exec{Device::cpu, 1}, c.inner, rule, tasks, nullptr, 0);
  EXPECT_LE(r.final_return[1], 4.0);
  EXPECT_LE(r.final_return[2], 8.0);
  EXPECT_GT(r.final_return[0], 8.0) << "the agent without a level keeps CartPole's 500-step episodes";
}

TEST(MetaConfig, ValidationNamesTheProblem) {
  MetaConfig c = tiny_config();
  c.envs = {"CartPol-v1"};
  try {
    c.validate();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("CartPole-v1"), std::string::npos) << e.what();
  }
  c = tiny_config();
  c.envs = {"Acrobot-v1"};
  try {
    c.validate();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("baselines"), std::string::npos) << e.what();
  }
  c = tiny_config();
  c.min_timesteps = 10 * c.max_timesteps;
  EXPECT_THROW(c.validate(), ConfigError);
  EXPECT_THROW(parse_config<MetaConfig>("{\"rule\": \"lpg\"}", "test"), ConfigError);
  EXPECT_THROW(parse_config<MetaConfig>("{\"pop_szie\": 4}", "test"), ConfigError);
  // horizons shorter than one inner update (2 x 16 = 32 steps) are refused, not rounded up
  c = tiny_config();
  c.min_timesteps = 20;
  EXPECT_THROW(c.validate(), ConfigError);
  c = tiny_config();
  c.eval_timesteps = {64, 10};
  EXPECT_THROW(c.validate(), ConfigError);
  objectives::Rule ppo;
  EXPECT_THROW(evaluate_rule(Exec{}, tiny_config().inner, ppo, "ppo", {"CartPole-v1"}, {16}, 2, 1, tiny_config(), nullptr),
               InvalidArgument);
}

// The comparison against PPO-clip is paired agent by agent (same tasks), dropping pairs with a NaN.
TEST(Evaluate, PairedDifferenceAgainstPpo) {
  EvalRow ppo, mean;
  ppo.objective = "ppo_clip";
  mean.objective = "mean";
  ppo.env = mean.env = "CartPole-v1";
  ppo.timesteps = mean.timesteps = 1000;
  ppo.seeds = mean.seeds = 4;
  ppo.norm_values = {0.5, 0.6, 0.7, 0.8};
  mean.norm_values = {0.6, 0.8, std::nan(""), 1.1};
  const MeanInterval d = paired_difference(mean, ppo);
  EXPECT_EQ(d.n, 3);
  EXPECT_NEAR(d.mean, (0.1 + 0.2 + 0.3) / 3.0, 1e-12);
  EXPECT_NEAR(d.half_width, 4.302652729749462 * 0.1 / std::sqrt(3.0), 1e-12);  // t(0.975, 2), sd 0.1
  const std::vector<EvalRow> rows = {ppo, mean};
  EXPECT_EQ(matching_ppo_row(rows, rows[1]), &rows[0]);
  const std::string table = eval_table(rows);
  EXPECT_NE(table.find("mean - ppo_clip"), std::string::npos) << table;
  EXPECT_NE(eval_row_json(rows[1], 3, &rows[0]).find("\"vs_ppo_mean\":0.2"), std::string::npos);
}

}  // namespace
}  // namespace lamarck::meta

namespace lamarck::meta {
namespace {
// Every shipped meta-training config parses and validates.
// eval.jsonl lines are valid JSON whatever the objective's label (quotes, backslashes, a long path) and
// with non-finite values (JSON has no NaN: null).
TEST(Evaluate, RowJsonIsValidForAnyLabel) {
  EvalRow r;
  r.objective = std::string(700, 'x') + "/we\"ird\\name.json";
  r.env = "CartPole-v1";
  r.mean = std::nan("");
  r.lo = 1.5;
  const std::string line = eval_row_json(r, 3, nullptr);
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_EQ(std::string(doc["objective"].GetString()), r.objective);
  EXPECT_TRUE(doc["mean"].IsNull());
  EXPECT_EQ(doc["lo"].GetDouble(), 1.5);
  EXPECT_EQ(doc["generation"].GetInt64(), 3);
}

TEST(MetaConfig, ShippedConfigsAreValid) {
  const std::string dir = std::string(LAMARCK_TEST_DATA_DIR) + "/../../experiments/configs";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("meta_", 0) != 0 || entry.path().extension() != ".json") continue;
    EXPECT_NO_THROW(load_meta_config(entry.path().string())) << name;
    ++count;
  }
  EXPECT_GE(count, 3);
}
}  // namespace
}  // namespace lamarck::meta
