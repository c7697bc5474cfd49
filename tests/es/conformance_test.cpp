// Conformance suite over every registered strategy: shapes, determinism (seed, thread count), resume
// equality (bytes and checkpoint file), NaN/Inf fitness, both directions, and progress on a 10-d sphere.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "es_test_util.h"
#include "lamarck/core/error.h"

namespace lamarck::es {
namespace {

// Settings under which each strategy is expected to cut a 10-d sphere from f = 90 by >= 100x within
// `generations`; the defaults otherwise.
struct Recipe {
  double sigma;
  std::map<std::string, double> options;
  int generations;
};

Recipe recipe(const std::string& name) {
  if (name == "open_es") return {0.5, {{"lr", 0.1}, {"sigma_decay", 0.98}, {"lr_decay", 0.98}}, 300};
  if (name == "pgpe") return {0.5, {{"lr", 0.3}, {"max_speed", 0.6}, {"lr_decay", 0.98}}, 300};
  if (name == "ars") return {0.3, {{"lr", 0.3}, {"sigma_decay", 0.98}, {"lr_decay", 0.98}}, 300};
  if (name == "simple_ga") return {0.5, {{"sigma_decay", 0.97}}, 300};
  if (name == "deep_ga") return {3.0, {{"sigma", 0.3}}, 300};
  return {1.0, {}, 300};
}

Settings base_settings(const std::string& name, uint64_t seed = 3) {
  Settings s = testing::settings_for(10, seed, 3.0, recipe(name).sigma);
  s.options = recipe(name).options;
  return s;
}

// Runs `gens` generations on the sphere; returns the populations of every generation, concatenated.
std::vector<float> run(Strategy& es, int gens) {
  const Problem sphere("sphere", es.dim());
  std::vector<float> all, x, f;
  for (int g = 0; g < gens; ++g) {
    x.resize(size_t(es.pop_size() * es.dim()));
    f.resize(size_t(es.pop_size()));
    es.ask(x.data());
    sphere.evaluate(Exec{}, x.data(), es.pop_size(), f.data());
    es.tell(x.data(), f.data());
    all.insert(all.end(), x.begin(), x.end());
  }
  return all;
}

class Conformance : public ::testing::TestWithParam<std::string> {};

TEST_P(Conformance, AskShapesAndPurity) {
  auto es = make_strategy(GetParam(), base_settings(GetParam()));
  ASSERT_GT(es->pop_size(), 0);
  EXPECT_EQ(es->dim(), 10);
  const std::vector<float> a = es->ask(), b = es->ask();
  ASSERT_EQ(int64_t(a.size()), es->pop_size() * es->dim());
  EXPECT_EQ(a, b) << "ask is a pure function of the state";
  for (float v : a) EXPECT_TRUE(std::isfinite(v));
  EXPECT_EQ(int64_t(es->mean().size()), es->dim());
}

TEST_P(Conformance, SameSeedSameTrajectoryOnAnyThreadCount) {
  Settings s1 = base_settings(GetParam()), s2 = s1;
  s1.exec.threads = 1;
  s2.exec.threads = 2;
  auto a = make_strategy(GetParam(), s1), b = make_strategy(GetParam(), s2);
  EXPECT_EQ(run(*a, 12), run(*b, 12));
  EXPECT_EQ(a->mean(), b->mean());
  Settings s3 = base_settings(GetParam(), 4);
  auto c = make_strategy(GetParam(), s3);
  EXPECT_NE(run(*c, 2), run(*make_strategy(GetParam(), s1), 2)) << "another seed, other candidates";
}

// Large enough that the CPU kernels really run on two threads (small problems stay on one).
TEST_P(Conformance, OneAndTwoThreadsAgreeAtLargeDimension) {
  if (GetParam().find("cma_es") != std::string::npos && GetParam() != "sep_cma_es")
    GTEST_SKIP() << "full CMA-ES is d x d and single-threaded";
  Settings s1 = testing::settings_for(20000, 5, 0.5, 0.1, 16), s2 = s1;
  s1.exec.threads = 1;
  s2.exec.threads = 2;
  auto a = make_strategy(GetParam(), s1), b = make_strategy(GetParam(), s2);
  EXPECT_EQ(run(*a, 3), run(*b, 3));
  EXPECT_EQ(a->mean(), b->mean());
}

TEST_P(Conformance, ResumeIsBitIdentical) {
  auto whole = make_strategy(GetParam(), base_settings(GetParam()));
  auto first = make_strategy(GetParam(), base_settings(GetParam()));
  const std::vector<float> head = run(*whole, 7);
  EXPECT_EQ(run(*first, 7), head);
  // through bytes
  auto resumed = make_strategy(GetParam(), base_settings(GetParam()));
  resumed->restore_bytes(first->state_bytes());
  // through a checkpoint file
  const std::string path = (std::filesystem::temp_directory_path() / ("lamarck_es_" + GetParam() + ".ckpt")).string();
  save_checkpoint(path, *first);
  auto from_file = load_checkpoint(path);
  std::filesystem::remove(path);
  const std::vector<float> tail = run(*whole, 9);
  EXPECT_EQ(run(*resumed, 9), tail);
  EXPECT_EQ(run(*from_file, 9), tail);
  EXPECT_EQ(resumed->mean(), whole->mean());
  EXPECT_EQ(from_file->book().evaluations, whole->book().evaluations);
  EXPECT_EQ(from_file->book().best_fitness, whole->book().best_fitness);
}

TEST_P(Conformance, NonFiniteFitnessRanksLastAndIsCounted) {
  auto es = make_strategy(GetParam(), base_settings(GetParam()));
  const Problem sphere("sphere", 10);
  int64_t bad = 0;
  for (int g = 0; g < 10; ++g) {
    std::vector<float> x = es->ask(), f(size_t(es->pop_size()));
    sphere.evaluate(Exec{}, x.data(), es->pop_size(), f.data());
    for (size_t i = 0; i < f.size(); i += 3) {
      f[i] = (i % 2) ? std::numeric_limits<float>::infinity() : std::nanf("");
      ++bad;
    }
    const TellInfo info = es->tell(x.data(), f.data());
    EXPECT_GT(info.nonfinite, 0);
  }
  EXPECT_EQ(es->book().nonfinite, bad);
  EXPECT_TRUE(std::isfinite(es->book().best_fitness));
  for (float v : es->mean()) EXPECT_TRUE(std::isfinite(v));
  // all fitness values NaN: nothing breaks
  std::vector<float> x = es->ask(), f(size_t(es->pop_size()), std::nanf(""));
  es->tell(x.data(), f.data());
  for (float v : es->mean()) EXPECT_TRUE(std::isfinite(v));
}

TEST_P(Conformance, ImprovesSphereByOrdersOfMagnitude) {
  auto es = make_strategy(GetParam(), base_settings(GetParam()));
  const Problem sphere("sphere", 10);
  const double f0 = 90.0;  // x0 = 3 * ones
  run(*es, recipe(GetParam()).generations);
  std::printf("%s: best %.3g after %lld evaluations\n", GetParam().c_str(), es->book().best_fitness,
              (long long)es->book().evaluations);
  EXPECT_LT(es->book().best_fitness, 1e-2 * f0);
  EXPECT_LT(sphere(es->mean().data()), 1e-1 * f0) << "the search centre moved too";
}

TEST_P(Conformance, MaximizeIsMinimizeOfTheNegation) {
  Settings smin = base_settings(GetParam()), smax = smin;
  smax.direction = Direction::maximize;
  auto a = make_strategy(GetParam(), smin), b = make_strategy(GetParam(), smax);
  const Problem sphere("sphere", 10);
  for (int g = 0; g < 8; ++g) {
    std::vector<float> x = a->ask(), y = b->ask(), f(size_t(a->pop_size()));
    ASSERT_EQ(x, y);
    sphere.evaluate(Exec{}, x.data(), a->pop_size(), f.data());
    a->tell(x.data(), f.data());
    for (float& v : f) v = -v;
    b->tell(y.data(), f.data());
  }
  EXPECT_EQ(a->mean(), b->mean());
  EXPECT_EQ(a->book().best_fitness, -b->book().best_fitness);
}

TEST_P(Conformance, BadSettingsAreRejected) {
  Settings s = base_settings(GetParam());
  s.options["no_such_option"] = 1.0;
  EXPECT_THROW(make_strategy(GetParam(), s), InvalidArgument);
  s = base_settings(GetParam());
  s.dim = 0;
  s.mean_init.clear();
  EXPECT_THROW(make_strategy(GetParam(), s), InvalidArgument);
  s = base_settings(GetParam());
  s.mean_init.resize(3);
  EXPECT_THROW(make_strategy(GetParam(), s), InvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, Conformance, ::testing::ValuesIn(strategy_names()),
                         [](const auto& info) { return info.param; });

TEST(Registry, UnknownNameSuggestsTheNearest) {
  try {
    make_strategy("cma-es", testing::settings_for(4, 1, 0, 1));
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("cma_es"), std::string::npos) << e.what();
  }
}

// OpenES folds each antithetic pair into one weight and reads only the even rows; its step must still be
// the full-population estimate lr * sum_i u_i (x_i - mean) / (P sigma^2), here in double over all P rows.
TEST(OpenEs, StepIsTheFullPopulationGradient) {
  const int64_t D = 300, P = 16;
  Settings s = testing::settings_for(D, 5, 0.25, 0.1, P);
  s.options = {{"optimizer", 0}, {"momentum", 0}, {"lr", 0.5}};  // plain SGD
  auto es = make_strategy("open_es", s);
  const std::vector<float> mean0 = es->mean();
  std::vector<float> x = es->ask();
  std::vector<float> f(static_cast<size_t>(P));
  // distinct losses in a scrambled order: candidate i has rank (7 i mod P), utility (P-1-rank)/(P-1) - 1/2
  std::vector<double> u(static_cast<size_t>(P));
  for (int64_t i = 0; i < P; ++i) {
    const int64_t rank = (7 * i) % P;
    f[size_t(i)] = float(rank);
    u[size_t(i)] = double(P - 1 - rank) / double(P - 1) - 0.5;
  }
  es->tell(x.data(), f.data());
  const std::vector<float> mean1 = es->mean();
  for (int64_t j = 0; j < D; ++j) {
    double g = 0;
    for (int64_t i = 0; i < P; ++i) g += u[size_t(i)] * (double(x[size_t(i * D + j)]) - mean0[size_t(j)]);
    g /= double(P) * 0.1 * 0.1;
    EXPECT_NEAR(mean1[size_t(j)], mean0[size_t(j)] + 0.5 * g, 1e-5) << "j=" << j;
  }
}

// Every instance of a batch is the run its seed gives alone, bit for bit, for every registered strategy.
// Instance 0 sees a flat fitness, which makes the restart strategies restart at once and grow their
// population (IPOP/BIPOP), while the others see the sphere: the members' populations then differ.
class EveryStrategyBatch : public ::testing::TestWithParam<std::string> {};

std::vector<float> batch_fitness(const StrategyBatch& batch, const std::vector<float>& x, int64_t member,
                                 const Problem& sphere) {
  const int64_t P = batch.pop_size(member), D = batch.dim();
  std::vector<float> f(static_cast<size_t>(P));
  if (member == 0) {
    std::fill(f.begin(), f.end(), 1.0f);
  } else {
    sphere.evaluate(Exec{}, x.data() + batch.offset(member) * D, P, f.data());
  }
  return f;
}

TEST_P(EveryStrategyBatch, InstancesMatchIndependentRuns) {
  const std::string name = GetParam();
  Settings s = base_settings(name);
  StrategyBatch batch(name, s, 3);
  const int64_t D = batch.dim();
  const Problem sphere("sphere", D);
  std::vector<std::unique_ptr<Strategy>> alone;
  for (int64_t n = 0; n < 3; ++n) alone.push_back(make_strategy(name, batch.member(n).settings()));
  bool sizes_differed = false;
  // a flat fitness stops CMA-ES by tolfun after 10 + 30 n / lambda generations (40 here)
  for (int g = 0; g < 60; ++g) {
    std::vector<float> x(size_t(batch.total_pop_size() * D)), f(size_t(batch.total_pop_size()));
    batch.ask(x.data());
    for (int64_t n = 0; n < 3; ++n) {
      const std::vector<float> fn = batch_fitness(batch, x, n, sphere);
      std::copy(fn.begin(), fn.end(), f.begin() + batch.offset(n));
      // the same candidates as the instance alone, then the same fitness told to both
      std::vector<float> xa(size_t(alone[size_t(n)]->pop_size() * D));
      alone[size_t(n)]->ask(xa.data());
      ASSERT_EQ(xa.size(), size_t(batch.pop_size(n) * D)) << name << " member " << n << " generation " << g;
      EXPECT_TRUE(std::equal(xa.begin(), xa.end(), x.begin() + batch.offset(n) * D)) << name << " member " << n;
      alone[size_t(n)]->tell(xa.data(), fn.data());
    }
    batch.tell(x.data(), f.data());
    sizes_differed = sizes_differed || batch.pop_size(0) != batch.pop_size(1);
  }
  for (int64_t n = 0; n < 3; ++n) EXPECT_EQ(alone[size_t(n)]->mean(), batch.member(n).mean()) << name << " " << n;
  EXPECT_NE(batch.member(1).mean(), batch.member(2).mean()) << "instances have their own seeds";
  EXPECT_EQ(batch.member(0).settings().seed, s.seed) << "instance 0 is the batch's settings run alone";
  EXPECT_NE(batch.member(1).settings().seed, s.seed);
  if (name == "ipop_cma_es" || name == "bipop_cma_es") {
    EXPECT_TRUE(sizes_differed) << name << ": the flat-fitness member should have restarted with a larger population";
  }
}

// A batch checkpointed mid-run (IPOP/BIPOP members past restarts of their own, populations of different
// sizes) and loaded from its file continues bit-identically; a file of another kind or a state of another
// batch size is refused.
TEST_P(EveryStrategyBatch, CheckpointFileContinuesBitIdentically) {
  const std::string name = GetParam();
  StrategyBatch batch(name, base_settings(name), 3);
  const int64_t D = batch.dim();
  const Problem sphere("sphere", D);
  auto generation = [&](StrategyBatch& b) {
    std::vector<float> x(size_t(b.total_pop_size() * D)), f(size_t(b.total_pop_size()));
    b.ask(x.data());
    for (int64_t n = 0; n < b.instances(); ++n) {
      const std::vector<float> fn = batch_fitness(b, x, n, sphere);
      std::copy(fn.begin(), fn.end(), f.begin() + b.offset(n));
    }
    b.tell(x.data(), f.data());
    return x;
  };
  for (int g = 0; g < 45; ++g) generation(batch);  // member 0's flat fitness restarts IPOP/BIPOP by now
  const std::string path = ::testing::TempDir() + "/batch_" + name + ".lmk";
  save_batch_checkpoint(path, batch);
  std::unique_ptr<StrategyBatch> resumed = load_batch_checkpoint(path);
  ASSERT_EQ(resumed->instances(), 3);
  for (int g = 0; g < 20; ++g) {
    for (int64_t n = 0; n < 3; ++n) ASSERT_EQ(resumed->pop_size(n), batch.pop_size(n)) << name << " " << n;
    ASSERT_EQ(generation(*resumed), generation(batch)) << name << " generation " << g;
  }
  for (int64_t n = 0; n < 3; ++n) EXPECT_EQ(resumed->member(n).mean(), batch.member(n).mean()) << name << " " << n;
  StrategyBatch two(name, base_settings(name), 2);
  EXPECT_THROW(two.restore_bytes(batch.state_bytes()), InvalidArgument);
  save_checkpoint(path, batch.member(0));
  EXPECT_THROW(load_batch_checkpoint(path), FileError);
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryStrategyBatch, ::testing::ValuesIn(strategy_names()));

}  // namespace
}  // namespace lamarck::es

namespace lamarck::es {
namespace {

// Weight decay adds wd * |x|^2 to the loss before shaping: on a flat fitness it alone pulls the mean to 0,
// in both directions.
TEST(WeightDecay, PullsTheMeanToZeroOnAFlatFitness) {
  for (Direction dir : {Direction::minimize, Direction::maximize}) {
    Settings s = testing::settings_for(10, 2, 3.0, 0.3, 32);
    s.weight_decay = 0.1;
    s.direction = dir;
    s.options = {{"lr", 0.05}};
    auto es = make_strategy("open_es", s);
    for (int g = 0; g < 200; ++g) {
      std::vector<float> x = es->ask(), f(32, 1.0f);
      es->tell(x.data(), f.data());
    }
    double norm = 0;
    for (float v : es->mean()) norm += double(v) * v;
    EXPECT_LT(std::sqrt(norm), 0.2 * std::sqrt(90.0)) << direction_name(dir);
  }
}

}  // namespace
}  // namespace lamarck::es
