// CartPole-v1, as in Gymnasium 1.4.0 (gymnasium/envs/classic_control/cartpole.py).
//   A. G. Barto, R. S. Sutton, C. W. Anderson, "Neuronlike adaptive elements that can solve difficult
//   learning control problems", IEEE Trans. SMC, 1983.
// Explicit Euler by default (x, x_dot, theta, theta_dot in that order); reward +1 per step including
// the terminal one; terminated when |x| > 2.4 or |theta| > 12 deg; truncated at 500 steps.
// Deviation: the state is float32 (Gymnasium keeps it in float64); one step agrees to < 1e-5.
#pragma once

#include <cfloat>
#include <cstdint>

#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"
#include "lamarck/core/math.h"

namespace lamarck::envs {

struct CartPole {
  using Action = int32_t;  // 0 push left, 1 push right
  static constexpr int kObsSize = 4;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = false;
  static constexpr int kStateFloats = 4;

  struct Params {
    float gravity = 9.8f;          // m/s^2
    float masscart = 1.0f;         // kg
    float masspole = 0.1f;         // kg
    float length = 0.5f;           // m, half the pole length
    float force_mag = 10.0f;       // N
    float tau = 0.02f;             // s per step
    bool semi_implicit = false;    // false: Gymnasium's default "euler" integrator
    bool sutton_barto_reward = false;  // 0 per step, -1 on termination
    float x_threshold = 2.4f;      // m
    float theta_threshold = 0.20943951023931953f;  // rad (12 degrees)
    float reset_bound = 0.05f;     // every state variable ~ U(-bound, bound) at reset
    int32_t max_episode_steps = 500;
    template <class V>
    void fields(V& v) {
      v("gravity", gravity);
      v("masscart", masscart).positive();
      v("masspole", masspole).positive();
      v("length", length).positive();
      v("force_mag", force_mag);
      v("tau", tau).positive();
      v("semi_implicit", semi_implicit);
      v("sutton_barto_reward", sutton_barto_reward);
      v("x_threshold", x_threshold).positive();
      v("theta_threshold", theta_threshold).positive();
      v("reset_bound", reset_bound).at_least(0);
      v("max_episode_steps", max_episode_steps).at_least(0);
    }
  };

  struct State {
    float x, x_dot, theta, theta_dot;  // m, m/s, rad, rad/s
  };

  static Spec spec(const Params& p) {
    Spec s;
    s.name = "CartPole-v1";
    s.observation.kind = Space::Kind::box;
    s.observation.shape = {4};
    s.observation.high = {p.x_threshold * 2, FLT_MAX, p.theta_threshold * 2, FLT_MAX};
    s.observation.low = {-p.x_threshold * 2, -FLT_MAX, -p.theta_threshold * 2, -FLT_MAX};
    s.action.kind = Space::Kind::discrete;
    s.action.n = 2;
    s.max_episode_steps = p.max_episode_steps;
    return s;
  }

  LMK_HD static void reset(const Params& p, State& s, Philox& rng) {
    s.x = rng.uniform(-p.reset_bound, p.reset_bound);
    s.x_dot = rng.uniform(-p.reset_bound, p.reset_bound);
    s.theta = rng.uniform(-p.reset_bound, p.reset_bound);
    s.theta_dot = rng.uniform(-p.reset_bound, p.reset_bound);
  }

  LMK_HD LMK_INLINE static Transition step(const Params& p, State& s, const Action* action, Philox&) {
    // accelerations (Barto et al. 1983, with Gymnasium's constants)
    const float force = action[0] == 1 ? p.force_mag : -p.force_mag;
    const SinCos sc = sincos_f(s.theta);
    const float total_mass = p.masspole + p.masscart;
    const float polemass_length = p.masspole * p.length;
    const float temp = (force + polemass_length * s.theta_dot * s.theta_dot * sc.sin) / total_mass;
    const float thetaacc = (p.gravity * sc.sin - sc.cos * temp) /
                           (p.length * (4.0f / 3.0f - p.masspole * sc.cos * sc.cos / total_mass));
    const float xacc = temp - polemass_length * thetaacc * sc.cos / total_mass;
    // integrate: explicit Euler, or semi-implicit (each velocity before its position); branch-free
    const float x_dot = s.x_dot + p.tau * xacc;
    const float theta_dot = s.theta_dot + p.tau * thetaacc;
    s.x = s.x + p.tau * select_bits(p.semi_implicit, x_dot, s.x_dot);
    s.theta = s.theta + p.tau * select_bits(p.semi_implicit, theta_dot, s.theta_dot);
    s.x_dot = x_dot;
    s.theta_dot = theta_dot;
    const bool terminated = (s.x < -p.x_threshold) | (s.x > p.x_threshold) | (s.theta < -p.theta_threshold) |
                            (s.theta > p.theta_threshold);
    const float reward = select_bits(p.sutton_barto_reward, terminated ? -1.0f : 0.0f, 1.0f);
    return Transition{reward, terminated};
  }

  LMK_HD LMK_INLINE static void observe(const Params&, const State& s, float* obs) {
    obs[0] = s.x;
    obs[1] = s.x_dot;
    obs[2] = s.theta;
    obs[3] = s.theta_dot;
  }
};

}  // namespace lamarck::envs
