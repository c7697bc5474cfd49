// Box2D/PushBox: a small Box2D-backed env that proves the CPU-only env path (cpu_batched.h); the real Box2D
// envs (BipedalWalker, LunarLander) use the same path. Box2D 2.4 (E. Catto, box2d.org), Debian's libbox2d.
//
// A 1 m box rests on flat ground with Coulomb friction; each step the agent pushes it left, not at all or
// right with a horizontal force at its centre, and the world advances dt with Box2D's solver (8 velocity,
// 3 position iterations). Goal: stop the box near a target x.
//   observation (7): x, y (m), vx, vy (m/s), angle (rad), angular velocity (rad/s), target - x (m)
//   action: 0 push left, 1 no push, 2 push right (force `force` N)
//   reward: -0.01 per step; +1 and terminated when |x - target| < goal_radius and |vx| < 0.5 m/s;
//           -1 and terminated when |x| > arena
//   reset: x ~ U(-spawn, spawn), at rest; a fresh world every episode (no history carried over)
#pragma once

#include <box2d/box2d.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <memory>

#include "lamarck/core/rng.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"

namespace lamarck::envs {

struct PushBox {
  using Action = int32_t;
  static constexpr int kObsSize = 7;
  static constexpr int kActionSize = 1;
  static constexpr bool kStepDrawsRandom = false;

  struct Params {
    float gravity = 10.0f;      // m/s^2
    float friction = 0.3f;      // box-ground friction coefficient (Box2D mixes sqrt(f1 f2); ground is 1)
    float density = 1.0f;       // kg/m^2 (the box is 1 m x 1 m)
    float force = 12.0f;        // N
    float target = 3.0f;        // m
    float goal_radius = 0.25f;  // m
    float spawn = 0.5f;         // m
    float arena = 8.0f;         // m
    float dt = 0.02f;           // s per step
    int32_t max_episode_steps = 200;
    template <class V>
    void fields(V& v) {
      v("gravity", gravity).at_least(0);
      v("friction", friction).at_least(0);
      v("density", density).positive();
      v("force", force).at_least(0);
      v("target", target);
      v("goal_radius", goal_radius).positive();
      v("spawn", spawn).at_least(0);
      v("arena", arena).positive();
      v("dt", dt).positive();
      v("max_episode_steps", max_episode_steps).at_least(0);
    }
  };

  // One instance's simulation: its own world (Box2D keeps no global state, so instances step in parallel).
  struct Instance {
    std::unique_ptr<b2World> world;
    b2Body* box = nullptr;
  };

  static Spec spec(const Params& p) {
    Spec s;
    s.name = "Box2D/PushBox";
    s.observation.kind = Space::Kind::box;
    s.observation.shape = {kObsSize};
    s.observation.low.assign(kObsSize, -FLT_MAX);
    s.observation.high.assign(kObsSize, FLT_MAX);
    s.action.kind = Space::Kind::discrete;
    s.action.n = 3;
    s.max_episode_steps = p.max_episode_steps;
    return s;
  }

  static void reset(const Params& p, Instance& in, Philox& rng) {
    in.world = std::make_unique<b2World>(b2Vec2(0.0f, -p.gravity));
    b2BodyDef ground_def;
    b2Body* ground = in.world->CreateBody(&ground_def);
    b2EdgeShape edge;
    edge.SetTwoSided(b2Vec2(-2.0f * p.arena, 0.0f), b2Vec2(2.0f * p.arena, 0.0f));
    b2FixtureDef ground_fixture;
    ground_fixture.shape = &edge;
    ground_fixture.friction = 1.0f;
    ground->CreateFixture(&ground_fixture);

    b2BodyDef box_def;
    box_def.type = b2_dynamicBody;
    box_def.position.Set(rng.uniform(-p.spawn, p.spawn), 0.5f);
    in.box = in.world->CreateBody(&box_def);
    b2PolygonShape square;
    square.SetAsBox(0.5f, 0.5f);
    b2FixtureDef box_fixture;
    box_fixture.shape = &square;
    box_fixture.density = p.density;
    box_fixture.friction = p.friction;
    in.box->CreateFixture(&box_fixture);
  }

  static Transition step(const Params& p, Instance& in, const Action* action, Philox&) {
    const int32_t a = action[0] < 0 ? 0 : (action[0] > 2 ? 2 : action[0]);
    in.box->ApplyForceToCenter(b2Vec2(float(a - 1) * p.force, 0.0f), true);
    in.world->Step(p.dt, 8, 3);
    const b2Vec2 x = in.box->GetPosition(), v = in.box->GetLinearVelocity();
    if (std::fabs(x.x) > p.arena) return Transition{-1.0f, true};
    if (std::fabs(x.x - p.target) < p.goal_radius && std::fabs(v.x) < 0.5f) return Transition{1.0f, true};
    return Transition{-0.01f, false};
  }

  static void observe(const Params& p, const Instance& in, float* obs) {
    const b2Vec2 x = in.box->GetPosition(), v = in.box->GetLinearVelocity();
    obs[0] = x.x;
    obs[1] = x.y;
    obs[2] = v.x;
    obs[3] = v.y;
    obs[4] = in.box->GetAngle();
    obs[5] = in.box->GetAngularVelocity();
    obs[6] = p.target - x.x;
  }
};

}  // namespace lamarck::envs
