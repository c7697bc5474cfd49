// MinAtar Asterix (reference: minatar/environments/asterix.py, MinAtar 1.0.15). See minatar.h.
// Channels: player 0, enemy 1, trail 2, gold 3. Minimal actions {no-op, left, up, right, down}.
// Enemies and gold spawn at a side of a random free row (1..8) and cross it; touching gold gives +1,
// touching an enemy ends the episode (checked before and after entities move). With ramping, every
// 101 steps the spawn interval drops by one and, every second ramp, the move interval too.
//
// gymnax 1.0 (Params::gymnax_rules) picks the spawn row differently: it visits the rows in a random
// order but never looks at the first one visited, and when no other row is free it overwrites the last
// row visited with an empty slot, deleting whatever crossed there. So a spawn into a full board (or one
// whose only free row was the first visited) removes a random entity instead of doing nothing.
#pragma once

#include <cstdint>

#include "lamarck/envs/minatar/minatar.h"

namespace lamarck::envs::minatar {

struct Asterix {
  static constexpr const char* kName = "Asterix";
  static constexpr int kChannels = 4;
  static constexpr int kNumMinimalActions = 5;
  static constexpr int kRampInterval = 100, kInitSpawnSpeed = 10, kInitMoveInterval = 5;
  LMK_HD static int32_t minimal_action(int32_t a) { return a; }  // {0, 1, 2, 3, 4}

  struct Entity {
    int8_t x;        // column, or -1 when the slot (row slot + 1) is free
    bool right;      // moves right (spawned at x = 0)
    bool gold;       // gold (+1) or enemy (terminal)
  };
  struct Board {
    Entity entities[8];  // slot i lives in row i + 1
    int8_t player_x, player_y;
    int16_t spawn_speed, spawn_timer, move_speed, move_timer, ramp_timer, ramp_index;
  };

  template <class Rng>
  LMK_HD static void reset(const Params&, Board& b, Rng&) {
    b.player_x = 5;
    b.player_y = 5;
    for (auto& e : b.entities) e.x = -1;
    b.spawn_speed = kInitSpawnSpeed;
    b.spawn_timer = b.spawn_speed;
    b.move_speed = kInitMoveInterval;
    b.move_timer = b.move_speed;
    b.ramp_timer = kRampInterval;
    b.ramp_index = 0;
  }

  // Draws, in order: direction, kind, then the row (reference: one draw among the free rows; gymnax:
  // the unvisited first row, then one among the other free rows or, if none, among the other rows).
  template <class Rng>
  LMK_HD static void spawn(const Params& p, Board& b, Rng& rng) {
    const bool right = rng.uniform() < 0.5f;
    const bool gold = rng.uniform() < 1.0f / 3.0f;
    const int skipped = p.gymnax_rules ? int(rng.below(8)) : -1;
    int free_slots[8], n = 0;
    for (int i = 0; i < 8; ++i)
      if (i != skipped && b.entities[i].x < 0) free_slots[n++] = i;
    if (n > 0) {
      const int slot = free_slots[rng.below(uint32_t(n))];
      b.entities[slot] = Entity{int8_t(right ? 0 : 9), right, gold};
    } else if (p.gymnax_rules) {  // one of the 7 rows other than the skipped one
      const int k = int(rng.below(7));
      b.entities[k < skipped ? k : k + 1].x = -1;
    }
  }

  // Gold at the player is collected, an enemy there ends the episode.
  LMK_HD static void collide(Board& b, float& r, bool& terminal) {
    for (int i = 0; i < 8; ++i) {
      Entity& e = b.entities[i];
      if (e.x >= 0 && e.x == b.player_x && i + 1 == b.player_y) {
        if (e.gold) {
          e.x = -1;
          r += 1;
        } else {
          terminal = true;
        }
      }
    }
  }

  template <class Rng>
  LMK_HD static Outcome act(const Params& p, Board& b, int32_t a, Rng& rng) {
    float r = 0;
    bool terminal = false;
    if (b.spawn_timer == 0) {
      spawn(p, b, rng);
      b.spawn_timer = b.spawn_speed;
    }
    if (a == kLeft) b.player_x = b.player_x > 0 ? b.player_x - 1 : 0;
    else if (a == kRight) b.player_x = b.player_x < 9 ? b.player_x + 1 : 9;
    else if (a == kUp) b.player_y = b.player_y > 1 ? b.player_y - 1 : 1;
    else if (a == kDown) b.player_y = b.player_y < 8 ? b.player_y + 1 : 8;
    collide(b, r, terminal);
    if (b.move_timer == 0) {
      b.move_timer = b.move_speed;
      for (int i = 0; i < 8; ++i) {
        Entity& e = b.entities[i];
        if (e.x < 0) continue;
        const int x = e.x + (e.right ? 1 : -1);
        e.x = (x < 0 || x > 9) ? int8_t(-1) : int8_t(x);
        if (e.x >= 0 && e.x == b.player_x && i + 1 == b.player_y) {
          if (e.gold) {
            e.x = -1;
            r += 1;
          } else {
            terminal = true;
          }
        }
      }
    }
    b.spawn_timer -= 1;
    b.move_timer -= 1;
    // difficulty ramping (ramp_timer >= 0 counts 101 steps per ramp, as in the reference)
    if (p.difficulty_ramping && (b.spawn_speed > 1 || b.move_speed > 1)) {
      if (b.ramp_timer >= 0) {
        b.ramp_timer -= 1;
      } else {
        if (b.move_speed > 1 && (b.ramp_index % 2)) b.move_speed -= 1;
        if (b.spawn_speed > 1) b.spawn_speed -= 1;
        b.ramp_index += 1;
        b.ramp_timer = kRampInterval;
      }
    }
    return Outcome{r, terminal};
  }

  template <class Obs>
  LMK_HD static void observe(const Board& b, Obs obs) {
    set_cell<4>(obs, b.player_y, b.player_x, 0);
    for (int i = 0; i < 8; ++i) {
      const Entity& e = b.entities[i];
      if (e.x < 0) continue;
      set_cell<4>(obs, i + 1, e.x, e.gold ? 3 : 1);
      const int back_x = e.right ? e.x - 1 : e.x + 1;
      if (back_x >= 0 && back_x <= 9) set_cell<4>(obs, i + 1, back_x, 2);
    }
  }
};

}  // namespace lamarck::envs::minatar
