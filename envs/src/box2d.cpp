// The Box2D family: CPU-only envs stepped by CpuBatched (cpu_batched.h).
#include "factories.h"
#include "lamarck/envs/box2d/push_box.h"
#include "lamarck/envs/cpu_batched.h"

namespace lamarck::envs::detail {
namespace {

// x in [-8, 8] m across a 400 x 300 canvas (25 px per m); obs = x, y, vx, vy, angle, omega, target - x.
Image draw_push_box(const Spec&, const float* obs) {
  Image im;
  im.width = 400;
  im.height = 300;
  im.fill(255, 255, 255);
  auto px = [](double x) { return 200 + x * 25; };
  const double ground = 250, x = obs[0], y = obs[1], target = obs[0] + obs[6];
  line(im, 0, ground, 399, ground, Rgb{40, 40, 40}, 2);
  line(im, px(target), ground, px(target), ground - 40, Rgb{60, 120, 220}, 3);
  box(im, px(x) - 12, ground - 25 * y - 12, px(x) + 12, ground - 25 * y + 12, Rgb{200, 140, 80});
  return im;
}

}  // namespace

void add_box2d_envs(std::vector<EnvEntry>& out) {
  out.push_back(with_drawing(
      make_entry<PushBox, CpuBatched<PushBox>>(
          "Box2D/PushBox", "Box2D: push a box along the ground to a target and stop it there (CPU only; tests the path)"),
      draw_push_box));
}

}  // namespace lamarck::envs::detail
