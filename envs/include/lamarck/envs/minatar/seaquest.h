// MinAtar Seaquest (reference: minatar/environments/seaquest.py, MinAtar 1.0.15). See minatar.h.
// Channels: sub_front 0, sub_back 1, friendly_bullet 2, trail 3, enemy_bullet 4, enemy_fish 5,
// enemy_sub 6, oxygen_guage 7, diver_guage 8, diver 9. Minimal actions: all 6.
// The sub shoots fish and enemy subs (+1 each), collects up to 6 divers, and must surface before its
// oxygen (200) runs out; surfacing with no diver ends the episode, with 6 divers it pays
// oxygen * 10 // 200. Enemy subs shoot. With ramping, each surfacing speeds enemies up.
//
// The reference keeps Python lists and updates them in reverse order, removing entries as it goes;
// lists here are fixed arrays kept in insertion order and walked the same way, so the rules, their
// order and the quirks match: a sub that was shot or left the screen this step still fires if its
// shot timer is due (the bullet of an off-screen sub leaves at once), and after a full rescue the
// diver count ends at -1. The capacities below are far above what the rules allow at once; a spawn
// that would not fit is dropped.
//
// gymnax 1.0 (Params::gymnax_rules) deviates in two ways that reach observations: surfacing with no
// diver ends the episode but still refills the oxygen, counts the diver down to -1 and ramps (the last
// observation shows a full oxygen bar), a sub that left the screen or was shot this step does not
// fire, and divers are picked up in two passes (those already on the sub's cell, in list order, then,
// after all others moved, those that reached it), which differs from the reference's one backward walk
// only when a single place is left and two divers reach the sub in the same step.
#pragma once

#include <cstdint>

#include "lamarck/envs/minatar/minatar.h"

namespace lamarck::envs::minatar {

struct Seaquest {
  static constexpr const char* kName = "Seaquest";
  static constexpr int kChannels = 10;
  static constexpr int kNumMinimalActions = 6;
  static constexpr int kMaxOxygen = 200, kInitSpawnSpeed = 20, kDiverSpawnSpeed = 30, kInitMoveInterval = 5,
                       kShotCoolDown = 5, kEnemyShotInterval = 10, kDiverMoveInterval = 5;
  static constexpr int kMaxBullets = 16, kMaxEnemies = 24, kMaxEnemyBullets = 32, kMaxDivers = 12;
  LMK_HD static int32_t minimal_action(int32_t a) { return a; }

  struct Mover {
    int8_t x, y;
    bool right;
    int8_t move_timer;  // fish, subs, divers: steps until the next move
    int8_t shot_timer;  // subs: steps until the next shot
  };
  template <int N>
  struct List {
    Mover items[N];
    int32_t size;
    LMK_HD void push(const Mover& m) {
      if (size < N) items[size++] = m;
    }
    LMK_HD void remove(int i) {
      for (int k = i; k + 1 < size; ++k) items[k] = items[k + 1];
      --size;
    }
    // The first item at (x, y), or -1.
    LMK_HD int find(int x, int y) const {
      for (int k = 0; k < size; ++k)
        if (items[k].x == x && items[k].y == y) return k;
      return -1;
    }
  };

  struct Board {
    List<kMaxBullets> f_bullets;
    List<kMaxEnemyBullets> e_bullets;
    List<kMaxEnemies> e_fish, e_subs;
    List<kMaxDivers> divers;
    int16_t oxygen, diver_count;
    int8_t sub_x, sub_y;
    bool sub_or;  // facing right
    bool surface;
    int16_t e_spawn_speed, e_spawn_timer, d_spawn_timer, move_speed, ramp_index, shot_timer;
  };

  template <class Rng>
  LMK_HD static void reset(const Params&, Board& b, Rng&) {
    b.oxygen = kMaxOxygen;
    b.diver_count = 0;
    b.sub_x = 5;
    b.sub_y = 0;
    b.sub_or = false;
    b.f_bullets.size = b.e_bullets.size = b.e_fish.size = b.e_subs.size = b.divers.size = 0;
    b.e_spawn_speed = kInitSpawnSpeed;
    b.e_spawn_timer = b.e_spawn_speed;
    b.d_spawn_timer = kDiverSpawnSpeed;
    b.move_speed = kInitMoveInterval;
    b.ramp_index = 0;
    b.shot_timer = 0;
    b.surface = true;
  }

  template <class Rng>
  LMK_HD static void spawn_enemy(Board& b, Rng& rng) {
    const bool right = rng.uniform() < 0.5f;
    const bool is_sub = rng.uniform() < 1.0f / 3.0f;
    const int8_t x = right ? 0 : 9;
    const int8_t y = int8_t(1 + rng.below(8));
    // no spawn into a row that holds an enemy moving the other way
    for (int k = 0; k < b.e_subs.size; ++k)
      if (b.e_subs.items[k].y == y && b.e_subs.items[k].right != right) return;
    for (int k = 0; k < b.e_fish.size; ++k)
      if (b.e_fish.items[k].y == y && b.e_fish.items[k].right != right) return;
    if (is_sub)
      b.e_subs.push(Mover{x, y, right, int8_t(b.move_speed), kEnemyShotInterval});
    else
      b.e_fish.push(Mover{x, y, right, int8_t(b.move_speed), 0});
  }

