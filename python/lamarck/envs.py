"""Batched lamarck environments as Gymnasium-style vector envs.

    import lamarck
    env = lamarck.envs.make_vec("CartPole-v1", num_envs=8, seed=0)
    obs, info = env.reset()
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

Autoreset is *same-step* (Gymnasium's ``AutoresetMode.SAME_STEP``): when env i's episode ends in
``step``, ``terminated[i]`` or ``truncated[i]`` is set, ``reward[i]`` is the episode's last reward, the
returned ``obs[i]`` is already the first observation of the next episode, and the observation the
episode ended in is ``info["final_obs"][i]`` (a dense (num_envs, *obs_shape) array whose rows are valid
where ``info["_final_obs"]`` is True).

Spaces are Gymnasium spaces when ``gymnasium`` is importable, otherwise small objects with the same
attributes (``n``/``shape``/``low``/``high``/``dtype``/``sample()``/``contains()``).
"""
import json

import numpy as np

from . import _lamarck

_core = _lamarck.envs

__all__ = ["make_vec", "names", "VectorEnv", "Discrete", "Box"]


def names():
    """Every registered env name (e.g. 'CartPole-v1', 'MinAtar/Breakout')."""
    return list(_core.names())


class Discrete:
    """Stand-in for gymnasium.spaces.Discrete when Gymnasium is not installed."""

    def __init__(self, n, shape=(), seed=None):
        self.n = int(n)
        self.shape = tuple(shape)
        self.dtype = np.dtype(np.int64)
        self._rng = np.random.default_rng(seed)

    def sample(self):
        return self._rng.integers(0, self.n, size=self.shape) if self.shape else int(self._rng.integers(0, self.n))

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and np.issubdtype(x.dtype, np.integer) and bool(np.all((x >= 0) & (x < self.n)))

    def seed(self, seed=None):
        self._rng = np.random.default_rng(seed)

    def __repr__(self):
        return f"Discrete({self.n})" if not self.shape else f"MultiDiscrete({self.n}, shape={self.shape})"


class Box:
    """Stand-in for gymnasium.spaces.Box when Gymnasium is not installed."""

    def __init__(self, low, high, shape, dtype=np.float32, seed=None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.low = np.broadcast_to(np.asarray(low, dtype=self.dtype), self.shape).copy()
        self.high = np.broadcast_to(np.asarray(high, dtype=self.dtype), self.shape).copy()
        self._rng = np.random.default_rng(seed)

    def sample(self):
        low = np.where(np.isfinite(self.low), self.low, -1.0)
        high = np.where(np.isfinite(self.high), self.high, 1.0)
        return self._rng.uniform(low, high).astype(self.dtype)

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all((x >= self.low) & (x <= self.high)))

    def seed(self, seed=None):
        self._rng = np.random.default_rng(seed)

    def __repr__(self):
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape}, {self.dtype})"


def _make_spaces(desc, num_envs):
    """(single space, batched space) from the C++ space description."""
    try:
        import gymnasium.spaces as gs
    except ImportError:
        gs = None
    if desc["kind"] == "discrete":
        n = desc["n"]
        if gs is not None:
            return gs.Discrete(n), gs.MultiDiscrete(np.full(num_envs, n))
        return Discrete(n), Discrete(n, shape=(num_envs,))
    shape = tuple(desc["shape"])
    low = np.asarray(desc["low"], dtype=np.float32).reshape(shape)
    high = np.asarray(desc["high"], dtype=np.float32).reshape(shape)
    batch_low = np.broadcast_to(low, (num_envs,) + shape)
    batch_high = np.broadcast_to(high, (num_envs,) + shape)
    if gs is not None:
        return gs.Box(low, high, shape, np.float32), gs.Box(batch_low, batch_high, (num_envs,) + shape, np.float32)
    return Box(low, high, shape), Box(batch_low, batch_high, (num_envs,) + shape)


