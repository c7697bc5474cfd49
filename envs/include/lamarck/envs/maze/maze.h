// The partially observable maze of unsupervised environment design (UED), with JaxUED's semantics.
//   M. Jiang, M. Dennis, J. Parker-Holder, A. Lupu, H. Küttler, E. Grefenstette, T. Rocktäschel,
//   J. Foerster, "Replay-Guided Adversarial Environment Design", NeurIPS 2021 (arXiv 2110.02439);
//   S. Coward, M. Beukman, J. Foerster, "JaxUED: A simple and useable UED library in Jax", arXiv 2403.13091.
//   Reference: DramaCow/jaxued environments/maze (env.py, level.py, util.py) @ 0f8f128; facts in
//   tests/data/envs/README.md (maze section) and ../shared/reference/envs.md §4.
//
// A level (Layout) is a W x H grid of walls (no border of its own: everything outside the grid is a wall and
// is observed as one), the agent's cell and direction, and the goal's cell. Positions are (x, y): x the
// column, y the row, row 0 at the top. Directions: 0 east (+x), 1 south (+y), 2 west, 3 north; turning right
// is dir + 1.
//
// Actions are MiniGrid's 7: 0 turn left, 1 turn right, 2 forward, 3 pickup, 4 drop, 5 toggle, 6 done; 3..6
// only let time pass. Forward into a wall or off the grid does not move. Forward into the goal pays
// 1 - 0.9 (t + 1) / max_episode_steps (t steps taken before this one; 1 without penalize_time), ends the
// episode, and the agent stays where it is (the goal blocks like a wall). Episodes are truncated at
// max_episode_steps (250).
//
// Observation (kObsSize = 76 floats): the egocentric 5 x 5 view as JaxUED encodes it, image[i][j][c] at
// (i * 5 + j) * 3 + c: i is the lateral index (0 = two cells to the agent's left, 4 = two to its right), j
// the distance ahead reversed (j = 4 the agent's own row, j = 0 four cells ahead), c the MiniGrid triple
// (object, colour, state): empty (1, 0, 0), wall (2, 5, 0), goal (8, 1, 0); walls do not occlude. The
// agent's own cell shows the floor, or (10, 0, dir) with see_agent. Values are divided by 10 with
// normalize_obs (JaxUED's training setting). Then obs[75] = the agent's direction (0..3).
//
// Levels are the env's Params (per instance through BatchEnv's level interface): an episode resets to its
// instance's level (JaxUED's AutoReplayWrapper). Curricula write new levels between rollouts; generators
// and the ACCEL mutator below draw from any Rng with below(n), as the envs' Philox.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "lamarck/core/backend.h"
#include "lamarck/core/error.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"

namespace lamarck::envs::maze {

constexpr int kMaxSide = 32;  // widths and heights up to 32 (a row of walls is one uint32)
constexpr int kView = 5;      // the agent's view is kView x kView cells
constexpr int kChannels = 3;
constexpr int kImageSize = kView * kView * kChannels;
constexpr int kNumActions = 7;
enum MazeAction : int32_t { kTurnLeft = 0, kTurnRight = 1, kForward = 2 };

LMK_HD LMK_INLINE int dir_dx(int d) { return d == 0 ? 1 : (d == 2 ? -1 : 0); }
LMK_HD LMK_INLINE int dir_dy(int d) { return d == 1 ? 1 : (d == 3 ? -1 : 0); }

// A level: walls, agent and goal.
struct Layout {
  int32_t width = 13;                  // columns, 1..kMaxSide
  int32_t height = 13;                 // rows, 1..kMaxSide
  std::array<uint32_t, kMaxSide> walls{};  // bit x of walls[y]: a wall at (x, y); bits outside the grid 0
  int32_t agent_x = 0, agent_y = 0;    // cell
  int32_t agent_dir = 0;               // 0 east, 1 south, 2 west, 3 north
  int32_t goal_x = 12, goal_y = 12;    // cell

