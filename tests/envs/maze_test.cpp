// The UED maze against JaxUED: every step of the recorded episodes (tests/data/envs/jaxued_maze_episodes.txt,
// produced by tests/data/envs/gen_jaxued_maze.py from the reference source), the holdout layouts
// (maze_holdout_levels.txt), the level text format and its errors, the level telemetry on hand-made levels,
// and the generator's and mutator's distributions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lamarck/core/config.h"
#include "lamarck/core/rng.h"
#include "lamarck/envs/maze/levels.h"
#include "lamarck/envs/registry.h"

namespace lamarck::envs::maze {
namespace {

// A level line of the data files: "level NAME W H AX AY ADIR GX GY BITS".
struct DataLevels {
  std::map<std::string, Layout> levels;
  std::map<std::string, std::string> prefabs;  // JaxUED prefab strings, rows joined by '|'
  std::vector<std::string> too_large;         // levels beyond kMaxSide
};

void read_levels(const std::string& file, DataLevels& out) {
  std::ifstream in(std::string(LAMARCK_TEST_DATA_DIR) + "/envs/" + file);
  ASSERT_TRUE(in.good()) << "missing tests/data/envs/" << file;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string kind, name;
    s >> kind >> name;
    if (kind == "prefab") {
      std::string text;
      s >> text;
      out.prefabs[name] = text;
    }
    if (kind != "level") continue;
    int w, h, ax, ay, ad, gx, gy;
    std::string bits;
    s >> w >> h >> ax >> ay >> ad >> gx >> gy >> bits;
    ASSERT_EQ(int(bits.size()), w * h) << line.substr(0, 80);
    if (w > kMaxSide || h > kMaxSide) {
      out.too_large.push_back(name);
      continue;
    }
    Layout l;
    l.width = w;
    l.height = h;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) l.set_wall(x, y, bits[size_t(y * w + x)] == '1');
    l.agent_x = ax, l.agent_y = ay, l.agent_dir = ad, l.goal_x = gx, l.goal_y = gy;
    out.levels[name] = l;
  }
}

DataLevels all_data_levels() {
  DataLevels d;
  read_levels("maze_holdout_levels.txt", d);
  read_levels("jaxued_maze_episodes.txt", d);
  return d;
}

bool same_layout(const Layout& a, const Layout& b) {
  return a.width == b.width && a.height == b.height && a.walls == b.walls && a.agent_x == b.agent_x &&
         a.agent_y == b.agent_y && a.agent_dir == b.agent_dir && a.goal_x == b.goal_x && a.goal_y == b.goal_y;
}

std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) out[i] = uint8_t(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

// ---- dynamics ---------------------------------------------------------------------------------------------

struct NoRng {};

// Replays every recorded JaxUED episode through Maze::reset/step/observe (raw uint8 observations, as recorded)
// and requires every observation, reward (bit for bit), done flag and agent pose to match.
TEST(Maze, EveryRecordedJaxUEDStepMatches) {
  const DataLevels data = all_data_levels();
  std::ifstream in(std::string(LAMARCK_TEST_DATA_DIR) + "/envs/jaxued_maze_episodes.txt");
  ASSERT_TRUE(in.good());
  std::string line;
  Maze::Params p;
  Maze::State s{};
  std::string episode;
  bool skipping = false;
  int episodes = 0, steps = 0, goals = 0, skipped = 0;
  NoRng rng;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "episode") {
      int max_steps;
      ls >> episode >> max_steps;
      skipping = data.levels.count(episode) == 0;
      if (skipping) {
        ++skipped;
        continue;
      }
      p = level_params(data.levels.at(episode));
      p.max_episode_steps = max_steps;
      p.normalize_obs = false;
      Maze::reset(p, s, rng);
      ++episodes;
    }
    if (skipping || (kind != "obs0" && kind != "step")) continue;
    std::string hex;
    int dir_obs;
    if (kind == "step") {
      int t, action, done, ax, ay, ad;
      std::string reward_text;
      ls >> t >> action >> reward_text >> done >> ax >> ay >> ad >> hex >> dir_obs;
      const int32_t a = action;
      const Transition tr = Maze::step(p, s, &a, rng);
      const bool truncated = s.time >= p.max_episode_steps;
      const float want = float(std::strtod(reward_text.c_str(), nullptr));
      ASSERT_EQ(tr.reward, want) << episode << " step " << t;  // bit for bit (XLA's fused multiply-add)
      ASSERT_EQ(int(tr.terminated || truncated), done) << episode << " step " << t;
      ASSERT_EQ(s.time, t) << episode;
      ASSERT_EQ(int(s.x), ax) << episode << " step " << t;
      ASSERT_EQ(int(s.y), ay) << episode << " step " << t;
      ASSERT_EQ(int(s.dir), ad) << episode << " step " << t;
      ++steps;
      goals += tr.terminated;
    } else {
      ls >> hex >> dir_obs;
    }
    float obs[Maze::kObsSize];
    Maze::observe(p, s, obs);
    const std::vector<uint8_t> want = from_hex(hex);
    ASSERT_EQ(int(want.size()), kImageSize);
    for (int k = 0; k < kImageSize; ++k) ASSERT_EQ(obs[k], float(want[size_t(k)])) << episode << " t=" << s.time << " k=" << k;
    ASSERT_EQ(obs[kImageSize], float(dir_obs)) << episode;
  }
  // 63 episodes, 3937 steps, 58 goals in the file; PerfectMazeXL (101 x 101, 1 episode) is beyond kMaxSide
  EXPECT_EQ(episodes + skipped, 63);
  EXPECT_EQ(skipped, 1);
  EXPECT_GE(steps, 3000);
  EXPECT_GE(goals, 55);
}

