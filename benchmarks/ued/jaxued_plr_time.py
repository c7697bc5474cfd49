"""JaxUED's examples/maze_plr.py (Robust PLR, or ACCEL with --accel, on the maze with its defaults: MaxMC,
buffer 4000, replay 0.8, staleness 0.3, rank T 0.3, duplicates rejected, no gradient step on new levels;
32 envs x 256 steps, LSTM 256, 5 epochs, 1 minibatch) timed on this machine's CPU, the baseline of
benchmarks/ued/plr_speed.sh. The minimum fill ratio is MIN_FILL (default 0.01: replays start after two
updates, so the timed calls are in the replay regime rather than the buffer's warm-up).

Runs the script's own main() with wandb disabled and its log captured: eval_freq updates per jitted call,
then the script's evaluation (8 holdout levels, one attempt here) and its frames; a call's time runs
from the previous call's log to its own (the first call, with compilation, is not timed). Prints {"env_steps_per_second": median over the later calls, ...} as JSON:
env steps of training per second, the evaluation included (as in the script's own "sps").

Needs the jaxued source (JAXUED_SRC=<checkout>, which has src/ and examples/) and jax, flax, optax,
distrax, orbax-checkpoint, chex and wandb. Usage: python jaxued_plr_time.py [EVAL_FREQ] [CALLS] [--accel]
"""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
src = os.environ["JAXUED_SRC"]
sys.path.insert(0, os.path.join(src, "src"))
sys.path.insert(0, os.path.join(src, "examples"))

import jax  # noqa: E402

if not hasattr(jax, "tree_map"):
    jax.tree_map = jax.tree_util.tree_map
import maze_plr  # noqa: E402

captured = []


class _Wandb:
    """Stands in for wandb inside maze_plr: keeps the config, captures the logged timing."""

    def init(self, config=None, **kwargs):
        self.config = config
        return self

    def define_metric(self, *args, **kwargs):
        pass

    def log(self, d, *args, **kwargs):
        # the script's own "sps" times an asynchronous dispatch (no block_until_ready), so time here: a log
        # follows the host copies of the call's results, i.e. the end of its computation
        captured.append(time.perf_counter())

    def Video(self, *args, **kwargs):  # noqa: N802 (wandb's name)
        return None

    def Image(self, *args, **kwargs):  # noqa: N802 (wandb's name)
        return None


maze_plr.wandb = _Wandb()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    eval_freq = int(args[0]) if len(args) > 0 else 5
    calls = int(args[1]) if len(args) > 1 else 4
    accel = "--accel" in sys.argv
    config = dict(project="lamarck-bench", run_name=None, seed=0, mode="train", checkpoint_directory=None,
                  checkpoint_to_eval=-1, checkpoint_save_interval=0, max_number_of_checkpoints=1,
                  eval_freq=eval_freq, eval_num_attempts=1,
                  eval_levels=["SixteenRooms", "SixteenRooms2", "Labyrinth", "LabyrinthFlipped", "Labyrinth2",
                               "StandardMaze", "StandardMaze2", "StandardMaze3"],
                  lr=1e-4, max_grad_norm=0.5, num_updates=eval_freq * calls, num_env_steps=None, num_steps=256,
                  num_train_envs=32, num_minibatches=1, gamma=0.995, epoch_ppo=5, clip_eps=0.2, gae_lambda=0.98,
                  entropy_coeff=1e-3, critic_coeff=0.5, agent_view_size=5, n_walls=25, group_name="bench",
                  score_function="MaxMC", exploratory_grad_updates=False, level_buffer_capacity=4000,
                  replay_prob=0.8, staleness_coeff=0.3, temperature=0.3, topk_k=4,
                  minimum_fill_ratio=float(os.environ.get("MIN_FILL", "0.01")), prioritization="rank",
                  buffer_duplicate_check=True, use_accel=accel, num_edits=5)
    maze_plr.main(config, project=config["project"])
    steps_per_call = eval_freq * 32 * 256
    # seconds of call k (k >= 1): from the log of call k - 1 to the log of call k
    seconds = [b - a for a, b in zip(captured, captured[1:])]
    rates = [steps_per_call / s for s in seconds]
    print(json.dumps({"env_steps_per_second": statistics.median(rates), "calls_seconds": seconds,
                      "eval_freq": eval_freq, "accel": accel, "jax": jax.__version__}))


if __name__ == "__main__":
    main()
