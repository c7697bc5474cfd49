// The maze family (maze/maze.h): registration, the level text format, validation, the holdout sets and the
// level telemetry.
#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <sstream>
#include <tuple>

#include "factories.h"
#include "lamarck/envs/maze/levels.h"

namespace lamarck::envs {
namespace maze {

namespace {

std::string cell_name(int x, int y) {
  return "row " + std::to_string(y + 1) + ", column " + std::to_string(x + 1);
}

// The holdout layouts, from JaxUED's environments/maze/level.py prefabs (data; tests/envs/maze_test.cpp
// checks them against the levels the reference parses, tests/data/envs/maze_holdout_levels.txt).
const std::vector<std::pair<std::string, std::string>>& holdout_table() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {"SixteenRooms",
       "...#..#..#...|.>.......#...|...#..#......|#.###.##.###.|...#.........|......#..#...|##.#.##.###.#|"
       "...#.....#...|...#..#......|.####.##.#.##|...#..#..#...|......#....G.|...#.....#..."},
      {"SixteenRooms2",
       "...#.....#...|.>....#..#...|...#..#..#...|####.##.###.#|...#..#......|......#..#...|#.#####.#####|"
       "...#..#..#...|...#.........|##.##.##.####|...#..#..#...|......#....G.|...#..#..#..."},
      {"Labyrinth",
       ".............|.###########.|.#.........#.|.#.#######.#.|.#.#.....#.#.|.#.#.###.#.#.|.#.#.#G#.#.#.|"
       ".#.#.#.#.#.#.|.#...#...#.#.|.#########.#.|.....#.....#.|####.#.#####.|>....#......."},
      {"LabyrinthFlipped",
       ".............|.###########.|.#.........#.|.#.#######.#.|.#.#.....#.#.|.#.#.###.#.#.|.#.#.#G#.#.#.|"
       ".#.#.#.#.#.#.|.#.#...#...#.|.#.#########.|.#.....#.....|.#####.#.####|.......#....<"},
      {"Labyrinth2",
       ">#...........|.#.#########.|.#.#.......#.|.#.#.#####.#.|.#.#.#...#.#.|...#.#.#.#.#.|####.#G#.#.#.|"
       "...#.###.#.#.|.#.#.....#.#.|.#.#######.#.|.#.........#.|.###########.|............."},
      {"StandardMaze",
       ".....#>...#..|.###.####.##.|.#...........|.########.###|........#....|######.#####.|....#..#.....|"
       ".##...##.####|..#.#..#...#.|#.#.##.###.#.|#.#..#...#...|#.##.###.###.|...#..G#.#..."},
      {"StandardMaze2",
       "...#.#....#..|.#.#.####...#|.#........#..|.########.###|...#..#.#.#.G|##.#.##.#.#..|>#.#....#.##.|"
       ".#.##.###..#.|.#..#..###.#.|.##.##.#.#.#.|.#...#.#.#.#.|.#.#.#.#.#.#.|...#...#....."},
      {"StandardMaze3",
       "...>#.#......|.####.#.####.|.#....#.#....|...####.#.#.#|##.#....#.#..|...#.##.#.##.|.#.#.#..#..#G|"
       ".#.#.#.###.##|.#...#.#.#...|.###.#.#.###.|.#...#.#...#.|.#.###.#.#.#.|.#...#...#..."},
      {"TrivialMaze", "...|.#.|>#G"},
      {"TrivialMaze2", ".....|.....|..#..|..#..|>.#.G"},
      {"TrivialMaze3", ".......|.......|.......|...#...|...#...|...#...|>..#..G"},
  };
  return table;
}

}  // namespace

