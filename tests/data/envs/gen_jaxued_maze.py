#!/usr/bin/env python3
"""Golden data for lamarck's port of JaxUED's maze (written for lamarck).

Imports and runs the reference implementations:
  * JaxUED (github.com/DramaCow/jaxued): jaxued.environments.maze (Maze, Level,
    make_level_generator, prefabs)
  * minimax (github.com/facebookresearch/minimax): minimax.envs.maze.maze_ood (the
    AMaze holdout environments), used only to produce holdout layouts and to
    cross-check its step/observation against JaxUED's.

Writes into OUTDIR:
  maze_holdout_levels.txt   every JaxUED prefab (+ its prefab string) and minimax holdouts
  jaxued_maze_episodes.txt  trajectories stepped by jaxued's Maze (no auto-reset)

Usage (see tests/data/envs/README.md):
  JAXUED_SRC=<jaxued checkout>/src MINIMAX_SRC=<minimax checkout>/src \
      python gen_jaxued_maze.py OUTDIR

JAXUED_SRC may be omitted when jaxued is installed; MINIMAX_SRC may be omitted, in which
case the minimax holdouts are skipped.
"""

import collections
import os
import sys
import types

import numpy as np

JAXUED_SRC = os.environ.get("JAXUED_SRC")
MINIMAX_SRC = os.environ.get("MINIMAX_SRC")
if JAXUED_SRC:
    sys.path.insert(0, JAXUED_SRC)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

# jax.tree_map was removed from recent jax; the PyPI wheel of jaxued 0.0.1 and minimax
# still call it in places.  Alias it to the function it always was.
if not hasattr(jax, "tree_map"):
    jax.tree_map = jax.tree_util.tree_map

import jaxued  # noqa: E402
from jaxued.environments.maze import Maze, Level, make_level_generator  # noqa: E402
from jaxued.environments.maze.env import EnvParams  # noqa: E402
from jaxued.environments.maze.level import prefabs  # noqa: E402

ood = None
if MINIMAX_SRC:
    # minimax/__init__.py imports its whole training stack (wandb, tfp, ...); register
    # bare package objects so that only the maze environment modules get imported.
    root = os.path.join(MINIMAX_SRC, "minimax")
    for name, path in [("minimax", root), ("minimax.envs", os.path.join(root, "envs"))]:
        mod = types.ModuleType(name)
        mod.__path__ = [path]
        sys.modules[name] = mod
    import minimax.envs.maze.maze_ood as ood  # noqa: E402
    from minimax.envs.maze.common import EnvInstance  # noqa: E402

DIRS = [(1, 0), (0, 1), (-1, 0), (0, -1)]  # my own copy, checked against jaxued below
JAXUED_MAX_STEPS = EnvParams().max_steps_in_episode  # 250


# ---------------------------------------------------------------------------------------
# Level records (plain numpy) and formatting
# ---------------------------------------------------------------------------------------
LevelRec = collections.namedtuple("LevelRec", "name wall agent adir goal")


def rec_from_level(name, level):
    wall = np.asarray(level.wall_map).astype(bool)
    ax, ay = (int(v) for v in np.asarray(level.agent_pos))
    gx, gy = (int(v) for v in np.asarray(level.goal_pos))
    return LevelRec(name, wall, (ax, ay), int(np.asarray(level.agent_dir)), (gx, gy))


def level_from_rec(rec):
    h, w = rec.wall.shape
    return Level(
        wall_map=jnp.array(rec.wall, dtype=jnp.bool_),
        goal_pos=jnp.array(rec.goal, dtype=jnp.uint32),
        agent_pos=jnp.array(rec.agent, dtype=jnp.uint32),
        agent_dir=jnp.array(rec.adir, dtype=jnp.uint8),
        width=w,
        height=h,
    )


def level_line(rec):
    h, w = rec.wall.shape
    bits = "".join("1" if b else "0" for b in rec.wall.reshape(-1))
    return "level %s %d %d %d %d %d %d %d %s" % (
        rec.name, w, h, rec.agent[0], rec.agent[1], rec.adir, rec.goal[0], rec.goal[1], bits)


def check_level(rec):
    h, w = rec.wall.shape
    (ax, ay), (gx, gy) = rec.agent, rec.goal
    assert 0 <= ax < w and 0 <= ay < h and 0 <= gx < w and 0 <= gy < h, rec.name
    assert not rec.wall[ay, ax] and not rec.wall[gy, gx], rec.name
    assert rec.agent != rec.goal, rec.name
    assert 0 <= rec.adir < 4, rec.name


