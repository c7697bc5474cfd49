"""Golden one-step data for lamarck's classic-control envs, produced by Gymnasium's own step().

Run with the PATH python where `pip install gymnasium==1.4.0` is installed:
    python3 tests/data/envs/gen_classic.py tests/data/envs
Each env gets <name>.txt: a header line with the registered max_episode_steps, then one row per random
(state, action) pair: action..., state..., next_state..., observation..., reward, terminated.
Input states are float32 values (lamarck keeps float32 state), stepped in Gymnasium's float64.
"""
import sys

import numpy as np
import gymnasium as gym

if not hasattr(np, "float_"):  # numpy 2 removed the alias that acrobot.rk4 still uses
    np.float_ = np.float64

N = 2000
rng = np.random.default_rng(20261127)
f32 = lambda a: np.asarray(a, dtype=np.float32)

def cartpole_inputs():
    s = rng.uniform([-2.4, -3, -0.21, -3.5], [2.4, 3, 0.21, 3.5], size=(N, 4))
    return f32(s), rng.integers(0, 2, size=(N, 1))

def acrobot_inputs():
    s = rng.uniform([-np.pi, -np.pi, -4 * np.pi, -9 * np.pi], [np.pi, np.pi, 4 * np.pi, 9 * np.pi], size=(N, 4))
    s[: N // 4, 2:] *= 0.1  # plenty of slow states too
    return f32(s), rng.integers(0, 3, size=(N, 1))

def mountain_inputs():
    s = rng.uniform([-1.2, -0.07], [0.6, 0.07], size=(N, 2))
    s[:100, 0] = -1.2  # the left wall
    s[100:200, 0] = rng.uniform(0.44, 0.6, size=100)  # near the goal
    s[100:200, 1] = rng.uniform(-0.01, 0.07, size=100)
    return f32(s)

def pendulum_inputs():
    s = rng.uniform([-3 * np.pi, -8], [3 * np.pi, 8], size=(N, 2))
    return f32(s), f32(rng.uniform(-3, 3, size=(N, 1)))

def rows(name, states, actions, set_state, get_state, discrete):
    env = gym.make(name)
    env.reset(seed=0)
    out = [f"# {name} max_episode_steps {env.spec.max_episode_steps}"]
    for s, a in zip(states, actions):
        set_state(env.unwrapped, s)
        act = int(a[0]) if discrete else f32(a)
        obs, r, term, trunc, _ = env.unwrapped.step(act)
        nxt = get_state(env.unwrapped)
        vals = list(np.atleast_1d(a).astype(np.float64)) + list(s.astype(np.float64)) + list(nxt) + list(obs.astype(np.float64)) + [float(r), float(term)]
        out.append(" ".join(f"{v:.9g}" for v in vals))
    return out

def main(outdir):
    plain = lambda e, s: setattr(e, "state", np.array(s, dtype=np.float64))
    as32 = lambda e, s: setattr(e, "state", np.array(s, dtype=np.float32))
    tup = lambda e: [float(x) for x in e.state]
    s, a = cartpole_inputs()
    files = {"CartPole-v1": rows("CartPole-v1", s, a, lambda e, x: (plain(e, x), setattr(e, "steps_beyond_terminated", None)), tup, True)}
    s, a = acrobot_inputs()
    files["Acrobot-v1"] = rows("Acrobot-v1", s, a, as32, tup, True)
    files["MountainCar-v0"] = rows("MountainCar-v0", mountain_inputs(), rng.integers(0, 3, size=(N, 1)), plain, tup, True)
    files["MountainCarContinuous-v0"] = rows("MountainCarContinuous-v0", mountain_inputs(),
                                             f32(rng.uniform(-1.5, 1.5, size=(N, 1))), as32, tup, False)
    s, a = pendulum_inputs()
    files["Pendulum-v1"] = rows("Pendulum-v1", s, a, plain, tup, False)
    for name, lines in files.items():
        with open(f"{outdir}/{name}.txt", "w") as f:
            f.write("\n".join(lines) + "\n")

if __name__ == "__main__":
    main(sys.argv[1])
