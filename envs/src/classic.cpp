// The classic-control family, instantiated once each for the CPU.
#include <cmath>
#include <string>

#include "factories.h"
#include "lamarck/envs/classic/acrobot.h"
#include "lamarck/envs/classic/cartpole.h"
#include "lamarck/envs/classic/mountain_car.h"
#include "lamarck/envs/classic/pendulum.h"

namespace lamarck::envs::detail {

namespace {

// Line drawings of the classic-control envs from their observations, on a 400 x 300 white canvas.
Image canvas() {
  Image im;
  im.width = 400;
  im.height = 300;
  im.fill(255, 255, 255);
  return im;
}
constexpr Rgb kDark{40, 40, 40}, kPole{200, 140, 80}, kAccent{60, 120, 220};

Image draw_cartpole(const Spec&, const float* obs) {
  // x in [-2.4, 2.4] across the width; the pole (length 1 m drawn as 100 px) at angle theta
  Image im = canvas();
  const double cx = 200 + obs[0] / 2.4 * 180, cy = 220, th = obs[2];
  line(im, 0, cy + 12, 399, cy + 12, kDark, 1);
  box(im, cx - 25, cy - 12, cx + 25, cy + 12, kDark);
  line(im, cx, cy - 12, cx + 100 * std::sin(th), cy - 12 - 100 * std::cos(th), kPole, 6);
  return im;
}

Image draw_acrobot(const Spec&, const float* obs) {
  // links of 1 m (60 px) hanging from the centre; obs = cos t1, sin t1, cos t2, sin t2
  Image im = canvas();
  const double c1 = obs[0], s1 = obs[1], c2 = obs[2], s2 = obs[3];
  const double x1 = 200 + 60 * s1, y1 = 150 + 60 * c1;
  const double c12 = c1 * c2 - s1 * s2, s12 = s1 * c2 + c1 * s2;
  line(im, 0, 150 - 60, 399, 150 - 60, kDark, 1);  // the goal height
  line(im, 200, 150, x1, y1, kAccent, 6);
  line(im, x1, y1, x1 + 60 * s12, y1 + 60 * c12, kAccent, 6);
  disc(im, 200, 150, 5, kDark);
  return im;
}

Image draw_mountain_car(const Spec& spec, const float* obs) {
  // the hill y = 0.45 sin(3x) + 0.55 over x in [-1.2, 0.6]
  Image im = canvas();
  auto px = [](double x) { return (x + 1.2) / 1.8 * 399; };
  auto py = [](double x) { return 280 - (0.45 * std::sin(3 * x) + 0.55) * 250; };
  for (int i = 0; i < 399; ++i) {
    const double a = -1.2 + 1.8 * i / 399, b = -1.2 + 1.8 * (i + 1) / 399;
    line(im, px(a), py(a), px(b), py(b), kDark, 2);
  }
  const double goal = spec.name.find("Continuous") != std::string::npos ? 0.45 : 0.5;
  line(im, px(goal), py(goal), px(goal), py(goal) - 30, kAccent, 2);
  disc(im, px(obs[0]), py(obs[0]) - 8, 8, kPole);
  return im;
}

Image draw_pendulum(const Spec&, const float* obs) {
  // obs = cos th, sin th (th = 0 upright), th_dot
  Image im = canvas();
  line(im, 200, 150, 200 + 110 * obs[1], 150 - 110 * obs[0], kPole, 8);
  disc(im, 200, 150, 6, kDark);
  return im;
}

}  // namespace

void add_classic_envs(std::vector<EnvEntry>& out) {
  out.push_back(with_drawing(
      make_entry<CartPole>("CartPole-v1", "classic control: balance a pole on a cart (Gymnasium 1.4.0), 500 steps"),
      draw_cartpole));
  out.push_back(with_drawing(
      make_entry<Acrobot>("Acrobot-v1", "classic control: swing a two-link arm up (Gymnasium 1.4.0), 500 steps"),
      draw_acrobot));
  out.push_back(with_drawing(
      make_entry<MountainCar>("MountainCar-v0", "classic control: drive up a hill, 3 actions (Gymnasium 1.4.0), 200 steps"),
      draw_mountain_car));
  out.push_back(with_drawing(
      make_entry<MountainCarContinuous>(
          "MountainCarContinuous-v0", "classic control: drive up a hill, continuous force (Gymnasium 1.4.0), 999 steps"),
      draw_mountain_car));
  out.push_back(with_drawing(
      make_entry<Pendulum>("Pendulum-v1", "classic control: swing up a pendulum, continuous torque (Gymnasium 1.4.0), 200 steps"),
      draw_pendulum));
}

}  // namespace lamarck::envs::detail
