// Novelty search (Lehman & Stanley 2011; Conti et al. 2018): k-NN novelty and the archive, then the
// behaviour the papers describe -- a novelty-driven GA (GA-NS) and NS-ES with a meta-population of OpenES
// centres cover the behaviour space, where the same strategies driven by an objective stay in one place.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "es_test_util.h"
#include "lamarck/es/novelty.h"

namespace lamarck::es {
namespace {

TEST(Novelty, MeanDistanceToTheKNearest) {
  NoveltyArchive archive(1, 2, 0);
  const float a[1] = {0.0f}, b[1] = {1.0f}, c[1] = {3.0f};
  archive.add(a);
  archive.add(b);
  archive.add(c);
  const float q[2] = {0.5f, 10.0f};
  const std::vector<float> n = archive.novelty(q, 2);
  EXPECT_FLOAT_EQ(n[0], 0.5f);               // 0.5 to 0 and to 1
  EXPECT_FLOAT_EQ(n[1], (7.0f + 9.0f) / 2);  // 7 to 3 and 9 to 1 (9.5 to the other query)
}

TEST(Novelty, ScoreAddsTheMostNovelAndCapacityDropsTheOldest) {
  NoveltyArchive archive(1, 1, 1, 2);
  const float batch[3] = {0.0f, 0.1f, 5.0f};
  archive.score(batch, 3);
  ASSERT_EQ(archive.size(), 1);
  EXPECT_EQ(archive.behaviours()[0], 5.0f);
  const float more[2] = {-9.0f, 20.0f};
  archive.score(more, 2);  // 20 is the most novel
  archive.score(more, 2);  // at capacity 2: the oldest (5) goes
  EXPECT_EQ(archive.size(), 2);
  EXPECT_EQ(archive.behaviours()[0], 20.0f);
}

// Behaviour: the first two parameters squashed into (-1, 1)^2; coverage: cells of a 10x10 grid visited.
void behaviour(const float* x, float* b) {
  b[0] = std::tanh(x[0]);
  b[1] = std::tanh(x[1]);
}
int cell(const float* b) {
  const int i = std::min(9, int((b[0] + 1.0f) * 5.0f)), j = std::min(9, int((b[1] + 1.0f) * 5.0f));
  return i * 10 + j;
}

// GA with novelty (maximise) or with the objective |b|^2 (minimise); returns cells visited.
int ga_coverage(bool novelty, int gens) {
  const int64_t D = 8, P = 50;
  Settings s = testing::settings_for(D, 3, 0.0, 0.2, P);
  s.direction = novelty ? Direction::maximize : Direction::minimize;
  auto ga = make_strategy("simple_ga", s);
  NoveltyArchive archive(2, 10, 5);
  std::set<int> cells;
  std::vector<float> b(static_cast<size_t>(2 * P)), f(static_cast<size_t>(P));
  for (int g = 0; g < gens; ++g) {
    const std::vector<float> x = ga->ask();
    for (int64_t i = 0; i < P; ++i) {
      behaviour(x.data() + i * D, b.data() + 2 * i);
      cells.insert(cell(b.data() + 2 * i));
      f[size_t(i)] = b[size_t(2 * i)] * b[size_t(2 * i)] + b[size_t(2 * i + 1)] * b[size_t(2 * i + 1)];
    }
    if (novelty) f = archive.score(b.data(), P);
    ga->tell(x.data(), f.data());
  }
  return int(cells.size());
}

TEST(Novelty, GaWithNoveltyCoversTheBehaviourSpace) {
  const int ns = ga_coverage(true, 60), objective = ga_coverage(false, 60);
  std::printf("simple_ga: novelty search visited %d/100 behaviour cells, objective search %d/100\n", ns, objective);
  EXPECT_GE(ns, 70);
  EXPECT_GE(ns, 2 * objective);
}

// NS-ES (Conti et al. 2018): M = 3 OpenES centres; each generation one centre, picked with probability
// proportional to its novelty, takes an ES step on the novelty of its perturbations; its new centre's
// behaviour joins the archive.
TEST(Novelty, NsEsCentresSpreadOverTheBehaviourSpace) {
  const int64_t D = 8, M = 3;
  std::vector<std::unique_ptr<Strategy>> pop;
  for (int64_t m = 0; m < M; ++m) {
    Settings s = testing::settings_for(D, 10 + uint64_t(m), 0.0, 0.1, 20);
    // each centre starts at its own random point (Conti et al. 2018 initialise the agents randomly); from a
    // common point of symmetry an antithetic population has tied novelties and no gradient
    Philox init(key_from_seed(1000 + uint64_t(m)));
    for (float& v : s.mean_init) v = 0.2f * init.normal();
    s.direction = Direction::maximize;
    s.options = {{"lr", 0.05}};
    pop.push_back(make_strategy("open_es", s));
  }
  NoveltyArchive archive(2, 10, 0);
  std::set<int> cells;
  float b[2];
  for (auto& es : pop) {
    behaviour(es->mean().data(), b);
    archive.add(b);
  }
  Philox rng(key_from_seed(99));
  std::vector<float> bp(40);
  for (int g = 0; g < 300; ++g) {
    std::vector<float> centres(static_cast<size_t>(2 * M));
    for (int64_t m = 0; m < M; ++m) behaviour(pop[size_t(m)]->mean().data(), centres.data() + 2 * m);
    std::vector<float> nov = archive.novelty(centres.data(), M);
    for (float& v : nov) v += 1e-6f;
    Strategy& es = *pop[size_t(rng.categorical(nov.data(), int(M)))];
    const std::vector<float> x = es.ask();
    for (int64_t i = 0; i < 20; ++i) behaviour(x.data() + i * D, bp.data() + 2 * i);
    const std::vector<float> f = archive.novelty(bp.data(), 20);
    es.tell(x.data(), f.data());
    behaviour(es.mean().data(), b);
    archive.add(b);
    cells.insert(cell(b));
  }
  std::printf("ns-es: the centres visited %d/100 behaviour cells in 300 generations\n", int(cells.size()));
  EXPECT_GE(int(cells.size()), 25);
}

}  // namespace
}  // namespace lamarck::es
