"""The `lamarck` command as a user runs it: `train --config` with every registered update rule, and the
errors for an unknown rule or subcommand."""
import json
import os
import subprocess

import numpy as np
import pytest

import lamarck

CLI = os.environ.get("LAMARCK_CLI")
pytestmark = pytest.mark.skipif(not CLI, reason="LAMARCK_CLI must point at the lamarck binary (set by ctest)")
CONFIGS = os.path.join(os.path.dirname(__file__), "..", "..", "experiments", "configs")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


def lpo_objective_file(path):
    """A discovered-objective file of rule lpo with small random weights."""
    rng = np.random.default_rng(1)
    hidden = 128
    doc = {
        "lamarck": {"kind": "discovered_objective", "version": 1, "writer": "test"},
        "data": {
            "rule": "lpo", "features": lamarck.objectives.feature_names("lpo"), "hidden": hidden,
            "clip_eps": 0.2, "dpo_alpha": 2.0, "dpo_beta": 0.6,
            "weights": [float(w) for w in rng.normal(0, 0.05, size=8 * hidden + hidden)],
            "provenance": {"source": "test", "config": "", "generation": 0, "candidate": "mean",
                           "has_fitness": False, "fitness": 0.0, "lamarck_version": "test"},
        },
    }
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("rule", lamarck.update_rule_names())
def test_train_config_runs_every_registered_rule(rule, tmp_path):
    with open(os.path.join(CONFIGS, "cartpole_ppo.json")) as f:
        cfg = json.load(f)
    cfg["rule"] = rule
    cfg["total_timesteps"] = 2048
    if rule == "objective":
        cfg["rule_file"] = str(lpo_objective_file(tmp_path / "lpo.json"))
    path = tmp_path / "config.json"
    path.write_text(json.dumps(cfg))
    out = run("-q", "train", "--config", str(path), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["steps_per_seed"] == 2048
    assert summary["rule"] == rule


def test_every_learned_rule_is_registered():
    names = set(lamarck.update_rule_names())
    assert {"ppo_clip", "pg", "dpo", "lpo", "ta_lpo", "objective"} <= names


def test_rule_file_of_another_rule_is_refused(tmp_path):
    cfg = {"env": "CartPole-v1", "rule": "ta_lpo", "rule_file": str(lpo_objective_file(tmp_path / "lpo.json")),
           "total_timesteps": 512}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(cfg))
    out = run("-q", "train", "--config", str(path))
    assert out.returncode != 0
    assert "holds a 'lpo' objective, not 'ta_lpo'" in out.stderr


def test_unknown_rule_names_the_nearest(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"env": "CartPole-v1", "rule": "ta_lp", "total_timesteps": 512}))
    out = run("-q", "train", "--config", str(path))
    assert out.returncode == 2
    assert "did you mean 'ta_lpo'" in out.stderr


@pytest.mark.parametrize("args", [["trian"], ["--threads", "1", "trian", "--json"]])
def test_unknown_subcommand_names_the_nearest(args):
    out = run(*args)
    assert out.returncode == 2
    assert "unknown subcommand 'trian'; did you mean 'train'?" in out.stderr


def test_python_train_keeps_the_configs_env_and_algo():
    out = lamarck.train(config=os.path.join(CONFIGS, "cartpole_a2c.json"), total_steps=400, seeds=1)
    # cartpole_a2c: 8 envs x 5 steps per update -> 400 steps are 10 updates (PPO's 4 x 128 would be 1)
    assert out["curves"].shape == (1, 10)
    with pytest.raises(ValueError, match="unknown env|did you mean"):
        lamarck.train(config={"env": "MinAtar/Breakoot"}, total_steps=512)


