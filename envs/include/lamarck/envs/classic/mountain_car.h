// MountainCar-v0 and MountainCarContinuous-v0, as in Gymnasium 1.4.0
// (gymnasium/envs/classic_control/mountain_car.py, continuous_mountain_car.py).
//   A. W. Moore, "Efficient Memory-based Learning for Robot Control", PhD thesis, Cambridge, 1990.
// v: v + push - 0.0025 cos(3p), clipped to 0.07; p: p + v clipped to [-1.2, 0.6]; an inelastic left
// wall. Discrete: -1 per step, goal p >= 0.5, 200 steps. Continuous: -0.1 a^2 (unclipped a) per step,
// +100 on reaching p >= 0.45, 999 steps. Reset p ~ U(-0.6, -0.4), v = 0.
#pragma once

#include <cstdint>

#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"
#include "lamarck/core/math.h"

namespace lamarck::envs {

namespace mountain_car_detail {
struct State {
  float position, velocity;  // m, m/step
};
// Clip, integrate, clip, and the left wall: shared by both variants.
LMK_HD inline void integrate(State& s, float push, float gravity, float max_speed, float min_position,
                             float max_position) {
  float v = s.velocity + push - cos_f(3 * s.position) * gravity;
  v = clampf(v, -max_speed, max_speed);
  float x = clampf(s.position + v, min_position, max_position);
  if (x == min_position && v < 0) v = 0;
  s.position = x;
  s.velocity = v;
}
}  // namespace mountain_car_detail

struct MountainCar {
  using Action = int32_t;  // 0 push left, 1 no push, 2 push right
  static constexpr int kObsSize = 2;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = false;
  static constexpr int kStateFloats = 2;
  using State = mountain_car_detail::State;

  struct Params {
    float min_position = -1.2f, max_position = 0.6f;  // m
    float max_speed = 0.07f;                          // m/step
    float goal_position = 0.5f;
    float goal_velocity = 0.0f;
    float force = 0.001f;
    float gravity = 0.0025f;
    float reset_low = -0.6f, reset_high = -0.4f;  // initial position ~ U(low, high)
    int32_t max_episode_steps = 200;
    template <class V>
    void fields(V& v) {
      v("min_position", min_position);
      v("max_position", max_position);
      v("max_speed", max_speed).positive();
      v("goal_position", goal_position);
      v("goal_velocity", goal_velocity);
      v("force", force);
      v("gravity", gravity);
      v("reset_low", reset_low);
      v("reset_high", reset_high);
      v("max_episode_steps", max_episode_steps).at_least(0);
    }
  };

  static Spec spec(const Params& p) {
    Spec s;
    s.name = "MountainCar-v0";
    s.observation.shape = {2};
    s.observation.low = {p.min_position, -p.max_speed};
    s.observation.high = {p.max_position, p.max_speed};
    s.action.kind = Space::Kind::discrete;
    s.action.n = 3;
    s.max_episode_steps = p.max_episode_steps;
    return s;
  }

  LMK_HD static void reset(const Params& p, State& s, Philox& rng) {
    s.position = rng.uniform(p.reset_low, p.reset_high);
    s.velocity = 0;
  }

  LMK_HD LMK_INLINE static Transition step(const Params& p, State& s, const Action* action, Philox&) {
    mountain_car_detail::integrate(s, float(action[0] - 1) * p.force, p.gravity, p.max_speed, p.min_position,
                                   p.max_position);
    const bool terminated = s.position >= p.goal_position && s.velocity >= p.goal_velocity;
    return Transition{-1.0f, terminated};
  }

  LMK_HD LMK_INLINE static void observe(const Params&, const State& s, float* obs) {
    obs[0] = s.position;
    obs[1] = s.velocity;
  }
};

struct MountainCarContinuous {
  using Action = float;  // force, clipped to [-1, 1]
  static constexpr int kObsSize = 2;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = false;
  static constexpr int kStateFloats = 2;
  using State = mountain_car_detail::State;

  struct Params {
    float min_position = -1.2f, max_position = 0.6f;
    float max_speed = 0.07f;
    float goal_position = 0.45f;
    float goal_velocity = 0.0f;
    float power = 0.0015f;
    float gravity = 0.0025f;
    float reset_low = -0.6f, reset_high = -0.4f;
    int32_t max_episode_steps = 999;
    template <class V>
    void fields(V& v) {
      v("min_position", min_position);
      v("max_position", max_position);
      v("max_speed", max_speed).positive();
      v("goal_position", goal_position);
      v("goal_velocity", goal_velocity);
      v("power", power);
      v("gravity", gravity);
      v("reset_low", reset_low);
      v("reset_high", reset_high);
      v("max_episode_steps", max_episode_steps).at_least(0);
    }
  };

  static Spec spec(const Params& p) {
    Spec s;
    s.name = "MountainCarContinuous-v0";
    s.observation.shape = {2};
    s.observation.low = {p.min_position, -p.max_speed};
    s.observation.high = {p.max_position, p.max_speed};
    s.action.kind = Space::Kind::box;
    s.action.shape = {1};
    s.action.low = {-1.0f};
    s.action.high = {1.0f};
    s.max_episode_steps = p.max_episode_steps;
    return s;
  }

  LMK_HD static void reset(const Params& p, State& s, Philox& rng) {
    s.position = rng.uniform(p.reset_low, p.reset_high);
    s.velocity = 0;
  }

  LMK_HD LMK_INLINE static Transition step(const Params& p, State& s, const Action* action, Philox&) {
    const float force = clampf(action[0], -1.0f, 1.0f);
    mountain_car_detail::integrate(s, force * p.power, p.gravity, p.max_speed, p.min_position, p.max_position);
    const bool terminated = s.position >= p.goal_position && s.velocity >= p.goal_velocity;
    const float reward = (terminated ? 100.0f : 0.0f) - action[0] * action[0] * 0.1f;
    return Transition{reward, terminated};
  }

  LMK_HD LMK_INLINE static void observe(const Params&, const State& s, float* obs) {
    obs[0] = s.position;
    obs[1] = s.velocity;
  }
};

}  // namespace lamarck::envs
