"""JaxUED's maze examples timed on this machine's CPU: the baselines of benchmarks/ued/dr_speed.sh and
plr_speed.sh.

  dr      examples/maze_dr.py (domain randomisation)
  plr     examples/maze_plr.py with its defaults (Robust PLR: MaxMC, buffer 4000, replay 0.8, staleness 0.3,
          rank T 0.3, duplicates rejected, no gradient step on new levels), minimum fill MIN_FILL (default
          0.01: replays start after two updates, so the timed calls are in the replay regime)
  accel   the same with use_accel (5 edits per mutation)

Both with the examples' PPO settings (32 envs x 256 steps, LSTM 256, 5 epochs, 1 minibatch). Runs the
script's own main() with wandb stood in for and its log captured: EVAL_FREQ updates per jitted call, then
the script's evaluation (8 holdout levels, one attempt here); a call's time runs from the previous call's
log to its own (the first call, with compilation, is not timed; the scripts' own "sps" times an
asynchronous dispatch). Prints {"env_steps_per_second": median over the later calls, ...} as JSON: env
steps of training per second, the evaluation included.

Needs the jaxued source (JAXUED_SRC=<checkout>, which has src/ and examples/) and jax, flax, optax,
distrax, orbax-checkpoint, chex and wandb. Usage: python jaxued_time.py dr|plr|accel [EVAL_FREQ] [CALLS]
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

captured = []


class _Wandb:
    """Stands in for wandb inside the example: keeps the config, captures the logged timing."""

    def init(self, config=None, **kwargs):
        self.config = config
        return self

    def define_metric(self, *args, **kwargs):
        pass

    def log(self, d, *args, **kwargs):
        # a log follows the host copies of the call's results, i.e. the end of its computation
        captured.append(time.perf_counter())

    def Video(self, *args, **kwargs):  # noqa: N802 (wandb's name)
        return None

    def Image(self, *args, **kwargs):  # noqa: N802 (wandb's name)
        return None


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "dr"
    if kind not in ("dr", "plr", "accel"):
        sys.exit("usage: jaxued_time.py dr|plr|accel [EVAL_FREQ] [CALLS]")
    eval_freq = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    calls = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    if kind == "dr":
        import maze_dr as example
    else:
        import maze_plr as example
    example.wandb = _Wandb()
    config = dict(project="lamarck-bench", run_name=None, seed=0, mode="train", checkpoint_directory=None,
                  checkpoint_to_eval=-1, checkpoint_save_interval=0, max_number_of_checkpoints=1,
                  eval_freq=eval_freq, eval_num_attempts=1,
                  eval_levels=["SixteenRooms", "SixteenRooms2", "Labyrinth", "LabyrinthFlipped", "Labyrinth2",
                               "StandardMaze", "StandardMaze2", "StandardMaze3"],
                  lr=1e-4, max_grad_norm=0.5, num_updates=eval_freq * calls, num_env_steps=None, num_steps=256,
                  num_train_envs=32, num_minibatches=1, gamma=0.995, epoch_ppo=5, clip_eps=0.2, gae_lambda=0.98,
                  entropy_coeff=1e-3, critic_coeff=0.5, agent_view_size=5, n_walls=25, group_name="bench")
    if kind != "dr":
        config.update(score_function="MaxMC", exploratory_grad_updates=False, level_buffer_capacity=4000,
                      replay_prob=0.8, staleness_coeff=0.3, temperature=0.3, topk_k=4,
                      minimum_fill_ratio=float(os.environ.get("MIN_FILL", "0.01")), prioritization="rank",
                      buffer_duplicate_check=True, use_accel=kind == "accel", num_edits=5)
    example.main(config, project=config["project"])
    steps_per_call = eval_freq * 32 * 256
    # seconds of call k (k >= 1): from the log of call k - 1 to the log of call k
    seconds = [b - a for a, b in zip(captured, captured[1:])]
    rates = [steps_per_call / s for s in seconds]
    print(json.dumps({"env_steps_per_second": statistics.median(rates), "calls_seconds": seconds,
                      "eval_freq": eval_freq, "kind": kind, "jax": jax.__version__}))


if __name__ == "__main__":
    main()
