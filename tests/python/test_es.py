"""lamarck.es: ask/tell from Python improves a sphere; checkpoints; errors."""
import numpy as np
import pytest

import lamarck


@pytest.mark.parametrize("name,params", [("open_es", {"lr": 0.1, "sigma_decay": 0.98}), ("cma_es", {}), ("snes", {})])
def test_ask_tell_improves_sphere(name, params):
    es = lamarck.es.Strategy(name, num_dims=10, popsize=32, seed=1, sigma=0.5, mean=np.full(10, 2.0), **params)
    start = float(np.sum(es.mean.astype(np.float64) ** 2))
    for _ in range(150):
        x = es.ask()
        assert x.shape == (32, 10) and x.dtype == np.float32
        es.tell(np.sum(x.astype(np.float64) ** 2, axis=1))
    x_best, f_best = es.best
    assert x_best.shape == (10,)
    assert f_best < start * 1e-2
    assert es.generation == 150


def test_every_strategy_runs_from_python():
    for name in lamarck.es.names():
        es = lamarck.es.Strategy(name, num_dims=4, seed=0, sigma=0.3)
        for _ in range(3):
            x = es.ask()
            es.tell(np.sum(x * x, axis=1))
        assert es.best is not None


def test_nan_fitness_ranks_last_and_maximize():
    es = lamarck.es.Strategy("open_es", num_dims=3, popsize=8, seed=0, maximize=True)
    x = es.ask()
    fitness = -np.sum(x * x, axis=1)
    fitness[0] = np.nan
    info = es.tell(fitness)
    assert info["nonfinite"] == 1


def test_save_load_continues_identically(tmp_path):
    a = lamarck.es.Strategy("cma_es", num_dims=5, popsize=8, seed=3, sigma=0.4)
    for _ in range(5):
        x = a.ask()
        a.tell(np.sum(x * x, axis=1))
    a.save(tmp_path / "cma.bin")
    b = lamarck.es.Strategy.load(tmp_path / "cma.bin")
    for _ in range(5):
        xa, xb = a.ask(), b.ask()
        np.testing.assert_array_equal(xa, xb)
        a.tell(np.sum(xa * xa, axis=1))
        b.tell(np.sum(xb * xb, axis=1))
    np.testing.assert_array_equal(a.mean, b.mean)


def test_errors():
    with pytest.raises(ValueError, match="did you mean 'cma_es'"):
        lamarck.es.Strategy("cmaes", num_dims=3)
    with pytest.raises(ValueError, match="num_dims"):
        lamarck.es.Strategy("cma_es", num_dims=0)
    es = lamarck.es.Strategy("open_es", num_dims=3, popsize=4)
    with pytest.raises(ValueError, match="before ask"):
        es.tell(np.zeros(4))
    es.ask()
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        es.tell(np.zeros(5))
    with pytest.raises(ValueError, match="must be numbers"):
        es.tell(np.array(["a"] * 4))
    with pytest.raises(OSError):
        lamarck.es.Strategy.load("/nonexistent/x.bin")