  template <class Rng>
  LMK_HD static void spawn_diver(Board& b, Rng& rng) {
    const bool right = rng.uniform() < 0.5f;
    const int8_t y = int8_t(1 + rng.below(8));
    b.divers.push(Mover{int8_t(right ? 0 : 9), y, right, kDiverMoveInterval, 0});
  }

  LMK_HD static bool at_sub(const Board& b, const Mover& m) { return m.x == b.sub_x && m.y == b.sub_y; }

  // The reference: one backward walk, each diver picked up or moved in turn.
  LMK_HD static void walk_divers(Board& b) {
    for (int i = b.divers.size - 1; i >= 0; --i) {
      Mover& m = b.divers.items[i];
      if (at_sub(b, m) && b.diver_count < 6) {
        b.divers.remove(i);
        b.diver_count += 1;
      } else if (m.move_timer == 0) {
        m.move_timer = kDiverMoveInterval;
        m.x = int8_t(m.x + (m.right ? 1 : -1));
        if (m.x < 0 || m.x > 9) {
          b.divers.remove(i);
        } else if (at_sub(b, m) && b.diver_count < 6) {
          b.divers.remove(i);
          b.diver_count += 1;
        }
      } else {
        m.move_timer -= 1;
      }
    }
  }

  // gymnax: the divers on the sub's cell, in list order, while there is room.
  LMK_HD static void pick_up_divers(Board& b) {
    for (int i = 0; i < b.divers.size;) {
      if (at_sub(b, b.divers.items[i]) && b.diver_count < 6) {
        b.divers.remove(i);
        b.diver_count += 1;
      } else {
        ++i;
      }
    }
  }

  // Fish and subs: collide, move, leave, get shot (the reference's two near-identical loops).
  template <int N>
  LMK_HD static void move_enemies(const Params& p, Board& b, List<N>& list, bool subs, float& r, bool& terminal) {
    for (int i = list.size - 1; i >= 0; --i) {
      Mover m = list.items[i];
      bool removed = false;
      if (at_sub(b, m)) terminal = true;
      if (m.move_timer == 0) {
        m.move_timer = int8_t(b.move_speed);
        m.x = int8_t(m.x + (m.right ? 1 : -1));
        if (m.x < 0 || m.x > 9) {
          removed = true;
        } else if (at_sub(b, m)) {
          terminal = true;
        } else {
          const int hit = b.f_bullets.find(m.x, m.y);
          if (hit >= 0) {
            removed = true;
            b.f_bullets.remove(hit);
            r += 1;
          }
        }
      } else {
        m.move_timer -= 1;
      }
      if (subs && !(removed && p.gymnax_rules)) {  // a removed sub still fires (reference quirk)
        if (m.shot_timer == 0) {
          m.shot_timer = kEnemyShotInterval;
          b.e_bullets.push(Mover{m.x, m.y, m.right, 0, 0});
        } else {
          m.shot_timer -= 1;
        }
      }
      if (removed)
        list.remove(i);
      else
        list.items[i] = m;
    }
  }

