"""Level replay buffers and level scores for curricula over any env with levels (PLR, Robust PLR, ACCEL).

    sampler = lamarck.ued.LevelSampler(capacity=4000, replay_prob=0.8, staleness_coef=0.3,
                                       temperature=0.3, min_fill_ratio=0.5, seed=0)
    env = lamarck.envs.make_vec("Maze", 32)
    if sampler.sample_replay_decision():
        slots = sampler.sample_replay_levels(32)
        env.levels = [sampler.level(i) for i in slots]       # dicts, as env.levels gives them
    ...roll out (T, 32) dones, rewards, values, advantages...
    s = lamarck.ued.score("max_mc", dones, rewards, values, advantages)
    for level, score, best in zip(env.levels, s["score"], s["max_return"]):
        sampler.insert(level, score, max_return=best)

Levels are dicts (as `env.levels` returns them) or strings; duplicates are found by the level's canonical
JSON. The semantics are JaxUED's LevelSampler (meta/include/lamarck/meta/level_sampler.h): rank weights
1/rank**(1/T) or a top-k softmax, mixed with staleness by staleness_coef; insertion replaces the least
weighted level only with a better score. Scores (meta/include/lamarck/meta/ued_scores.h): "max_mc", "pvl",
"true_regret" (optimal_return minus the mean episode return); a column without a finished episode scores
-inf, which the buffer never keeps.
"""
import json

import numpy as np

from . import _lamarck

__all__ = ["LevelSampler", "score", "score_names"]


def _key(level):
    if isinstance(level, str):
        return level
    if isinstance(level, dict):
        return json.dumps(level, sort_keys=True, separators=(",", ":"))
    raise ValueError("a level is a dict (as env.levels gives) or a string, not %s" % type(level).__name__)


def _unkey(text):
    return json.loads(text) if text.startswith("{") else text


class LevelSampler:
    """A prioritised level buffer with its own random stream (see the module docstring)."""

    def __init__(self, capacity=4000, replay_prob=0.8, staleness_coef=0.3, min_fill_ratio=0.5,
                 prioritization="rank", temperature=0.3, topk_k=4, duplicate_check=True, seed=0):
        self._s = _lamarck.ued.LevelSampler(capacity, replay_prob, staleness_coef, min_fill_ratio,
                                            prioritization, temperature, topk_k, duplicate_check, seed)

    size = property(lambda self: self._s.size)
    capacity = property(lambda self: self._s.capacity)
    episode_count = property(lambda self: self._s.episode_count)
    scores = property(lambda self: self._s.scores, doc="(size,) each held level's score")
    timestamps = property(lambda self: self._s.timestamps, doc="(size,) the episode count when each was last drawn")

    def level(self, slot):
        """The level in `slot` (a dict when it was given as one)."""
        return _unkey(self._s.level(int(slot)))

    def extra(self, slot):
        """{"max_return", "mutations", "optimal_return"} of the level in `slot`."""
        return self._s.extra(int(slot))

    def score_weights(self):
        return self._s.score_weights()

    def staleness_weights(self):
        return self._s.staleness_weights()

    def replay_weights(self):
        """(size,) the probability of each level at the next draw."""
        return self._s.replay_weights()

    def sample_replay_decision(self):
        """True: replay (the buffer is full enough and a draw fell under replay_prob)."""
        return self._s.sample_replay_decision()

    def sample_replay_levels(self, n):
        """n slots drawn one at a time (each draw resets its level's staleness)."""
        return list(self._s.sample_replay_levels(int(n)))

    def insert(self, level, score, max_return=0.0, mutations=0, optimal_return=float("nan")):
        """Offers a level; its slot, or -1 when not kept."""
        return self._s.insert(_key(level), float(score), float(max_return), int(mutations), float(optimal_return))

    def update(self, slot, score, max_return=0.0, mutations=0, optimal_return=float("nan")):
        """A replayed level's new score and extras."""
        self._s.update(int(slot), float(score), float(max_return), int(mutations), float(optimal_return))

    def find(self, level):
        """The slot of this exact level, or -1."""
        return self._s.find(_key(level))


def score_names():
    return list(_lamarck.ued.score_names())


def score(kind, dones, rewards, values, advantages=None, previous_max_return=None, optimal_return=None):
    """Per column of (T, N) rollout arrays: {"score", "max_return", "mean_return", "episodes"} (N,) each."""
    dones = np.asarray(dones)
    if dones.ndim != 2:
        raise ValueError("dones must be (T, N)")
    n = dones.shape[1]
    advantages = np.zeros(dones.shape, np.float32) if advantages is None else advantages
    prev = np.full(n, -np.inf, np.float32) if previous_max_return is None else np.broadcast_to(
        np.asarray(previous_max_return, np.float32), (n,))
    opt = np.zeros(n, np.float32) if optimal_return is None else np.broadcast_to(np.asarray(optimal_return, np.float32), (n,))
    return _lamarck.ued.score(kind, dones.astype(np.uint8), rewards, values, advantages, np.ascontiguousarray(prev),
                              np.ascontiguousarray(opt))
