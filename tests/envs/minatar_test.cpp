// MinAtar: the events each game's rules define (tests on boards set up by hand), the two conventions,
// and statistical conformance with the reference MinAtar (golden statistics produced by
// tests/data/envs/gen_minatar.py from the reference source).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <sstream>

#include "lamarck/envs/minatar/asterix.h"
#include "lamarck/envs/minatar/breakout.h"
#include "lamarck/envs/minatar/freeway.h"
#include "lamarck/envs/minatar/seaquest.h"
#include "lamarck/envs/minatar/space_invaders.h"
#include "lamarck/envs/registry.h"
#include "test_util.h"

namespace lamarck::envs::minatar {
namespace {

Philox test_rng(uint64_t seed = 1) { return Philox(derive_key(seed, 5, 0, 0)); }

template <class Game>
typename Game::Board fresh(uint64_t seed = 1) {
  typename Game::Board b{};
  Philox rng = test_rng(seed);
  Game::reset(Params(), b, rng);
  return b;
}

template <class Game>
float cell(const typename Game::Board& b, int y, int x, int c) {
  std::vector<float> obs(size_t(100 * Game::kChannels), 0.0f);
  Game::observe(b, obs.data());
  return obs[size_t((y * 10 + x) * Game::kChannels + c)];
}

// ---- Breakout --------------------------------------------------------------------------------------

TEST(Breakout, ResetLayout) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const auto b = fresh<Breakout>(seed);
    EXPECT_EQ(b.pos, 4);
    EXPECT_EQ(b.ball_y, 3);
    EXPECT_TRUE((b.ball_x == 0 && b.ball_dir == 2) || (b.ball_x == 9 && b.ball_dir == 3));
    int bricks = 0;
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 10; ++x) bricks += int(cell<Breakout>(b, y, x, 3));
    EXPECT_EQ(bricks, 30);
    EXPECT_EQ(cell<Breakout>(b, 9, 4, 0), 1.0f);
    EXPECT_EQ(cell<Breakout>(b, 3, b.ball_x, 1), 1.0f);
  }
}

TEST(Breakout, BouncesOffWallsBricksAndPaddle) {
  Philox rng = test_rng();
  auto b = fresh<Breakout>();
  // side wall: moving down-left at x 0 flips to down-right
  b.ball_x = 0, b.ball_y = 5, b.ball_dir = 3;
  Breakout::act(Params(), b, kNoop, rng);
  EXPECT_EQ(b.ball_dir, 2);
  EXPECT_EQ(b.ball_x, 0);
  EXPECT_EQ(b.ball_y, 6);
  // a brick: +1, removed, the ball stays on its row and turns down
  b.ball_x = 5, b.ball_y = 4, b.ball_dir = 1;  // up-right into (3, 6)
  Outcome o = Breakout::act(Params(), b, kNoop, rng);
  EXPECT_EQ(o.reward, 1.0f);
  EXPECT_EQ(b.bricks[3] >> 6 & 1, 0);
  EXPECT_EQ(b.ball_y, 4);
  EXPECT_EQ(b.ball_dir, 2);
  EXPECT_TRUE(b.strike);
  // the paddle: a ball above the paddle bounces back up
  b.ball_x = 4, b.ball_y = 8, b.ball_dir = 2, b.pos = 4, b.strike = false;
  o = Breakout::act(Params(), b, kNoop, rng);
  EXPECT_FALSE(o.terminal);
  EXPECT_EQ(b.ball_dir, 1);
  EXPECT_EQ(b.ball_y, 8);
  // caught by the paddle's corner: reflected back the way it came
  b.ball_x = 3, b.ball_y = 8, b.ball_dir = 2, b.pos = 4;
  o = Breakout::act(Params(), b, kNoop, rng);
  EXPECT_FALSE(o.terminal);
  EXPECT_EQ(b.ball_dir, 0);
  // missed: terminal
  b.ball_x = 0, b.ball_y = 8, b.ball_dir = 2, b.pos = 9;
  o = Breakout::act(Params(), b, kNoop, rng);
  EXPECT_TRUE(o.terminal);
}

TEST(Breakout, ClearedWallRefillsAtTheBottom) {
  Philox rng = test_rng();
  auto b = fresh<Breakout>();
  for (auto& row : b.bricks) row = 0;
  b.ball_x = 4, b.ball_y = 8, b.ball_dir = 2, b.pos = 4;
  Breakout::act(Params(), b, kNoop, rng);
  EXPECT_EQ(b.bricks[1], 0x3FF);
  EXPECT_EQ(b.bricks[3], 0x3FF);
}

// ---- Asterix ---------------------------------------------------------------------------------------