# Bad input on the command line: a non-zero exit and one line naming the bad value -- never an abort
# (a negative return code is a signal), a traceback or a silent default.
BAD_INPUTS = [
    (["train", "--env", "CartPole-v1", "--total-steps", "0"], "--total-steps"),
    (["train", "--env", "CartPole-v1", "--total-steps", "-5"], "--total-steps"),
    (["train", "--env", "CartPole-v1", "--seeds", "0"], "--seeds"),
    (["train", "--env", "CartPole-v1", "--total-steps", "1e4x"], "--total-steps"),
    (["train", "--env", "CartPol-v1", "--total-steps", "512"], "did you mean 'CartPole-v1'"),
    (["train", "--config", "/nonexistent/config.json"], "/nonexistent/config.json"),
    (["meta-train", "experiments/configs/meta_lpo_cartpole.json", "--generations", "0"], "--generations"),
    (["evaluate", "--objective", "ppo_clip", "--horizons", "1e4,x"], "--horizons: 'x' is not a number"),
    (["evaluate", "--objective", "ppo_clip", "--horizons", "0"], "--horizons: '0' is out of range"),
    (["evaluate", "--objective", "ppo_clip", "--horizons", "2.5"], "--horizons: '2.5' is not a whole number"),
    (["es", "--strategy", "cma_es", "--problem", "sphere", "--dim", "0"], "--dim"),
    (["es", "--strategy", "cma_es", "--problem", "sphere", "--dim", "4", "--generations", "0"], "--generations"),
    (["es", "--strategy", "cma_es", "--problem", "sphere", "--dim", "4", "--instances", "0"], "--instances"),
    (["es", "--strategy", "cma_es", "--problem", "sphere", "--dim", "4", "--instances", "2x"], "--instances"),
    (["envs", "render", "--env", "CartPole-v1", "--steps", "2", "--actions", "0,one"], "--actions: 'one'"),
    (["envs", "bench", "--env", "CartPole-v1", "--batch", "0"], "--batch"),
    (["envs", "render", "--env", "Maze", "--steps", "2", "--level", ">..|.G"], "row 2 has 2 cells"),
    (["envs", "render", "--env", "CartPole-v1", "--steps", "2", "--level", ">.G"], "no text form"),
    (["ued-train", "--updates", "0"], "--updates"),
    (["ued-train", "experiments/configs/cartpole_ppo.json"], "cartpole_ppo.json"),
]