  LMK_HD LMK_INLINE bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  // Walls, and everything outside the grid.
  LMK_HD LMK_INLINE bool blocked(int x, int y) const { return !inside(x, y) || ((walls[y] >> x) & 1u); }
  LMK_HD LMK_INLINE void set_wall(int x, int y, bool on) {
    walls[y] = on ? (walls[y] | (1u << x)) : (walls[y] & ~(1u << x));
  }
  LMK_HD int wall_count() const {
    int n = 0;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) n += int((walls[y] >> x) & 1u);
    return n;
  }
  template <class V>
  void layout_fields(V& v) {
    v("width", width).range(1, kMaxSide);
    v("height", height).range(1, kMaxSide);
    v("walls", walls);
    v("agent_x", agent_x).range(0, kMaxSide - 1);
    v("agent_y", agent_y).range(0, kMaxSide - 1);
    v("agent_dir", agent_dir).range(0, 3);
    v("goal_x", goal_x).range(0, kMaxSide - 1);
    v("goal_y", goal_y).range(0, kMaxSide - 1);
  }
};

// The reward of reaching the goal on step k (1-based) of an episode of at most max_steps steps. JaxUED
// computes 1 - 0.9 k / max in float32 with one rounding of the multiply-add (XLA fuses it), hence the fma.
LMK_HD LMK_INLINE float goal_reward(int32_t k, int32_t max_steps, bool penalize_time) {
  if (!penalize_time || max_steps <= 0) return 1.0f;
  return fmaf(-0.9f, float(k) / float(max_steps), 1.0f);
}

// ---- generators and mutators (JaxUED util.py) -------------------------------------------------------

// The i-th (0-based) cell of the grid, row-major, that is not a wall and not one of the `skip` cells
// (cells given as y * width + x; -1 = none).
LMK_HD inline int nth_free_cell(const Layout& l, int i, int skip_a = -1, int skip_b = -1) {
  for (int c = 0; c < l.width * l.height; ++c) {
    const int x = c % l.width, y = c / l.width;
    if (((l.walls[y] >> x) & 1u) || c == skip_a || c == skip_b) continue;
    if (i-- == 0) return c;
  }
  return -1;
}

// make_level_generator(height, width, n_walls): n_walls cells drawn uniformly with replacement become walls
// (so there may be fewer distinct walls), then the agent on a uniform free cell, a uniform direction, and the
// goal on a uniform free cell other than the agent's. Needs n_walls <= width * height - 2 (validate_generator).
template <class Rng>
LMK_HD Layout generate_level(int width, int height, int n_walls, Rng& rng) {
  Layout l;
  l.width = width;
  l.height = height;
  for (int y = 0; y < kMaxSide; ++y) l.walls[y] = 0;
  const int cells = width * height;
  for (int k = 0; k < n_walls; ++k) {
    const int c = int(rng.below(uint32_t(cells)));
    l.set_wall(c % width, c / width, true);
  }
  const int free_cells = cells - l.wall_count();
  const int agent = nth_free_cell(l, int(rng.below(uint32_t(free_cells))));
  l.agent_x = agent % width;
  l.agent_y = agent / width;
  l.agent_dir = int32_t(rng.below(4));
  const int goal = nth_free_cell(l, int(rng.below(uint32_t(free_cells - 1))), agent);
  l.goal_x = goal % width;
  l.goal_y = goal / width;
  return l;
}

// make_level_mutator_minimax: n_edits edits, each with probability 1/3 nothing, a wall flipped (a uniform
// cell other than the agent's and the goal's toggles), or the goal moved (to a uniform free cell other than
// the agent's and the goal's). The agent never moves.
template <class Rng>
LMK_HD void mutate_level(Layout& l, int n_edits, Rng& rng) {
  const int cells = l.width * l.height;
  for (int e = 0; e < n_edits; ++e) {
    const int agent = l.agent_y * l.width + l.agent_x, goal = l.goal_y * l.width + l.goal_x;
    const uint32_t op = rng.below(3);
    if (op == 1 && cells > 2) {
      int c = int(rng.below(uint32_t(cells - 2)));  // the c-th cell that is neither the agent's nor the goal's
      const int lo = agent < goal ? agent : goal, hi = agent < goal ? goal : agent;
      if (c >= lo) ++c;
      if (c >= hi) ++c;
      const int x = c % l.width, y = c / l.width;
      l.set_wall(x, y, !((l.walls[y] >> x) & 1u));
    } else if (op == 2) {
      const int choices = cells - l.wall_count() - 2;
      if (choices <= 0) continue;
      const int c = nth_free_cell(l, int(rng.below(uint32_t(choices))), agent, goal);
      l.goal_x = c % l.width;
      l.goal_y = c / l.width;
    }
  }
}

// ---- the env --------------------------------------------------------------------------------------------

