// Deep GA (Such et al. 2017): seed-chain genomes replay to exactly the candidates ask returns, their
// compression ratio, elitism with re-evaluation, and escaping a deceptive local optimum where a greedy
// hill climber with the same mutation stalls.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "es_test_util.h"
#include "lamarck/es/deep_ga.h"
#include "lamarck/es/kernels.h"

namespace lamarck::es {
namespace {

Settings ga_settings(int64_t dim, uint64_t seed, int64_t pop, double init_scale, double sigma) {
  Settings s = testing::settings_for(dim, seed, 0.0, init_scale, pop);
  s.options = {{"sigma", sigma}, {"truncation", 20}, {"validation", 5}};
  return s;
}

TEST(DeepGa, GenomesReplayToTheCandidatesAndCompress) {
  const int64_t D = 2000;
  auto es = make_strategy("deep_ga", ga_settings(D, 5, 50, 1.0, 0.05));
  const auto& source = dynamic_cast<const GenomeSource&>(*es);
  const Problem sphere("sphere", D);
  double ratio0 = 0;
  for (int g = 0; g < 30; ++g) {
    std::vector<float> x = es->ask(), f(50);
    const std::vector<Genome> genomes = source.population_genomes();
    for (int64_t i = 0; i < 50; i += 7) {  // replaying any genome gives its row bit for bit
      std::vector<float> theta(static_cast<size_t>(D));
      replay_genome(genomes[size_t(i)], es->settings().mean_init, source.init_scale(), source.mutation_sigma(),
                    theta.data());
      ASSERT_EQ(0, std::memcmp(theta.data(), x.data() + i * D, sizeof(float) * size_t(D))) << "gen " << g << " row " << i;
    }
    sphere.evaluate(Exec{}, x.data(), 50, f.data());
    es->tell(x.data(), f.data());
    if (g == 0) ratio0 = es->stats().at("compression_ratio");
  }
  const double ratio = es->stats().at("compression_ratio");
  std::printf("deep_ga D=%lld: compression ratio %.1f after 1 generation, %.1f after 30 (%.1f keys per genome)\n",
              (long long)D, ratio0, ratio, es->stats().at("genome_keys"));
  EXPECT_DOUBLE_EQ(ratio0, D * 4.0 / 8.0) << "one key per genome after the first generation";
  EXPECT_GT(ratio, 20.0);
  EXPECT_GT(es->stats().at("genome_keys"), 10.0);
}

TEST(DeepGa, EliteIsReEvaluatedUnchanged) {
  auto es = make_strategy("deep_ga", ga_settings(6, 2, 30, 1.0, 0.1));
  const Problem sphere("sphere", 6);
  std::vector<float> x = es->ask(), f(30);
  sphere.evaluate(Exec{}, x.data(), 30, f.data());
  es->tell(x.data(), f.data());
  const int64_t best = std::min_element(f.begin(), f.end()) - f.begin();
  const std::vector<float> next = es->ask();
  // row 0 of the next generation is the elite, copied unmodified for re-evaluation
  EXPECT_TRUE(std::equal(next.begin(), next.begin() + 6, x.begin() + best * 6));
}

// Deceptive 2-d landscape: a broad local basin around 0 (value 1) and a narrow global one around (3, 3)
// (value 0); from the local basin every small step is worse.
double deceptive(const float* x) {
  const double local = 1.0 + 0.1 * (double(x[0]) * x[0] + double(x[1]) * x[1]);
  const double dx = x[0] - 3.0, dy = x[1] - 3.0;
  return std::min(local, 2.0 * (dx * dx + dy * dy));
}

TEST(DeepGa, EscapesADeceptiveOptimumWhereHillClimbingStalls) {
  const int64_t budget = 6000;
  int ga_wins = 0, hc_wins = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    // Deep GA: P = 200, T = 20, init N(0, 3^2), mutation 0.3
    auto es = make_strategy("deep_ga", ga_settings(2, seed, 200, 3.0, 0.3));
    while (es->book().evaluations < budget) {
      std::vector<float> x = es->ask(), f(200);
      for (int64_t i = 0; i < 200; ++i) f[size_t(i)] = float(deceptive(x.data() + 2 * i));
      es->tell(x.data(), f.data());
    }
    ga_wins += es->book().best_fitness < 0.01;
    // greedy (1+1) hill climber from a draw of the same init distribution, same mutation, same budget
    Philox rng(derive_key(seed, 77, 0, 0));
    float cur[2] = {3.0f * rng.normal(), 3.0f * rng.normal()};
    double fcur = deceptive(cur);
    for (int64_t t = 1; t < budget; ++t) {
      const float cand[2] = {cur[0] + 0.3f * rng.normal(), cur[1] + 0.3f * rng.normal()};
      const double fc = deceptive(cand);
      if (fc < fcur) {
        cur[0] = cand[0];
        cur[1] = cand[1];
        fcur = fc;
      }
    }
    hc_wins += fcur < 0.01;
  }
  std::printf("deceptive 2-d: deep_ga reached the global basin in %d/10 seeds, hill climbing in %d/10\n", ga_wins,
              hc_wins);
  EXPECT_GE(ga_wins, 8);
  EXPECT_LE(hc_wins, 3);
}

}  // namespace
}  // namespace lamarck::es
