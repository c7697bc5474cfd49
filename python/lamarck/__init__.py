"""lamarck: discovering learning algorithms by evolution.

Submodules:
  lamarck.envs        batched environments as Gymnasium-style vector envs
  lamarck.es          evolution strategies with ask/tell
  lamarck.maze        maze levels: holdout sets, text, telemetry, generator and mutator
  lamarck.objectives  discovered objectives: load, inspect, evaluate the drift
  lamarck.rl          inner-loop training (lamarck.train) and the registered update rules
  lamarck.ued         level replay buffers and level scores for curricula (PLR, Robust PLR, ACCEL)
"""
from . import _lamarck
from ._lamarck import Error, __version__, with_cuda
from . import envs, es, maze, objectives, rl, ued  # noqa: F401
from .rl import train, update_rule_names  # noqa: F401

__all__ = ["Error", "__version__", "with_cuda", "envs", "es", "maze", "objectives", "rl", "ued", "train", "update_rule_names"]
