// MinAtar SpaceInvaders (reference: minatar/environments/space_invaders.py, MinAtar 1.0.15).
// See minatar.h. Channels: cannon 0, alien 1, alien_left 2, alien_right 3, friendly_bullet 4,
// enemy_bullet 5. Minimal actions {no-op, left, right, fire}.
// A 4x6 block of aliens marches sideways and down; the cannon shoots (cool-down 5) for +1 per alien;
// the alien nearest the cannon shoots every 10 steps; an enemy bullet or an alien at the cannon ends
// the episode. When a wave is cleared the next one respawns and, with ramping, marches faster.
#pragma once

#include <cstdint>

#include "lamarck/envs/minatar/minatar.h"

namespace lamarck::envs::minatar {

struct SpaceInvaders {
  static constexpr const char* kName = "SpaceInvaders";
  static constexpr int kChannels = 6;
  static constexpr int kNumMinimalActions = 4;
  static constexpr int kShotCoolDown = 5, kEnemyMoveInterval = 12, kEnemyShotInterval = 10;
  LMK_HD static int32_t minimal_action(int32_t a) {
    return a == 1 ? kLeft : (a == 2 ? kRight : (a == 3 ? kFire : kNoop));
  }

  struct Board {
    uint16_t aliens[10], f_bullets[10], e_bullets[10];  // bit x of row y
    int8_t pos, alien_dir;
    int16_t enemy_move_interval, alien_move_timer, alien_shot_timer, ramp_index, shot_timer;
  };

  LMK_HD static void spawn_wave(Board& b) {
    for (int y = 0; y < 10; ++y) b.aliens[y] = y < 4 ? uint16_t(0xFC) : uint16_t(0);  // columns 2..7
  }

  template <class Rng>
  LMK_HD static void reset(const Params&, Board& b, Rng&) {
    b.pos = 5;
    for (int y = 0; y < 10; ++y) b.f_bullets[y] = b.e_bullets[y] = 0;
    spawn_wave(b);
    b.alien_dir = -1;
    b.enemy_move_interval = kEnemyMoveInterval;
    b.alien_move_timer = b.enemy_move_interval;
    b.alien_shot_timer = kEnemyShotInterval;
    b.ramp_index = 0;
    b.shot_timer = 0;
  }

  LMK_HD static int popcount10(uint16_t v) {
    int n = 0;
    for (int x = 0; x < 10; ++x) n += v >> x & 1;
    return n;
  }

  template <class Rng>
  LMK_HD static Outcome act(const Params& p, Board& b, int32_t a, Rng&) {
    float r = 0;
    bool terminal = false;
    if (a == kFire && b.shot_timer == 0) {
      b.f_bullets[9] = uint16_t(b.f_bullets[9] | 1u << b.pos);
      b.shot_timer = kShotCoolDown;
    } else if (a == kLeft) {
      b.pos = b.pos > 0 ? b.pos - 1 : 0;
    } else if (a == kRight) {
      b.pos = b.pos < 9 ? b.pos + 1 : 9;
    }
    // friendly bullets up a row (the top row leaves), enemy bullets down a row (the bottom row leaves)
    for (int y = 0; y < 9; ++y) b.f_bullets[y] = b.f_bullets[y + 1];
    b.f_bullets[9] = 0;
    for (int y = 9; y > 0; --y) b.e_bullets[y] = b.e_bullets[y - 1];
    b.e_bullets[0] = 0;
    if (b.e_bullets[9] >> b.pos & 1) terminal = true;
    if (b.aliens[9] >> b.pos & 1) terminal = true;
    // the alien block marches
    if (b.alien_move_timer == 0) {
      int count = 0;
      uint16_t cols = 0;
      for (int y = 0; y < 10; ++y) {
        count += popcount10(b.aliens[y]);
        cols = uint16_t(cols | b.aliens[y]);
      }
      b.alien_move_timer = int16_t(count < b.enemy_move_interval ? count : b.enemy_move_interval);
      if (((cols & 1u) && b.alien_dir < 0) || ((cols >> 9 & 1u) && b.alien_dir > 0)) {
        b.alien_dir = int8_t(-b.alien_dir);
        if (b.aliens[9]) terminal = true;
        const uint16_t bottom = b.aliens[9];  // np.roll: row 9 wraps to row 0
        for (int y = 9; y > 0; --y) b.aliens[y] = b.aliens[y - 1];
        b.aliens[0] = bottom;
      } else {
        for (int y = 0; y < 10; ++y)
          b.aliens[y] = uint16_t(b.alien_dir > 0 ? (b.aliens[y] << 1) & 0x3FF : b.aliens[y] >> 1);
      }
      if (b.aliens[9] >> b.pos & 1) terminal = true;
    }
    // the lowest alien of the column nearest the cannon shoots (ties: the left column first)
    if (b.alien_shot_timer == 0) {
      b.alien_shot_timer = kEnemyShotInterval;
      bool fired = false;
      for (int d = 0; d < 10 && !fired; ++d) {
        for (int side = 0; side < 2 && !fired; ++side) {
          const int x = side == 0 ? b.pos - d : b.pos + d;
          if (x < 0 || x > 9 || (d == 0 && side == 1)) continue;
          for (int y = 9; y >= 0; --y) {
            if (b.aliens[y] >> x & 1) {
              b.e_bullets[y] = uint16_t(b.e_bullets[y] | 1u << x);
              fired = true;
              break;
            }
          }
        }
      }
    }
    // kills
    for (int y = 0; y < 10; ++y) {
      const uint16_t kill = uint16_t(b.aliens[y] & b.f_bullets[y]);
      r += float(popcount10(kill));
      b.aliens[y] = uint16_t(b.aliens[y] & ~kill);
      b.f_bullets[y] = uint16_t(b.f_bullets[y] & ~kill);
    }
    if (b.shot_timer > 0) b.shot_timer -= 1;
    b.alien_move_timer -= 1;
    b.alien_shot_timer -= 1;
    // a cleared wave respawns (faster, with ramping)
    bool any = false;
    for (int y = 0; y < 10; ++y) any = any || b.aliens[y] != 0;
    if (!any) {
      if (b.enemy_move_interval > 6 && p.difficulty_ramping) {
        b.enemy_move_interval -= 1;
        b.ramp_index += 1;
      }
      spawn_wave(b);
    }
    return Outcome{r, terminal};
  }

  template <class Obs>
  LMK_HD static void observe(const Board& b, Obs obs) {
    set_cell<6>(obs, 9, b.pos, 0);
    const int dir_channel = b.alien_dir < 0 ? 2 : 3;
    for (int y = 0; y < 10; ++y) {  // branch-free: every alien and bullet cell is written
      for (int x = 0; x < 10; ++x) {
        const int cell = (y * 10 + x) * 6;
        const float alien = float(b.aliens[y] >> x & 1);
        obs[cell + 1] = alien;
        obs[cell + dir_channel] = alien;
        obs[cell + 4] = float(b.f_bullets[y] >> x & 1);
        obs[cell + 5] = float(b.e_bullets[y] >> x & 1);
      }
    }
  }
};

}  // namespace lamarck::envs::minatar