TEST(Asterix, SpawnsGoldAndEnemiesThatMoveAndCollide) {
  Philox rng = test_rng();
  auto b = fresh<Asterix>();
  // first spawn on the 11th step (spawn_timer starts at 10)
  for (int t = 0; t < 10; ++t) Asterix::act(Params(), b, kNoop, rng);
  int alive = 0;
  for (const auto& e : b.entities) alive += e.x >= 0;
  EXPECT_EQ(alive, 0);
  Asterix::act(Params(), b, kNoop, rng);
  alive = 0;
  for (const auto& e : b.entities) alive += e.x >= 0;
  EXPECT_EQ(alive, 1);
  // gold next to the player, moving onto it: +1 and removed
  b = fresh<Asterix>();
  b.entities[4] = Asterix::Entity{4, true, true};  // row 5, x 4, moving right
  b.move_timer = 0;
  Outcome o = Asterix::act(Params(), b, kNoop, rng);
  EXPECT_EQ(o.reward, 1.0f);
  EXPECT_LT(b.entities[4].x, 0);
  // an enemy where the player steps: terminal (checked before entities move)
  b = fresh<Asterix>();
  b.entities[3] = Asterix::Entity{5, false, false};  // row 4, x 5
  o = Asterix::act(Params(), b, kUp, rng);
  EXPECT_TRUE(o.terminal);
  // entities leave the grid
  b = fresh<Asterix>();
  b.entities[0] = Asterix::Entity{9, true, false};
  b.move_timer = 0;
  Asterix::act(Params(), b, kNoop, rng);
  EXPECT_LT(b.entities[0].x, 0);
}

TEST(Asterix, DifficultyRamps) {
  Philox rng = test_rng();
  Params on, off;
  off.difficulty_ramping = false;
  auto b = fresh<Asterix>(), c = fresh<Asterix>();
  for (auto* board : {&b, &c}) board->player_y = 1;
  int t = 0;
  // keep the board empty so nothing ends the game; only the timers matter
  for (; t < 102; ++t) {
    for (auto& e : b.entities) e.x = -1;
    for (auto& e : c.entities) e.x = -1;
    Asterix::act(on, b, kNoop, rng);
    Asterix::act(off, c, kNoop, rng);
  }
  EXPECT_EQ(b.spawn_speed, 9) << "first ramp after 102 steps";
  EXPECT_EQ(b.move_speed, 5) << "move interval ramps on odd ramps only";
  EXPECT_EQ(b.ramp_index, 1);
  EXPECT_EQ(c.spawn_speed, 10);
  for (; t < 204; ++t) {
    for (auto& e : b.entities) e.x = -1;
    Asterix::act(on, b, kNoop, rng);
  }
  EXPECT_EQ(b.spawn_speed, 8);
  EXPECT_EQ(b.move_speed, 4);
}

// ---- Freeway ---------------------------------------------------------------------------------------

TEST(Freeway, CrossingScoresAndCarsKnockBack) {
  Philox rng = test_rng();
  auto b = fresh<Freeway>();
  for (const auto& c : b.cars) {
    EXPECT_EQ(c.x, 0);
    EXPECT_GE(std::abs(c.speed), 1);
    EXPECT_LE(std::abs(c.speed), 5);
  }
  // the chicken moves at most once every 3 steps
  for (auto& c : b.cars) c.x = 0, c.timer = 100;  // park the cars away from column 4
  b.move_timer = 0;
  Freeway::act(Params(), b, kUp, rng);
  EXPECT_EQ(b.pos, 8);
  Freeway::act(Params(), b, kUp, rng);
  EXPECT_EQ(b.pos, 8);
  // reaching row 0: +1, back to row 9, speeds re-drawn
  b.pos = 1, b.move_timer = 0;
  Outcome o = Freeway::act(Params(), b, kUp, rng);
  EXPECT_EQ(o.reward, 1.0f);
  EXPECT_EQ(b.pos, 9);
  // a car at (row, 4) sends the chicken home
  b.pos = 5;
  b.cars[4] = Freeway::Car{4, 100, 1};
  Freeway::act(Params(), b, kNoop, rng);
  EXPECT_EQ(b.pos, 9);
  // cars wrap around
  b.cars[0] = Freeway::Car{9, 0, 2};
  Freeway::act(Params(), b, kNoop, rng);
  EXPECT_EQ(b.cars[0].x, 0);
  EXPECT_EQ(b.cars[0].timer, 2);
}

