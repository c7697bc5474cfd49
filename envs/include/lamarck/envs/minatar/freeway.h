// MinAtar Freeway (reference: minatar/environments/freeway.py, MinAtar 1.0.15). See minatar.h.
// Channels: chicken 0, car 1, speed1..speed5 2..6 (each car's trail, in the channel of its speed).
// Minimal actions {no-op, up, down}. No ramping. The chicken (column 4) crosses 8 lanes of cars; each
// crossing gives +1 and re-randomises the car speeds; a car hit sends it back to row 9. The reference
// ends the episode by its own timer after 2501 steps (terminate_timer < 0); gymnax truncates at 2500.
#pragma once

#include <cstdint>

#include "lamarck/envs/minatar/minatar.h"

namespace lamarck::envs::minatar {

struct Freeway {
  static constexpr const char* kName = "Freeway";
  static constexpr int kChannels = 7;
  static constexpr int kNumMinimalActions = 3;
  static constexpr int kPlayerSpeed = 3, kTimeLimit = 2500;
  LMK_HD static int32_t minimal_action(int32_t a) { return a == 1 ? kUp : (a == 2 ? kDown : kNoop); }

  struct Car {
    int8_t x, timer, speed;  // column, steps until the next move, signed speed (|speed| in 1..5)
  };
  struct Board {
    Car cars[8];  // car i drives in row i + 1
    int8_t pos;   // the chicken's row
    int8_t move_timer;
    int16_t terminate_timer;
  };

  // New speeds and directions for every car (positions kept).
  template <class Rng>
  LMK_HD static void randomize_cars(Board& b, Rng& rng) {
    int speeds[8];
    for (int i = 0; i < 8; ++i) speeds[i] = 1 + int(rng.below(5));
    for (int i = 0; i < 8; ++i) {
      const int s = rng.uniform() < 0.5f ? -speeds[i] : speeds[i];
      b.cars[i].timer = int8_t(speeds[i]);
      b.cars[i].speed = int8_t(s);
    }
  }

  template <class Rng>
  LMK_HD static void reset(const Params&, Board& b, Rng& rng) {
    for (auto& c : b.cars) c.x = 0;
    randomize_cars(b, rng);
    b.pos = 9;
    b.move_timer = kPlayerSpeed;
    b.terminate_timer = kTimeLimit;
  }

  template <class Rng>
  LMK_HD static Outcome act(const Params&, Board& b, int32_t a, Rng& rng) {
    float r = 0;
    if (a == kUp && b.move_timer == 0) {
      b.move_timer = kPlayerSpeed;
      b.pos = b.pos > 0 ? b.pos - 1 : 0;
    } else if (a == kDown && b.move_timer == 0) {
      b.move_timer = kPlayerSpeed;
      b.pos = b.pos < 9 ? b.pos + 1 : 9;
    }
    if (b.pos == 0) {  // crossed
      r += 1;
      randomize_cars(b, rng);
      b.pos = 9;
    }
    for (int i = 0; i < 8; ++i) {
      Car& c = b.cars[i];
      if (c.x == 4 && i + 1 == b.pos) b.pos = 9;
      if (c.timer == 0) {
        c.timer = int8_t(c.speed > 0 ? c.speed : -c.speed);
        int x = c.x + (c.speed > 0 ? 1 : -1);
        x = x < 0 ? 9 : (x > 9 ? 0 : x);
        c.x = int8_t(x);
        if (c.x == 4 && i + 1 == b.pos) b.pos = 9;
      } else {
        c.timer -= 1;
      }
    }
    if (b.move_timer > 0) b.move_timer -= 1;
    b.terminate_timer -= 1;
    return Outcome{r, b.terminate_timer < 0};
  }

  template <class Obs>
  LMK_HD static void observe(const Board& b, Obs obs) {
    set_cell<7>(obs, b.pos, 4, 0);
    for (int i = 0; i < 8; ++i) {
      const Car& c = b.cars[i];
      set_cell<7>(obs, i + 1, c.x, 1);
      int back_x = c.speed > 0 ? c.x - 1 : c.x + 1;
      back_x = back_x < 0 ? 9 : (back_x > 9 ? 0 : back_x);
      const int speed = c.speed > 0 ? c.speed : -c.speed;
      set_cell<7>(obs, i + 1, back_x, 1 + speed);
    }
  }
};

}  // namespace lamarck::envs::minatar