Layout parse_level(const std::string& text) {
  // rows: split on '\n' or '|', surrounding whitespace (and '\r') dropped
  const size_t first = text.find_first_not_of(" \t\r\n"), last = text.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) throw InvalidArgument("maze level: the text is empty");
  std::vector<std::string> rows(1);
  for (size_t k = first; k <= last; ++k) {
    const char ch = text[k];
    if (ch == '\n' || ch == '|') rows.emplace_back();
    else if (ch != '\r') rows.back() += ch;
  }
  for (std::string& r : rows) {  // indentation of a multi-line string
    const size_t a = r.find_first_not_of(" \t"), b = r.find_last_not_of(" \t");
    r = a == std::string::npos ? "" : r.substr(a, b - a + 1);
  }
  const int H = int(rows.size()), W = int(rows[0].size());
  if (H > kMaxSide || W > kMaxSide)
    throw InvalidArgument("maze level: " + std::to_string(W) + " columns x " + std::to_string(H) +
                          " rows; at most " + std::to_string(kMaxSide) + " x " + std::to_string(kMaxSide));
  Layout l;
  l.width = W;
  l.height = H;
  int agents = 0, goals = 0;
  std::string agent_at, goal_at;
  for (int y = 0; y < H; ++y) {
    if (int(rows[size_t(y)].size()) != W)
      throw InvalidArgument("maze level: row " + std::to_string(y + 1) + " has " + std::to_string(rows[size_t(y)].size()) +
                            " cells, row 1 has " + std::to_string(W) + " (every row must be as wide)");
    for (int x = 0; x < W; ++x) {
      const char ch = rows[size_t(y)][size_t(x)];
      const char* dirs = ">v<^";
      const char* d = std::strchr(dirs, ch);
      if (ch == '#') {
        l.set_wall(x, y, true);
      } else if (ch == 'G') {
        if (goals++) throw InvalidArgument("maze level: a second goal at " + cell_name(x, y) + " (the first is at " + goal_at + ")");
        l.goal_x = x;
        l.goal_y = y;
        goal_at = cell_name(x, y);
      } else if (ch != '\0' && d) {
        if (agents++) throw InvalidArgument("maze level: a second agent at " + cell_name(x, y) + " (the first is at " + agent_at + ")");
        l.agent_x = x;
        l.agent_y = y;
        l.agent_dir = int32_t(d - dirs);
        agent_at = cell_name(x, y);
      } else if (ch != '.') {
        throw InvalidArgument("maze level: " + cell_name(x, y) + ": unknown character '" + std::string(1, ch) +
                              "' (valid: '#' wall, '.' empty, 'G' goal, '>' 'v' '<' '^' the agent facing east, south, "
                              "west, north)");
      }
    }
  }
  if (!goals) throw InvalidArgument("maze level: no goal ('G')");
  if (!agents) throw InvalidArgument("maze level: no agent (one of '>' 'v' '<' '^')");
  return l;
}

std::string level_text(const Layout& l, bool one_line) {
  std::string out;
  for (int y = 0; y < l.height; ++y) {
    if (y) out += one_line ? '|' : '\n';
    for (int x = 0; x < l.width; ++x) {
      if (x == l.agent_x && y == l.agent_y) out += ">v<^"[l.agent_dir & 3];
      else if (x == l.goal_x && y == l.goal_y) out += 'G';
      else out += l.blocked(x, y) ? '#' : '.';
    }
  }
  return out;
}

void validate_level(const Layout& l) {
  if (l.width < 1 || l.width > kMaxSide || l.height < 1 || l.height > kMaxSide)
    throw InvalidArgument("maze level: " + std::to_string(l.width) + " x " + std::to_string(l.height) +
                          " cells; width and height must be in [1, " + std::to_string(kMaxSide) + "]");
  for (int y = 0; y < kMaxSide; ++y) {
    const uint32_t outside = y >= l.height ? ~0u : (l.width >= 32 ? 0u : ~0u << l.width);
    if (l.walls[size_t(y)] & outside) {
      const int x = __builtin_ctz(l.walls[size_t(y)] & outside);
      throw InvalidArgument("maze level: a wall at " + cell_name(x, y) + ", outside the " + std::to_string(l.width) +
                            " x " + std::to_string(l.height) + " grid");
    }
  }
  if (l.agent_dir < 0 || l.agent_dir > 3)
    throw InvalidArgument("maze level: agent direction " + std::to_string(l.agent_dir) +
                          " (valid: 0 east, 1 south, 2 west, 3 north)");
  for (auto [what, x, y] : {std::tuple<const char*, int, int>{"agent", l.agent_x, l.agent_y},
                            std::tuple<const char*, int, int>{"goal", l.goal_x, l.goal_y}}) {
    if (!l.inside(x, y))
      throw InvalidArgument(std::string("maze level: the ") + what + " at " + cell_name(x, y) + " is off the " +
                            std::to_string(l.width) + " x " + std::to_string(l.height) + " grid");
    if (l.blocked(x, y))
      throw InvalidArgument(std::string("maze level: the ") + what + " at " + cell_name(x, y) + " is on a wall");
  }
  if (l.agent_x == l.goal_x && l.agent_y == l.goal_y)
    throw InvalidArgument("maze level: the agent and the goal share " + cell_name(l.agent_x, l.agent_y));
}

void Maze::Params::validate() const { validate_level(*this); }

