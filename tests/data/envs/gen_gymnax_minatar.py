"""Golden episodes of gymnax's MinAtar Asterix, Freeway, Seaquest and SpaceInvaders, for
tests/envs/minatar_test.cpp (GymnaxEpisodes).

Run with the PATH python where `pip install gymnax==1.0.1 jax` (CPU) is installed:
    python3 tests/data/envs/gen_gymnax_minatar.py tests/data/envs   # writes gymnax_<game>.txt

The games draw random numbers inside their steps, so beside each step's action and result the file
records the outcome of every random draw gymnax used in that step (recomputed by calling gymnax's own
sampling functions with the step's key); the test feeds those outcomes to lamarck's game through a
scripted generator and must reproduce every observation, reward and end flag.

Episodes are played with `env.step_env` (no auto-reset) on keys split from PRNGKey(1000 + e), under a
one-step lookahead policy: each action is tried on a copy of the state with the step's key, and the one
with the best reward (a terminal step counts -10) is taken, ties broken at random, with a uniformly random
action instead with probability `noise` (Freeway adds a small bonus for height,
Seaquest one for heading up when the oxygen is low with a diver aboard). Lines:
  episode <e> steps <n> obs0 <crc> [reset draws]
  <action> <reward> <done> <crc of the observation after the step> [step draws]
where crc is zlib's CRC-32 of the observation as uint8 in (y, x, channel) order, done is terminated or
`time >= max_steps_in_episode`, and the draws' format is per game (see `DRAWS` below).
"""
import os
import sys
import zlib

import jax
import jax.numpy as jnp
import numpy as np
import gymnax
from gymnax.environments.minatar import asterix


def crc(obs):
    return zlib.crc32(np.asarray(obs).astype(np.uint8).tobytes())


# ---- per-game random outcomes -------------------------------------------------------------------

def asterix_step_draws(key, st, st_after, reward):
    """`spawn <lr> <gold> <skipped row> <row> <free>` when the spawn timer fires."""
    if int(st.spawn_timer) != 0:
        return ""
    entity, slot = asterix.spawn_entity(key, st)
    key_slot = jax.random.split(key, 3)[2]
    skipped = int(jax.random.permutation(key_slot, jnp.arange(8))[0])
    return "spawn %d %d %d %d %d" % (int(entity[2]), int(entity[3]), skipped, int(slot), int(entity[4]))


def seaquest_step_draws(key, st, st_after, reward):
    """`enemy <from the left> <sub> <row>` when the enemy spawn timer fires, `diver <from the left>
    <row>` when the diver's does (gymnax draws both every step; these are the ones it uses)."""
    key_enemy, key_diver = jax.random.split(key)
    words = []
    if int(st.e_spawn_timer) == 0:
        k_choice, k_y = jax.random.split(key_enemy)
        v = jax.random.uniform(k_choice, shape=(2,))
        y = int(jax.random.randint(k_y, (), 1, 9))
        words.append("enemy %d %d %d" % (int(v[0] < 0.5), int(v[1] < (1.0 / 3.0)), y))
    if int(st.d_spawn_timer) == 0:
        k_dir, k_y = jax.random.split(key_diver)
        words.append("diver %d %d" % (int(jax.random.bernoulli(k_dir)), int(jax.random.randint(k_y, (), 1, 9))))
    return " ".join(words)


def seaquest_bonus(st):
    """Head up when the oxygen runs low with a diver aboard, or with six."""
    divers, oxygen = int(st.diver_count), int(st.oxygen)
    return -0.01 * float(st.sub_y) if (divers > 0 and oxygen < 70) or divers >= 6 else 0.0


def freeway_cars(st):
    return "cars " + " ".join(str(int(v)) for v in np.asarray(st.cars)[:, 3])


def freeway_reset_draws(key, st):
    """`cars <signed speed of the car in row 1> ... <row 8>`: the speeds and directions drawn."""
    return freeway_cars(st)


def freeway_step_draws(key, st, st_after, reward):
    """On a crossing (reward 1) the cars' new speeds, as at reset."""
    return freeway_cars(st_after) if float(reward) > 0 else ""


GAMES = {
    # game: (gymnax id, episodes kept, lookahead noise, reset draws, step draws, progress bonus)
    "Asterix": ("Asterix-MinAtar", 8, 0.05, None, asterix_step_draws, None),
    "Freeway": ("Freeway-MinAtar", 3, 0.2, freeway_reset_draws, freeway_step_draws,
                lambda st: -0.01 * float(st.pos)),
    "SpaceInvaders": ("SpaceInvaders-MinAtar", 6, 0.05, None, None, None),
    "Seaquest": ("Seaquest-MinAtar", 8, 0.05, None, seaquest_step_draws, seaquest_bonus),
}


def play(env, params, e, noise, reset_draws, step_draws, bonus):
    key = jax.random.PRNGKey(1000 + e)
    key, key_reset = jax.random.split(key)
    obs, st = env.reset_env(key_reset, params)
    head = "obs0 %d" % crc(obs)
    if reset_draws:
        head += " " + reset_draws(key_reset, st)
    step = jax.jit(env.step_env)
    rng = np.random.default_rng(e)
    lines = []
    for t in range(params.max_steps_in_episode):
        key, k = jax.random.split(key)
        actions = list(range(env.num_actions))
        rng.shuffle(actions)
        best = None
        for a in actions:
            _, s2, r, _, _ = step(k, st, a, params)
            score = float(r) - 10.0 * float(s2.terminal) + (bonus(s2) if bonus else 0.0)
            if best is None or score > best[0]:
                best = (score, a)
        a = best[1] if rng.random() >= noise else int(rng.integers(env.num_actions))
        obs, st_after, r, term, _ = step(k, st, a, params)
        draws = step_draws(k, st, st_after, r) if step_draws else ""
        st = st_after
        done = bool(term) or int(st.time) >= params.max_steps_in_episode
        lines.append(("%d %g %d %d %s" % (a, float(r), int(done), crc(obs), draws)).rstrip())
        if done:
            break
    return head, lines


def main(out_dir, games):
    for game in games:
        gid, episodes, noise, reset_draws, step_draws, bonus = GAMES[game]
        env, params = gymnax.make(gid)
        out = ["# gymnax 1.0.1 %s episodes; see tests/data/envs/gen_gymnax_minatar.py" % gid]
        for e in range(episodes):
            head, lines = play(env, params, e, noise, reset_draws, step_draws, bonus)
            out.append("episode %d steps %d %s" % (e, len(lines), head))
            out.extend(lines)
            print(game, e, len(lines), file=sys.stderr)
        with open(os.path.join(out_dir, "gymnax_%s.txt" % game.lower()), "w") as f:
            f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or list(GAMES))
