"""lamarck.objectives: loading discovered-objective files and evaluating their drift, checked against an
independent numpy implementation of the LPO / TA-LPO drift (Lu et al. 2022; Jackson et al. 2024)."""
import json

import numpy as np
import pytest

import lamarck

HIDDEN = 128


def write_objective(path, rule, weights, **extra):
    doc = {
        "lamarck": {"kind": "discovered_objective", "version": 1, "writer": "test"},
        "data": {
            "rule": rule,
            "features": extra.pop("features"),
            "hidden": HIDDEN,
            "clip_eps": 0.2, "dpo_alpha": 2.0, "dpo_beta": 0.6,
            "weights": [float(w) for w in weights],
            "provenance": {"source": "test", "config": "", "generation": 7, "candidate": "mean",
                           "has_fitness": True, "fitness": 1.25, "lamarck_version": "test"},
        },
    }
    doc["data"].update(extra)
    path.write_text(json.dumps(doc))
    return path


def numpy_drift(weights, n_in, r, a, progress=0.0, log_h=0.0, eps=0.2):
    lr = np.log(r)
    f = [lr, lr * lr, 1 - r, (1 - r) ** 2]
    x = np.stack(f + [a * v for v in f] + ([np.full_like(r, progress), np.full_like(r, log_h)] if n_in == 10 else []), -1)
    w1 = np.asarray(weights[: n_in * HIDDEN], dtype=np.float64).reshape(n_in, HIDDEN)
    w2 = np.asarray(weights[n_in * HIDDEN:], dtype=np.float64)
    net = np.tanh(x @ w1) @ w2
    if n_in == 10:
        x0 = np.zeros(10)
        x0[8], x0[9] = progress, log_h
        net = net - np.tanh(x0 @ w1) @ w2
    ppo = np.maximum((r - np.clip(r, 1 - eps, 1 + eps)) * a, 0.0)
    return np.maximum(net + ppo - 1e-4, 0.0)


@pytest.fixture
def lpo_file(tmp_path):
    rng = np.random.default_rng(0)
    weights = rng.normal(0, 0.3, size=8 * HIDDEN + HIDDEN).astype(np.float32)
    names = lamarck.objectives.feature_names("lpo")
    return write_objective(tmp_path / "lpo.json", "lpo", weights, features=names), weights


def test_lpo_drift_matches_numpy(lpo_file):
    path, weights = lpo_file
    obj = lamarck.objectives.load(path)
    assert obj.rule == "lpo"
    meta = obj.metadata
    assert meta["num_params"] == 8 * HIDDEN + HIDDEN
    assert meta["provenance"]["generation"] == 7
    assert meta["provenance"]["fitness"] == pytest.approx(1.25)
    r = np.linspace(0.3, 2.0, 57)
    for a in (-2.0, -0.3, 0.0, 0.7, 1.5):
        got = obj.drift(r, a)
        want = numpy_drift(weights.astype(np.float64), 8, r, a)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    # broadcasting over a grid
    grid = obj.drift(r[:, None], np.array([-1.0, 1.0])[None, :])
    assert grid.shape == (57, 2)


def test_drift_is_zero_at_ratio_one(lpo_file):
    obj = lamarck.objectives.load(lpo_file[0])
    out = obj.evaluate(np.ones(5), np.linspace(-2, 2, 5))
    np.testing.assert_array_equal(out["drift"], 0.0)
    np.testing.assert_array_equal(out["ddrift_dr"], 0.0)


def test_ta_lpo_depends_on_progress(tmp_path):
    rng = np.random.default_rng(1)
    weights = rng.normal(0, 0.5, size=10 * HIDDEN + HIDDEN).astype(np.float32)
    path = write_objective(tmp_path / "ta.json", "ta_lpo", weights, features=lamarck.objectives.feature_names("ta_lpo"))
    obj = lamarck.objectives.load(path)
    r = np.linspace(0.5, 1.8, 40)
    early = obj.drift(r, 1.0, progress=0.0, horizon=500)
    late = obj.drift(r, 1.0, progress=0.9, horizon=500)
    assert not np.allclose(early, late)
    np.testing.assert_allclose(late, numpy_drift(weights.astype(np.float64), 10, r, 1.0, 0.9, np.log(500)),
                               rtol=1e-6, atol=1e-9)


def test_builtin_ppo_clip_is_the_clip_objective():
    ppo = lamarck.objectives.builtin("ppo_clip")
    r = np.array([0.5, 0.9, 1.0, 1.1, 1.5])
    for a in (-1.0, 1.0):
        loss = ppo.evaluate(r, a)["loss"]
        np.testing.assert_allclose(loss, -np.minimum(r * a, np.clip(r, 0.8, 1.2) * a), atol=1e-12)


def test_bad_files_and_arguments(tmp_path, lpo_file):
    path, _ = lpo_file
    text = path.read_text()
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    with pytest.raises(OSError, match="not valid JSON"):
        lamarck.objectives.load(tmp_path / "cut.json")
    doc = json.loads(text)
    doc["data"]["weights"] = doc["data"]["weights"][:-1]
    (tmp_path / "short.json").write_text(json.dumps(doc))
    with pytest.raises(OSError):
        lamarck.objectives.load(tmp_path / "short.json")
    with pytest.raises(OSError, match="cannot open"):
        lamarck.objectives.load(tmp_path / "missing.json")
    obj = lamarck.objectives.load(path)
    with pytest.raises(ValueError, match="ratio must be > 0"):
        obj.drift(np.array([1.0, -0.5]), 1.0)
    with pytest.raises(ValueError, match="progress"):
        obj.drift(1.0, 1.0, progress=2.0)
    with pytest.raises(ValueError, match="did you mean"):
        lamarck.objectives.builtin("ppo_clp")
