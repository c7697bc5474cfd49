// The sampler overhead of PLR/ACCEL: a full buffer (4000 maze levels, JaxUED's sampler settings) serving
// the curriculum's work of one update for one seed of 32 envs (the replay decision, 32 draws, 32 score
// refreshes, 32 offers of new or mutated levels with their oracle stats, the telemetry's weights and
// quantiles), timed against one student update (rollout 256 x 32 + 5 epochs of PPO, LSTM 256) on the
// same machine in the same run. Medians of several repetitions.
//   ued_bench [--threads N] [--updates N] [--reps N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "lamarck/envs/maze/levels.h"
#include "lamarck/envs/maze/maze.h"
#include "lamarck/envs/registry.h"
#include "lamarck/meta/curriculum.h"
#include "lamarck/meta/level_sampler.h"
#include "lamarck/meta/ued.h"
#include "lamarck/meta/ued_scores.h"

using namespace lamarck;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, updates = 3, reps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--updates")) updates = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--reps")) reps = std::atoi(argv[i + 1]);
  }
  const int64_t E = 32, T = 256;
  // ---- the curriculum's work on a full buffer --------------------------------------------------------
  meta::LevelSamplerConfig sc;  // JaxUED maze_plr.py: 4000, rank, T 0.3, staleness 0.3, duplicates rejected
  meta::LevelSampler sampler(sc);
  Philox gen(derive_key(1, 0, 0, 0));
  while (sampler.size() < sc.capacity) {
    const envs::maze::Layout l = envs::maze::generate_level(13, 13, 25, gen);
    meta::LevelExtra extra;
    extra.optimal_return = envs::maze::level_stats(l).optimal_return;
    sampler.insert(envs::maze::level_json(l), gen.uniform(), extra);
  }
  // a rollout of plausible shape for the scores: episodes of ~60 steps
  std::vector<uint8_t> dones(size_t(T * E));
  std::vector<float> rewards(size_t(T * E)), values(size_t(T * E)), adv(size_t(T * E));
  for (size_t i = 0; i < dones.size(); ++i) {
    dones[i] = gen.below(60) == 0;
    rewards[i] = dones[i] ? gen.uniform() : 0.0f;
    values[i] = gen.uniform();
    adv[i] = gen.uniform(-1, 1);
  }
  meta::RolloutView view{T, E, dones.data(), rewards.data(), values.data(), adv.data()};
  std::vector<double> curriculum_s;
  for (int r = 0; r < reps * 10; ++r) {
    const double t0 = now();
    Philox rng(derive_key(2, 0, uint64_t(r), 0));
    volatile bool replay = sampler.sample_replay_decision(rng);
    (void)replay;
    // replay: draws, parse for the oracle, scores, refresh
    const std::vector<int64_t> slots = sampler.sample_replay_levels(rng, E);
    std::vector<envs::maze::Layout> parents;
    for (int64_t e = 0; e < E; ++e) {
      const envs::maze::Layout l = envs::maze::level_from_json(sampler.level(slots[size_t(e)]));
      const envs::maze::LevelStats st = envs::maze::level_stats(l);
      const meta::RowScore s = meta::score_row(meta::UedScore::max_mc, view, e, sampler.extra(slots[size_t(e)]).max_return, st.optimal_return);
      meta::LevelExtra extra = sampler.extra(slots[size_t(e)]);
      extra.max_return = s.max_return;
      sampler.update(slots[size_t(e)], s.score, extra);
      parents.push_back(l);
    }
    // mutation: children, their stats and text, offers
    for (int64_t e = 0; e < E; ++e) {
      envs::maze::Layout child = parents[size_t(e)];
      envs::maze::mutate_level(child, 5, rng);
      const envs::maze::LevelStats st = envs::maze::level_stats(child);
      const meta::RowScore s = meta::score_row(meta::UedScore::max_mc, view, e, -HUGE_VALF, st.optimal_return);
      meta::LevelExtra extra;
      extra.max_return = s.max_return;
      extra.optimal_return = st.optimal_return;
      sampler.insert(envs::maze::level_json(child), s.score, extra);
    }
    // telemetry: the replay weights and the score quantiles
    const std::vector<double> w = sampler.replay_weights();
    std::vector<float> scores;
    for (int64_t i = 0; i < sampler.size(); ++i) scores.push_back(sampler.score(i));
    std::sort(scores.begin(), scores.end());
    curriculum_s.push_back(now() - t0 + 0.0 * w[0]);
  }
  // ---- one student update at JaxUED's settings ----------------------------------------------------------
  rl::RecurrentTrainConfig tc;
  tc.num_updates = 30000;
  const Exec exec{Device::cpu, threads};
  auto env = envs::make_env("Maze", E, exec);
  rl::RecurrentTrainer trainer(tc, 1, exec, std::move(env));
  trainer.update();  // warm-up
  std::vector<double> update_s;
  for (int r = 0; r < updates; ++r) {
    const double t0 = now();
    trainer.update();
    update_s.push_back(now() - t0);
  }
  const double c = median(curriculum_s), u = median(update_s);
  std::printf("curriculum work per update (replay + mutation of 32 levels, buffer of %lld): %.3f ms (median of %d)\n",
              (long long)sampler.size(), c * 1e3, int(curriculum_s.size()));
  std::printf("student update (32 envs x 256 steps, 5 epochs, LSTM 256, %d threads): %.3f s (median of %d)\n", threads, u,
              updates);
  std::printf("overhead: %.3f%% of an update   goal <= 2%%\n", 100.0 * c / u);
  return 0;
}