TEST(Freeway, EpisodeLengthsOfBothConventions) {
  auto ref = make_env("MinAtar/Freeway-ref", 2, Exec{Device::cpu, 1});
  auto gym = make_env("MinAtar/Freeway", 2, Exec{Device::cpu, 1});
  ref->reset(1);
  gym->reset(1);
  const int32_t noop[2] = {0, 0};
  for (int t = 1; t <= 2501; ++t) {
    ref->step(noop);
    gym->step(noop);
    ASSERT_EQ(ref->terminated()[0], t == 2501) << "reference: terminate_timer < 0 after 2501 steps";
    ASSERT_EQ(ref->truncated()[0], 0);
    ASSERT_EQ(gym->truncated()[0], t == 2500) << "gymnax: truncated at 2500";
  }
}

// ---- Seaquest --------------------------------------------------------------------------------------

TEST(Seaquest, OxygenSurfacingAndRescue) {
  Philox rng = test_rng();
  Params p;
  auto b = fresh<Seaquest>();
  // diving uses oxygen; running out ends the episode
  Seaquest::act(p, b, kDown, rng);
  EXPECT_EQ(b.oxygen, 199);
  EXPECT_FALSE(b.surface);
  b.oxygen = 0;
  b.e_fish.size = b.e_subs.size = 0;
  EXPECT_TRUE(Seaquest::act(p, b, kNoop, rng).terminal);
  // surfacing with no diver ends the episode
  b = fresh<Seaquest>();
  b.sub_y = 1, b.surface = false;
  EXPECT_TRUE(Seaquest::act(p, b, kUp, rng).terminal);
  // surfacing with 6 divers: oxygen * 10 // 200, refill, and the count ends at -1 (reference quirk)
  b = fresh<Seaquest>();
  b.sub_y = 1, b.surface = false, b.diver_count = 6, b.oxygen = 150;
  Outcome o = Seaquest::act(p, b, kUp, rng);
  EXPECT_FALSE(o.terminal);
  EXPECT_EQ(o.reward, 7.0f);
  EXPECT_EQ(b.oxygen, 200);
  EXPECT_EQ(b.diver_count, -1);
  EXPECT_EQ(b.e_spawn_speed, 19) << "surfacing ramps the spawn interval";
  // with fewer divers: no reward, one diver less
  b = fresh<Seaquest>();
  b.sub_y = 1, b.surface = false, b.diver_count = 2;
  o = Seaquest::act(p, b, kUp, rng);
  EXPECT_EQ(o.reward, 0.0f);
  EXPECT_EQ(b.diver_count, 1);
}

// Where gymnax's rules differ from the reference's (Params::gymnax_rules; found by replaying gymnax):
// surfacing without a diver still refills and ramps on the terminal step; with one place left, the diver
// already on the sub's cell is taken before one that moves onto it.
TEST(Seaquest, GymnaxRulesAndReferenceRules) {
  Philox rng = test_rng();
  const Params gymnax;
  const Params reference = reference_params();
  for (const Params& p : {gymnax, reference}) {
    auto b = fresh<Seaquest>();
    b.sub_y = 1, b.surface = false, b.oxygen = 120;
    EXPECT_TRUE(Seaquest::act(p, b, kUp, rng).terminal);
    EXPECT_EQ(b.oxygen, p.gymnax_rules ? 200 : 120);
    EXPECT_EQ(b.diver_count, p.gymnax_rules ? -1 : 0);
    EXPECT_EQ(b.e_spawn_speed, p.gymnax_rules ? 19 : 20);
    // one place left; diver 0 sits on the sub (moving left), diver 1 moves onto it from the left
    b = fresh<Seaquest>();
    b.sub_x = 5, b.sub_y = 4, b.surface = false, b.diver_count = 5;
    b.divers.size = 0;
    b.divers.push(Seaquest::Mover{5, 4, false, 3, 0});
    b.divers.push(Seaquest::Mover{4, 4, true, 0, 0});
    Seaquest::act(p, b, kNoop, rng);
    EXPECT_EQ(b.diver_count, 6);
    ASSERT_EQ(b.divers.size, 1);
    EXPECT_EQ(b.divers.items[0].x, 5);
    EXPECT_EQ(b.divers.items[0].right, p.gymnax_rules) << "gymnax leaves the diver that moved in";
    EXPECT_EQ(b.divers.items[0].move_timer, p.gymnax_rules ? 5 : 2);
  }
}

