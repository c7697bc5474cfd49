// MinAtar: miniature Atari games on a 10x10 grid, observations 10x10xC (row-major [y][x][c], row 0 at
// the top), as in the reference kenjyoung/MinAtar 1.0.15.
//   K. Young, T. Tian, "MinAtar: An Atari-Inspired Testbed for Thorough and Reproducible Reinforcement
//   Learning Experiments", arXiv 1903.03176, 2019.
//
// Each game (breakout.h, asterix.h, ...) writes only its rules: a POD Board, reset(), act() on the
// full 6-action set {0 no-op, 1 left, 2 up, 3 right, 4 down, 5 fire}, and observe(). The template
// MinAtar<Game> below adds what is common, selectable by Params:
//   - gymnax's conventions (the defaults; used by PureJaxRL and the LPO/TA-LPO baselines): the game's
//     minimal action set, no sticky actions, truncation at 1000 steps (2500 for Freeway);
//   - the reference's (registry names "MinAtar/<Game>-ref"): the full action set, sticky actions with
//     p = 0.1 whose memory survives reset() (a reference quirk), no cap.
// Where gymnax 1.0's rules deviate from the reference's, Params::gymnax_rules (on by default, off in
// the reference conventions) selects gymnax's; each game lists its deviations at the top of its file.
// tests/envs/minatar_test.cpp replays gymnax episodes step by step (GymnaxEpisodes), feeding gymnax's
// random outcomes to the game through a scripted Rng: reset() and act() take any type with
// uniform() and below(n), Philox in every env.
// Randomness is lamarck's Philox, so trajectories are not bit-identical to the reference's numpy
// RandomState; conformance with the reference is statistical (tests/envs/minatar_test.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"

namespace lamarck::envs::minatar {

enum FullAction : int32_t { kNoop = 0, kLeft = 1, kUp = 2, kRight = 3, kDown = 4, kFire = 5 };

struct Params {
  bool minimal_action_set = true;  // gymnax: the game's minimal set; reference: all 6 actions
  float sticky_action_prob = 0.0f;  // reference: 0.1 (the last action repeats with this probability)
  bool difficulty_ramping = true;   // Asterix, Seaquest, SpaceInvaders speed up over time
  int32_t max_episode_steps = 1000;  // gymnax: 1000 (2500 Freeway); reference: 0 = none
  bool gymnax_rules = true;          // gymnax 1.0's deviations from the reference (see each game)
  template <class V>
  void fields(V& v) {
    v("minimal_action_set", minimal_action_set);
    v("sticky_action_prob", sticky_action_prob).range(0, 1);
    v("difficulty_ramping", difficulty_ramping);
    v("max_episode_steps", max_episode_steps).at_least(0);
    v("gymnax_rules", gymnax_rules);
  }
};

// The reference conventions.
inline Params reference_params() {
  Params p;
  p.minimal_action_set = false;
  p.sticky_action_prob = 0.1f;
  p.max_episode_steps = 0;
  p.gymnax_rules = false;
  return p;
}

// What a game's act() returns.
struct Outcome {
  float reward;
  bool terminal;
};

// Sets cell (y, x) of channel c in a 10x10xC observation. Obs is float* or any type whose operator[]
// returns float& (the CUDA step writes observations through a strided view, see batched.h).
template <int C, class Obs>
LMK_HD inline void set_cell(Obs obs, int y, int x, int c) {
  obs[(y * 10 + x) * C + c] = 1.0f;
}

template <class Game>
struct MinAtar {
  using Action = int32_t;
  using Params = minatar::Params;
  static constexpr int kChannels = Game::kChannels;
  static constexpr int kObsSize = 10 * 10 * kChannels;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = true;
  static constexpr int kStateFloats = 0;

  struct State {
    typename Game::Board board;
    int32_t last_action;  // full-set action of the previous step (sticky actions); survives reset
  };

  static Spec spec(const Params& p) {
    Spec s;
    s.name = std::string("MinAtar/") + Game::kName;
    s.observation.shape = {10, 10, kChannels};
    s.observation.low.assign(size_t(kObsSize), 0.0f);
    s.observation.high.assign(size_t(kObsSize), 1.0f);
    s.action.kind = Space::Kind::discrete;
    s.action.n = p.minimal_action_set ? Game::kNumMinimalActions : 6;
    s.max_episode_steps = p.max_episode_steps;
    return s;
  }

  template <class Rng>
  LMK_HD static void reset(const Params& p, State& s, Rng& rng) {
    s.board = typename Game::Board{};
    Game::reset(p, s.board, rng);
  }

  template <class Rng>
  LMK_HD static Transition step(const Params& p, State& s, const Action* action, Rng& rng) {
    int32_t a = action[0];
    if (p.minimal_action_set) a = Game::minimal_action(a);
    // sticky actions, drawn before the game's own randomness as in the reference Environment.act
    if (p.sticky_action_prob > 0.0f && rng.uniform() < p.sticky_action_prob) a = s.last_action;
    s.last_action = a;
    const Outcome o = Game::act(p, s.board, a, rng);
    return Transition{o.reward, o.terminal};
  }

  // Observations are large (10 x 10 x C floats): the CUDA step writes them through a strided view
  // (batched.h, kObserveStrided) so that the stores of a warp are coalesced.
  static constexpr bool kObserveStrided = true;
  template <class Obs>
  LMK_HD static void observe(const Params&, const State& s, Obs obs) {
    for (int k = 0; k < kObsSize; ++k) obs[k] = 0.0f;
    Game::observe(s.board, obs);
  }
};

}  // namespace lamarck::envs::minatar
