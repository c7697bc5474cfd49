// Maze levels on the host: the text format, validation, the standard holdout sets and the level telemetry
// (walls, reachability, shortest paths and the optimal return, the oracle that makes true regret
// computable). The env and the generators are in maze.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/envs/maze/maze.h"
#include "lamarck/envs/render.h"

namespace lamarck::envs::maze {

// ---- text ---------------------------------------------------------------------------------------------
// JaxUED's prefab strings: one line per row (row 0 first), one character per cell: '#' wall, '.' empty,
// 'G' the goal, '>' 'v' '<' '^' the agent facing east, south, west, north. Rows are separated by newlines
// or by '|' (one-line form); surrounding whitespace is ignored. A level of the wrong shape, with an unknown
// character, with no or two goals or agents, or larger than kMaxSide is refused with InvalidArgument naming
// the row and column (1-based, as an editor shows them).
Layout parse_level(const std::string& text);
// The level as text (rows separated by '\n', or by '|' with one_line).
std::string level_text(const Layout& level, bool one_line = false);

// The level's own fields (width, height, walls, agent, goal; not max_episode_steps and the other Params) as
// compact JSON, what BatchEnv::set_levels takes; and a level from JSON of Params fields (others ignored,
// missing ones the Params defaults), validated.
std::string level_json(const Layout& level);
Layout level_from_json(const std::string& json);

// Throws InvalidArgument when the level breaks a rule (size, the agent or goal off the grid, on a wall or
// on the same cell, a direction outside 0..3, wall bits outside the grid), naming the row and column.
void validate_level(const Layout& level);

// The env's Params for a level (the other fields from `base`).
Maze::Params level_params(const Layout& level, Maze::Params base = Maze::Params());

// ---- holdout sets ---------------------------------------------------------------------------------------
// The hand-designed test mazes by their canonical names: JaxUED's prefabs SixteenRooms, SixteenRooms2,
// Labyrinth, LabyrinthFlipped, Labyrinth2, StandardMaze, StandardMaze2, StandardMaze3 (the evaluation set
// of JaxUED, minimax and DCD -- DCD's Maze, Maze2, Maze3 are the StandardMazes) and TrivialMaze,
// TrivialMaze2, TrivialMaze3 (3x3, 5x5, 7x7).
std::vector<std::string> holdout_names();
// The eight evaluation mazes (JaxUED's default eval_levels), in that order.
std::vector<std::string> standard_holdout_names();
Layout holdout_level(const std::string& name);  // unknown names: the nearest valid one is suggested

// ---- telemetry ------------------------------------------------------------------------------------------
struct LevelStats {
  int32_t walls = 0;              // wall cells
  bool solvable = false;          // the goal can be reached
  int32_t shortest_path = -1;     // cells moved to reach the goal (4-neighbour BFS; the last move is the
                                  // forward into the goal), -1 when unreachable
  int32_t optimal_actions = -1;   // fewest actions (turns included, from the agent's direction) that end the
                                  // episode at the goal, -1 when unreachable
  float optimal_return = 0.0f;    // the return of acting optimally: goal_reward(optimal_actions) when that is
                                  // within max_steps, else 0
};
LevelStats level_stats(const Layout& level, int32_t max_steps = 250, bool penalize_time = true);

// ---- drawing --------------------------------------------------------------------------------------------
// The whole level, `cell` pixels a cell: floor black, walls grey, the goal green, the agent a white
// triangle pointing its way (at (agent_x, agent_y, agent_dir) unless given).
Image draw_level(const Layout& level, int cell = 24);
Image draw_level(const Layout& level, int x, int y, int dir, int cell = 24);

}  // namespace lamarck::envs::maze
