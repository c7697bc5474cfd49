"""JaxUED's maze env under JAX on the CPU, the baseline of benchmarks/envs/maze.sh (one core).

B instances of jaxued.environments.Maze (13 x 13, 5 x 5 view, normalize_obs=True as the examples train)
behind AutoReplayWrapper (an ended episode restarts on its level, as lamarck's envs do), all on
SixteenRooms, stepped by one jitted lax.scan of T steps with random actions from a bank of 16 rows drawn
beforehand. The observations are kept: each step's image and direction go into the scan's carry (so
they are written to memory every step, as lamarck writes its observation rows) and into a checksum.
Also timed, for comparison with other measurements: "summed" (the observations only feed the checksum, so
XLA may fuse them away) and "dropped" (only rewards and dones are used).
Prints {"steps_per_second": median of R runs with the observations kept, ...} as JSON.

Needs jax (CPU) and jaxued: `pip install jax jaxued` (jaxued 0.0.1 calls jax.tree_map, which newer jax
lacks: shimmed below), or the repository source via JAXUED_SRC=<checkout>/src.
Usage: python maze_jaxued.py [B] [T] [R]
"""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
if os.environ.get("JAXUED_SRC"):
    sys.path.insert(0, os.environ["JAXUED_SRC"])

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

if not hasattr(jax, "tree_map"):
    jax.tree_map = jax.tree_util.tree_map
from jaxued.environments import Maze  # noqa: E402
from jaxued.environments.maze import Level  # noqa: E402
from jaxued.wrappers import AutoReplayWrapper  # noqa: E402


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    env = AutoReplayWrapper(Maze(max_height=13, max_width=13, agent_view_size=5, normalize_obs=True))
    params = env.default_params
    level = Level.load_prefabs(["SixteenRooms"])
    levels = jax.tree_util.tree_map(lambda x: jnp.repeat(x, batch, axis=0), level)
    keys = jax.random.split(jax.random.PRNGKey(0), batch)
    obs, state = jax.vmap(env.reset_to_level, (0, 0, None))(keys, levels, params)
    bank = jax.random.randint(jax.random.PRNGKey(1), (16, batch), 0, 7)
    step = jax.vmap(env.step, (0, 0, 0, None))

    def make_run(mode):
        def body(carry, t):
            state, image, direction, check, key = carry
            key, sub = jax.random.split(key)
            obs, state, reward, done, _ = step(jax.random.split(sub, batch), state, bank[t % 16], params)
            check = check + reward.sum() + done.sum()
            if mode != "dropped":
                check = check + obs.image.sum() + obs.agent_dir.sum()
            if mode == "kept":
                image, direction = obs.image, obs.agent_dir
            return (state, image, direction, check, key), None

        return jax.jit(lambda carry: jax.lax.scan(body, carry, jnp.arange(steps))[0])

    carry = (state, obs.image, obs.agent_dir, jnp.float32(0), jax.random.PRNGKey(2))
    result = {}
    for mode in ("kept", "summed", "dropped"):
        run = make_run(mode)
        jax.block_until_ready(run(carry))  # compile
        rates = []
        for _ in range(repeats):
            start = time.perf_counter()
            jax.block_until_ready(run(carry))
            rates.append(batch * steps / (time.perf_counter() - start))
        result["steps_per_second" if mode == "kept" else "steps_per_second_" + mode] = statistics.median(rates)
    result.update(batch=batch, steps=steps, repeats=repeats, jax=jax.__version__)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
