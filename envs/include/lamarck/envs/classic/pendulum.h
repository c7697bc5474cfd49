// Pendulum-v1, as in Gymnasium 1.4.0 (gymnasium/envs/classic_control/pendulum.py): swing up and hold
// an inverted pendulum. Torque clipped to [-2, 2]; cost = normalize(th)^2 + 0.1 thdot^2 + 0.001 u^2 on
// the pre-step state; semi-implicit Euler, dt 0.05, thdot clipped to 8; never terminates; 200 steps.
// Reset th ~ U(-pi, pi), thdot ~ U(-1, 1).
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"
#include "lamarck/core/math.h"

namespace lamarck::envs {

struct Pendulum {
  using Action = float;  // torque, N m
  static constexpr int kObsSize = 3;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = false;
  static constexpr int kStateFloats = 2;
  static constexpr float kPi = 3.14159265358979323846f;

  struct Params {
    float max_speed = 8.0f;   // rad/s
    float max_torque = 2.0f;  // N m
    float dt = 0.05f;         // s
    float g = 10.0f;          // m/s^2 (Gymnasium's constructor argument)
    float m = 1.0f;           // kg
    float l = 1.0f;           // m
    float reset_theta = kPi;  // th ~ U(-reset_theta, reset_theta)
    float reset_theta_dot = 1.0f;
    int32_t max_episode_steps = 200;
    template <class V>
    void fields(V& v) {
      v("max_speed", max_speed).positive();
      v("max_torque", max_torque).positive();
      v("dt", dt).positive();
      v("g", g);
      v("m", m).positive();
      v("l", l).positive();
      v("reset_theta", reset_theta).at_least(0);
      v("reset_theta_dot", reset_theta_dot).at_least(0);
      v("max_episode_steps", max_episode_steps).at_least(0);
    }
  };

  struct State {
    float theta, theta_dot;  // rad (not wrapped), rad/s
  };

  static Spec spec(const Params& p) {
    Spec s;
    s.name = "Pendulum-v1";
    s.observation.shape = {3};
    s.observation.low = {-1, -1, -p.max_speed};
    s.observation.high = {1, 1, p.max_speed};
    s.action.kind = Space::Kind::box;
    s.action.shape = {1};
    s.action.low = {-p.max_torque};
    s.action.high = {p.max_torque};
    s.max_episode_steps = p.max_episode_steps;
    return s;
  }

  LMK_HD static void reset(const Params& p, State& s, Philox& rng) {
    s.theta = rng.uniform(-p.reset_theta, p.reset_theta);
    s.theta_dot = rng.uniform(-p.reset_theta_dot, p.reset_theta_dot);
  }

  // ((x + pi) mod 2pi) - pi with Python's floored modulo
  LMK_HD static float angle_normalize(float x) {
    const float y = x + kPi;
    return y - 2 * kPi * floorf(y / (2 * kPi)) - kPi;
  }

  LMK_HD LMK_INLINE static Transition step(const Params& p, State& s, const Action* action, Philox&) {
    const float u = clampf(action[0], -p.max_torque, p.max_torque);
    const float th = angle_normalize(s.theta);
    const float cost = th * th + 0.1f * s.theta_dot * s.theta_dot + 0.001f * u * u;
    float thdot = s.theta_dot + (3 * p.g / (2 * p.l) * sin_f(s.theta) + 3.0f / (p.m * p.l * p.l) * u) * p.dt;
    thdot = clampf(thdot, -p.max_speed, p.max_speed);
    s.theta = s.theta + thdot * p.dt;
    s.theta_dot = thdot;
    return Transition{-cost, false};
  }

  LMK_HD LMK_INLINE static void observe(const Params&, const State& s, float* obs) {
    const SinCos sc = sincos_f(s.theta);
    obs[0] = sc.cos;
    obs[1] = sc.sin;
    obs[2] = s.theta_dot;
  }
};

}  // namespace lamarck::envs