struct Maze {
  using Action = int32_t;
  static constexpr int kObsSize = kImageSize + 1;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = false;
  static constexpr int kStateFloats = 0;
  static constexpr bool kSimdAcrossInstances = false;  // wall lookups per instance: scalar is faster

  struct Params : Layout {
    int32_t max_episode_steps = 250;  // JaxUED's max_steps_in_episode
    bool penalize_time = true;        // reward 1 - 0.9 (t + 1) / max_episode_steps (else 1)
    bool normalize_obs = true;        // the image divided by 10 (JaxUED's training setting)
    bool see_agent = false;           // the agent's cell shows (10, 0, dir) instead of the floor
    template <class V>
    void fields(V& v) {
      layout_fields(v);
      v("max_episode_steps", max_episode_steps).at_least(1);
      v("penalize_time", penalize_time);
      v("normalize_obs", normalize_obs);
      v("see_agent", see_agent);
    }
    // Cross-field rules of a level (the agent and goal inside the grid, on free cells, apart; no wall bits
    // outside the grid): throws InvalidArgument naming the row and column. Every level written to an env
    // goes through it (levels.h).
    void validate() const;
  };

  struct State {
    int8_t x, y, dir;  // the agent
    int32_t time;      // steps taken in this episode
  };

  static Spec spec(const Params& p);

  template <class Rng>
  LMK_HD static void reset(const Params& p, State& s, Rng&) {
    s.x = int8_t(p.agent_x);
    s.y = int8_t(p.agent_y);
    s.dir = int8_t(p.agent_dir);
    s.time = 0;
  }

  template <class Rng>
  LMK_HD LMK_INLINE static Transition step(const Params& p, State& s, const Action* action, Rng&) {
    const int32_t a = action[0];
    const int fx = s.x + (a == kForward ? dir_dx(s.dir) : 0);
    const int fy = s.y + (a == kForward ? dir_dy(s.dir) : 0);
    const bool at_goal = a == kForward && fx == p.goal_x && fy == p.goal_y;
    if (a == kForward && !at_goal && !p.blocked(fx, fy)) {
      s.x = int8_t(fx);
      s.y = int8_t(fy);
    }
    s.dir = int8_t((s.dir + (a == kTurnRight) - (a == kTurnLeft) + 4) & 3);
    s.time += 1;
    return Transition{at_goal ? goal_reward(s.time, p.max_episode_steps, p.penalize_time) : 0.0f, at_goal};
  }

  // The observation from the walls' row bitmasks: the 5 x 5 view is 5 extractions of 5 bits (rows or
  // columns of the level depending on the direction), then one table lookup per cell. Equal, value for
  // value, to observe_cellwise (tests/envs/maze_test.cpp), which reads the rule cell by cell.
  template <class Obs>
  LMK_HD LMK_INLINE static void observe(const Params& p, const State& s, Obs obs) {
    const int sx = s.x, sy = s.y, d = s.dir;
    // bit (i * 5 + j) of `walls`: view cell (i, j) is blocked
    uint32_t walls = 0;
    for (int k = 0; k < kView; ++k) {
      uint32_t b;
      switch (d) {
        case 0:  // east: view row i is level row sy + i - 2, columns sx .. sx + 4 = ahead 0 .. 4 (j = 4 - ahead)
          b = reverse5(wall_bits5(p, sx, sy + k - 2));
          break;
        case 2:  // west: view row i is level row sy + 2 - i, columns sx - 4 .. sx = j 0 .. 4
          b = wall_bits5(p, sx - 4, sy + 2 - k);
          break;
        case 1:  // south: view column j is level row sy + 4 - j, columns sx - 2 .. sx + 2 = i 4 .. 0
          b = reverse5(wall_bits5(p, sx - 2, sy + 4 - k));
          break;
        default:  // north: view column j is level row sy - 4 + j, columns sx - 2 .. sx + 2 = i 0 .. 4
          b = wall_bits5(p, sx - 2, sy - 4 + k);
          break;
      }
      walls |= (d == 0 || d == 2) ? b << (k * kView) : spread5(b) << k;  // rows of i, or columns of j
    }
    // the goal's view cell, if in view
    const int gx = p.goal_x - sx, gy = p.goal_y - sy;
    const int ahead = gx * dir_dx(d) + gy * dir_dy(d), lateral = gx * dir_dx((d + 1) & 3) + gy * dir_dy((d + 1) & 3);
    const int goal_cell = (ahead >= 0 && ahead < kView && lateral >= -kView / 2 && lateral <= kView / 2)
                              ? (lateral + kView / 2) * kView + (kView - 1 - ahead)
                              : -1;
    // MiniGrid's (object, colour) of the floor, a wall and the goal (the state channel is 0), / 10 when
    // normalised; one branch-free pass over the 75 floats (float f is channel f % 3 of view cell f / 3),
    // which the compiler turns into SIMD
    const bool norm = p.normalize_obs;
    const float floor_o = norm ? 0.1f : 1.0f, wall_o = norm ? 0.2f : 2.0f, wall_c = norm ? 0.5f : 5.0f;
    const float goal_o = norm ? 0.8f : 8.0f, goal_c = norm ? 0.1f : 1.0f;
    for (int f = 0; f < kImageSize; ++f) {
      const int c = f / kChannels, ch = f - c * kChannels;
      const bool w = (walls >> c) & 1u, g = c == goal_cell;
      const float wall_v = ch == 0 ? wall_o : (ch == 1 ? wall_c : 0.0f);
      const float goal_v = ch == 0 ? goal_o : (ch == 1 ? goal_c : 0.0f);
      const float floor_v = ch == 0 ? floor_o : 0.0f;
      obs[f] = w ? wall_v : (g ? goal_v : floor_v);
    }
    if (p.see_agent) {  // the agent's own cell, (i, j) = (2, 4)
      const int c = (kView / 2) * kView + kView - 1;
      const float scale = p.normalize_obs ? 10.0f : 1.0f;
      obs[c * kChannels] = 10.0f / scale;
      obs[c * kChannels + 1] = 0.0f;
      obs[c * kChannels + 2] = float(s.dir) / scale;
    }
    obs[kImageSize] = float(s.dir);
  }