namespace {
// The Layout's fields alone, for its JSON.
struct LayoutFields : Layout {
  template <class V>
  void fields(V& v) {
    layout_fields(v);
  }
};
}  // namespace

std::string level_json(const Layout& level) {
  LayoutFields f;
  static_cast<Layout&>(f) = level;
  return config_to_compact_json(f);
}

Layout level_from_json(const std::string& json) {
  const Maze::Params p = parse_config<Maze::Params>(json, "maze level");
  validate_level(p);
  return p;
}

Image draw_level(const Layout& l, int cell) { return draw_level(l, l.agent_x, l.agent_y, l.agent_dir, cell); }

Image draw_level(const Layout& l, int ax, int ay, int dir, int cell) {
  if (cell < 4) throw InvalidArgument("draw_level: cells of at least 4 pixels");
  Image im;
  im.width = l.width * cell;
  im.height = l.height * cell;
  im.fill(0, 0, 0);
  const Rgb grid{40, 40, 40}, wall{110, 110, 110}, goal{60, 200, 90}, agent{255, 255, 255};
  for (int y = 0; y < l.height; ++y)
    for (int x = 0; x < l.width; ++x) {
      const int px = x * cell, py = y * cell;
      box(im, px, py, px + cell - 1, py, grid);  // cell outlines
      box(im, px, py, px, py + cell - 1, grid);
      if (l.blocked(x, y)) box(im, px + 1, py + 1, px + cell - 1, py + cell - 1, wall);
      if (x == l.goal_x && y == l.goal_y) box(im, px + 2, py + 2, px + cell - 3, py + cell - 3, goal);
    }
  // the agent: a triangle with its tip toward dir
  const double cx = (ax + 0.5) * cell, cy = (ay + 0.5) * cell, r = 0.38 * cell;
  const double fx = dir_dx(dir), fy = dir_dy(dir), sx = -fy, sy = fx;  // ahead, sideways
  const double tipx = cx + r * fx, tipy = cy + r * fy;
  const double b1x = cx - r * fx + r * sx, b1y = cy - r * fy + r * sy, b2x = cx - r * fx - r * sx, b2y = cy - r * fy - r * sy;
  const int thick = std::max(1, cell / 10);
  line(im, tipx, tipy, b1x, b1y, agent, thick);
  line(im, tipx, tipy, b2x, b2y, agent, thick);
  line(im, b1x, b1y, b2x, b2y, agent, thick);
  return im;
}

Maze::Params level_params(const Layout& level, Maze::Params base) {
  validate_level(level);
  static_cast<Layout&>(base) = level;
  return base;
}

std::vector<std::string> holdout_names() {
  std::vector<std::string> names;
  for (const auto& [name, text] : holdout_table()) names.push_back(name);
  return names;
}

std::vector<std::string> standard_holdout_names() {
  return {"SixteenRooms", "SixteenRooms2", "Labyrinth", "LabyrinthFlipped",
          "Labyrinth2",   "StandardMaze",  "StandardMaze2", "StandardMaze3"};
}

Layout holdout_level(const std::string& name) {
  for (const auto& [n, text] : holdout_table())
    if (n == name) return parse_level(text);
  throw_unknown_choice("holdout maze", name, holdout_names());
}

LevelStats level_stats(const Layout& l, int32_t max_steps, bool penalize_time) {
  LevelStats s;
  s.walls = l.wall_count();
  // cells: BFS from the agent over free cells; the goal is entered by the last move
  {
    std::vector<int> dist(size_t(l.width * l.height), -1);
    std::deque<int> queue{l.agent_y * l.width + l.agent_x};
    dist[size_t(queue.front())] = 0;
    while (!queue.empty() && s.shortest_path < 0) {
      const int c = queue.front();
      queue.pop_front();
      for (int d = 0; d < 4; ++d) {
        const int x = c % l.width + dir_dx(d), y = c / l.width + dir_dy(d);
        if (!l.inside(x, y) || dist[size_t(y * l.width + x)] >= 0) continue;
        if (x == l.goal_x && y == l.goal_y) {
          s.shortest_path = dist[size_t(c)] + 1;
          break;
        }
        if (l.blocked(x, y)) continue;
        dist[size_t(y * l.width + x)] = dist[size_t(c)] + 1;
        queue.push_back(y * l.width + x);
      }
    }
  }
  s.solvable = s.shortest_path >= 0;
  // actions: BFS over (cell, direction) with turn left, turn right and forward; the episode ends with the
  // forward into the goal
  if (s.solvable) {
    std::vector<int> dist(size_t(l.width * l.height * 4), -1);
    const auto id = [&](int x, int y, int d) { return size_t((y * l.width + x) * 4 + d); };
    std::deque<std::array<int, 3>> queue{{l.agent_x, l.agent_y, l.agent_dir}};
    dist[id(l.agent_x, l.agent_y, l.agent_dir)] = 0;
    while (!queue.empty() && s.optimal_actions < 0) {
      const auto [x, y, d] = queue.front();
      queue.pop_front();
      const int k = dist[id(x, y, d)];
      const int fx = x + dir_dx(d), fy = y + dir_dy(d);
      if (fx == l.goal_x && fy == l.goal_y) {
        s.optimal_actions = k + 1;
        break;
      }
      const std::array<std::array<int, 3>, 3> next = {{{x, y, (d + 3) & 3}, {x, y, (d + 1) & 3},
                                                        {l.blocked(fx, fy) ? x : fx, l.blocked(fx, fy) ? y : fy, d}}};
      for (const auto& [nx, ny, nd] : next)
        if (dist[id(nx, ny, nd)] < 0) {
          dist[id(nx, ny, nd)] = k + 1;
          queue.push_back({nx, ny, nd});
        }
    }
  }
  if (s.optimal_actions > 0 && (max_steps <= 0 || s.optimal_actions <= max_steps))
    s.optimal_return = goal_reward(s.optimal_actions, max_steps, penalize_time);
  return s;
}