# ---------------------------------------------------------------------------------------
# My own model of the environment, used only to assert that the reference behaves as
# documented (it never produces the written data).
# ---------------------------------------------------------------------------------------
def model_obs(rec_wall, goal, pos, d, view=5):
    h, w = rec_wall.shape
    img = np.zeros((view, view, 3), dtype=np.uint8)
    fx, fy = DIRS[d]
    rx, ry = DIRS[(d + 1) % 4]
    for i in range(view):  # lateral: 0 = far left ... view-1 = far right
        for j in range(view):  # j = view-1 - distance ahead
            f, l = view - 1 - j, i - view // 2
            x, y = pos[0] + f * fx + l * rx, pos[1] + f * fy + l * ry
            if not (0 <= x < w and 0 <= y < h) or rec_wall[y, x]:
                img[i, j] = (2, 5, 0)
            elif (x, y) == tuple(goal):
                img[i, j] = (8, 1, 0)
            else:
                img[i, j] = (1, 0, 0)
    return img


def model_step(rec_wall, goal, pos, d, t, a, max_steps):
    h, w = rec_wall.shape
    reward = np.float32(0.0)
    hit_goal = False
    if a == 2:
        nx = min(max(pos[0] + DIRS[d][0], 0), w - 1)
        ny = min(max(pos[1] + DIRS[d][1], 0), h - 1)
        hit_goal = (nx, ny) == tuple(goal)
        if not rec_wall[ny, nx] and not hit_goal:
            pos = (nx, ny)
    elif a == 0:
        d = (d + 3) % 4
    elif a == 1:
        d = (d + 1) % 4
    if hit_goal:
        # float32 quotient, then one rounding of 1 - 0.9f*q (XLA on CPU emits a fused
        # multiply-add here; a double evaluation of the exact product rounds the same way)
        q = np.float32(t + 1) / np.float32(max_steps)
        reward = np.float32(1.0 - np.float64(np.float32(0.9)) * np.float64(q))
    t += 1
    done = hit_goal or t >= max_steps
    return pos, d, t, reward, done


# ---------------------------------------------------------------------------------------
# Policy: BFS shortest path mixed with uniformly random actions
# ---------------------------------------------------------------------------------------
def bfs_next_cell(wall, start, goal):
    h, w = wall.shape
    prev = {tuple(start): None}
    q = collections.deque([tuple(start)])
    while q:
        c = q.popleft()
        if c == tuple(goal):
            break
        for dx, dy in DIRS:
            n = (c[0] + dx, c[1] + dy)
            if 0 <= n[0] < w and 0 <= n[1] < h and not wall[n[1], n[0]] and n not in prev:
                prev[n] = c
                q.append(n)
    if tuple(goal) not in prev:
        return None
    c = tuple(goal)
    while prev[c] != tuple(start):
        c = prev[c]
    return c


def bfs_action(wall, goal, pos, d):
    nxt = bfs_next_cell(wall, pos, goal)
    if nxt is None:
        return None
    want = DIRS.index((nxt[0] - pos[0], nxt[1] - pos[1]))
    if want == d:
        return 2
    return 0 if (d - want) % 4 == 1 else 1  # turn left only when that is one quarter turn


class MixedPolicy:
    def __init__(self, seed, p_random):
        self.rs = np.random.RandomState(seed)
        self.p_random = p_random

    def __call__(self, wall, goal, pos, d):
        u = self.rs.rand()
        r = self.rs.randint(7)
        a = bfs_action(wall, goal, pos, d)
        if a is None or u < self.p_random:
            return int(r)
        return a


# ---------------------------------------------------------------------------------------
# Episodes
# ---------------------------------------------------------------------------------------
_ENVS = {}


def get_env(h, w):
    if (h, w) not in _ENVS:
        _ENVS[(h, w)] = Maze(max_height=h, max_width=w, agent_view_size=5)
    return _ENVS[(h, w)]


_MM_STEP = {}


def minimax_step_fn(env):
    if id(env) not in _MM_STEP:
        _MM_STEP[id(env)] = jax.jit(env.step_env)
    return _MM_STEP[id(env)]


def hexs(a):
    return np.ascontiguousarray(np.asarray(a, dtype=np.uint8)).tobytes().hex()


