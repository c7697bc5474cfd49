// Classic control against Gymnasium: one-step dynamics on 2000 golden (state, action) pairs per env,
// produced by tests/data/envs/gen_classic.py from the Gymnasium 1.4.0 source; and truncation at the
// registered limits under the real dynamics.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lamarck/envs/classic/acrobot.h"
#include "lamarck/envs/classic/cartpole.h"
#include "lamarck/envs/classic/mountain_car.h"
#include "lamarck/envs/classic/pendulum.h"
#include "lamarck/core/math.h"
#include "lamarck/envs/registry.h"

namespace lamarck::envs {
namespace {

struct Golden {
  int max_episode_steps = 0;
  std::vector<std::vector<double>> rows;
};

Golden load_golden(const std::string& name) {
  const std::string path = std::string(LAMARCK_TEST_DATA_DIR) + "/envs/" + name + ".txt";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing golden data " << path;
  Golden g;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) {
      g.max_episode_steps = std::stoi(line.substr(line.rfind(' ') + 1));
      continue;
    }
    std::istringstream s(line);
    std::vector<double> row;
    double x;
    while (s >> x) row.push_back(x);
    g.rows.push_back(row);
  }
  return g;
}

// Steps Env's own step() from each golden state and compares everything Gymnasium returned.
template <class Env>
void check_against_gymnasium(const std::string& name, bool some_terminal = true) {
  using State = typename Env::State;
  constexpr int kS = int(sizeof(State) / sizeof(float));
  constexpr int kA = Env::kActionSize, kO = Env::kObsSize;
  const Golden g = load_golden(name);
  ASSERT_GE(g.rows.size(), 1000u);
  const typename Env::Params p;
  EXPECT_EQ(Env::spec(p).max_episode_steps, g.max_episode_steps) << "truncation limit of " << name;
  int terminal = 0;
  for (size_t r = 0; r < g.rows.size(); ++r) {
    const auto& row = g.rows[r];
    ASSERT_EQ(int(row.size()), kA + 2 * kS + kO + 2);
    typename Env::Action action[kA];
    for (int k = 0; k < kA; ++k) action[k] = typename Env::Action(row[size_t(k)]);
    float raw[kS], before[kS];
    for (int k = 0; k < kS; ++k) before[k] = raw[k] = float(row[size_t(kA + k)]);
    State s;
    std::memcpy(&s, raw, sizeof(State));
    Philox unused(Key{{0, 0}});
    const Transition t = Env::step(p, s, action, unused);
    std::memcpy(raw, &s, sizeof(State));
    float obs[kO];
    Env::observe(p, s, obs);
    const size_t next = size_t(kA + kS), ob = next + kS, rew = ob + kO;
    // the state's change in this step, to 0.1% of Gymnasium's change (plus float32 rounding of the state
    // itself): an absolute tolerance would let a few-percent error in a small per-step change pass (e.g.
    // MountainCar's velocity changes by ~1e-3 per step)
    for (int k = 0; k < kS; ++k) {
      const double gym_next = row[next + size_t(k)], gym_change = gym_next - double(before[k]);
      const double change = double(raw[k]) - double(before[k]);
      ASSERT_NEAR(change, gym_change, 1e-3 * std::fabs(gym_change) + 4e-6 * std::max(1.0, std::fabs(gym_next)))
          << name << " row " << r << " state " << k;
    }
    for (int k = 0; k < kO; ++k)
      ASSERT_NEAR(obs[k], row[ob + size_t(k)], 4e-6 * std::max(1.0, std::fabs(row[ob + size_t(k)])))
          << name << " row " << r << " obs " << k;
    ASSERT_NEAR(t.reward, row[rew], 4e-6 * std::max(1.0, std::fabs(row[rew]))) << name << " row " << r;
    ASSERT_EQ(t.terminated, row[rew + 1] != 0.0) << name << " row " << r;
    terminal += t.terminated;
  }
  EXPECT_EQ(terminal > 0, some_terminal) << "the golden rows should cover terminal steps";
}

TEST(Gymnasium, CartPoleOneStep) { check_against_gymnasium<CartPole>("CartPole-v1"); }
TEST(Gymnasium, AcrobotOneStep) { check_against_gymnasium<Acrobot>("Acrobot-v1"); }
TEST(Gymnasium, MountainCarOneStep) { check_against_gymnasium<MountainCar>("MountainCar-v0"); }
TEST(Gymnasium, MountainCarContinuousOneStep) {
  check_against_gymnasium<MountainCarContinuous>("MountainCarContinuous-v0");
}
TEST(Gymnasium, PendulumOneStep) { check_against_gymnasium<Pendulum>("Pendulum-v1", false); }

// Under an action that never ends an episode, every instance truncates exactly at the limit.
void check_truncation(const std::string& name, int32_t action_int, float action_float, int limit) {
  auto env = make_env(name, 16, Exec{Device::cpu, 1});
  ASSERT_EQ(env->spec().max_episode_steps, limit);
  env->reset(4);
  const std::vector<int32_t> ai(16, action_int);
  const std::vector<float> af(16, action_float);
  for (int t = 1; t <= 2 * limit; ++t) {
    if (env->spec().action.kind == Space::Kind::discrete)
      env->step(ai.data());
    else
      env->step(af.data());
    for (int i = 0; i < 16; ++i) {
      ASSERT_EQ(env->terminated()[i], 0) << name << " step " << t;
      ASSERT_EQ(env->truncated()[i], t % limit == 0 ? 1 : 0) << name << " step " << t;
    }
  }
}

TEST(Truncation, AtTheGymnasiumLimits) {
  check_truncation("Acrobot-v1", 1, 0, 500);                // no torque: the arm hangs
  check_truncation("MountainCar-v0", 1, 0, 200);            // no push: never reaches the goal
  check_truncation("MountainCarContinuous-v0", 0, 0.0f, 999);
  check_truncation("Pendulum-v1", 0, 0.0f, 200);            // never terminates
}

}  // namespace
}  // namespace lamarck::envs
