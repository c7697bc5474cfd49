// Every env type stepped by Batched (POD state: CPU and CUDA), listed once. The CUDA translation unit
// instantiates its launchers from this list (src/envs_cuda.cu), and the registry refuses at compile time to
// register a Batched env that is not in it (src/factories.h), so the CPU registry and the CUDA build cannot
// drift apart. Adding a POD env: its header, one line here, one registry line in its family's file.
// (CpuBatched envs -- Box2D, MuJoCo -- have no CUDA path and are not listed.)
#pragma once

#include <type_traits>

#include "lamarck/envs/classic/acrobot.h"
#include "lamarck/envs/classic/cartpole.h"
#include "lamarck/envs/classic/mountain_car.h"
#include "lamarck/envs/classic/pendulum.h"
#include "lamarck/envs/maze/maze.h"
#include "lamarck/envs/minatar/asterix.h"
#include "lamarck/envs/minatar/breakout.h"
#include "lamarck/envs/minatar/freeway.h"
#include "lamarck/envs/minatar/seaquest.h"
#include "lamarck/envs/minatar/space_invaders.h"

#define LMK_FOR_EACH_BATCHED_ENV(X)          \
  X(CartPole)                                \
  X(Acrobot)                                 \
  X(MountainCar)                             \
  X(MountainCarContinuous)                   \
  X(Pendulum)                                \
  X(minatar::MinAtar<minatar::Asterix>)      \
  X(minatar::MinAtar<minatar::Breakout>)     \
  X(minatar::MinAtar<minatar::Freeway>)      \
  X(minatar::MinAtar<minatar::Seaquest>)     \
  X(minatar::MinAtar<minatar::SpaceInvaders>) \
  X(maze::Maze)

namespace lamarck::envs {

// Whether Env is in LMK_FOR_EACH_BATCHED_ENV.
template <class Env>
constexpr bool is_listed_batched_env() {
#define LMK_ENV_IS(E) || std::is_same_v<Env, E>
  return false LMK_FOR_EACH_BATCHED_ENV(LMK_ENV_IS);
#undef LMK_ENV_IS
}

}  // namespace lamarck::envs