// The bitmask observation equals the cell-by-cell rule at every cell and direction of random levels of
// every shape (edges, corners, widths up to 32), raw and normalised, with and without see_agent.
TEST(Maze, FastObservationEqualsTheCellwiseRule) {
  Philox rng(Key{21, 22});
  int compared = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int w = 1 + int(rng.below(kMaxSide)), h = 1 + int(rng.below(kMaxSide));
    if (w * h < 2) continue;
    Maze::Params p = level_params(generate_level(w, h, int(rng.below(uint32_t(w * h - 1))), rng));
    p.normalize_obs = trial % 2 == 0;
    p.see_agent = trial % 3 == 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int d = 0; d < 4; ++d) {
          if (p.blocked(x, y) || (x == p.goal_x && y == p.goal_y)) continue;
          const Maze::State s{int8_t(x), int8_t(y), int8_t(d), 0};
          float fast[Maze::kObsSize], plain[Maze::kObsSize];
          Maze::observe(p, s, fast);
          Maze::observe_cellwise(p, s, plain);
          ASSERT_EQ(0, std::memcmp(fast, plain, sizeof fast)) << level_text(p) << "\nat " << x << "," << y << " dir " << d;
          ++compared;
        }
  }
  EXPECT_GT(compared, 100000);
}

// The normalised observation is the raw one divided by 10 (JaxUED: float32(uint8) / 10).
// A level's first observation with raw and with normalised values.
struct RawAndNormalised {
  Maze::Params raw, norm;
  float a[Maze::kObsSize], b[Maze::kObsSize];  // raw, normalised
};
RawAndNormalised observe_raw_and_normalised(const Layout& level) {
  RawAndNormalised o;
  o.raw = level_params(level);
  o.raw.normalize_obs = false;
  o.norm = o.raw;
  o.norm.normalize_obs = true;
  Maze::State s{};
  NoRng rng;
  Maze::reset(o.raw, s, rng);
  Maze::observe(o.raw, s, o.a);
  Maze::observe(o.norm, s, o.b);
  return o;
}

TEST(Maze, NormalisedObservationIsRawOverTen) {
  const RawAndNormalised o = observe_raw_and_normalised(holdout_level("Labyrinth"));
  for (int k = 0; k < kImageSize; ++k) EXPECT_EQ(o.b[k], o.a[k] / 10.0f) << k;
  EXPECT_EQ(o.b[kImageSize], o.a[kImageSize]);
}

