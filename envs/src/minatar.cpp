// The MinAtar family, instantiated once each for the CPU, in gymnax's and the reference's conventions.
#include "factories.h"
#include "lamarck/envs/minatar/asterix.h"
#include "lamarck/envs/minatar/breakout.h"
#include "lamarck/envs/minatar/freeway.h"
#include "lamarck/envs/minatar/minatar.h"
#include "lamarck/envs/minatar/seaquest.h"
#include "lamarck/envs/minatar/space_invaders.h"

namespace lamarck::envs::detail {
namespace {

template <class Game>
void add_game(std::vector<EnvEntry>& out, int gymnax_cap) {
  using Env = minatar::MinAtar<Game>;
  minatar::Params gymnax;
  gymnax.max_episode_steps = gymnax_cap;
  const std::string name = std::string("MinAtar/") + Game::kName;
  out.push_back(make_entry<Env>(name, "MinAtar " + std::string(Game::kName) +
                                          ", gymnax conventions (minimal actions, no sticky actions, " +
                                          std::to_string(gymnax_cap) + "-step cap)",
                                gymnax));
  out.push_back(make_entry<Env>(name + "-ref", "MinAtar " + std::string(Game::kName) +
                                                   ", reference conventions (6 actions, sticky p=0.1, no cap)",
                                minatar::reference_params()));
}

}  // namespace

void add_minatar_envs(std::vector<EnvEntry>& out) {
  add_game<minatar::Asterix>(out, 1000);
  add_game<minatar::Breakout>(out, 1000);
  add_game<minatar::Freeway>(out, 2500);
  add_game<minatar::Seaquest>(out, 1000);
  add_game<minatar::SpaceInvaders>(out, 1000);
}

}  // namespace lamarck::envs::detail
