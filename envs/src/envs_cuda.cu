// The one CUDA translation unit of envs/: the batched step and reset of every registered env, compiled
// by nvcc from the same host-device env code the CPU runs (Thrust through core's parallel_for).
#include "lamarck/core/backend.h"
#include "lamarck/envs/batched.h"
#include "lamarck/envs/classic/acrobot.h"
#include "lamarck/envs/classic/cartpole.h"
#include "lamarck/envs/classic/mountain_car.h"
#include "lamarck/envs/classic/pendulum.h"
#include "lamarck/envs/minatar/asterix.h"
#include "lamarck/envs/minatar/breakout.h"
#include "lamarck/envs/minatar/freeway.h"
#include "lamarck/envs/minatar/seaquest.h"
#include "lamarck/envs/minatar/space_invaders.h"

namespace lamarck::envs {

template <class Env>
void step_cuda(const BatchView<Env>& v, const typename Env::Action* actions, int64_t n) {
  parallel_for(Exec{Device::cuda, 0}, n, StepKernel<Env>{v, actions});
}

template <class Env>
void reset_cuda(const BatchView<Env>& v, uint64_t seed, const uint64_t* ids, int64_t n) {
  parallel_for(Exec{Device::cuda, 0}, n, ResetKernel<Env>{v, seed, ids});
}

#define LMK_ENVS_INSTANTIATE_CUDA(Env)                                                            \
  template void step_cuda<Env>(const BatchView<Env>&, const typename Env::Action*, int64_t);      \
  template void reset_cuda<Env>(const BatchView<Env>&, uint64_t, const uint64_t*, int64_t);

LMK_ENVS_INSTANTIATE_CUDA(CartPole)
LMK_ENVS_INSTANTIATE_CUDA(Acrobot)
LMK_ENVS_INSTANTIATE_CUDA(MountainCar)
LMK_ENVS_INSTANTIATE_CUDA(MountainCarContinuous)
LMK_ENVS_INSTANTIATE_CUDA(Pendulum)
LMK_ENVS_INSTANTIATE_CUDA(minatar::MinAtar<minatar::Asterix>)
LMK_ENVS_INSTANTIATE_CUDA(minatar::MinAtar<minatar::Breakout>)
LMK_ENVS_INSTANTIATE_CUDA(minatar::MinAtar<minatar::Freeway>)
LMK_ENVS_INSTANTIATE_CUDA(minatar::MinAtar<minatar::Seaquest>)
LMK_ENVS_INSTANTIATE_CUDA(minatar::MinAtar<minatar::SpaceInvaders>)

}  // namespace lamarck::envs
