"""Reference budgets for lamarck's SNES (tests/es/cma_es_test.cpp, Snes.EvosaxBudget).

Evaluations (whole generations) until the best of a generation reaches f <= 1e-8, of evosax's SNES
(Schaul et al. 2011) with its defaults (SGD lr 1 on the mean, lr_std (3 + ln n) / (5 sqrt n), NES utility
weights, std_init 1), mean started at 1 * ones, population 10 (n = 10) and 15 (n = 40), seeds 1..5, on the
sphere and the axis-parallel ellipsoid of condition 1e6.

Run:  pip install "jax[cpu]" evosax; python3 gen_evosax_snes.py
Output (evosax from PyPI 2026-12-02, jax 0.10.2):
  sphere 10 pop 10 median 1890 [1840, 1940, 1940, 1870, 1890]
  sphere 40 pop 15 median 9135 [9030, 9135, 9450, 8910, 9315]
  ellipsoid 10 pop 10 median 2730 [2700, 2770, 2800, 2720, 2730]
  ellipsoid 40 pop 15 median 12660 [12660, 12420, 13035, 12600, 12765]
"""
import statistics, warnings, jax, jax.numpy as jnp, numpy as np
warnings.filterwarnings("ignore")
from evosax.algorithms import SNES
def sphere(x): return jnp.sum(x ** 2, axis=-1)
def elli(x):
    n = x.shape[-1]; return jnp.sum(1e6 ** (jnp.arange(n) / (n - 1)) * x ** 2, axis=-1)
for name, f in (("sphere", sphere), ("ellipsoid", elli)):
  for n, pop in ((10, 10), (40, 15)):
    evals = []
    for seed in range(1, 6):
        es = SNES(population_size=pop, solution=jnp.zeros(n))
        params = es.default_params
        key = jax.random.key(seed)
        key, k = jax.random.split(key)
        state = es.init(k, jnp.ones(n), params)
        ask = jax.jit(es.ask); tell = jax.jit(es.tell)
        done = None
        for g in range(20000):
            key, ka, kt = jax.random.split(key, 3)
            x, state = ask(ka, state, params)
            fit = f(x)
            state, _ = tell(kt, x, fit, state, params)
            if float(jnp.min(fit)) <= 1e-8:
                done = (g + 1) * pop; break
        evals.append(done if done else float("inf"))
    print(name, n, "pop", pop, "median", statistics.median(evals), evals, "std_init", float(params.std_init))
