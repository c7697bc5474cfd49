// GAE: a hand-computed example, and the vectorised version against the reference on random rollouts.
#include <gtest/gtest.h>

#include <vector>

#include "lamarck/core/rng.h"
#include "lamarck/rl/gae.h"

namespace lamarck::rl {
namespace {

TEST(Gae, HandComputed) {
  // T = 3, one env; the episode ends at t = 1
  std::vector<float> r{1, 1, 1}, v{0.5f, 0.4f, 0.3f}, last{2.0f}, adv(3), ret(3);
  std::vector<uint8_t> d{0, 1, 0};
  GaeArgs a;
  a.P = 1;
  a.T = 3;
  a.E = 1;
  a.gamma = 0.9f;
  a.lambda = 0.8f;
  a.rewards = r.data();
  a.values = v.data();
  a.dones = d.data();
  a.last_values = last.data();
  a.advantages = adv.data();
  a.returns = ret.data();
  for (int fast = 0; fast < 2; ++fast) {
    if (fast) gae(Exec{}, a);
    else gae_reference(a);
    // t=2: 1 + 0.9*2 - 0.3 = 2.5 ; t=1: 1 - 0.4 = 0.6 (done) ; t=0: 1 + 0.9*0.4 - 0.5 + 0.72*0.6 = 1.292
    EXPECT_NEAR(adv[2], 2.5f, 1e-6);
    EXPECT_NEAR(adv[1], 0.6f, 1e-6);
    EXPECT_NEAR(adv[0], 1.292f, 1e-6);
    EXPECT_NEAR(ret[0], 1.792f, 1e-6);
    EXPECT_NEAR(ret[1], 1.0f, 1e-6);
    EXPECT_NEAR(ret[2], 2.8f, 1e-6);
  }
}

TEST(Gae, FastMatchesReference) {
  const int64_t P = 5, T = 64, E = 7, S = P * T * E;
  Philox rng(key_from_seed(3));
  std::vector<float> r(S), v(S), last(P * E), a1(S), a2(S), r1(S), r2(S);
  std::vector<uint8_t> d(S);
  for (int64_t i = 0; i < S; ++i) {
    r[size_t(i)] = rng.normal();
    v[size_t(i)] = rng.normal();
    d[size_t(i)] = rng.uniform() < 0.05f;
  }
  for (auto& x : last) x = rng.normal();
  GaeArgs a;
  a.P = P;
  a.T = T;
  a.E = E;
  a.rewards = r.data();
  a.values = v.data();
  a.dones = d.data();
  a.last_values = last.data();
  a.advantages = a1.data();
  a.returns = r1.data();
  gae_reference(a);
  a.advantages = a2.data();
  a.returns = r2.data();
  gae(Exec{Device::cpu, 2}, a);
  for (int64_t i = 0; i < S; ++i) {
    ASSERT_NEAR(a2[size_t(i)], a1[size_t(i)], 1e-4) << i;
    ASSERT_NEAR(r2[size_t(i)], r1[size_t(i)], 1e-4) << i;
  }
}

}  // namespace
}  // namespace lamarck::rl