Spec Maze::spec(const Params& p) {
  Spec s;
  s.name = "Maze";
  s.observation.shape = {kObsSize};
  s.observation.low.assign(size_t(kObsSize), 0.0f);
  s.observation.high.assign(size_t(kObsSize), p.normalize_obs ? 1.0f : 10.0f);
  s.observation.high[kImageSize] = 3.0f;
  s.action.kind = Space::Kind::discrete;
  s.action.n = kNumActions;
  s.max_episode_steps = p.max_episode_steps;
  return s;
}

}  // namespace maze

namespace detail {
namespace {

// The agent's 5 x 5 view, 32 pixels a cell: floor black, walls grey, the goal green, the agent (at the
// bottom centre, looking up) a white triangle.
Image draw_view(const Spec& spec, const float* obs) {
  constexpr int kCell = 32;
  Image im;
  im.width = im.height = maze::kView * kCell;
  im.fill(0, 0, 0);
  // raw MiniGrid values, or divided by 10 (normalize_obs): the spec's bound says which
  const float scale = spec.observation.high[0] > 1.5f ? 1.0f : 10.0f;
  for (int i = 0; i < maze::kView; ++i)
    for (int j = 0; j < maze::kView; ++j) {
      const int object = int(obs[(i * maze::kView + j) * maze::kChannels] * scale + 0.5f);
      // view column i (left to right), view row j (ahead at the top)
      const int px = i * kCell, py = j * kCell;
      if (object == 2) box(im, px + 1, py + 1, px + kCell - 2, py + kCell - 2, Rgb{110, 110, 110});
      if (object == 8) box(im, px + 1, py + 1, px + kCell - 2, py + kCell - 2, Rgb{60, 200, 90});
    }
  const double cx = 2.5 * kCell, cy = 4.5 * kCell;
  line(im, cx - 10, cy + 10, cx, cy - 12, Rgb{255, 255, 255}, 3);
  line(im, cx + 10, cy + 10, cx, cy - 12, Rgb{255, 255, 255}, 3);
  line(im, cx - 10, cy + 10, cx + 10, cy + 10, Rgb{255, 255, 255}, 3);
  return im;
}

}  // namespace

void add_maze_envs(std::vector<EnvEntry>& out) {
  maze::Maze::Params defaults = maze::level_params(maze::holdout_level("SixteenRooms"));
  EnvEntry e = with_drawing(
      make_entry<maze::Maze>("Maze",
                             "UED maze (JaxUED): up to 32x32 walls, 5x5 egocentric view, 7 MiniGrid actions, "
                             "250 steps; levels per instance (default SixteenRooms)",
                             defaults),
      draw_view);
  // a holdout's canonical name, or a level's text
  e.level_from_text = [](const std::string& text) {
    for (const std::string& name : maze::holdout_names())
      if (text == name) return maze::level_json(maze::holdout_level(name));
    return maze::level_json(maze::parse_level(text));
  };
  e.level_to_text = [](const std::string& json) { return maze::level_text(maze::level_from_json(json)); };
  e.draw_level = [](const std::string& json) { return maze::draw_level(maze::level_from_json(json)); };
  out.push_back(std::move(e));
}

}  // namespace detail
}  // namespace lamarck::envs
