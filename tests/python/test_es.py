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


def test_cma_es_reaches_the_reference_precision():
    # pycma 4.4.0 reaches 1e-8 on the 10-d sphere from x0 = 1, sigma0 = 1 with its default lambda = 10 in
    # 1,360 [1,250-1,470] evaluations (median [range] of 5 seeds, shared/reference/es.md); lamarck's CMA-ES
    # took 1,330 [1,250-1,620] over seeds 0-4. A budget of 2,000 fails a CMA-ES that adapts badly.
    for seed in (0, 1):
        es = lamarck.es.Strategy("cma_es", num_dims=10, seed=seed, sigma=1.0, mean=np.full(10, 1.0))
        evals = 0
        while es.best is None or es.best[1] >= 1e-8:
            x = es.ask()
            es.tell(np.sum(x.astype(np.float64) ** 2, axis=1))
            evals += len(x)
            assert evals <= 2000, f"seed {seed}: 1e-8 not reached in 2,000 evaluations"


def test_every_strategy_keeps_the_best_it_was_told():
    for name in lamarck.es.names():
        es = lamarck.es.Strategy(name, num_dims=4, seed=0, sigma=0.3)
        best_f, best_x = np.inf, None
        for _ in range(3):
            x = es.ask()
            f = np.sum(x.astype(np.float64) ** 2, axis=1)
            es.tell(f)
            i = int(np.argmin(f))
            if f[i] < best_f:
                best_f, best_x = f[i], x[i].copy()
        x_best, f_best = es.best
        assert f_best == pytest.approx(best_f, rel=1e-6), name
        np.testing.assert_array_equal(x_best, best_x, err_msg=name)


def test_nan_fitness_ranks_last_and_maximize():
    # a NaN candidate is ranked exactly as the worst possible fitness: the update equals the one with -inf
    # (maximising) in its place, and the count says one value was not finite
    def step(bad):
        es = lamarck.es.Strategy("open_es", num_dims=3, popsize=8, seed=0, maximize=True)
        x = es.ask()
        fitness = -np.sum(x.astype(np.float64) ** 2, axis=1)
        fitness[0] = bad
        info = es.tell(fitness)
        return es, x, fitness, info
    es_nan, x, fitness, info = step(np.nan)
    es_worst, _, _, _ = step(-1e30)
    assert info["nonfinite"] == 1
    np.testing.assert_array_equal(es_nan.mean, es_worst.mean)
    # maximising: the best is the largest finite fitness, never the NaN one
    x_best, f_best = es_nan.best
    assert f_best == pytest.approx(np.nanmax(fitness[1:]))
    np.testing.assert_array_equal(x_best, x[1 + int(np.argmax(fitness[1:]))])


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


def test_strategy_batch_instances_are_independent_runs_and_checkpoint(tmp_path):
    """A batch of IPOP-CMA-ES instances: each instance's rows are what the same strategy alone (with that
    instance's seed) would ask, populations grow per instance at its own restarts, and a saved batch
    continues identically."""
    batch = lamarck.es.StrategyBatch("ipop_cma_es", num_dims=4, instances=3, seed=5, sigma=0.5)
    assert batch.instances == 3 and batch.popsizes == [8, 8, 8]
    grown = False
    for g in range(60):
        x = batch.ask()
        off = batch.offsets
        assert x.shape == (off[-1], 4) and len(off) == 4
        f = np.sum(x.astype(np.float64) ** 2, axis=1)
        f[off[0]:off[1]] = 1.0  # a flat fitness stops instance 0 (tolfun), which restarts with 2x the population
        batch.tell(f)
        grown = grown or batch.popsizes[0] > batch.popsizes[1]
    assert grown
    for n in (1, 2):
        x_best, f_best = batch.best[n]
        assert f_best < 1e-6 and x_best.shape == (4,)
    assert not np.array_equal(batch.means[1], batch.means[2]), "instances have their own seeds"
    batch.save(tmp_path / "batch.lmk")
    again = lamarck.es.StrategyBatch.load(tmp_path / "batch.lmk")
    assert again.popsizes == batch.popsizes
    for _ in range(5):
        xa, xb = batch.ask(), again.ask()
        np.testing.assert_array_equal(xa, xb)
        batch.tell(np.sum(xa * xa, axis=1))
        again.tell(np.sum(xb * xb, axis=1))
    np.testing.assert_array_equal(batch.means, again.means)
    with pytest.raises(ValueError, match="instances"):
        lamarck.es.StrategyBatch("cma_es", num_dims=3, instances=0)
    with pytest.raises(ValueError, match="before ask"):
        again.tell(np.zeros(3))
    x = again.ask()
    with pytest.raises(ValueError, match="shape"):
        again.tell(np.zeros(x.shape[0] + 1))
    with pytest.raises(ValueError, match="did you mean 'cma_es'"):
        lamarck.es.StrategyBatch("cmaes", num_dims=3, instances=2)
