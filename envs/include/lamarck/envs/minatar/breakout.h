// MinAtar Breakout (reference: minatar/environments/breakout.py, MinAtar 1.0.15). See minatar.h.
// Channels: paddle 0, ball 1, trail 2, brick 3. Minimal actions {no-op, left, right}. No ramping.
// The ball moves diagonally; it bounces off walls, off a brick it removes (+1; at most one brick per
// two consecutive steps: a ball that struck last step passes through), off the paddle (two cases);
// missing the paddle ends the episode; a cleared wall refills when the ball reaches the bottom row.
#pragma once

#include <cstdint>

#include "lamarck/envs/minatar/minatar.h"

namespace lamarck::envs::minatar {

struct Breakout {
  static constexpr const char* kName = "Breakout";
  static constexpr int kChannels = 4;
  static constexpr int kNumMinimalActions = 3;
  LMK_HD static int32_t minimal_action(int32_t a) { return a == 1 ? kLeft : (a == 2 ? kRight : kNoop); }

  struct Board {
    uint16_t bricks[10];  // bit x of row y: a brick at (y, x)
    int8_t ball_x, ball_y, ball_dir;  // dir 0 (-1,-1) up-left, 1 (+1,-1), 2 (+1,+1), 3 (-1,+1)
    int8_t last_x, last_y;            // the trail: the ball's previous cell
    int8_t pos;                       // paddle x (row 9)
    bool strike;                      // a brick was struck on the previous step
  };

  template <class Rng>
  LMK_HD static void reset(const Params&, Board& b, Rng& rng) {
    b.ball_y = 3;
    const bool right_start = rng.below(2) == 1;
    b.ball_x = right_start ? 9 : 0;
    b.ball_dir = right_start ? 3 : 2;
    b.pos = 4;
    for (int y = 0; y < 10; ++y) b.bricks[y] = (y >= 1 && y <= 3) ? 0x3FF : 0;
    b.strike = false;
    b.last_x = b.ball_x;
    b.last_y = b.ball_y;
  }

  template <class Rng>
  LMK_HD static Outcome act(const Params&, Board& b, int32_t a, Rng&) {
    float r = 0;
    bool terminal = false;
    if (a == kLeft) b.pos = b.pos > 0 ? b.pos - 1 : 0;
    if (a == kRight) b.pos = b.pos < 9 ? b.pos + 1 : 9;
    b.last_x = b.ball_x;
    b.last_y = b.ball_y;
    const int dx = (b.ball_dir == 1 || b.ball_dir == 2) ? 1 : -1;
    const int dy = (b.ball_dir >= 2) ? 1 : -1;
    int new_x = b.ball_x + dx, new_y = b.ball_y + dy;
    bool strike_toggle = false;
    // side walls
    if (new_x < 0 || new_x > 9) {
      new_x = new_x < 0 ? 0 : 9;
      b.ball_dir = int8_t(b.ball_dir ^ 1);  // 0<->1, 2<->3
    }
    if (new_y < 0) {  // top wall
      new_y = 0;
      b.ball_dir = int8_t(3 - b.ball_dir);  // 0->3, 1->2, 2->1, 3->0
    } else if (b.bricks[new_y] >> new_x & 1) {  // a brick
      strike_toggle = true;
      if (!b.strike) {
        r += 1;
        b.strike = true;
        b.bricks[new_y] = uint16_t(b.bricks[new_y] & ~(1u << new_x));
        new_y = b.last_y;
        b.ball_dir = int8_t(3 - b.ball_dir);
      }
    } else if (new_y == 9) {  // the paddle row
      bool any = false;
      for (int y = 0; y < 10; ++y) any = any || b.bricks[y] != 0;
      if (!any)
        for (int y = 1; y <= 3; ++y) b.bricks[y] = 0x3FF;
      if (b.ball_x == b.pos) {
        b.ball_dir = int8_t(3 - b.ball_dir);
        new_y = b.last_y;
      } else if (new_x == b.pos) {
        b.ball_dir = int8_t(b.ball_dir ^ 2);  // 0->2, 1->3, 2->0, 3->1
        new_y = b.last_y;
      } else {
        terminal = true;
      }
    }
    if (!strike_toggle) b.strike = false;
    b.ball_x = int8_t(new_x);
    b.ball_y = int8_t(new_y);
    return Outcome{r, terminal};
  }

  template <class Obs>
  LMK_HD static void observe(const Board& b, Obs obs) {
    set_cell<4>(obs, b.ball_y, b.ball_x, 1);
    set_cell<4>(obs, 9, b.pos, 0);
    set_cell<4>(obs, b.last_y, b.last_x, 2);
    for (int y = 0; y < 10; ++y)  // branch-free: every brick cell is written
      for (int x = 0; x < 10; ++x) obs[(y * 10 + x) * 4 + 3] = float(b.bricks[y] >> x & 1);
  }
};

}  // namespace lamarck::envs::minatar
