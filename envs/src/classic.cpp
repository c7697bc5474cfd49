// The classic-control family, instantiated once each for the CPU.
#include "factories.h"
#include "lamarck/envs/classic/acrobot.h"
#include "lamarck/envs/classic/cartpole.h"
#include "lamarck/envs/classic/mountain_car.h"
#include "lamarck/envs/classic/pendulum.h"

namespace lamarck::envs::detail {

void add_classic_envs(std::vector<EnvEntry>& out) {
  out.push_back(make_entry<CartPole>("CartPole-v1", "classic control: balance a pole on a cart (Gymnasium 1.4.0), 500 steps"));
  out.push_back(make_entry<Acrobot>("Acrobot-v1", "classic control: swing a two-link arm up (Gymnasium 1.4.0), 500 steps"));
  out.push_back(make_entry<MountainCar>("MountainCar-v0", "classic control: drive up a hill, 3 actions (Gymnasium 1.4.0), 200 steps"));
  out.push_back(make_entry<MountainCarContinuous>(
      "MountainCarContinuous-v0", "classic control: drive up a hill, continuous force (Gymnasium 1.4.0), 999 steps"));
  out.push_back(make_entry<Pendulum>("Pendulum-v1", "classic control: swing up a pendulum, continuous torque (Gymnasium 1.4.0), 200 steps"));
}

}  // namespace lamarck::envs::detail