// The batched env (auto-reset to the instance's level, observations written by the batch) steps as Maze::step.
TEST(Maze, BatchEnvStepsEachInstanceOnItsOwnLevel) {
  const std::vector<std::string> names = standard_holdout_names();
  const int n = int(names.size());
  auto env = make_env("Maze", n, Exec{Device::cpu, 2});
  std::vector<int64_t> ids;
  std::vector<std::string> levels;
  std::vector<Maze::Params> params;
  for (int i = 0; i < n; ++i) {
    ids.push_back(i);
    params.push_back(level_params(holdout_level(names[size_t(i)])));
    params.back().max_episode_steps = 40;
    levels.push_back(config_to_compact_json(params.back()));
  }
  env->set_levels(ids, levels);
  std::vector<uint64_t> instance_ids(static_cast<size_t>(n), 0);
  env->reset(7, instance_ids.data());
  std::vector<Maze::State> states(static_cast<size_t>(n));
  NoRng rng;
  for (int i = 0; i < n; ++i) Maze::reset(params[size_t(i)], states[size_t(i)], rng);
  Philox actions_rng(Key{5, 6});
  for (int t = 0; t < 100; ++t) {
    std::vector<int32_t> a(static_cast<size_t>(n));
    for (auto& x : a) x = int32_t(actions_rng.below(3));  // turns and forward
    env->step(a.data());
    for (int i = 0; i < n; ++i) {
      Maze::State& s = states[size_t(i)];
      const Transition tr = Maze::step(params[size_t(i)], s, &a[size_t(i)], rng);
      const bool trunc = !tr.terminated && s.time >= params[size_t(i)].max_episode_steps;
      ASSERT_EQ(env->rewards()[i], tr.reward);
      ASSERT_EQ(env->terminated()[i], uint8_t(tr.terminated));
      ASSERT_EQ(env->truncated()[i], uint8_t(trunc));
      if (tr.terminated || trunc) Maze::reset(params[size_t(i)], s, rng);
      float obs[Maze::kObsSize];
      Maze::observe(params[size_t(i)], s, obs);
      ASSERT_EQ(0, std::memcmp(obs, env->observations() + i * Maze::kObsSize, sizeof obs)) << names[size_t(i)] << " t=" << t;
    }
  }
}

// ---- levels -----------------------------------------------------------------------------------------------

TEST(MazeLevels, HoldoutLayoutsEqualJaxUEDs) {
  const DataLevels data = all_data_levels();
  ASSERT_EQ(holdout_names().size(), 11u);
  for (const std::string& name : holdout_names()) {
    ASSERT_TRUE(data.levels.count(name)) << name;
    const Layout l = holdout_level(name);
    EXPECT_TRUE(same_layout(l, data.levels.at(name))) << name << "\n" << level_text(l);
    ASSERT_TRUE(data.prefabs.count(name)) << name;
    EXPECT_EQ(level_text(l, true), data.prefabs.at(name)) << name;
    EXPECT_TRUE(same_layout(parse_level(data.prefabs.at(name)), l)) << name;
  }
  EXPECT_EQ(standard_holdout_names().size(), 8u);
  // the generated levels of the episodes file round-trip through the text format
  for (const auto& [name, l] : data.levels) {
    EXPECT_NO_THROW(validate_level(l)) << name;
    EXPECT_TRUE(same_layout(parse_level(level_text(l)), l)) << name;
  }
  EXPECT_EQ(data.too_large, std::vector<std::string>{"PerfectMazeXL_s0"});
}

TEST(MazeLevels, TextAcceptsNewlinesIndentationAndPipes) {
  const Layout a = parse_level("  ..G\n  >#.\n");
  const Layout b = parse_level("..G|>#.");
  EXPECT_TRUE(same_layout(a, b));
  EXPECT_EQ(a.width, 3);
  EXPECT_EQ(a.height, 2);
  EXPECT_EQ(a.agent_x, 0);
  EXPECT_EQ(a.agent_y, 1);
  EXPECT_EQ(a.agent_dir, 0);
  EXPECT_EQ(a.goal_x, 2);
  EXPECT_EQ(a.goal_y, 0);
  EXPECT_TRUE(a.blocked(1, 1));
  EXPECT_EQ(a.wall_count(), 1);
  EXPECT_EQ(parse_level("v.|.G").agent_dir, 1);
  EXPECT_EQ(parse_level("<.|.G").agent_dir, 2);
  EXPECT_EQ(parse_level("^.|.G").agent_dir, 3);
  EXPECT_EQ(level_text(a), "..G\n>#.");
}