  // The observation read cell by cell from the rule (JaxUED's view, see the file comment): the plain
  // version that observe is tested against. Values are JaxUED's: float32(uint8) / 10 when normalised.
  template <class Obs>
  LMK_HD static void observe_cellwise(const Params& p, const State& s, Obs obs) {
    const float scale = p.normalize_obs ? 10.0f : 1.0f;  // JaxUED: float32(uint8 image) / 10
    const int fdx = dir_dx(s.dir), fdy = dir_dy(s.dir);               // ahead
    const int rdx = dir_dx((s.dir + 1) & 3), rdy = dir_dy((s.dir + 1) & 3);  // to the right
    for (int i = 0; i < kView; ++i)
      for (int j = 0; j < kView; ++j) {
        const int ahead = kView - 1 - j, lateral = i - kView / 2;
        const int x = s.x + ahead * fdx + lateral * rdx, y = s.y + ahead * fdy + lateral * rdy;
        float o = 1, c = 0, st = 0;  // empty floor
        if (p.blocked(x, y)) {
          o = 2;
          c = 5;
        } else if (x == p.goal_x && y == p.goal_y) {
          o = 8;
          c = 1;
        }
        if (p.see_agent && ahead == 0 && lateral == 0) {
          o = 10;
          c = 0;
          st = float(s.dir);
        }
        const int k = (i * kView + j) * kChannels;
        obs[k] = o / scale;
        obs[k + 1] = c / scale;
        obs[k + 2] = st / scale;
      }
    obs[kImageSize] = float(s.dir);
  }

 private:
  // Bits x0 .. x0 + 4 of level row y (bit k = column x0 + k), cells outside the grid as walls;
  // x0 in [-4, width).
  LMK_HD LMK_INLINE static uint32_t wall_bits5(const Params& p, int x0, int y) {
    if (y < 0 || y >= p.height) return 31u;
    const uint64_t row = (uint64_t(p.walls[y]) << 4) | 15ull | (~0ull << (p.width + 4));
    return uint32_t(row >> (x0 + 4)) & 31u;
  }
  LMK_HD LMK_INLINE static uint32_t reverse5(uint32_t b) {
    return ((b & 1u) << 4) | ((b & 2u) << 2) | (b & 4u) | ((b & 8u) >> 2) | ((b & 16u) >> 4);
  }
  // 5 bits b0..b4 to bits 0, 5, 10, 15, 20 (one view column)
  LMK_HD LMK_INLINE static uint32_t spread5(uint32_t b) {
    return (b & 1u) | ((b & 2u) << 4) | ((b & 4u) << 8) | ((b & 8u) << 12) | ((b & 16u) << 16);
  }
};

}  // namespace lamarck::envs::maze