TEST(Seaquest, ShootingDiversAndEnemyFire) {
  Philox rng = test_rng();
  Params p;
  auto b = fresh<Seaquest>();
  b.sub_y = 3;
  b.e_fish.push(Seaquest::Mover{3, 3, true, 5, 0});  // fish two cells left of the sub
  Outcome o = Seaquest::act(p, b, kFire, rng);       // the bullet flies left into it
  EXPECT_EQ(o.reward, 0.0f);
  EXPECT_EQ(b.f_bullets.size, 1);
  o = Seaquest::act(p, b, kNoop, rng);
  EXPECT_EQ(o.reward, 1.0f);
  EXPECT_EQ(b.e_fish.size, 0);
  EXPECT_EQ(b.f_bullets.size, 0);
  // a diver at the sub is picked up
  b = fresh<Seaquest>();
  b.sub_y = 2;
  b.divers.push(Seaquest::Mover{5, 3, true, 5, 0});
  Seaquest::act(p, b, kDown, rng);
  EXPECT_EQ(b.diver_count, 1);
  EXPECT_EQ(b.divers.size, 0);
  EXPECT_EQ(cell<Seaquest>(b, 9, 8, 8), 1.0f);  // diver gauge
  // an enemy sub fires when its shot timer runs out, and its bullet kills
  b = fresh<Seaquest>();
  b.sub_y = 4;
  b.e_subs.push(Seaquest::Mover{1, 4, true, 9, 0});
  Seaquest::act(p, b, kNoop, rng);
  EXPECT_EQ(b.e_bullets.size, 1);
  bool dead = false;
  for (int t = 0; t < 5 && !dead; ++t) dead = Seaquest::act(p, b, kNoop, rng).terminal;
  EXPECT_TRUE(dead);
  // the oxygen gauge shows oxygen * 10 // 200 cells
  b = fresh<Seaquest>();
  b.oxygen = 95;
  EXPECT_EQ(cell<Seaquest>(b, 9, 3, 7), 1.0f);
  EXPECT_EQ(cell<Seaquest>(b, 9, 4, 7), 0.0f);
}

// ---- SpaceInvaders ---------------------------------------------------------------------------------

TEST(SpaceInvaders, ShootsMarchesAndRespawns) {
  Philox rng = test_rng();
  Params p;
  auto b = fresh<SpaceInvaders>();
  int aliens = 0;
  for (int y = 0; y < 10; ++y) aliens += SpaceInvaders::popcount10(b.aliens[y]);
  EXPECT_EQ(aliens, 24);
  // a bullet fired under column 5 hits the lowest alien (row 3) after 6 rows of flight
  float total = 0;
  total += SpaceInvaders::act(p, b, kFire, rng).reward;
  for (int t = 0; t < 5; ++t) total += SpaceInvaders::act(p, b, kNoop, rng).reward;
  EXPECT_EQ(total, 1.0f);
  // the block marches left every 12 steps, then down and back at the edge
  b = fresh<SpaceInvaders>();
  b.alien_move_timer = 0;
  SpaceInvaders::act(p, b, kNoop, rng);
  EXPECT_EQ(b.aliens[0], 0xFC >> 1);
  b.aliens[0] = 1, b.aliens[1] = b.aliens[2] = b.aliens[3] = 0, b.alien_move_timer = 0;
  SpaceInvaders::act(p, b, kNoop, rng);
  EXPECT_EQ(b.alien_dir, 1);
  EXPECT_EQ(b.aliens[1], 1);
  EXPECT_EQ(b.alien_move_timer, 0) << "one alien: the next march is immediate (min(count, 12) - 1)";
  // clearing the wave respawns it, faster with ramping
  b = fresh<SpaceInvaders>();
  for (auto& row : b.aliens) row = 0;
  b.aliens[8] = 1 << 5;
  b.f_bullets[9] = 1 << 5;  // fired last step: moves up into the alien
  b.alien_shot_timer = 5;
  Outcome o = SpaceInvaders::act(p, b, kNoop, rng);
  EXPECT_EQ(o.reward, 1.0f);
  EXPECT_EQ(b.enemy_move_interval, 11);
  EXPECT_EQ(b.aliens[0], 0xFC);
}

TEST(SpaceInvaders, NearestAlienShootsAndEnemyBulletsKill) {
  Philox rng = test_rng();
  auto b = fresh<SpaceInvaders>();
  b.pos = 0;
  b.alien_shot_timer = 0;
  b.alien_move_timer = 5;
  SpaceInvaders::act(Params(), b, kNoop, rng);
  EXPECT_EQ(b.e_bullets[3], 1 << 2) << "column 2 is nearest to the cannon at 0; its lowest alien is row 3";
  bool dead = false;
  for (int t = 0; t < 8 && !dead; ++t) dead = SpaceInvaders::act(Params(), b, kNoop, rng).terminal;
  EXPECT_FALSE(dead) << "the bullet falls in column 2, the cannon is at 0";
  b = fresh<SpaceInvaders>();
  b.e_bullets[8] = 1 << 5;
  EXPECT_TRUE(SpaceInvaders::act(Params(), b, kNoop, rng).terminal);
}

