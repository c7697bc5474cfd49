"""Maze levels for the UED maze env ("Maze", JaxUED's semantics): the holdout sets by name, the text
format, level telemetry (shortest paths and the optimal return), the level generator and the ACCEL mutator.

A level is a dict of the level's fields (width, height, walls: 32 row bitmasks, agent_x, agent_y,
agent_dir, goal_x, goal_y), what ``VectorEnv.set_levels`` takes; text levels are JaxUED's prefab strings
('#' wall, '.' empty, 'G' goal, '>' 'v' '<' '^' the agent facing east, south, west, north; rows separated by
newlines or '|').

    import lamarck
    env = lamarck.envs.make_vec("Maze", 8, levels=lamarck.maze.holdout_set())
    print(lamarck.maze.text(env.levels[0]), lamarck.maze.stats(env.levels[0]))
"""
import json

from . import _lamarck

_core = _lamarck.envs.maze

__all__ = ["holdout_names", "standard_holdout_names", "holdout", "holdout_set", "parse", "text", "validate",
           "stats", "generate", "mutate", "image"]


def _json(level):
    if isinstance(level, str):
        return _core.parse(level)
    if isinstance(level, dict):
        return json.dumps(level)
    raise ValueError(f"a maze level must be a dict or a text string, got {type(level).__name__}")


def holdout_names():
    """Every holdout maze by its canonical name (JaxUED's prefabs)."""
    return list(_core.holdout_names())


def standard_holdout_names():
    """The eight evaluation mazes of JaxUED, minimax and DCD (SixteenRooms ... StandardMaze3)."""
    return list(_core.standard_holdout_names())


def holdout(name):
    """The holdout level `name` as a dict (unknown names suggest the nearest)."""
    return json.loads(_core.holdout(name))


def holdout_set(names="standard"):
    """Levels by name: "standard" (the eight evaluation mazes), "all", or a list of names."""
    if names == "standard":
        names = standard_holdout_names()
    elif names == "all":
        names = holdout_names()
    elif isinstance(names, str):
        names = [names]
    return [holdout(n) for n in names]


def parse(text):
    """A level from text; malformed text raises ValueError naming the row and column."""
    return json.loads(_core.parse(text))


def text(level, one_line=False):
    """The level as text (rows joined by newlines, or by '|' with one_line)."""
    t = _core.text(_json(level))
    return t.replace("\n", "|") if one_line else t


def validate(level):
    """Raises ValueError naming the row and column when the level breaks a rule."""
    _core.validate(_json(level))


def stats(level, max_steps=250, penalize_time=True):
    """{walls, solvable, shortest_path (cells, BFS), optimal_actions, optimal_return} of a level."""
    return dict(_core.stats(_json(level), int(max_steps), bool(penalize_time)))


def generate(n, width=13, height=13, n_walls=25, seed=0):
    """n levels from JaxUED's generator: n_walls cells drawn with replacement, agent, direction and goal
    uniform (reproducible from seed; level i depends only on seed and i)."""
    return [json.loads(x) for x in _core.generate(int(n), int(width), int(height), int(n_walls), int(seed))]


def mutate(levels, n_edits=5, seed=0):
    """Each level after n_edits ACCEL edits (each nothing, a wall flipped or the goal moved, 1/3 each)."""
    return [json.loads(x) for x in _core.mutate([_json(l) for l in levels], int(n_edits), int(seed))]


def image(level, cell=24):
    """The whole level drawn as an RGB (H, W, 3) uint8 array, `cell` pixels a cell."""
    return _core.image(_json(level), int(cell))
