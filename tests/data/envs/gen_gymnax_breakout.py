"""Golden trajectories of gymnax's MinAtar Breakout, for tests/envs/minatar_test.cpp (GymnaxBreakout).

Run with the PATH python where `pip install gymnax==1.0.1 jax` (CPU) is installed:
    python3 tests/data/envs/gen_gymnax_breakout.py tests/data/envs/gymnax_breakout.txt
Breakout draws randomness only at reset (the ball starts at the left or the right), so a trajectory is
determined by its start and its actions. Episodes are played by `gymnax.make("Breakout-MinAtar")`
(minimal actions, 1000-step cap) under a scripted policy: the paddle heads for the column where the
falling ball reaches the bottom row (its own position while the ball rises), with a random action
instead with probability 0.01 + 0.01 * (7 * episode % 10). Episode e starts at the left when e is even.
Each kept episode is written as a line `episode <e> steps <n> obs0 <crc>`, then one line per step:
`<action> <reward> <done> <crc of the observation after the step>`, where crc is zlib's CRC-32 of the
(10, 10, 4) observation as uint8 in (y, x, channel) order, and done is terminated or truncated. The
observation after the last step is the final one (before any reset).
"""
import sys
import zlib

import jax
import numpy as np
import gymnax

KEEP = [3, 6, 16, 20, 23, 30]  # terminal episodes of 318, 1000 (truncated), 580, 246, 1000, 1000 steps


def crc(obs):
    return zlib.crc32(np.asarray(obs).astype(np.uint8).tobytes())


def landing_column(st):
    bx, by, bd, pos = int(st.ball_x), int(st.ball_y), int(st.ball_dir), int(st.pos)
    if bd < 2:  # rising: follow the ball
        return bx
    x, dx = bx, (1 if bd == 2 else -1)
    for _ in range(9 - by):
        x += dx
        if x < 0 or x > 9:
            x, dx = min(max(x, 0), 9), -dx
    return x


def episode(env, params, e):
    k = 0
    while True:  # a reset key with the wanted start
        obs, st = env.reset_env(jax.random.PRNGKey(k), params)
        if int(st.ball_x) == (0 if e % 2 == 0 else 9):
            break
        k += 1
    rng = np.random.default_rng(e)
    noise = 0.01 + 0.1 * ((e * 7) % 10) / 10
    step = jax.jit(env.step_env)
    lines, obs0 = [], crc(obs)
    for t in range(params.max_steps_in_episode):
        tgt, pos = landing_column(st), int(st.pos)
        a = 0 if tgt == pos else (1 if tgt < pos else 2)
        if rng.random() < noise:
            a = int(rng.integers(3))
        obs, st, r, term, _ = step(jax.random.PRNGKey(0), st, a, params)
        done = bool(term) or int(st.time) >= params.max_steps_in_episode
        lines.append("%d %g %d %d" % (a, float(r), int(done), crc(obs)))
        if done:
            break
    return obs0, lines


def main(out_path):
    env, params = gymnax.make("Breakout-MinAtar")
    out = ["# gymnax 1.0.1 Breakout-MinAtar trajectories; see tests/data/envs/gen_gymnax_breakout.py"]
    for e in KEEP:
        obs0, lines = episode(env, params, e)
        out.append("episode %d steps %d obs0 %d" % (e, len(lines), obs0))
        out.extend(lines)
    with open(out_path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