def run_episode(rec, max_steps, policy, stats, mm_env=None):
    """Steps jaxued's Maze on `rec`; optionally also minimax's env for a cross-check."""
    h, w = rec.wall.shape
    env = get_env(h, w)
    params = EnvParams(max_steps_in_episode=max_steps)
    key = jax.random.PRNGKey(0)  # Maze ignores its rng
    obs, st = env.reset_to_level(key, level_from_rec(rec), params)
    lines = ["episode %s %d" % (rec.name, max_steps), "obs0 %s %d" % (hexs(obs.image), int(np.asarray(obs.agent_dir)))]

    pos, d, t = rec.agent, rec.adir, 0
    assert np.array_equal(np.asarray(obs.image), model_obs(rec.wall, rec.goal, pos, d)), rec.name
    assert int(obs.agent_dir) == d
    if mm_env is not None:
        mm_obs, mm_st = mm_env.set_env_instance(EnvInstance(
            agent_pos=jnp.array(rec.agent, dtype=jnp.uint32), agent_dir_idx=rec.adir,
            goal_pos=jnp.array(rec.goal, dtype=jnp.uint32),
            wall_map=jnp.array(rec.wall, dtype=jnp.bool_)))
        assert mm_env.params.max_episode_steps == max_steps
        # minimax's image is jaxued's image transposed (rows <-> columns).
        assert np.array_equal(np.asarray(mm_obs["image"]).transpose(1, 0, 2), np.asarray(obs.image))
        mm_step = minimax_step_fn(mm_env)

    done = False
    while not done:
        a = policy(rec.wall, rec.goal, pos, d)
        obs, st, r, done_j, _ = env.step(key, st, a, params)
        done = bool(done_j)
        r = np.float32(np.asarray(r))
        ax, ay = (int(v) for v in np.asarray(st.agent_pos))
        ad = int(np.asarray(st.agent_dir))
        # independent model agrees
        pos, d, t, mr, mdone = model_step(rec.wall, rec.goal, pos, d, t, a, max_steps)
        assert (ax, ay) == pos and ad == d and mdone == done, (rec.name, t)
        assert mr == r, (rec.name, t, float(mr), float(r))
        assert np.array_equal(np.asarray(obs.image), model_obs(rec.wall, rec.goal, pos, d)), (rec.name, t)
        assert int(np.asarray(obs.agent_dir)) == d
        assert not rec.wall[ay, ax]
        if r != 0:
            assert a == 2 and done and r > 0
        if mm_env is not None:
            mm_obs, mm_st, mm_r, mm_done, _ = mm_step(key, mm_st, a)
            assert np.array_equal(np.asarray(mm_obs["image"]).transpose(1, 0, 2), np.asarray(obs.image))
            # minimax's step limit is a compile-time constant, jaxued's a traced value here: the
            # float32 reward may then differ in the last bit.
            assert abs(float(mm_r) - float(r)) < 1e-6 and bool(mm_done) == done
            if float(mm_r) != float(r):
                stats["minimax_reward_ulp_diff"] += 1
            assert tuple(int(v) for v in np.asarray(mm_st.agent_pos)) == pos
        lines.append("step %d %d %r %d %d %d %d %s %d" % (
            t, a, float(r), int(done), ax, ay, ad, hexs(obs.image), int(np.asarray(obs.agent_dir))))
    stats["episodes"] += 1
    stats["steps"] += t
    if r > 0:
        stats["reached_goal"] += 1
    else:
        stats["timed_out"] += 1
    return lines, r > 0


# ---------------------------------------------------------------------------------------
# Levels
# ---------------------------------------------------------------------------------------
def jaxued_prefab_recs():
    recs = []
    for name, s in prefabs.items():
        lv = Level.from_str(s)
        rec = rec_from_level(name, lv)
        assert rec.wall.shape == (int(lv.height), int(lv.width))
        assert bool(lv.is_well_formatted())
        check_level(rec)
        recs.append((rec, s))
    return recs