void expect_refused(const std::string& text, const std::string& needle) {
  try {
    parse_level(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(MazeLevels, MalformedTextIsRefusedNamingTheCell) {
  expect_refused("", "empty");
  expect_refused("...|.>G|..", "row 3 has 2 cells, row 1 has 3");
  expect_refused("...|.>.|...", "no goal");
  expect_refused("..G|...|...", "no agent");
  expect_refused("..G|.>.|..G", "a second goal at row 3, column 3 (the first is at row 1, column 3)");
  expect_refused(">.G|...|..<", "a second agent at row 3, column 3");
  expect_refused("..G|.>x|...", "row 2, column 3: unknown character 'x'");
  expect_refused(std::string(33, '.') + "|>G" + std::string(31, '.'), "33 columns x 2 rows; at most 32 x 32");
}

void expect_invalid(const Layout& l, const std::string& needle) {
  try {
    validate_level(l);
    ADD_FAILURE() << "accepted:\n" << level_text(l);
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(MazeLevels, InvalidLayoutsAreRefusedNamingTheCell) {
  const Layout ok = parse_level("..G|.>.|...");
  EXPECT_NO_THROW(validate_level(ok));
  Layout l = ok;
  l.set_wall(1, 1, true);
  expect_invalid(l, "the agent at row 2, column 2 is on a wall");
  l = ok;
  l.set_wall(2, 0, true);
  expect_invalid(l, "the goal at row 1, column 3 is on a wall");
  l = ok;
  l.agent_x = 3;
  expect_invalid(l, "the agent at row 2, column 4 is off the 3 x 3 grid");
  l = ok;
  l.goal_y = 5;
  expect_invalid(l, "the goal at row 6, column 3 is off the 3 x 3 grid");
  l = ok;
  l.goal_x = 1, l.goal_y = 1;
  expect_invalid(l, "share row 2, column 2");
  l = ok;
  l.walls[0] |= 1u << 5;
  expect_invalid(l, "a wall at row 1, column 6, outside the 3 x 3 grid");
  l = ok;
  l.agent_dir = 4;
  expect_invalid(l, "agent direction 4");
  l = ok;
  l.width = 0;
  expect_invalid(l, "width and height must be in [1, 32]");
}

// Levels given as JSON to the env go through the same validation, naming the instance.
TEST(MazeLevels, EnvRefusesInvalidLevelsAndKeepsItsOwn) {
  auto env = make_env("Maze", 4);
  const std::string before = env->get_level(2);
  try {
    env->set_levels({2}, {R"({"agent_x": 3, "agent_y": 0})"});  // SixteenRooms has a wall at (3, 0)
    ADD_FAILURE() << "accepted an agent on a wall";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("instance 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("the agent at row 1, column 4 is on a wall"), std::string::npos) << e.what();
  }
  EXPECT_EQ(env->get_level(2), before);
  EXPECT_THROW(make_env("Maze", 1, Exec{}, R"({"goal_x": 1, "goal_y": 1})"), InvalidArgument);  // the agent's cell
  EXPECT_THROW(parse_config<Maze::Params>(R"({"width": 33})", "maze"), ConfigError);
  EXPECT_THROW(holdout_level("SixteenRoom"), InvalidArgument);
}

// Text levels through the registry: only the level's fields are written, so the env's other Params stay.
TEST(MazeLevels, TextLevelsThroughTheRegistryKeepOtherParams) {
  EXPECT_TRUE(env_has_level_text("Maze"));
  EXPECT_FALSE(env_has_level_text("CartPole-v1"));
  EXPECT_THROW(level_from_text("CartPole-v1", ">.G"), InvalidArgument);
  auto env = make_env("Maze", 3, Exec{}, R"({"max_episode_steps": 17})");
  env->set_levels({1}, {level_from_text("Maze", ">...G")});
  const Maze::Params p = parse_config<Maze::Params>(env->get_level(1), "level");
  EXPECT_EQ(p.max_episode_steps, 17);
  EXPECT_EQ(p.width, 5);
  EXPECT_EQ(level_to_text("Maze", env->get_level(1)), ">...G");
  EXPECT_EQ(level_to_text("Maze", env->get_level(0)), level_text(holdout_level("SixteenRooms")));
  std::vector<uint64_t> ids(3, 0);
  env->reset(1, ids.data());
  const int32_t forward[3] = {kForward, kForward, kForward};
  for (int t = 0; t < 3; ++t) env->step(forward);
  EXPECT_EQ(env->terminated()[1], 0);
  env->step(forward);
  EXPECT_EQ(env->terminated()[1], 1);
  EXPECT_EQ(env->rewards()[1], goal_reward(4, 17, true));
  EXPECT_THROW(level_from_text("Maze", ">..|..."), InvalidArgument);
  // a holdout by its name
  EXPECT_EQ(level_from_text("Maze", "Labyrinth"), level_json(holdout_level("Labyrinth")));
  EXPECT_THROW(level_from_text("Maze", "Labyrinth9"), InvalidArgument);
}

TEST(MazeLevels, DrawnWholeAndTiled) {
  const Layout l = parse_level(">.#|..G");
  const Image im = render_level("Maze", level_json(l));
  ASSERT_EQ(im.width, 3 * 24);
  ASSERT_EQ(im.height, 2 * 24);
  auto pixel = [&](int x, int y) {
    const size_t i = (size_t(y) * size_t(im.width) + size_t(x)) * 3;
    return std::vector<int>{im.rgb[i], im.rgb[i + 1], im.rgb[i + 2]};
  };
  EXPECT_EQ(pixel(2 * 24 + 12, 12), (std::vector<int>{110, 110, 110}));    // the wall
  EXPECT_EQ(pixel(2 * 24 + 12, 24 + 12), (std::vector<int>{60, 200, 90}));  // the goal
  EXPECT_EQ(pixel(24 + 12, 24 + 12), (std::vector<int>{0, 0, 0}));          // floor
  const Image grid = tile_images({im, im, im}, 2, 4);
  EXPECT_EQ(grid.width, 2 * im.width + 4);
  EXPECT_EQ(grid.height, 2 * im.height + 4);
  EXPECT_THROW(tile_images({im, draw_level(holdout_level("Labyrinth"))}, 2), InvalidArgument);
  EXPECT_THROW(render_level("CartPole-v1", "{}"), InvalidArgument);
}

// The agent's view draws the same walls from raw and from normalised observations (the spec says which).
TEST(MazeLevels, AgentViewDrawsWallsRawAndNormalised) {
  const RawAndNormalised o = observe_raw_and_normalised(parse_level(".....|....#|>...G"));  // view cell (0, 0) is floor
  const Image ia = render_observation(Maze::spec(o.raw), o.a), ib = render_observation(Maze::spec(o.norm), o.b);
  EXPECT_EQ(ia.rgb, ib.rgb);
  int grey = 0;
  for (size_t i = 0; i + 2 < ia.rgb.size(); i += 3) grey += ia.rgb[i] == 110 && ia.rgb[i + 1] == 110;
  EXPECT_GT(grey, 1000);  // the walls beside and ahead are drawn
}

// ---- telemetry ----------------------------------------------------------------------------------------------

TEST(MazeLevels, ShortestPathsOnHandMadeLevels) {
  // a straight corridor: 4 moves, facing the goal
  LevelStats s = level_stats(parse_level(">...G"));
  EXPECT_TRUE(s.solvable);
  EXPECT_EQ(s.shortest_path, 4);
  EXPECT_EQ(s.optimal_actions, 4);
  EXPECT_EQ(s.optimal_return, goal_reward(4, 250, true));
  EXPECT_EQ(s.walls, 0);
  // facing away: two turns first
  s = level_stats(parse_level("<...G"));
  EXPECT_EQ(s.shortest_path, 4);
  EXPECT_EQ(s.optimal_actions, 6);
  // around a wall: right 2, down 2, left 2 on a 3 x 3 ring; the last move enters the goal
  //   > . .
  //   # # .
  //   G . .
  s = level_stats(parse_level(">..|##.|G.."));
  EXPECT_EQ(s.shortest_path, 6);
  EXPECT_EQ(s.optimal_actions, 6 + 2);  // turn right twice (east -> south -> west)
  EXPECT_EQ(s.walls, 2);
  // walled off
  s = level_stats(parse_level(">#G"));
  EXPECT_FALSE(s.solvable);
  EXPECT_EQ(s.shortest_path, -1);
  EXPECT_EQ(s.optimal_actions, -1);
  EXPECT_EQ(s.optimal_return, 0.0f);
  // beyond the step limit the optimal return is 0; without the time penalty it is 1
  EXPECT_EQ(level_stats(parse_level(">...G"), 3).optimal_return, 0.0f);
  EXPECT_EQ(level_stats(parse_level(">...G"), 4).optimal_return, goal_reward(4, 4, true));
  EXPECT_EQ(level_stats(parse_level(">...G"), 250, false).optimal_return, 1.0f);
  // the holdouts are all solvable; Labyrinth's single route is long
  for (const std::string& name : holdout_names()) EXPECT_TRUE(level_stats(holdout_level(name)).solvable) << name;
  EXPECT_GT(level_stats(holdout_level("Labyrinth")).shortest_path, 40);
}

// The optimal action count is what acting on it achieves: following the BFS plan in the env reaches the goal in
// exactly optimal_actions steps, and no random policy ever does it faster.
TEST(MazeLevels, OptimalActionsAreAchievedAndNeverBeaten) {
  Philox rng(Key{11, 12});
  NoRng none;
  int checked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const Layout l = generate_level(7, 7, 12, rng);
    const LevelStats st = level_stats(l);
    if (!st.solvable) continue;
    ++checked;
    Maze::Params p = level_params(l);
    for (int episode = 0; episode < 20; ++episode) {
      Maze::State s{};
      Maze::reset(p, s, none);
      for (int t = 1; t <= 250; ++t) {
        const int32_t a = int32_t(rng.below(3));
        if (Maze::step(p, s, &a, none).terminated) {
          ASSERT_GE(t, st.optimal_actions) << level_text(l);
          break;
        }
      }
    }
  }
  EXPECT_GT(checked, 100);
}

// ---- generator and mutator ----------------------------------------------------------------------------------

TEST(MazeGenerator, MatchesJaxUEDsDistribution) {
  Philox rng(Key{1, 2});
  const int n = 20000;
  double walls = 0;
  int min_walls = 1000, max_walls = 0;
  std::vector<int> agent_cells(169, 0), dirs(4, 0);
  for (int i = 0; i < n; ++i) {
    const Layout l = generate_level(13, 13, 25, rng);
    ASSERT_NO_THROW(validate_level(l)) << level_text(l);  // agent and goal apart, on free cells
    const int w = l.wall_count();
    walls += w;
    min_walls = std::min(min_walls, w);
    max_walls = std::max(max_walls, w);
    ++agent_cells[size_t(l.agent_y * 13 + l.agent_x)];
    ++dirs[size_t(l.agent_dir)];
  }
  // 25 draws with replacement: E = 169 (1 - (168/169)^25) = 23.30 (JaxUED sampled 23.297, range 17..25)
  EXPECT_NEAR(walls / n, 169.0 * (1.0 - std::pow(168.0 / 169.0, 25)), 0.05);
  EXPECT_LE(max_walls, 25);
  EXPECT_GE(min_walls, 15);
  for (int c : agent_cells) EXPECT_GT(c, 60);  // about 118 each
  for (int d : dirs) EXPECT_NEAR(d, n / 4, 300);
  // no walls, and as many walls as cells allow
  EXPECT_EQ(generate_level(13, 13, 0, rng).wall_count(), 0);
  for (int i = 0; i < 100; ++i) EXPECT_NO_THROW(validate_level(generate_level(3, 3, 7, rng)));
}

TEST(MazeMutator, EachEditIsNothingAWallFlipOrAGoalMoveWithProbabilityAThird) {
  Philox rng(Key{3, 4});
  const Layout base = holdout_level("SixteenRooms");
  const int n = 30000;
  int flips = 0, moves = 0;
  for (int i = 0; i < n; ++i) {
    Layout l = base;
    mutate_level(l, 1, rng);
    ASSERT_NO_THROW(validate_level(l));
    ASSERT_EQ(l.agent_x, base.agent_x);
    ASSERT_EQ(l.agent_y, base.agent_y);
    ASSERT_EQ(l.agent_dir, base.agent_dir);
    const bool moved = l.goal_x != base.goal_x || l.goal_y != base.goal_y;
    const int changed = std::abs(l.wall_count() - base.wall_count());
    ASSERT_LE(int(moved) + changed, 1);
    flips += changed;
    moves += moved;
  }
  EXPECT_NEAR(double(flips) / n, 1.0 / 3, 0.015);
  EXPECT_NEAR(double(moves) / n, 1.0 / 3, 0.015);
  // many edits keep the level valid
  for (int i = 0; i < 500; ++i) {
    Layout l = generate_level(13, 13, 60, rng);
    mutate_level(l, 20, rng);
    ASSERT_NO_THROW(validate_level(l)) << level_text(l);
  }
}

}  // namespace
}  // namespace lamarck::envs::maze
