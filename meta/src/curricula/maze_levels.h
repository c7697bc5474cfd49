// What the maze curricula share: levels as the env's JSON, and their telemetry (curriculum.h).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "lamarck/core/error.h"
#include "lamarck/envs/maze/levels.h"
#include "lamarck/meta/curriculum.h"

namespace lamarck::meta::curricula {

// A level as the curricula hold it: its text (what the env and the buffer take) and its oracle stats.
struct MazeLevel {
  envs::maze::Layout layout;
  std::string text;
  envs::maze::LevelStats stats;
};

inline MazeLevel maze_level(const envs::maze::Layout& layout) {
  MazeLevel m;
  m.layout = layout;
  m.text = envs::maze::level_json(layout);
  m.stats = envs::maze::level_stats(layout);
  return m;
}

inline MazeLevel maze_level(const std::string& text) { return maze_level(envs::maze::level_from_json(text)); }

// The update counts of telemetry (what a checkpoint keeps of it).
inline std::vector<int64_t> telemetry_counts(const std::vector<CurriculumTelemetry>& t) {
  std::vector<int64_t> out;
  for (const CurriculumTelemetry& x : t) out.insert(out.end(), {x.dr_updates, x.replay_updates, x.mutation_updates});
  return out;
}
inline void restore_telemetry_counts(const std::vector<int64_t>& counts, std::vector<CurriculumTelemetry>& t) {
  if (counts.size() != 3 * t.size()) throw InvalidArgument("curriculum checkpoint: the number of seeds differs");
  for (size_t p = 0; p < t.size(); ++p) {
    t[p].dr_updates = counts[3 * p];
    t[p].replay_updates = counts[3 * p + 1];
    t[p].mutation_updates = counts[3 * p + 2];
  }
}

// The means CurriculumTelemetry reports over the levels played.
inline void describe_levels(const std::vector<const MazeLevel*>& levels, CurriculumTelemetry& t) {
  t.levels = int64_t(levels.size());
  double walls = 0, path = 0, solvable = 0, optimal = 0;
  int64_t paths = 0;
  for (const MazeLevel* l : levels) {
    walls += l->stats.walls;
    optimal += l->stats.optimal_return;
    if (l->stats.solvable) {
      solvable += 1;
      path += l->stats.shortest_path;
      ++paths;
    }
  }
  const double n = double(levels.size()), nan = std::numeric_limits<double>::quiet_NaN();
  t.walls = n > 0 ? walls / n : nan;
  t.solvable = n > 0 ? solvable / n : nan;
  t.optimal_return = n > 0 ? optimal / n : nan;
  t.shortest_path = paths > 0 ? path / double(paths) : nan;
}

}  // namespace lamarck::meta::curricula
