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

// Ten distinct channel colours (MinAtar has at most 10 channels).
constexpr Rgb kPalette[10] = {{230, 230, 60}, {220, 60, 60},  {60, 140, 230}, {120, 120, 120}, {240, 150, 40},
                              {160, 80, 220}, {60, 200, 120}, {60, 220, 220}, {240, 120, 200}, {255, 255, 255}};

// One 24-pixel cell per grid square, each channel in its own colour (the highest channel set wins, as in
// the reference's display_state).
Image draw_grid(const Spec& spec, const float* obs) {
  const int channels = int(spec.observation.shape[2]);
  constexpr int kCell = 24;
  Image im;
  im.width = im.height = 10 * kCell;
  im.fill(0, 0, 0);
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 10; ++x)
      for (int c = channels - 1; c >= 0; --c)
        if (obs[(y * 10 + x) * channels + c] > 0.5f) {
          box(im, x * kCell + 1, y * kCell + 1, (x + 1) * kCell - 2, (y + 1) * kCell - 2, kPalette[c]);
          break;
        }
  return im;
}

template <class Game>
void add_game(std::vector<EnvEntry>& out, int gymnax_cap) {
  using Env = minatar::MinAtar<Game>;
  minatar::Params gymnax;
  gymnax.max_episode_steps = gymnax_cap;
  const std::string name = std::string("MinAtar/") + Game::kName;
  out.push_back(with_drawing(make_entry<Env>(name, "MinAtar " + std::string(Game::kName) +
                                                         ", gymnax conventions (minimal actions, no sticky actions, " +
                                                         std::to_string(gymnax_cap) + "-step cap)",
                                               gymnax),
                             draw_grid));
  out.push_back(with_drawing(make_entry<Env>(name + "-ref", "MinAtar " + std::string(Game::kName) +
                                                                  ", reference conventions (6 actions, sticky p=0.1, no cap)",
                                               minatar::reference_params()),
                             draw_grid));
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
