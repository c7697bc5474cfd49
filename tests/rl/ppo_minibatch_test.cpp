// One PPO minibatch step against JAX + optax (golden data from tests/data/rl/gen_ppo_minibatch.py):
// lamarck's minibatch_gradients (networks, categorical head, PPO-clip rule, clipped value loss, entropy)
// gives the same loss terms and gradient, and nn::adam_step with global-norm clipping the same parameters
// after one step, for tanh and ReLU networks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "lamarck/core/nn/adam.h"
#include "lamarck/rl/minibatch.h"

namespace lamarck::rl {
namespace {

using Arrays = std::map<std::string, std::vector<double>>;

std::map<std::string, Arrays> load_cases() {
  std::ifstream in(std::string(LAMARCK_TEST_DATA_DIR) + "/rl/ppo_minibatch.txt");
  EXPECT_TRUE(in.good()) << "missing tests/data/rl/ppo_minibatch.txt";
  std::map<std::string, Arrays> cases;
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::string key;
    s >> key;
    if (key == "case") {
      s >> current;
      continue;
    }
    size_t count = 0;
    s >> count;
    std::vector<double> v(count);
    for (double& x : v) s >> x;
    EXPECT_TRUE(bool(s)) << key;
    cases[current][key] = v;
  }
  return cases;
}

std::vector<float> as_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

// The reference case's minibatch (one agent, M samples, PPO-clip epsilon 0.2), its arrays owned here.
struct ReferenceMinibatch {
  std::vector<float> obs, logp_old, value_old, adv, ret;
  std::vector<int32_t> actions;
  std::vector<int64_t> update{0}, total{10};
  std::vector<float> rule_params{0.2f};
  explicit ReferenceMinibatch(const Arrays& c)
      : obs(as_float(c.at("obs"))),
        logp_old(as_float(c.at("logp_old"))),
        value_old(as_float(c.at("value_old"))),
        adv(as_float(c.at("advantages"))),
        ret(as_float(c.at("returns"))),
        actions(c.at("actions").begin(), c.at("actions").end()) {}
  Minibatch view(int64_t M) const {
    Minibatch mb;
    mb.P = 1;
    mb.M = M;
    mb.obs = obs.data();
    mb.actions = actions.data();
    mb.old_log_prob = logp_old.data();
    mb.old_value = value_old.data();
    mb.advantage = adv.data();
    mb.returns = ret.data();
    mb.update = update.data();
    mb.total_updates = total.data();
    mb.rule_params = rule_params.data();
    return mb;
  }
};

class PpoMinibatch : public ::testing::TestWithParam<std::string> {};

TEST_P(PpoMinibatch, MatchesJaxAndOptax) {
  const auto cases = load_cases();
  ASSERT_TRUE(cases.count(GetParam())) << GetParam();
  const Arrays& c = cases.at(GetParam());
  const int64_t M = 32;
  const AgentLayout layout = make_agent_layout(5, false, 3, {8, 8}, nn::parse_activation(GetParam()));
  ASSERT_EQ(layout.num_params, int64_t(c.at("params").size()));

  std::vector<float> params = as_float(c.at("params"));
  const ReferenceMinibatch ref(c);
  const Minibatch mb = ref.view(M);
  const PpoClipRule rule(0.2f);
  const LossSettings settings{0.01, 0.5, 0.2, true, true};
  MinibatchWorkspace ws;
  std::vector<float> grads(size_t(layout.num_params), 123.0f);  // overwritten
  LossTerms terms;
  minibatch_gradients(Exec{Device::cpu, 1}, layout, rule, settings, params.data(), mb, ws, grads.data(), &terms);

  const std::vector<double>& t = c.at("terms");
  EXPECT_NEAR(terms.policy, t[0], 1e-5);
  EXPECT_NEAR(terms.value, t[1], 1e-5);
  EXPECT_NEAR(terms.entropy, t[2], 1e-5);
  EXPECT_NEAR(terms.total, t[3], 1e-5);
  const std::vector<double>& g = c.at("grads");
  double worst = 0, scale = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    worst = std::max(worst, std::fabs(double(grads[i]) - g[i]));
    scale = std::max(scale, std::fabs(g[i]));
  }
  EXPECT_LT(worst, 1e-5 * std::max(1.0, scale)) << "largest gradient " << scale;

