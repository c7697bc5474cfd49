// The bar: CartPole-v1 with the CleanRL ppo.py defaults (5e5 steps) reaches a mean final return
// of at least 475 over 8 seeds (CleanRL publishes 490.04 +- 6.12).
#include <gtest/gtest.h>

#include "lamarck/rl/trainer.h"

namespace lamarck::rl {
namespace {

TEST(CartPole, CleanRlDefaultsReach475Over8Seeds) {
  TrainConfig c;  // the defaults are CleanRL's: 4 envs x 128 steps, 4 x 4 minibatches, lr 2.5e-4 annealed
  Trainer t(c, 8);
  t.run();
  const auto finals = t.final_returns();
  double mean = 0;
  for (double f : finals) mean += f / 8;
  for (size_t p = 0; p < finals.size(); ++p) std::printf("seed %zu: final return %.1f\n", p, finals[p]);
  EXPECT_GE(mean, 475.0);
}

}  // namespace
}  // namespace lamarck::rl
