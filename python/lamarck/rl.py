"""Inner-loop training from Python.

    out = lamarck.train("CartPole-v1", total_steps=100_000, seeds=4)
    out["curves"]         # (seeds, updates) mean episodic return after each update
    out["final_returns"]  # (seeds,) mean return over the last 5% of updates
    lamarck.train("CartPole-v1", objective="runs/default/objective_mean.json")

Other keyword arguments override fields of the trainer's config (see `lamarck train --help` and
experiments/configs/*_ppo.json): lr, num_envs, num_steps, update_epochs, num_minibatches, ent_coef, ...
"""
import json

import numpy as np

from . import _lamarck

__all__ = ["train", "update_rule_names"]


def update_rule_names():
    """Every registered update rule, fixed and learned (the values a train config's "rule" takes)."""
    return list(_lamarck.rl.update_rule_names())


def train(env=None, total_steps=None, seeds=1, objective=None, algo=None, config=None, seed=None,
          device="cpu", **overrides):
    """Trains `seeds` agents in lockstep and returns their learning curves (see the module docstring).

    env, algo: override the config's (without a config: "CartPole-v1", "ppo").
    config: a dict or a path to a JSON config (as `lamarck train --config`); keyword arguments override it.
    objective: a discovered-objective file or a built-in rule name ('ppo_clip', 'dpo').
    """
    if isinstance(config, (str, bytes)) or hasattr(config, "__fspath__"):
        with open(config) as f:
            cfg = json.load(f)
    elif config is None:
        cfg = {}
    elif isinstance(config, dict):
        cfg = dict(config)
    else:
        raise TypeError(f"config must be a dict or a path, got {type(config).__name__}")
    if env is not None:
        cfg["env"] = env
    cfg.setdefault("env", "CartPole-v1")
    if algo is not None:
        cfg["algo"] = algo
    cfg.setdefault("algo", "ppo")
    if total_steps is not None:
        cfg["total_timesteps"] = int(total_steps)
    if seed is not None:
        cfg["seed"] = int(seed)
    cfg.update(overrides)
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds <= 0:
        raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
    return _lamarck.rl.train(json.dumps(cfg), int(seeds), "" if objective is None else str(objective), device)