  template <class Rng>
  LMK_HD static Outcome act(const Params& p, Board& b, int32_t a, Rng& rng) {
    float r = 0;
    bool terminal = false;
    if (b.e_spawn_timer == 0) {
      spawn_enemy(b, rng);
      b.e_spawn_timer = b.e_spawn_speed;
    }
    if (b.d_spawn_timer == 0) {
      spawn_diver(b, rng);
      b.d_spawn_timer = kDiverSpawnSpeed;
    }
    if (a == kFire && b.shot_timer == 0) {
      b.f_bullets.push(Mover{b.sub_x, b.sub_y, b.sub_or, 0, 0});
      b.shot_timer = kShotCoolDown;
    } else if (a == kLeft) {
      b.sub_x = b.sub_x > 0 ? b.sub_x - 1 : 0;
      b.sub_or = false;
    } else if (a == kRight) {
      b.sub_x = b.sub_x < 9 ? b.sub_x + 1 : 9;
      b.sub_or = true;
    } else if (a == kUp) {
      b.sub_y = b.sub_y > 0 ? b.sub_y - 1 : 0;
    } else if (a == kDown) {
      b.sub_y = b.sub_y < 8 ? b.sub_y + 1 : 8;
    }
    // friendly bullets: move, leave, hit a fish (first) or a sub
    for (int i = b.f_bullets.size - 1; i >= 0; --i) {
      Mover& m = b.f_bullets.items[i];
      m.x = int8_t(m.x + (m.right ? 1 : -1));
      if (m.x < 0 || m.x > 9) {
        b.f_bullets.remove(i);
        continue;
      }
      int hit = b.e_fish.find(m.x, m.y);
      if (hit >= 0) {
        b.e_fish.remove(hit);
      } else if ((hit = b.e_subs.find(m.x, m.y)) >= 0) {
        b.e_subs.remove(hit);
      }
      if (hit >= 0) {
        b.f_bullets.remove(i);
        r += 1;
      }
    }
    // divers: picked up (at most 6), otherwise move every 5 steps
    if (p.gymnax_rules) {
      pick_up_divers(b);
      for (int i = b.divers.size - 1; i >= 0; --i) {
        Mover& m = b.divers.items[i];
        if (m.move_timer > 0) {
          m.move_timer -= 1;
          continue;
        }
        m.move_timer = kDiverMoveInterval;
        m.x = int8_t(m.x + (m.right ? 1 : -1));
        if (m.x < 0 || m.x > 9) b.divers.remove(i);
      }
      pick_up_divers(b);
    } else {
      walk_divers(b);
    }
    move_enemies(p, b, b.e_subs, true, r, terminal);
    // enemy bullets: hit before and after moving
    for (int i = b.e_bullets.size - 1; i >= 0; --i) {
      Mover& m = b.e_bullets.items[i];
      if (at_sub(b, m)) terminal = true;
      m.x = int8_t(m.x + (m.right ? 1 : -1));
      if (m.x < 0 || m.x > 9)
        b.e_bullets.remove(i);
      else if (at_sub(b, m))
        terminal = true;
    }
    move_enemies(p, b, b.e_fish, false, r, terminal);
    if (b.e_spawn_timer > 0) b.e_spawn_timer -= 1;
    if (b.d_spawn_timer > 0) b.d_spawn_timer -= 1;
    if (b.shot_timer > 0) b.shot_timer -= 1;
    // oxygen and surfacing
    if (b.oxygen <= 0) terminal = true;
    if (b.sub_y > 0) {
      b.oxygen -= 1;
      b.surface = false;
    } else if (!b.surface) {
      if (b.diver_count == 0) {
        terminal = true;
        if (p.gymnax_rules) surface(p, b);  // gymnax surfaces anyway (pays nothing)
      } else {
        r += surface(p, b);
      }
    }
    return Outcome{r, terminal};
  }

  LMK_HD static float surface(const Params& p, Board& b) {
    b.surface = true;
    int reward = 0;
    if (b.diver_count == 6) {
      b.diver_count = 0;
      reward = b.oxygen * 10 / kMaxOxygen;
    }
    b.oxygen = kMaxOxygen;
    b.diver_count -= 1;  // -1 after a full rescue (reference quirk)
    if (p.difficulty_ramping && (b.e_spawn_speed > 1 || b.move_speed > 2)) {
      if (b.move_speed > 2 && (b.ramp_index % 2)) b.move_speed -= 1;
      if (b.e_spawn_speed > 1) b.e_spawn_speed -= 1;
      b.ramp_index += 1;
    }
    return float(reward);
  }

  template <class Obs>
  LMK_HD static void observe(const Board& b, Obs obs) {
    set_cell<10>(obs, b.sub_y, b.sub_x, 0);
    const int back = b.sub_or ? b.sub_x - 1 : b.sub_x + 1;
    // the rules never put the back off the grid (facing right needs a right move, which leaves x 0)
    set_cell<10>(obs, b.sub_y, back < 0 ? 9 : (back > 9 ? 9 : back), 1);
    const int oxygen_cells = (b.oxygen > 0 ? b.oxygen : 0) * 10 / kMaxOxygen;
    for (int x = 0; x < oxygen_cells; ++x) set_cell<10>(obs, 9, x, 7);
    // state[9, 9 - diver_count : 9]: empty for diver_count <= 0
    for (int x = 9 - b.diver_count; x < 9; ++x)
      if (x >= 0) set_cell<10>(obs, 9, x, 8);
    for (int k = 0; k < b.f_bullets.size; ++k) set_cell<10>(obs, b.f_bullets.items[k].y, b.f_bullets.items[k].x, 2);
    for (int k = 0; k < b.e_bullets.size; ++k) set_cell<10>(obs, b.e_bullets.items[k].y, b.e_bullets.items[k].x, 4);
    trail(obs, b.e_fish.items, b.e_fish.size, 5);
    trail(obs, b.e_subs.items, b.e_subs.size, 6);
    trail(obs, b.divers.items, b.divers.size, 9);
  }

  template <class Obs>
  LMK_HD static void trail(Obs obs, const Mover* items, int n, int channel) {
    for (int k = 0; k < n; ++k) {
      const Mover& m = items[k];
      set_cell<10>(obs, m.y, m.x, channel);
      const int back_x = m.right ? m.x - 1 : m.x + 1;
      if (back_x >= 0 && back_x <= 9) set_cell<10>(obs, m.y, back_x, 3);
    }
  }
};

}  // namespace lamarck::envs::minatar