def minimax_holdout_recs():
    """(rec, max_episode_steps, minimax env instance) for each minimax holdout layout."""
    out = []

    def add(name, env, state):
        rec = LevelRec(name, np.asarray(state.wall_map).astype(bool),
                       tuple(int(v) for v in np.asarray(state.agent_pos)),
                       int(np.asarray(state.agent_dir_idx)),
                       tuple(int(v) for v in np.asarray(state.goal_pos)))
        check_level(rec)
        out.append((rec, int(env.params.max_episode_steps), env))

    # Singletons whose goal is drawn from a fixed list at reset: one level per choice.
    for cls in ["SmallCorridor", "LargeCorridor"]:
        env = getattr(ood, cls)()
        _, st0 = env.reset_env(jax.random.PRNGKey(0))
        for k, g in enumerate(np.asarray(env.goal_pos_choices)):
            add("%s_g%d" % (cls, k), env, st0.replace(goal_pos=jnp.array(g, dtype=jnp.uint32)))
    # Procedural holdouts: instances from minimax's own reset_env with fixed keys.
    for cls, short, seeds in [("FourRooms", "FourRooms", 2), ("Crossing", "Crossing", 2),
                              ("PerfectMaze", "PerfectMaze", 2),
                              ("PerfectMazeMedium", "PerfectMazeMedium", 2),
                              ("PerfectMazeExtraLarge", "PerfectMazeXL", 1)]:
        env = getattr(ood, cls)()
        k, made = 0, 0
        while made < seeds:
            _, st = env.reset_env(jax.random.PRNGKey(k))
            a = tuple(int(v) for v in np.asarray(st.agent_pos))
            g = tuple(int(v) for v in np.asarray(st.goal_pos))
            if a != g:  # FourRooms may put the agent on the goal (see maze_facts)
                add("%s_s%d" % (short, k), env, st)
                made += 1
            k += 1
    return out


def generated_recs():
    out = []
    specs = [(25, k) for k in range(8)] + [(0, 8), (0, 9), (60, 10), (60, 11)]
    for n_walls, k in specs:
        lv = make_level_generator(13, 13, n_walls)(jax.random.PRNGKey(1000 + k))
        rec = rec_from_level("gen_%d" % k, lv)
        check_level(rec)
        assert bool(lv.is_well_formatted())
        out.append((rec, n_walls))
    # and the first 60-wall level (keys 2000, 2001, ...) whose goal cannot be reached
    k = 2000
    while True:
        lv = make_level_generator(13, 13, 60)(jax.random.PRNGKey(k))
        rec = rec_from_level("gen_12", lv)
        if bfs_next_cell(rec.wall, rec.agent, rec.goal) is None:
            break
        k += 1
    check_level(rec)
    out.append((rec, 60))
    return out, k


def pad13(rec):
    h, w = rec.wall.shape
    wall = np.ones((13, 13), dtype=bool)
    wall[:h, :w] = rec.wall
    # cross-check against the reference's own padding (Level.pad_to_shape, used by load_prefabs)
    ref = np.asarray(level_from_rec(rec).pad_to_shape(13, 13).wall_map)
    assert np.array_equal(ref, wall)
    return LevelRec(rec.name + "_pad13", wall, rec.agent, rec.adir, rec.goal)


