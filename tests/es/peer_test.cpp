// The first-order strategies against evosax's implementations run with the same hyperparameters and start
// (reference medians measured by tests/data/es/gen_evosax_first_order.py; es.md §1-2 for the algorithms):
// the search centre's f on a 10-d sphere from x0 = 1 at several generations of the descent and at its noise
// floor. A strategy that followed the wrong gradient, scaled it wrongly or adapted sigma wrongly leaves
// these bands; a hill climber (no gradient estimate) descends an order of magnitude more slowly.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "es_test_util.h"
#include "lamarck/es/problems.h"
#include "lamarck/es/registry.h"

namespace lamarck::es {
namespace {
using testing::median;
using testing::settings_for;

// f(mean) after each generation in `at`, medians over seeds 1..`seeds`.
std::map<int, double> centre_medians(const std::string& name, Settings base, const std::vector<int>& at,
                                     const std::string& function = "sphere", uint64_t seeds = 5) {
  const Problem sphere(function, base.dim);
  std::map<int, std::vector<double>> values;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    Settings s = base;
    s.seed = seed;
    auto es = make_strategy(name, s);
    std::vector<float> x, f;
    for (int g = 1; g <= at.back(); ++g) {
      x.resize(size_t(es->pop_size() * es->dim()));
      f.resize(size_t(es->pop_size()));
      es->ask(x.data());
      sphere.evaluate(Exec{}, x.data(), es->pop_size(), f.data());
      es->tell(x.data(), f.data());
      for (int a : at)
        if (a == g) values[g].push_back(sphere(es->mean().data()));
    }
  }
  std::map<int, double> out;
  for (auto& [g, v] : values) {
    out[g] = median(v);
    std::printf("%s on %s gen %d: median f(mean) %.4g\n", name.c_str(), function.c_str(), g, out[g]);
  }
  return out;
}

// value within a factor `factor` of the reference (both ways)
void within_factor(double value, double reference, double factor, const std::string& what) {
  EXPECT_GE(value, reference / factor) << what << ": reference " << reference;
  EXPECT_LE(value, reference * factor) << what << ": reference " << reference;
}

TEST(EvosaxPeer, OpenEsWithSgd) {
  Settings s = settings_for(10, 1, 1.0, 0.1, 64);
  s.options = {{"optimizer", 0}, {"lr", 0.05}, {"momentum", 0.0}};
  const auto m = centre_medians("open_es", s, {10, 20, 30, 300});
  within_factor(m.at(10), 3.02, 1.3, "gen 10");
  within_factor(m.at(20), 0.141, 2.0, "gen 20");
  within_factor(m.at(30), 1.50e-5, 4.0, "gen 30");
  within_factor(m.at(300), 1.52e-5, 4.0, "gen 300 (noise floor)");
}

// PGPE (Sehnke et al. 2010) with ClipUp (Toklu et al. 2020): evosax's defaults (sigma lr 0.1, max change
// 0.2, centred ranks) with ClipUp lr 0.15, max speed 0.3, momentum 0.9 (lamarck's defaults), sigma_init 1.
// ClipUp's fixed speed sets a floor around f ~ 0.03-0.07 here, which both reach.
TEST(EvosaxPeer, PgpeWithClipUp) {
  Settings s = settings_for(10, 1, 1.0, 1.0, 64);
  const auto m = centre_medians("pgpe", s, {10, 30, 100, 300});
  within_factor(m.at(10), 0.246, 1.5, "gen 10");
  within_factor(m.at(30), 0.0588, 2.0, "gen 30");
  within_factor(m.at(100), 0.0304, 2.0, "gen 100");
  within_factor(m.at(300), 0.0670, 2.0, "gen 300");
}

// ARS V1-t (Mania et al. 2018): top half of 32 antithetic directions, the step divided by the elite
// returns' standard deviation (which makes it scale-free: it converges linearly on the sphere), SGD lr 0.02,
// sigma 0.1.
TEST(EvosaxPeer, ArsWithSgd) {
  Settings s = settings_for(10, 1, 1.0, 0.1, 64);
  s.options = {{"optimizer", 0}, {"lr", 0.02}, {"elite_ratio", 0.5}};
  const auto m = centre_medians("ars", s, {10, 30, 100});
  within_factor(m.at(10), 6.85, 1.2, "gen 10");
  within_factor(m.at(30), 2.42, 1.5, "gen 30");
  EXPECT_LT(m.at(100), 1e-8) << "reference 2.9e-14";
}

// SimpleGA, mu + lambda as in evosax 0.1.x (tests/data/es/gen_evosax_simple_ga.py): population 64, 32
// elites started at 1 * ones, medians over seeds 1..9 of f(best elite). The bands catch a GA that drops its
// elites (mu, lambda), breeds from the best alone (a hill climber), keeps the wrong number of elites or
// decays sigma wrongly: each leaves them by more than the factor at some generation.
struct GaCase {
  const char* name;
  double sigma, decay, limit, crossover;
  const char* function;
  double reference[4], factor[4];  // f(best elite) after generations 10, 30, 100, 300, and the band
};

const GaCase kGaCases[] = {
    {"DecayingSigma", 0.3, 0.97, 0.001, 0.0, "sphere", {1.19, 0.0727, 6.63e-4, 1.45e-6}, {1.5, 2.0, 2.0, 2.0}},
    {"ConstantSigma", 0.1, 1.0, 0.0, 0.0, "sphere", {4.05, 0.197, 0.0151, 0.00979}, {1.3, 1.5, 1.5, 1.5}},
    {"Crossover", 0.3, 0.97, 0.001, 0.5, "sphere", {0.507, 0.0487, 7.46e-4, 1.29e-6}, {1.5, 2.0, 2.0, 2.0}},
    {"Rastrigin", 0.3, 0.97, 0.001, 0.0, "rastrigin", {34.4, 18.6, 8.14, 7.96}, {1.2, 1.3, 1.5, 1.5}},
};

class SimpleGaPeer : public ::testing::TestWithParam<GaCase> {};

TEST_P(SimpleGaPeer, MatchesEvosax) {
  const GaCase& c = GetParam();
  Settings s = settings_for(10, 1, 1.0, c.sigma, 64);
  s.options = {{"elite_ratio", 0.5}, {"sigma_decay", c.decay}, {"sigma_limit", c.limit}, {"crossover_rate", c.crossover}};
  const std::vector<int> at = {10, 30, 100, 300};
  const auto m = centre_medians("simple_ga", s, at, c.function, 9);
  for (size_t k = 0; k < at.size(); ++k)
    within_factor(m.at(at[k]), c.reference[k], c.factor[k], "gen " + std::to_string(at[k]));
}

INSTANTIATE_TEST_SUITE_P(EvosaxPeer, SimpleGaPeer, ::testing::ValuesIn(kGaCases),
                         [](const ::testing::TestParamInfo<GaCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace lamarck::es
