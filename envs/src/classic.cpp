// The classic-control family, instantiated once each for the CPU.
#include "factories.h"
#include "lamarck/envs/classic/cartpole.h"

namespace lamarck::envs::detail {

void add_classic_envs(std::vector<EnvEntry>& out) {
  out.push_back(make_entry<CartPole>("CartPole-v1", "classic control: pole balancing (Gymnasium 1.4.0), 500 steps"));
}

}  // namespace lamarck::envs::detail