// ---- conventions -----------------------------------------------------------------------------------

TEST(Conventions, ActionSetsCapsAndStickyActions) {
  EXPECT_EQ(make_env("MinAtar/Breakout", 1)->spec().action.n, 3);
  EXPECT_EQ(make_env("MinAtar/Asterix", 1)->spec().action.n, 5);
  EXPECT_EQ(make_env("MinAtar/Freeway", 1)->spec().action.n, 3);
  EXPECT_EQ(make_env("MinAtar/Seaquest", 1)->spec().action.n, 6);
  EXPECT_EQ(make_env("MinAtar/SpaceInvaders", 1)->spec().action.n, 4);
  EXPECT_EQ(make_env("MinAtar/Breakout", 1)->spec().max_episode_steps, 1000);
  EXPECT_EQ(make_env("MinAtar/Freeway", 1)->spec().max_episode_steps, 2500);
  EXPECT_EQ(make_env("MinAtar/Breakout-ref", 1)->spec().action.n, 6);
  EXPECT_EQ(make_env("MinAtar/Breakout-ref", 1)->spec().max_episode_steps, 0);
  EXPECT_EQ(make_env("MinAtar/Breakout", 1)->spec().observation.shape, (std::vector<int64_t>{10, 10, 4}));
  EXPECT_EQ(make_env("MinAtar/Seaquest", 1)->spec().observation.size(), 1000);

  // sticky probability 1: the first action ever (no-op, 0) repeats forever, across resets
  Batched<MinAtar<Breakout>> env(1, Exec{Device::cpu, 1}, [] {
    Params p = reference_params();
    p.sticky_action_prob = 1.0f;
    return p;
  }());
  env.reset(3);
  const int32_t right = 3;
  for (int t = 0; t < 200; ++t) {
    env.step(&right);
    ASSERT_EQ(env.host_states()[0].board.pos, 4) << "step " << t;
  }
  // minimal action 2 is "right" in Breakout
  Batched<MinAtar<Breakout>> gym(1, Exec{Device::cpu, 1});
  gym.reset(3);
  const int32_t minimal_right = 2;
  gym.step(&minimal_right);
  EXPECT_EQ(gym.host_states()[0].board.pos, 5);
}

// ---- gymnax trajectories -------------------------------------------------------------------------

// zlib's CRC-32 (the checksum the golden file stores per observation).
uint32_t crc32_bytes(const std::vector<uint8_t>& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
  }
  return ~crc;
}

uint32_t obs_crc(const float* obs, size_t size = 400) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(obs[i]);
  return crc32_bytes(bytes);
}

std::vector<std::string> words_after(std::istringstream& in) {
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// The golden episode files of gymnax's MinAtar games: per episode a line
// `episode <e> steps <n> obs0 <crc> [draw words]`, then per step `<action> <reward> <done> <crc> [draw words]`.
struct GoldenStep {
  int action = 0, done = 0;
  float reward = 0;
  uint32_t crc = 0;
  std::vector<std::string> draws;
};
struct GoldenEpisode {
  int episode = 0;
  uint32_t obs0 = 0;
  std::vector<std::string> draws;  // at reset
  std::vector<GoldenStep> steps;
};

std::vector<GoldenEpisode> load_golden_episodes(const std::string& file) {
  std::ifstream in(std::string(LAMARCK_TEST_DATA_DIR) + "/envs/" + file);
  EXPECT_TRUE(in.good()) << "missing tests/data/envs/" << file;
  std::vector<GoldenEpisode> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream head(line);
    std::string word;
    GoldenEpisode e;
    int steps = 0;
    head >> word >> e.episode >> word >> steps >> word >> e.obs0;
    EXPECT_EQ(word, "obs0") << line;
    e.draws = words_after(head);
    for (int t = 0; t < steps && std::getline(in, line); ++t) {
      std::istringstream row(line);
      GoldenStep g;
      row >> g.action >> g.reward >> g.done >> g.crc;
      g.draws = words_after(row);
      e.steps.push_back(std::move(g));
    }
    EXPECT_EQ(int(e.steps.size()), steps) << file << " episode " << e.episode << " is truncated";
    out.push_back(std::move(e));
  }
  return out;
}

