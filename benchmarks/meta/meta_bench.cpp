// meta_bench: what a learned objective costs.
//  1. rule evaluation on a population minibatch (P = 16 agents x B = 512 samples, one thread):
//     fast batched path vs the plain double reference, and each rule vs PPO-clip;
//  2. inner-loop training throughput (agent env steps per second, learning included) with each rule,
//     vs PPO-clip, on CartPole-v1 (8 agents x 20k steps, one thread);
//  3. the ES outer loop (OpenES ask + tell over LPO's 1152 parameters, population 16) vs one generation.
// Usage: meta_bench [repeats]   (prints medians of `repeats` runs, default 3; thread CPU time)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "lamarck/core/rng.h"
#include "lamarck/es/registry.h"
#include "lamarck/learned_objectives/objective_file.h"
#include "lamarck/learned_objectives/rl_rules.h"
#include "lamarck/learned_objectives/rule_batch.h"
#include "lamarck/meta/inner_loop.h"

using namespace lamarck;

// CPU seconds of the calling thread (everything here runs on one thread): robust on a shared machine,
// where wall time mostly measures the other tenants.
double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

template <class F>
double median_seconds(int repeats, F f) {
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const double s = thread_cpu_seconds();
    f();
    t.push_back(thread_cpu_seconds() - s);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 3;
  const Exec one{Device::cpu, 1};
  // ---- 1. rule evaluation
  const int64_t P = 16, B = 512, n = P * B;
  Philox rng(key_from_seed(1));
  std::vector<float> ratio, adv, progress, log_h, theta, loss(static_cast<size_t>(n)), d(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    ratio.push_back(std::exp(0.2f * rng.normal()));
    adv.push_back(rng.normal());
  }
  for (int64_t p = 0; p < P; ++p) {
    progress.push_back(0.5f);
    log_h.push_back(4.0f);
  }
  for (int64_t i = 0; i < P * objectives::rule_num_params(objectives::RuleKind::ta_lpo); ++i)
    theta.push_back(0.05f * rng.normal());
  const objectives::SampleBatch batch{P, B, ratio.data(), adv.data(), progress.data(), log_h.data()};
  std::printf("1. rule evaluation, P=%lld x B=%lld samples, 1 thread (median of %d)\n", (long long)P, (long long)B,
              repeats);
  double ppo_s = 0;
  for (const std::string& name : objectives::rule_names()) {
    const auto kind = objectives::parse_rule(name);
    const int64_t stride = objectives::rule_num_params(kind);
    const float* th = stride ? theta.data() : nullptr;
    const double fast = median_seconds(repeats * 10, [&] {
      objectives::evaluate(one, kind, {}, th, stride, batch, loss.data(), d.data());
    });
    const double plain = median_seconds(repeats, [&] {
      objectives::evaluate_reference(kind, {}, th, stride, batch, loss.data(), d.data());
    });
    if (name == "ppo_clip") ppo_s = fast;
    std::printf("   %-9s %9.1f ns/sample  reference %9.1f ns/sample  fast/reference %.2fx  vs ppo_clip %.1fx\n",
                name.c_str(), 1e9 * fast / double(n), 1e9 * plain / double(n), plain / fast, fast / ppo_s);
  }
  // ---- 2. training throughput per rule
  objectives::register_rl_rules();
  rl::TrainConfig inner;
  inner.lr = 1e-3;
  const int64_t agents = 8, steps = 20000;
  std::printf("2. inner loop, CartPole-v1, %lld agents x %lld steps, 1 thread (median of %d)\n", (long long)agents,
              (long long)steps, repeats);
  double ppo_sps = 0, generation_s = 0;
  for (const char* name : {"ppo_clip", "dpo", "lpo", "ta_lpo"}) {
    objectives::Rule rule = objectives::rule_from_name_or_file(name);
    const auto update_rule = objectives::make_update_rule(rule);
    std::vector<meta::AgentTask> tasks;
    for (int64_t a = 0; a < agents; ++a) tasks.push_back(meta::AgentTask{"CartPole-v1", steps, 7, 0, 0, ""});
    int64_t env_steps = 0;
    const double s = median_seconds(repeats, [&] {
      env_steps = meta::train_tasks(one, inner, update_rule, tasks, rule.theta_ptr(), update_rule->num_params(), 0)
                      .env_steps;
    });
    const double sps = double(env_steps) / s;
    if (std::string(name) == "ppo_clip") ppo_sps = sps;
    if (std::string(name) == "lpo") generation_s = s;
    std::printf("   %-9s %10.0f agent env steps/s (learning included)  vs ppo_clip %.2fx\n", name, sps, sps / ppo_sps);
  }
  // ---- 3. the ES outer loop against one (small) generation of LPO training
  es::Settings settings;
  settings.dim = objectives::rule_num_params(objectives::RuleKind::lpo);
  settings.pop_size = 16;
  settings.direction = es::Direction::maximize;
  settings.sigma_init = 0.03;
  settings.exec = one;
  auto strategy = es::make_strategy("open_es", settings);
  std::vector<float> fitness(16);
  for (int i = 0; i < 16; ++i) fitness[size_t(i)] = float(i % 5);
  const double es_s = median_seconds(repeats * 10, [&] {
    const std::vector<float> pop = strategy->ask();
    strategy->tell(pop.data(), fitness.data());
  });
  std::printf("3. OpenES ask+tell (D=1152, P=16): %.3f ms; one generation of LPO training here (%lld agents x %lld "
              "steps): %.2f s; ES share %.4f%%\n",
              1e3 * es_s, (long long)agents, (long long)steps, generation_s, 100.0 * es_s / (es_s + generation_s));
  return 0;
}
