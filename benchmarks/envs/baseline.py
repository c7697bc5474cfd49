"""Baselines for benchmarks/envs/run.sh, measured on this machine in the same run (one core):
  - Gymnasium 1.4.0's numpy CartPoleVectorEnv at batch B (random actions pre-drawn, autoreset on);
  - the reference MinAtar 1.0.15: single-env act() + state() per step (its default conventions:
    sticky actions 0.1, ramping), random actions, reset on terminal.
Prints one JSON object: {"CartPole-v1": steps/s, "MinAtar/<Game>": steps/s, ...}.
"""
import json
import sys
import time

import numpy as np


def cartpole(batch, steps):
    from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv
    env = CartPoleVectorEnv(num_envs=batch)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    actions = [rng.integers(0, 2, size=batch) for _ in range(16)]
    for k in range(10):
        env.step(actions[k % 16])
    start = time.perf_counter()
    for k in range(steps):
        env.step(actions[k % 16])
    return batch * steps / (time.perf_counter() - start)


def minatar(game, steps):
    from minatar import Environment
    env = Environment(game)
    env.seed(0)
    rng = np.random.RandomState(0)
    actions = rng.randint(6, size=steps)
    env.reset()
    start = time.perf_counter()
    for k in range(steps):
        _, done = env.act(int(actions[k]))
        env.state()
        if done:
            env.reset()
    return steps / (time.perf_counter() - start)


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    out = {"CartPole-v1": max(cartpole(batch, 2000) for _ in range(3))}
    names = {"asterix": "Asterix", "breakout": "Breakout", "freeway": "Freeway", "seaquest": "Seaquest",
             "space_invaders": "SpaceInvaders"}
    for game, name in names.items():
        out["MinAtar/" + name] = max(minatar(game, 20000 if game != "space_invaders" else 5000) for _ in range(3))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
