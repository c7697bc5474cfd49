// Acrobot-v1, as in Gymnasium 1.4.0 (gymnasium/envs/classic_control/acrobot.py).
//   R. S. Sutton, "Generalization in Reinforcement Learning: Successful Examples Using Sparse Coarse
//   Coding", NeurIPS 1996; R. S. Sutton, A. G. Barto, "Reinforcement Learning: An Introduction", 1998.
// Two links, torque on the joint between them; the "book" dynamics (default) integrated by one RK4 step
// of dt = 0.2 with the torque held; angles wrapped to [-pi, pi], velocities clipped to 4pi and 9pi.
// Params and the integration are double, as in Gymnasium (with |velocity derivatives| up to ~1e3 a
// float dt alone moves the result by 2e-4); the state is stored in float32.
// Reward -1 per step, 0 on the terminal step; terminated when -cos(t1) - cos(t1 + t2) > 1; 500 steps.
#pragma once

#include <cstdint>

#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"
#include "lamarck/core/math.h"

namespace lamarck::envs {

struct Acrobot {
  using Action = int32_t;  // 0, 1, 2 -> torque -1, 0, +1
  static constexpr int kObsSize = 6;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = false;
  static constexpr int kStateFloats = 4;

  struct Params {
    double dt = 0.2;             // s per step
    double link_length_1 = 1.0;  // m
    double link_mass_1 = 1.0;    // kg
    double link_mass_2 = 1.0;    // kg
    double link_com_pos_1 = 0.5;  // m
    double link_com_pos_2 = 0.5;  // m
    double link_moi = 1.0;       // kg m^2, both links
    double gravity = 9.8;        // m/s^2
    double max_vel_1 = 4 * 3.14159265358979323846;   // rad/s
    double max_vel_2 = 9 * 3.14159265358979323846;   // rad/s
    bool nips_dynamics = false;  // false: Gymnasium's default "book" form of the second link's acceleration
    double reset_bound = 0.1;    // every state variable ~ U(-bound, bound) at reset
    int32_t max_episode_steps = 500;
    template <class V>
    void fields(V& v) {
      v("dt", dt).positive();
      v("link_length_1", link_length_1).positive();
      v("link_mass_1", link_mass_1).positive();
      v("link_mass_2", link_mass_2).positive();
      v("link_com_pos_1", link_com_pos_1).positive();
      v("link_com_pos_2", link_com_pos_2).positive();
      v("link_moi", link_moi).positive();
      v("gravity", gravity);
      v("max_vel_1", max_vel_1).positive();
      v("max_vel_2", max_vel_2).positive();
      v("nips_dynamics", nips_dynamics);
      v("reset_bound", reset_bound).at_least(0);
      v("max_episode_steps", max_episode_steps).at_least(0);
    }
  };

  struct State {
    float theta1, theta2, dtheta1, dtheta2;  // rad, rad, rad/s, rad/s
  };

  static Spec spec(const Params& p) {
    Spec s;
    s.name = "Acrobot-v1";
    s.observation.shape = {6};
    s.observation.high = {1, 1, 1, 1, float(p.max_vel_1), float(p.max_vel_2)};
    s.observation.low = {-1, -1, -1, -1, -float(p.max_vel_1), -float(p.max_vel_2)};
    s.action.kind = Space::Kind::discrete;
    s.action.n = 3;
    s.max_episode_steps = p.max_episode_steps;
    return s;
  }

  LMK_HD static void reset(const Params& p, State& s, Philox& rng) {
    const float b = float(p.reset_bound);
    s.theta1 = rng.uniform(-b, b);
    s.theta2 = rng.uniform(-b, b);
    s.dtheta1 = rng.uniform(-b, b);
    s.dtheta2 = rng.uniform(-b, b);
  }

  // d/dt of (theta1, theta2, dtheta1, dtheta2) under torque a (Gymnasium's _dsdt), in double.
  LMK_HD static void derivs(const Params& p, const double y[4], double a, double dy[4]) {
    const double m1 = p.link_mass_1, m2 = p.link_mass_2, l1 = p.link_length_1;
    const double lc1 = p.link_com_pos_1, lc2 = p.link_com_pos_2, I1 = p.link_moi, I2 = p.link_moi, g = p.gravity;
    const double theta1 = y[0], theta2 = y[1], dtheta1 = y[2], dtheta2 = y[3];
    const SinCosD t2 = sincos_d(theta2);
    const double d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * t2.cos) + I1 + I2;
    const double d2 = m2 * (lc2 * lc2 + l1 * lc2 * t2.cos) + I2;
    // cos(x - pi/2) = sin(x)
    const double phi2 = m2 * lc2 * g * sincos_d(theta1 + theta2).sin;
    const double phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * t2.sin - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * t2.sin +
                        (m1 * lc1 + m2 * l1) * g * sincos_d(theta1).sin + phi2;
    double ddtheta2;
    if (p.nips_dynamics)
      ddtheta2 = (a + d2 / d1 * phi1 - phi2) / (m2 * lc2 * lc2 + I2 - d2 * d2 / d1);
    else
      ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * t2.sin - phi2) /
                 (m2 * lc2 * lc2 + I2 - d2 * d2 / d1);
    const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    dy[0] = dtheta1;
    dy[1] = dtheta2;
    dy[2] = ddtheta1;
    dy[3] = ddtheta2;
  }

  LMK_HD static double wrap(double x) {
    const double pi = 3.14159265358979323846;
    while (x > pi) x -= 2 * pi;
    while (x < -pi) x += 2 * pi;
    return x;
  }

  LMK_HD LMK_INLINE static Transition step(const Params& p, State& s, const Action* action, Philox&) {
    const double torque = double(action[0] - 1);
    // one classic RK4 step over [0, dt]
    const double y0[4] = {s.theta1, s.theta2, s.dtheta1, s.dtheta2};
    double k1[4], k2[4], k3[4], k4[4], y[4];
    const double h = p.dt, h2 = h / 2;
    derivs(p, y0, torque, k1);
    for (int j = 0; j < 4; ++j) y[j] = y0[j] + h2 * k1[j];
    derivs(p, y, torque, k2);
    for (int j = 0; j < 4; ++j) y[j] = y0[j] + h2 * k2[j];
    derivs(p, y, torque, k3);
    for (int j = 0; j < 4; ++j) y[j] = y0[j] + h * k3[j];
    derivs(p, y, torque, k4);
    for (int j = 0; j < 4; ++j) y[j] = y0[j] + h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
    const double t1 = wrap(y[0]), t2 = wrap(y[1]);
    s.theta1 = float(t1);
    s.theta2 = float(t2);
    s.dtheta1 = float(y[2] < -p.max_vel_1 ? -p.max_vel_1 : (y[2] > p.max_vel_1 ? p.max_vel_1 : y[2]));
    s.dtheta2 = float(y[3] < -p.max_vel_2 ? -p.max_vel_2 : (y[3] > p.max_vel_2 ? p.max_vel_2 : y[3]));
    const bool terminated = -sincos_d(t1).cos - sincos_d(t2 + t1).cos > 1.0;
    return Transition{terminated ? 0.0f : -1.0f, terminated};
  }

  LMK_HD LMK_INLINE static void observe(const Params&, const State& s, float* obs) {
    const SinCos a = sincos_f(s.theta1), b = sincos_f(s.theta2);
    obs[0] = a.cos;
    obs[1] = a.sin;
    obs[2] = b.cos;
    obs[3] = b.sin;
    obs[4] = s.dtheta1;
    obs[5] = s.dtheta2;
  }
};

}  // namespace lamarck::envs