  // one Adam step (lr 1e-2, b1 0.9, b2 0.99, eps 1e-5) after clipping the global norm to 0.5
  nn::AdamState adam;
  adam.reset(1, layout.num_params, Device::cpu);
  const double lr = 0.01;
  nn::adam_step(Exec{Device::cpu, 1}, nn::AdamConfig{0.9, 0.99, 1e-5, 0.5}, 1, layout.num_params, params.data(),
                grads.data(), adam, &lr, nullptr, nullptr);
  const std::vector<double>& after = c.at("params_after_adam");
  double worst_p = 0;
  for (size_t i = 0; i < after.size(); ++i) worst_p = std::max(worst_p, std::fabs(double(params[i]) - after[i]));
  // the first Adam step moves each parameter by about lr * sign(g): 1e-5 is 0.1% of it
  EXPECT_LT(worst_p, 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Activations, PpoMinibatch, ::testing::Values("tanh", "relu"));

}  // namespace
}  // namespace lamarck::rl

namespace lamarck::rl {
namespace {

// A trajectory rule's extra head (trajectory_rule.h): its gradients against central differences of the
// minibatch's total loss, for both losses; the actor's and critic's gradients are those without the head.
TEST(ExtraHead, GradientsMatchFiniteDifferencesAndLeaveTheRestAlone) {
  const auto cases = load_cases();
  const Arrays& c = cases.at("tanh");
  const int64_t M = 32, m = 3;
  const AgentLayout plain = make_agent_layout(5, false, 3, {8, 8}, nn::Activation::tanh);
  const AgentLayout layout = make_agent_layout(5, false, 3, {8, 8}, nn::Activation::tanh, m);
  ASSERT_EQ(layout.extra.offset, plain.num_params);
  const std::vector<float> params = as_float(c.at("params"));
  const ReferenceMinibatch ref(c);
  std::vector<float> row(size_t(layout.num_params));
  init_agent(layout, key_from_seed(3), row.data());
  std::copy(params.begin(), params.end(), row.begin());  // the reference's actor and critic, a fresh extra head
  for (int64_t k = layout.extra.offset; k < layout.num_params; ++k) row[size_t(k)] *= 10.0f;  // not near 0
  Philox rng(key_from_seed(4));
  std::vector<float> targets(size_t(M * m));
  for (int64_t i = 0; i < M; ++i) {  // a distribution per sample (also fine as regression targets)
    float sum = 0.0f;
    for (int64_t k = 0; k < m; ++k) sum += (targets[size_t(i * m + k)] = rng.uniform() + 0.1f);
    for (int64_t k = 0; k < m; ++k) targets[size_t(i * m + k)] /= sum;
  }
  const PpoClipRule rule(0.2f);
  const LossSettings settings{0.01, 0.5, 0.2, true, true};
  for (const bool categorical : {true, false}) {
    Minibatch mb = ref.view(M);
    mb.extra_targets = targets.data();
    mb.extra_categorical = categorical;
    mb.extra_coef = 0.7;
    MinibatchWorkspace ws;
    std::vector<float> grads(size_t(layout.num_params));
    LossTerms terms;
    minibatch_gradients(Exec{Device::cpu, 1}, layout, rule, settings, row.data(), mb, ws, grads.data(), &terms);
    EXPECT_GT(terms.extra, 0.0);
    // the rest of the row: as without the head
    MinibatchWorkspace ws_plain;
    std::vector<float> grads_plain(size_t(plain.num_params));
    LossTerms terms_plain;
    minibatch_gradients(Exec{Device::cpu, 1}, plain, rule, settings, row.data(), mb, ws_plain, grads_plain.data(),
                        &terms_plain);
    for (int64_t k = 0; k < plain.num_params; ++k) ASSERT_EQ(grads[size_t(k)], grads_plain[size_t(k)]) << k;
    EXPECT_NEAR(terms.total, terms_plain.total + 0.7 * terms.extra, 1e-9);
    // the head's own gradients against central differences of the total (in double around float rounding)
    auto total_at = [&](int64_t k, float delta) {
      std::vector<float> moved = row;
      moved[size_t(k)] += delta;
      MinibatchWorkspace w;
      std::vector<float> g(size_t(layout.num_params));
      LossTerms t;
      minibatch_gradients(Exec{Device::cpu, 1}, layout, rule, settings, moved.data(), mb, w, g.data(), &t);
      return t.total;
    };
    int checked = 0;
    for (int64_t k = layout.extra.offset; k < layout.num_params; k += 5) {
      const float h = 2e-3f;
      const double fd = (total_at(k, h) - total_at(k, -h)) / (2.0 * h);
      EXPECT_NEAR(grads[size_t(k)], fd, 1e-3 * std::max(1.0, std::fabs(fd))) << (categorical ? "categorical " : "squared ") << k;
      ++checked;
    }
    EXPECT_GT(checked, 20);
  }
}

}  // namespace
}  // namespace lamarck::rl
