"""Golden random-policy statistics of the reference MinAtar, for tests/envs/minatar_test.cpp.

Run with the PATH python where `pip install minatar==1.0.15` is installed:
    python3 tests/data/envs/gen_minatar.py tests/data/envs/minatar_stats.txt
For each game and action set (full 6 actions, or the game's minimal set), plays whole episodes of the
reference `minatar.Environment` with its own conventions (sticky_action_prob 0.1, difficulty ramping
on, no episode cap), choosing actions uniformly at random, and records the mean and standard error of
the episode return and length. Seeds: numpy RandomState(1000 + game index) for actions and
env.seed(2000 + game index) for the environment.
"""
import sys

import numpy as np
from minatar import Environment

GAMES = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"]
NAMES = {"asterix": "Asterix", "breakout": "Breakout", "freeway": "Freeway", "seaquest": "Seaquest",
         "space_invaders": "SpaceInvaders"}
EPISODES = {"freeway": 300}

def stats(game, index, minimal):
    env = Environment(game, sticky_action_prob=0.1, difficulty_ramping=True)
    env.seed(2000 + index + (100 if minimal else 0))
    pick = np.random.RandomState(1000 + index + (100 if minimal else 0))
    actions = env.minimal_action_set() if minimal else list(range(6))
    returns, lengths = [], []
    for _ in range(EPISODES.get(game, 4000)):
        env.reset()
        total, steps, done = 0.0, 0, False
        while not done:
            r, done = env.act(actions[pick.randint(len(actions))])
            total += r
            steps += 1
        returns.append(total)
        lengths.append(steps)
    se = lambda x: float(np.std(x, ddof=1) / np.sqrt(len(x)))
    return len(returns), float(np.mean(returns)), se(returns), float(np.mean(lengths)), se(lengths)

def main(path):
    lines = ["# game action_set episodes return_mean return_se length_mean length_se"]
    for i, game in enumerate(GAMES):
        for minimal in (False, True):
            n, rm, rs, lm, ls = stats(game, i, minimal)
            lines.append(f"{NAMES[game]} {'minimal' if minimal else 'full'} {n} {rm:.6f} {rs:.6f} {lm:.4f} {ls:.4f}")
            print(lines[-1], flush=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")

if __name__ == "__main__":
    main(sys.argv[1])