// Whole episodes of gymnax's Breakout-MinAtar under a scripted policy (golden file produced by
// tests/data/envs/gen_gymnax_breakout.py from gymnax 1.0.1): lamarck's MinAtar/Breakout (gymnax
// conventions), started at the same side and fed the same actions, gives the same observation, reward
// and end flag at every step, including the truncation at 1000 steps. Breakout draws randomness only at
// reset, so among 16 instances some start like each recorded episode; all step with its actions.
TEST(GymnaxBreakout, TrajectoriesMatchGymnaxStepByStep) {
  int episodes = 0, truncated_episodes = 0;
  for (const GoldenEpisode& e : load_golden_episodes("gymnax_breakout.txt")) {
    const int64_t n = 16;
    auto env = make_env("MinAtar/Breakout", n, Exec{Device::cpu, 1});
    env->reset(uint64_t(e.episode));
    const int64_t obs_size = env->spec().observation.size();
    int64_t pick = -1;
    for (int64_t i = 0; i < n && pick < 0; ++i)
      if (obs_crc(env->observations() + i * obs_size) == e.obs0) pick = i;
    ASSERT_GE(pick, 0) << "no instance starts like episode " << e.episode;
    for (size_t t = 0; t < e.steps.size(); ++t) {
      const GoldenStep& g = e.steps[t];
      const std::vector<int32_t> actions(size_t(n), g.action);
      env->step(actions.data());
      const bool ended = env->terminated()[pick] || env->truncated()[pick];
      const float* obs = (ended ? env->final_observations() : env->observations()) + pick * obs_size;
      const std::string at = "episode " + std::to_string(e.episode) + " step " + std::to_string(t);
      ASSERT_EQ(env->rewards()[pick], g.reward) << at;
      ASSERT_EQ(int(ended), g.done) << at;
      ASSERT_EQ(obs_crc(obs), g.crc) << at;
      if (ended) truncated_episodes += env->truncated()[pick];
    }
    ++episodes;
  }
  EXPECT_EQ(episodes, 6);
  EXPECT_EQ(truncated_episodes, 3);
}

// A random generator that returns scripted values: the outcomes gymnax drew, translated into what the
// game's uniform() and below(n) calls must return to make the same choice. Each call must match the next
// scripted draw in kind and range; a call with nothing scripted, or a draw left over, is a failure.
struct ScriptedRng {
  struct Draw {
    uint32_t range;  // below(range), or 0 for uniform()
    float u;         // uniform()'s value
    uint32_t k;      // below()'s value
  };
  std::deque<Draw> script;
  std::string error;
  void push_uniform(float u) { script.push_back(Draw{0, u, 0}); }
  void push_below(uint32_t range, uint32_t k) { script.push_back(Draw{range, 0.0f, k}); }
  Draw pop(uint32_t range) {
    if (script.empty()) {
      if (error.empty()) error = "the game drew more than gymnax did";
      return Draw{range, 0.5f, 0};
    }
    const Draw d = script.front();
    script.pop_front();
    if (d.range != range && error.empty())
      error = "draw kind/range " + std::to_string(range) + " where gymnax's outcome needs " + std::to_string(d.range);
    return d;
  }
  float uniform() { return pop(0).u; }
  uint32_t below(uint32_t n) { return std::min(pop(n).k, n - 1); }
};

// Per game: the translation of a golden line's draw words into scripted draws, given the board the
// draws are made on. A word list is empty when gymnax used no randomness.
template <class Game>
struct GymnaxDraws;

template <>
struct GymnaxDraws<Asterix> {
  static constexpr const char* kFile = "gymnax_asterix.txt";
  static constexpr int kCap = 1000, kEpisodes = 8;
  static void reset(const std::vector<std::string>&, const Asterix::Board&, ScriptedRng&) {}
  // spawn <lr> <gold> <skipped row> <row> <free>: gymnax's direction (1 = from the left edge), kind,
  // the row its search never looks at, the row it wrote, and whether that row was free.
  static void step(const std::vector<std::string>& w, const Asterix::Board& b, ScriptedRng& rng) {
    if (w.empty()) return;
    ASSERT_EQ(w[0], "spawn");
    const int lr = std::stoi(w[1]), gold = std::stoi(w[2]), skipped = std::stoi(w[3]);
    const int row = std::stoi(w[4]), free = std::stoi(w[5]);
    rng.push_uniform(lr ? 0.25f : 0.75f);
    rng.push_uniform(gold ? 0.1f : 0.9f);
    rng.push_below(8, uint32_t(skipped));
    std::vector<int> free_rows, other_rows;
    for (int i = 0; i < 8; ++i) {
      if (i == skipped) continue;
      other_rows.push_back(i);
      if (b.entities[i].x < 0) free_rows.push_back(i);
    }
    if (free) {
      const auto at = std::find(free_rows.begin(), free_rows.end(), row);
      ASSERT_NE(at, free_rows.end()) << "gymnax spawned into a row lamarck does not see free";
      rng.push_below(uint32_t(free_rows.size()), uint32_t(at - free_rows.begin()));
    } else {
      ASSERT_TRUE(free_rows.empty()) << "gymnax found no free row where lamarck sees one";
      const auto at = std::find(other_rows.begin(), other_rows.end(), row);
      rng.push_below(7, uint32_t(at - other_rows.begin()));
    }
  }
};