class VectorEnv:
    """num_envs instances of one lamarck env, stepped in one C++ call (see the module docstring)."""

    metadata = {"autoreset_mode": "same-step", "render_modes": []}

    def __init__(self, env_id, num_envs, seed=None, device="cpu", **params):
        if not isinstance(env_id, str):
            raise TypeError(f"env_id must be a string, got {type(env_id).__name__}")
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs <= 0:
            raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
        params_json = json.dumps(params) if params else ""
        self._env = _core.BatchEnv(env_id, int(num_envs), params_json, device)
        self.num_envs = int(num_envs)
        self.env_id = self._env.name
        self.spec_max_episode_steps = self._env.max_episode_steps
        self.single_observation_space, self.observation_space = _make_spaces(self._env.observation_space, self.num_envs)
        self.single_action_space, self.action_space = _make_spaces(self._env.action_space, self.num_envs)
        self._obs_shape = tuple(self._env.observation_space["shape"])
        self._seed = self._check_seed(seed) if seed is not None else None
        self._resets = 0
        self.closed = False

    @staticmethod
    def _check_seed(seed):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        return int(seed)

    def _obs(self, flat):
        return flat.reshape((self.num_envs,) + self._obs_shape)

    def reset(self, seed=None, options=None):
        """Resets every env. seed=None continues the seed sequence of the constructor's seed."""
        if seed is not None:
            self._seed = self._check_seed(seed)
            self._resets = 0
        base = 0 if self._seed is None else self._seed
        # each reset without a seed starts fresh episodes from a new, reproducible key
        self._env.reset((base + 0x9E3779B97F4A7C15 * self._resets) % (1 << 64))
        self._resets += 1
        return self._obs(self._env.observations()), {}

    def step(self, actions):
        """Steps every env; returns (obs, reward, terminated, truncated, info)."""
        actions = np.asarray(actions)
        self._env.step(actions)
        terminated = self._env.terminated()
        truncated = self._env.truncated()
        done = terminated | truncated
        info = {}
        if done.any():
            info["final_obs"] = self._obs(self._env.final_observations())
            info["_final_obs"] = done
        return self._obs(self._env.observations()), self._env.rewards(), terminated, truncated, info

    def get_state(self):
        """(num_envs, D) physical states, in Gymnasium's `env.unwrapped.state` order (classic control)."""
        return self._env.get_state()

    def set_state(self, state):
        """Sets the physical states from a (num_envs, D) array; observations follow the new states."""
        self._env.set_state(np.asarray(state))

    def snapshot(self):
        """Opaque bytes from which restore() continues bit-identically (every env family)."""
        return self._env.snapshot()

    def restore(self, snapshot):
        self._env.restore(snapshot)

    # ---- levels: each instance's Params (see BatchEnv in envs/include/lamarck/envs/batch_env.h) ----
    def _instances(self, ids):
        if ids is None:
            return list(range(self.num_envs))
        if np.isscalar(ids):
            ids = [ids]
        out = []
        for i in ids:
            if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
                raise ValueError(f"instance ids must be integers, got {i!r}")
            out.append(int(i))
        return out

    def get_levels(self, ids=None):
        """The levels (dicts of every Params field) of the instances `ids` (default: all)."""
        return [json.loads(self._env.get_level(i)) for i in self._instances(ids)]

    @property
    def levels(self):
        """Every instance's level (a list of dicts); assigning a dict or a list sets them (set_levels)."""
        return self.get_levels()

    @levels.setter
    def levels(self, levels):
        self.set_levels(levels)

    def level_text(self, i):
        """Instance i's level as text, for envs whose levels have one (the maze's prefab strings)."""
        return _core.level_to_text(self.env_id, self._env.get_level(int(i)))

    def level_image(self, i):
        """Instance i's whole level drawn as an RGB (H, W, 3) uint8 array (envs that draw levels)."""
        return _core.render_level(self.env_id, self._env.get_level(int(i)))

    def _level_json(self, level):
        if isinstance(level, dict):
            return json.dumps(level)
        if isinstance(level, str):
            # the env's text form (the maze's prefab strings: '#' walls, 'G' goal, '>' 'v' '<' '^' agent;
            # or a holdout's name such as "Labyrinth")
            return _core.level_from_text(self.env_id, level)
        raise ValueError(f"a level must be a dict or a text string, got {type(level).__name__}")

    def set_levels(self, levels, ids=None):
        """Gives the instances `ids` (default: all) their levels: one level for all, or one per instance.

        A level is a dict that overrides fields of each instance's current level, or, for envs whose
        levels have a text form (the maze), a text string. Levels are validated (unknown keys name the
        nearest valid one; types, ranges and the env's own rules are checked); on an error no level is
        written. The dynamics change at once; the initial state from each instance's next reset (see
        reset_instances).
        """
        instances = self._instances(ids)
        if isinstance(levels, (dict, str)):
            levels = [levels]
        if not isinstance(levels, (list, tuple)):
            raise ValueError("levels must be a level (dict or text) or a list of them")
        self._env.set_levels(instances, [self._level_json(x) for x in levels])

    def level_bytes(self, i):
        """Instance i's level in its compact canonical binary form (equal levels, equal bytes)."""
        return self._env.get_level_bytes(int(i))

    def set_level_bytes(self, levels, ids=None):
        self._env.set_level_bytes(self._instances(ids), [bytes(x) for x in levels])

    def level_hash(self, i):
        """A 64-bit hash of instance i's level, the same on every machine."""
        return self._env.level_hash(int(i))

    def level_fields(self, i=0):
        """[(name, type, current value as JSON)] of instance i's level, in declaration order."""
        return self._env.level_fields(int(i))

    def reset_instances(self, ids, seed=0):
        """Resets only the instances `ids` (the others keep their episodes); returns all observations."""
        self._env.reset_instances(int(seed) % (1 << 64), self._instances(ids))
        return self._obs(self._env.observations())

    def observations(self):
        """The current observations (after the last reset or step)."""
        return self._obs(self._env.observations())

    def close(self):
        self.closed = True

    def __repr__(self):
        return f"lamarck.envs.VectorEnv({self.env_id!r}, num_envs={self.num_envs})"


def make_vec(env_id, num_envs, seed=None, device="cpu", levels=None, **params):
    """A Gymnasium-style vector env of num_envs instances of env_id.

    params override fields of the env's Params (validated: unknown keys name the nearest valid one),
    e.g. ``make_vec("CartPole-v1", 16, gravity=12.0)``. levels: one level for every instance or one per
    instance (dicts, or text for the maze, e.g. ``lamarck.maze.holdout_set()``), as set_levels.
    """
    env = VectorEnv(env_id, num_envs, seed=seed, device=device, **params)
    if levels is not None:
        env.set_levels(levels)
    return env