@pytest.mark.parametrize("args,message", BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_a_clear_error(args, message, tmp_path):
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    out = subprocess.run([CLI, "-q", *args], capture_output=True, text=True, timeout=120, cwd=root)
    assert out.returncode > 0, (out.returncode, out.stderr)
    assert message in out.stderr, out.stderr
    assert "terminate" not in out.stderr and "Traceback" not in out.stderr


def test_an_out_directory_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run("-q", "train", "--env", "CartPole-v1", "--total-steps", "512", "--out", str(blocker / "run"))
    assert out.returncode == 2, out.stderr
    assert "lamarck: error:" in out.stderr and "terminate" not in out.stderr


def test_objective_by_name_takes_the_configs_clip_and_is_reported(tmp_path):
    with open(os.path.join(CONFIGS, "cartpole_ppo.json")) as f:
        cfg = json.load(f)
    cfg["total_timesteps"] = 4096
    runs = {}
    for clip in (0.05, 0.2):
        cfg["clip_eps"] = clip
        path = tmp_path / f"c{clip}.json"
        path.write_text(json.dumps(cfg))
        out = run("-q", "train", "--config", str(path), "--objective", "ppo_clip", "--json",
                  "--out", str(tmp_path / f"run{clip}"))
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["rule"] == "ppo_clip"
        runs[clip] = (tmp_path / f"run{clip}" / "metrics.csv").read_text()
    assert runs[0.05] != runs[0.2], "the config's clip_eps must reach a rule given by name"
    # A2C with a rule of its own reports that rule, not "pg"
    out = run("-q", "train", "--env", "CartPole-v1", "--algo", "a2c", "--objective", "dpo", "--total-steps", "512",
              "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rule"] == "dpo"


def test_counts_accept_scientific_notation():
    out = run("-q", "train", "--env", "CartPole-v1", "--total-steps", "2e3", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["steps_per_seed"] == 1536  # three updates of 4 x 128 steps


def test_network_widths_and_clipping_are_validated():
    with pytest.raises(ValueError, match=r"hidden\[1\] = 0 is out of range"):
        lamarck.train(hidden=[64, 0], total_steps=512)
    with pytest.raises(ValueError, match=r"hidden\[0\] = -64"):
        lamarck.train(hidden=[-64], total_steps=512)
    with pytest.raises(ValueError, match="max_grad_norm = -1 is out of range"):
        lamarck.train(max_grad_norm=-1, total_steps=512)
    # and several mistakes are reported together
    with pytest.raises(ValueError, match="3 errors"):
        lamarck.train(hidden=[0], max_grad_norm=-1, gamma=2.0, total_steps=512)


# The happy path of every subcommand that tests/cli and tests/meta do not run: what a user sees first.
def test_es_envs_and_plot_happy_paths(tmp_path):
    out = run("-q", "es", "--strategy", "cma_es", "--problem", "sphere", "--dim", "4", "--generations", "60", "--json")
    assert out.returncode == 0, out.stderr
    es = json.loads(out.stdout)
    assert es["evaluations"] == 60 * es["pop_size"] and es["best_fitness"] < 1e-6
    out = run("-q", "envs", "list", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert set(lamarck.envs.names()) == set(listed)
    out = run("-q", "envs", "bench", "--env", "Box2D/PushBox", "--batch", "16", "--steps", "10", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["steps_per_second"] > 0
    # a holdout maze by name, played forward: the agent's view frames and a GIF
    out = run("-q", "envs", "render", "--env", "Maze", "--level", "TrivialMaze2", "--steps", "6", "--actions", "2",
              "--out", str(tmp_path / "maze"), "--gif", str(tmp_path / "maze.gif"), "--json")
    assert out.returncode == 0, out.stderr
    assert len(list((tmp_path / "maze").glob("frame_*.png"))) == 7 and (tmp_path / "maze.gif").stat().st_size > 0
    # a one-generation meta-training run, then its plots
    cfg = {"rule": "lpo", "pop_size": 4, "generations": 1, "min_timesteps": 512, "max_timesteps": 512,
           "tasks_per_candidate": 1, "eval_every": 1, "eval_seeds": 2, "envs": ["CartPole-v1"],
           "baselines": [{"env": "CartPole-v1", "value": 475.0}], "inner": {"hidden": [8, 8]}}
    path = tmp_path / "meta.json"
    path.write_text(json.dumps(cfg))
    run_dir = tmp_path / "run"
    out = run("-q", "meta-train", str(path), "--out", str(run_dir), "--no-plot", "--json")
    assert out.returncode == 0, out.stderr
    out = run("-q", "plot", str(run_dir), "--json")
    assert out.returncode == 0, out.stderr
    for name in ("meta_training.png", "evaluation.png", "drift_surface.png"):
        assert (run_dir / "plots" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_meta_train_instances_are_independent_searches(tmp_path):
    """`"instances": 3` runs three meta-training searches as one batch: each writes a run directory of its
    own (metrics, evaluations, objectives, plots), instance 0 equals the run of one instance, and the summary
    reports the spread over instances."""
    cfg = {"rule": "lpo", "pop_size": 4, "generations": 2, "min_timesteps": 1024, "max_timesteps": 1024, "sigma": 0.5,
           "tasks_per_candidate": 1, "eval_every": 0, "eval_seeds": 3, "envs": ["CartPole-v1"], "seed": 5,
           "baselines": [{"env": "CartPole-v1", "value": 475.0}], "agents_per_trainer": 4,
           "inner": {"num_envs": 4, "num_steps": 32, "hidden": [8, 8]}}
    one_cfg, three_cfg = tmp_path / "one.json", tmp_path / "three.json"
    one_cfg.write_text(json.dumps(cfg))
    three_cfg.write_text(json.dumps({**cfg, "instances": 3}))
    one, three = tmp_path / "one", tmp_path / "three"
    out = run("-q", "meta-train", str(one_cfg), "--out", str(one), "--no-plot", "--json")
    assert out.returncode == 0, out.stderr
    out = run("-q", "meta-train", str(three_cfg), "--out", str(three), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["instances"] == 3
    assert "over 3 instances" in summary["heldout_mean_over_instances"]
    assert summary["instances_above_ppo"].endswith("(paired 95% interval above 0 on every env and horizon)")
    for k in range(3):
        assert f"heldout_mean_instance_{k}_CartPole-v1@1024" in summary
        d = three / f"instance_{k}"
        assert len((d / "metrics.jsonl").read_text().splitlines()) == 2
        evals = [json.loads(line) for line in (d / "eval.jsonl").read_text().splitlines()]
        assert [e["objective"] for e in evals] == ["ppo_clip", "mean"]
        assert (d / "plots" / "meta_training.png").read_bytes()[:4] == b"\x89PNG"
        assert lamarck.objectives.load(str(d / "objective_mean.json")).rule == "lpo"
    assert (three / "instance_0" / "metrics.jsonl").read_text() == (one / "metrics.jsonl").read_text()
    assert (three / "instance_1" / "metrics.jsonl").read_text() != (three / "instance_2" / "metrics.jsonl").read_text()
    # the held-out tasks are shared: instance 0's evaluation is the one-instance run's
    assert (three / "instance_0" / "eval.jsonl").read_text() == (one / "eval.jsonl").read_text()
    # zero instances is a config error naming the field
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**cfg, "instances": 0}))
    out = run("-q", "meta-train", str(bad), "--out", str(tmp_path / "bad"))
    assert out.returncode > 0 and "instances" in out.stderr, out.stderr
    # a finished run resumes as one of three instances
    out = run("-q", "meta-train", "--resume", str(three), "--no-plot", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["generations"] == 2


def test_es_instances_run_as_one_batch(tmp_path):
    """`es --instances N`: N independent instances (IPOP grows each one's population at its own restarts),
    a log row per instance per generation, the batch's checkpoint, and the spread in the summary."""
    out = run("-q", "es", "--strategy", "ipop_cma_es", "--problem", "rastrigin", "--dim", "4", "--instances", "3",
              "--x0", "3", "--sigma", "2", "--generations", "1000", "--target", "1e-8", "--seed", "2", "--out", str(tmp_path), "--json")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["instances"] == 3 and s["targets_reached"] == 3, s
    assert s["best_fitness"] <= s["median_best_fitness"] <= s["worst_best_fitness"] <= 1e-8
    assert 0 < s["median_evaluations_to_target"] <= s["evaluations"] / 3
    lines = (tmp_path / "log.csv").read_text().splitlines()
    assert lines[0] == "generation,instance,evaluations,best,sigma,nonfinite,pop_size"
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == 3 * s["generations"]
    assert sorted({int(r[1]) for r in rows}) == [0, 1, 2]
    last = {int(r[1]): int(r[2]) for r in rows}
    assert sum(last.values()) == s["evaluations"]
    pops = {(int(r[1]), int(r[6])) for r in rows}
    assert len({p for _, p in pops}) > 1, "IPOP restarts grow the populations"
    assert (tmp_path / "checkpoint.bin").stat().st_size > 0
    # the instances differ (their own seeds), and the same seed repeats the same batch
    again = run("-q", "es", "--strategy", "ipop_cma_es", "--problem", "rastrigin", "--dim", "4", "--instances", "3",
                "--x0", "3", "--sigma", "2", "--generations", "1000", "--target", "1e-8", "--seed", "2", "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "log.csv").read_text() == "\n".join(lines) + "\n"
    assert len({r[3] for r in rows if r[0] == "1"}) == 3, "each instance samples from its own seed"


def objective_file_for(rule, path):
    """A discovered-objective file of any table rule, with zero weights."""
    features = lamarck.objectives.feature_names(rule)
    hidden = 128 if features else 0
    doc = {
        "lamarck": {"kind": "discovered_objective", "version": 1, "writer": "test"},
        "data": {
            "rule": rule, "features": features, "hidden": hidden,
            "clip_eps": 0.2, "dpo_alpha": 2.0, "dpo_beta": 0.6,
            "weights": [0.0] * ((len(features) * hidden + hidden) if features else 0),
            "provenance": {"source": "test", "config": "", "generation": 0, "candidate": "mean",
                           "has_fitness": False, "fitness": 0.0, "lamarck_version": "test"},
        },
    }
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("rule", lamarck.objectives.rule_names())
def test_every_table_rule_reaches_every_entry_point(rule, tmp_path):
    """A rule of learned_objectives' table is accepted by name or file by train --objective, evaluate
    --baselines, inspect, Python's builtin() and (when it has parameters) meta configs."""
    out = run("-q", "train", "--env", "CartPole-v1", "--total-steps", "2048", "--seeds", "2", "--objective", rule,
              "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rule"] == rule
    cfg = {"rule": "lpo", "envs": ["CartPole-v1"], "baselines": [{"env": "CartPole-v1", "value": 475.0}],
           "inner": {"hidden": [8, 8]}}
    meta_cfg = tmp_path / "meta.json"
    meta_cfg.write_text(json.dumps(cfg))
    rows = tmp_path / "rows.jsonl"
    out = run("-q", "evaluate", "--baselines", rule, "--horizons", "2048", "--seeds", "2", "--config", str(meta_cfg),
              "--out", str(rows), "--json")
    assert out.returncode == 0, out.stderr
    assert [json.loads(line)["objective"] for line in rows.read_text().splitlines()] == [rule]
    path = objective_file_for(rule, tmp_path / (rule + ".json"))
    out = run("-q", "inspect", str(path), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rule"] == rule
    assert lamarck.objectives.builtin(rule).metadata["rule"] == rule
    assert lamarck.objectives.load(str(path)).metadata["rule"] == rule
    cfg.update({"rule": rule, "pop_size": 2, "generations": 1, "min_timesteps": 512, "max_timesteps": 512,
                "tasks_per_candidate": 1, "eval_every": 0})
    meta_cfg.write_text(json.dumps(cfg))
    out = run("-q", "meta-train", str(meta_cfg), "--out", str(tmp_path / "run"), "--no-plot", "--json")
    if lamarck.objectives.feature_names(rule):
        assert out.returncode == 0, out.stderr
    else:  # nothing to search: refused, naming the rules that have parameters
        assert out.returncode != 0 and "lpo" in out.stderr and "ta_lpo" in out.stderr, out.stderr