// cars <s_1> ... <s_8>: the signed speed gymnax drew for the car of each row (at reset and after each
// crossing); lamarck draws the eight magnitudes, then the eight directions.
template <>
struct GymnaxDraws<Freeway> {
  static constexpr const char* kFile = "gymnax_freeway.txt";
  static constexpr int kCap = 2500, kEpisodes = 3;
  static void cars(const std::vector<std::string>& w, ScriptedRng& rng) {
    if (w.empty()) return;
    ASSERT_EQ(w.size(), 9u);
    ASSERT_EQ(w[0], "cars");
    for (int i = 0; i < 8; ++i) rng.push_below(5, uint32_t(std::abs(std::stoi(w[size_t(i) + 1])) - 1));
    for (int i = 0; i < 8; ++i) rng.push_uniform(std::stoi(w[size_t(i) + 1]) < 0 ? 0.25f : 0.75f);
  }
  static void reset(const std::vector<std::string>& w, const Freeway::Board&, ScriptedRng& rng) { cars(w, rng); }
  static void step(const std::vector<std::string>& w, const Freeway::Board&, ScriptedRng& rng) { cars(w, rng); }
};

// enemy <from the left> <sub> <row>, diver <from the left> <row>: the spawns gymnax made this step.
template <>
struct GymnaxDraws<Seaquest> {
  static constexpr const char* kFile = "gymnax_seaquest.txt";
  static constexpr int kCap = 1000, kEpisodes = 8;
  static void reset(const std::vector<std::string>& w, const Seaquest::Board&, ScriptedRng&) {
    ASSERT_TRUE(w.empty());
  }
  static void step(const std::vector<std::string>& w, const Seaquest::Board&, ScriptedRng& rng) {
    for (size_t i = 0; i < w.size();) {
      if (w[i] == "enemy") {
        ASSERT_LE(i + 4, w.size());
        rng.push_uniform(std::stoi(w[i + 1]) ? 0.25f : 0.75f);
        rng.push_uniform(std::stoi(w[i + 2]) ? 0.1f : 0.9f);
        rng.push_below(8, uint32_t(std::stoi(w[i + 3]) - 1));
        i += 4;
      } else {
        ASSERT_EQ(w[i], "diver");
        ASSERT_LE(i + 3, w.size());
        rng.push_uniform(std::stoi(w[i + 1]) ? 0.25f : 0.75f);
        rng.push_below(8, uint32_t(std::stoi(w[i + 2]) - 1));
        i += 3;
      }
    }
  }
};

// Space Invaders draws nothing, in gymnax as in the reference.
template <>
struct GymnaxDraws<SpaceInvaders> {
  static constexpr const char* kFile = "gymnax_spaceinvaders.txt";
  static constexpr int kCap = 1000, kEpisodes = 6;
  static void reset(const std::vector<std::string>& w, const SpaceInvaders::Board&, ScriptedRng&) {
    ASSERT_TRUE(w.empty());
  }
  static void step(const std::vector<std::string>& w, const SpaceInvaders::Board&, ScriptedRng&) {
    ASSERT_TRUE(w.empty());
  }
};

template <class Game>
class GymnaxEpisodes : public ::testing::Test {};
using GymnaxGames = ::testing::Types<Asterix, Freeway, Seaquest, SpaceInvaders>;
TYPED_TEST_SUITE(GymnaxEpisodes, GymnaxGames);