# ---------------------------------------------------------------------------------------
def main(outdir):
    assert [tuple(int(v) for v in r) for r in np.asarray(jaxued.environments.maze.env.DIR_TO_VEC)] == DIRS
    versions = "jax %s, jaxlib %s, flax %s, chex %s, numpy %s, python %s" % (
        jax.__version__, __import__("jaxlib").__version__, __import__("flax").__version__,
        __import__("chex").__version__, np.__version__, sys.version.split()[0])
    cmd = ("JAXUED_SRC=<jaxued>/src MINIMAX_SRC=<minimax>/src "
           "python tests/data/envs/gen_jaxued_maze.py tests/data/envs")

    stats = collections.Counter()
    jx = jaxued_prefab_recs()
    mm = minimax_holdout_recs() if ood is not None else []
    gens, unsolvable_key = generated_recs()

    # ---------------- maze_holdout_levels.txt ----------------
    hl = [
        "# JaxUED maze holdout levels (written for lamarck by gen_jaxued_maze.py; see README.md)",
        "# Reference: DramaCow/jaxued @ 0f8f1284677375b889e4f13a32c9617cd009f8c4 (= PyPI jaxued 0.0.1",
        "#   apart from jax.tree_map -> jax.tree_util.tree_map), facebookresearch/minimax @",
        "#   d053054c5290a04c1c4cd8b55704d999cad73e30; " + versions,
        "# Command: " + cmd,
        "#",
        "# level NAME W H AGENT_X AGENT_Y AGENT_DIR GOAL_X GOAL_Y BITS",
        "#   W = number of columns, H = number of rows of the wall map (= reference Level.wall_map.shape[::-1]).",
        "#   x = column index (0 = left), y = row index (0 = top); positions are (x, y) as in",
        "#   Level.agent_pos / Level.goal_pos.  AGENT_DIR: 0 = +x (east/right), 1 = +y (south/down),",
        "#   2 = -x (west/left), 3 = -y (north/up).  BITS: H*W chars, '1' = wall, row-major with",
        "#   row y = 0 first, i.e. BITS[y*W + x] = wall_map[y, x].  The grid has no border wall of",
        "#   its own: everything outside the W x H grid behaves as (and is observed as) wall.",
        "# prefab NAME STRING  (JaxUED levels only) the prefab string from jaxued level.py (after",
        "#   .strip()) with each newline replaced by '|'; '#' wall, '.' empty, 'G' goal,",
        "#   '>' 'v' '<' '^' agent facing dir 0 1 2 3.  Level.from_str of it gives the 'level' line above it.",
        "#",
        "# JaxUED prefabs (%d, all of level.py's `prefabs`): episodes use max_steps_in_episode = %d" % (
            len(jx), JAXUED_MAX_STEPS),
        "#   (EnvParams default, also used by maze_plr.py / maze_dr.py eval).  TrivialMaze* are",
        "#   smaller than 13x13; in the episodes file they appear padded to 13x13 with walls",
        "#   (Level.pad_to_shape, what Level.load_prefabs does when stacking with 13x13 levels).",
    ]
    if mm:
        hl += [
            "# minimax holdouts (minimax.envs.maze.maze_ood), produced by minimax's own code:",
            "#   SmallCorridor_gK / LargeCorridor_gK: the fixed layout with goal choice K of the list",
            "#     minimax draws from at reset (agent dir is always 0: MazeSingleton turns None into 0).",
            "#   FourRooms_sK, Crossing_sK, PerfectMaze_sK, PerfectMazeMedium_sK, PerfectMazeXL_sK:",
            "#     minimax's reset_env(jax.random.PRNGKey(K)) of that class (K where agent != goal).",
            "#   minimax's SixteenRooms, SixteenRooms2, Labyrinth, LabyrinthFlipped, Labyrinth2,",
            "#     StandardMaze, StandardMaze2, StandardMaze3 are identical to the JaxUED prefabs of",
            "#     the same name (wall map, agent pos/dir, goal: checked by this script) and are not repeated;",
            "#     only their step limit differs (minimax 2*(W+2)*(H+2) = 450 vs JaxUED 250).",
            "#   minimax step limits: SmallCorridor 450, LargeCorridor 882, FourRooms 250, Crossing 484,",
            "#     PerfectMaze 450, PerfectMazeMedium 882, PerfectMazeXL 21218 (the episode lines carry them).",
        ]
    for rec, s in jx:
        hl.append(level_line(rec))
        hl.append("prefab %s %s" % (rec.name, s.replace("\n", "|")))
    # the shared layouts: verify identity with minimax's
    if ood is not None:
        for rec, _ in jx:
            if hasattr(ood, rec.name) and rec.name in ("SixteenRooms", "SixteenRooms2", "Labyrinth",
                                                         "LabyrinthFlipped", "Labyrinth2", "StandardMaze",
                                                         "StandardMaze2", "StandardMaze3"):
                e = getattr(ood, rec.name)()
                assert np.array_equal(np.asarray(e.wall_map), rec.wall)
                assert tuple(int(v) for v in np.asarray(e.agent_pos)) == rec.agent
                assert tuple(int(v) for v in np.asarray(e.goal_pos)) == rec.goal
                assert int(e.agent_dir_idx) == rec.adir
                stats["minimax_shared_identical"] += 1
    for rec, _, _ in mm:
        hl.append(level_line(rec))
    with open(os.path.join(outdir, "maze_holdout_levels.txt"), "w") as f:
        f.write("\n".join(hl) + "\n")

    # ---------------- jaxued_maze_episodes.txt ----------------
    body = []
    seed = 0

    def episode(rec, max_steps, p_random, mm_env=None):
        nonlocal seed
        seed += 1
        lines, _ = run_episode(rec, max_steps, MixedPolicy(seed, p_random), stats, mm_env)
        body.extend(lines)

    for rec, _ in jx:
        r = rec if rec.wall.shape == (13, 13) else pad13(rec)
        if r is not rec:
            body.append(level_line(r))
        episode(r, JAXUED_MAX_STEPS, 0.3)
    for rec, max_steps, env in mm:
        episode(rec, max_steps, 0.1 if rec.name.startswith("PerfectMazeXL") else 0.3, env)
    for rec, _ in gens:
        body.append(level_line(rec))
        episode(rec, JAXUED_MAX_STEPS, 0.3)
    # purely random episodes
    by_name = {rec.name: rec for rec, _ in jx}
    by_name.update({rec.name: rec for rec, _ in gens})
    n_random_timeouts = 0
    for name in ["Labyrinth", "StandardMaze3", "gen_0", "gen_10"]:
        seed += 1
        lines, reached = run_episode(by_name[name], JAXUED_MAX_STEPS, MixedPolicy(seed, 1.0), stats)
        body.extend(lines)
        n_random_timeouts += not reached
        stats["random_episodes"] += 1
    assert n_random_timeouts >= 2

    head = [
        "# JaxUED maze golden episodes (written for lamarck by gen_jaxued_maze.py; see README.md)",
        "# Reference: DramaCow/jaxued @ 0f8f1284677375b889e4f13a32c9617cd009f8c4 (= PyPI jaxued 0.0.1",
        "#   apart from jax.tree_map), facebookresearch/minimax @ d053054c5290a04c1c4cd8b55704d999cad73e30",
        "# " + versions,
        "# Command: " + cmd,
        "#",
        "# Env: jaxued.environments.maze.Maze(max_height=H, max_width=W, agent_view_size=5) with the",
        "#   level's own H, W (13 x 13 for JaxUED levels), see_agent=False, normalize_obs=False,",
        "#   fully_obs=False, penalize_time=True; EnvParams(max_steps_in_episode=MAXSTEPS).",
        "#   Stepped with Maze.reset_to_level / Maze.step directly: no wrapper, no auto-reset.",
        "# Levels: an episode's NAME is a 'level' line in this file (gen_K, TrivialMaze*_pad13) or",
        "#   else in maze_holdout_levels.txt (same format).  gen_K = make_level_generator(13, 13,",
        "#   n_walls)(jax.random.PRNGKey(1000 + K)) with n_walls = 25 for K = 0..7, 0 for K = 8, 9,",
        "#   60 for K = 10, 11; gen_12 = make_level_generator(13, 13, 60)(jax.random.PRNGKey(%d)), the" % unsolvable_key,
        "#   first such level from key 2000 on whose goal is unreachable (its episode runs to the limit).",
        "#",
        "# episode NAME MAXSTEPS",
        "# obs0 HEX DIR_OBS              observation after reset_to_level",
        "# step T ACTION REWARD DONE AGENT_X AGENT_Y AGENT_DIR HEX DIR_OBS",
        "#   T = 1, 2, ... (state.time after the step); ACTION in 0..6; REWARD = repr() of the",
        "#   float32 reward as a Python float (exact); DONE 0/1; AGENT_* = state after the step;",
        "#   HEX = Observation.image after the step (no auto-reset), uint8 array of shape",
        "#   (5, 5, 3) flattened C-order (index (i*5 + j)*3 + c), lowercase hex, 2 chars a byte;",
        "#   DIR_OBS = Observation.agent_dir (uint8, equal to AGENT_DIR; in obs0 the level's",
        "#   AGENT_DIR).  The episode ends at the first DONE = 1.",
        "# Actions: per episode a numpy RandomState(seed) draws u = rand(), r = randint(7) each step;",
        "#   action = r if u < p (or no path to the goal) else the BFS shortest-path move (turn",
        "#   toward the next cell, forward when facing it); p = 0.3 (0.1 for PerfectMazeXL); the",
        "#   last 4 episodes are purely random (p = 1).",
    ]
    summary = ("# %d episodes, %d steps, %d reached the goal, %d ended at the time limit "
               "(%d purely random)") % (stats["episodes"], stats["steps"], stats["reached_goal"],
                                         stats["timed_out"], stats["random_episodes"])
    head.append(summary)
    with open(os.path.join(outdir, "jaxued_maze_episodes.txt"), "w") as f:
        f.write("\n".join(head + body) + "\n")
    print(summary.lstrip("# "))
    print("levels: %d jaxued prefabs, %d minimax holdouts, %d generated; shared layouts identical: %d"
          % (len(jx), len(mm), len(gens), stats["minimax_shared_identical"]))
    print("rewards where minimax's (constant step limit) differs from jaxued's in the last bit: %d"
          % stats["minimax_reward_ulp_diff"])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
