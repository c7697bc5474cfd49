"""`lamarck ued` killed with SIGKILL at random points and resumed with --resume gives the files of an
uninterrupted run, byte for byte (ACCEL: the trainer, the level buffer and the logs all come back)."""
import json
import os
import random
import signal
import subprocess
import time

import pytest

CLI = os.environ.get("LAMARCK_CLI")
pytestmark = pytest.mark.skipif(not CLI, reason="LAMARCK_CLI must point at the lamarck binary (set by ctest)")
FILES = ["config.json", "train.csv", "eval.csv", "levels.csv", "summary.json", "buffer.jsonl"]


def config(path):
    path.write_text(json.dumps({
        "curriculum": "accel", "seeds": 2, "eval_every": 6, "eval_episodes": 2, "checkpoint_every": 2,
        "holdouts": ["SixteenRooms", "StandardMaze"],
        "sampler": {"capacity": 16, "min_fill_ratio": 0.25},
        "trainer": {"num_envs": 4, "num_steps": 256, "num_updates": 30, "update_epochs": 2, "conv_filters": 2,
                    "lstm_hidden": 8, "head_hidden": 4},
    }))
    return path


def ued(*args):
    return subprocess.run([CLI, "-q", "--threads", "2", "ued", *args, "--no-plot"] if not args[0] == "--resume"
                          else [CLI, "-q", "--threads", "2", "ued", *args], capture_output=True, text=True, timeout=300)


def test_killed_runs_resume_to_identical_files(tmp_path):
    cfg = config(tmp_path / "accel.json")
    ref = tmp_path / "ref"
    start = time.monotonic()
    done = ued(str(cfg), "--out", str(ref))
    assert done.returncode == 0, done.stderr
    full = time.monotonic() - start
    rng = random.Random(7)
    for trial in range(3):
        out = tmp_path / f"killed{trial}"
        proc = subprocess.Popen([CLI, "-q", "--threads", "2", "ued", str(cfg), "--out", str(out), "--no-plot"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, 0.9) * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # resume until finished (a kill before the first checkpoint resumes from the start)
        resumed = ued("--resume", str(out))
        assert resumed.returncode == 0, resumed.stderr
        for name in FILES:
            assert (out / name).read_bytes() == (ref / name).read_bytes(), f"trial {trial}: {name} differs"


def test_resume_refuses_what_it_cannot_continue(tmp_path):
    bad = ued("--resume", str(tmp_path / "nothing"))
    assert bad.returncode != 0 and "not a UED run directory" in bad.stderr
    cfg = config(tmp_path / "accel.json")
    both = ued("--resume", str(tmp_path), str(cfg))
    assert both.returncode != 0 and "--resume DIR continues a run" in both.stderr