// Whole episodes of gymnax 1.0.1's MinAtar games under a lookahead policy (golden files produced by
// tests/data/envs/gen_gymnax_minatar.py): lamarck's game under the gymnax conventions, given gymnax's
// random outcomes, reproduces every observation, reward and end flag, up to the step cap.
TYPED_TEST(GymnaxEpisodes, ReplayGymnaxStepByStep) {
  using Game = TypeParam;
  using Draws = GymnaxDraws<Game>;
  using Env = MinAtar<Game>;
  constexpr size_t kObs = size_t(Env::kObsSize);
  Params p;
  p.max_episode_steps = Draws::kCap;
  int episodes = 0, draws_used = 0;
  std::vector<float> obs(kObs);
  for (const GoldenEpisode& e : load_golden_episodes(Draws::kFile)) {
    typename Env::State s{};
    ScriptedRng rng;
    Draws::reset(e.draws, s.board, rng);
    Env::reset(p, s, rng);
    ASSERT_TRUE(rng.error.empty() && rng.script.empty()) << "episode " << e.episode << " reset: " << rng.error;
    Env::observe(p, s, obs.data());
    ASSERT_EQ(obs_crc(obs.data(), kObs), e.obs0) << "episode " << e.episode << " reset";
    for (size_t t = 0; t < e.steps.size(); ++t) {
      const GoldenStep& g = e.steps[t];
      draws_used += !g.draws.empty();
      Draws::step(g.draws, s.board, rng);
      const int32_t a = g.action;
      const Transition tr = Env::step(p, s, &a, rng);
      const std::string at = "episode " + std::to_string(e.episode) + " step " + std::to_string(t);
      ASSERT_TRUE(rng.error.empty() && rng.script.empty()) << at << ": " << rng.error;
      Env::observe(p, s, obs.data());
      ASSERT_EQ(tr.reward, g.reward) << at;
      ASSERT_EQ(int(tr.terminated || int(t) + 1 >= Draws::kCap), g.done) << at;
      ASSERT_EQ(obs_crc(obs.data(), kObs), g.crc) << at;
    }
    ++episodes;
  }
  EXPECT_EQ(episodes, Draws::kEpisodes);
  EXPECT_EQ(draws_used > 0, Game::kName != std::string("SpaceInvaders"));
}

// ---- statistical conformance with the reference --------------------------------------------------

struct RefStats {
  std::string game, action_set;
  int episodes;
  double return_mean, return_se, length_mean, length_se;
};

std::vector<RefStats> load_stats() {
  std::ifstream in(std::string(LAMARCK_TEST_DATA_DIR) + "/envs/minatar_stats.txt");
  EXPECT_TRUE(in.good()) << "missing tests/data/envs/minatar_stats.txt";
  std::vector<RefStats> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    RefStats r;
    s >> r.game >> r.action_set >> r.episodes >> r.return_mean >> r.return_se >> r.length_mean >> r.length_se;
    out.push_back(r);
  }
  return out;
}

class Conformance : public ::testing::TestWithParam<RefStats> {};

// Random-policy episodes under the reference conventions: return and length means agree with the
// reference MinAtar within 3 standard errors of the difference.
TEST_P(Conformance, RandomPolicyMatchesTheReference) {
  const RefStats& ref = GetParam();
  const std::string json = std::string(R"({"minimal_action_set": )") + (ref.action_set == "minimal" ? "true" : "false") + "}";
  const int64_t n = 256;
  auto env = make_env("MinAtar/" + ref.game + "-ref", n, Exec{Device::cpu, 0}, json);
  env->reset(77);
  // the first k episodes of every instance (stopping at a total count would favour short episodes)
  const int k = int((ref.episodes + n - 1) / n);
  std::vector<double> ret(size_t(n), 0.0), len(size_t(n), 0.0), returns, lengths;
  std::vector<int> done(size_t(n), 0);
  int64_t finished = 0;
  testing::RandomActions actions;
  for (uint64_t t = 0; finished < n; ++t) {
    actions.fill(*env, 77, t);
    actions.step(*env);
    for (int64_t i = 0; i < n; ++i) {
      const size_t u = size_t(i);
      ret[u] += env->rewards()[i];
      len[u] += 1;
      if (env->terminated()[i] || env->truncated()[i]) {
        if (done[u] < k) {
          returns.push_back(ret[u]);
          lengths.push_back(len[u]);
          if (++done[u] == k) ++finished;
        }
        ret[u] = len[u] = 0;
      }
    }
  }
  auto mean_se = [](const std::vector<double>& x) {
    double m = 0, v = 0;
    for (double a : x) m += a;
    m /= double(x.size());
    for (double a : x) v += (a - m) * (a - m);
    v /= double(x.size() - 1);
    return std::make_pair(m, std::sqrt(v / double(x.size())));
  };
  const auto [rm, rs] = mean_se(returns);
  const auto [lm, ls] = mean_se(lengths);
  const double r_tol = 3 * std::sqrt(rs * rs + ref.return_se * ref.return_se) + 1e-9;
  const double l_tol = 3 * std::sqrt(ls * ls + ref.length_se * ref.length_se) + 1e-9;
  EXPECT_NEAR(rm, ref.return_mean, r_tol) << ref.game << " " << ref.action_set << " return over " << returns.size();
  EXPECT_NEAR(lm, ref.length_mean, l_tol) << ref.game << " " << ref.action_set << " length over " << lengths.size();
}

INSTANTIATE_TEST_SUITE_P(Reference, Conformance, ::testing::ValuesIn(load_stats()),
                         [](const ::testing::TestParamInfo<RefStats>& info) {
                           return info.param.game + "_" + info.param.action_set;
                         });

}  // namespace
}  // namespace lamarck::envs::minatar
