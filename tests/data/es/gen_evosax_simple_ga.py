"""Reference trajectories for lamarck's SimpleGA (tests/es/peer_test.cpp, EvosaxPeer/SimpleGaPeer.MatchesEvosax/*).

lamarck's SimpleGA is the mu + lambda GA of evosax 0.1.x, the version the LPO reference code used
(reference/es.md §1.8): the elites are kept across generations and merged with each new population. The
current evosax SimpleGA replaces the population each generation (mu, lambda), so the reference here is
evosax 0.1.6. Configurations, all with population 64, elite ratio 0.5 (32 elites), the elites started at
1 * ones (init_min = init_max = 1), seeds 1..9, the 10-d sphere (and Rastrigin, A = 10):
  decay:     sigma_init 0.3, sigma_decay 0.97, sigma_limit 0.001, no crossover;
  constant:  sigma_init 0.1, sigma_decay 1, sigma_limit 0, no crossover (the noise floor);
  crossover: as decay, cross_over_rate 0.5 (evosax 0.1.6 takes a gene from the second parent when its
             uniform is above the rate, lamarck when below: the same thing at 0.5);
  rastrigin: as decay, on Rastrigin from 1 * ones.
Printed: the median over seeds of f(best elite) after the listed generations.

Run:  python3 -m venv /tmp/evo01 && /tmp/evo01/bin/pip install "evosax==0.1.6"
      /tmp/evo01/bin/python gen_evosax_simple_ga.py
Output (evosax 0.1.6, jax 0.10.2, PyPI 2026-12-02):
  decay     gen 10 1.1901  gen 30 0.072683  gen 100 0.00066344  gen 300 1.4463e-06
  constant  gen 10 4.046   gen 30 0.19725   gen 100 0.015071    gen 300 0.0097863
  crossover gen 10 0.50695 gen 30 0.048655  gen 100 0.00074552  gen 300 1.2931e-06
  rastrigin gen 10 34.411  gen 30 18.567    gen 100 8.1359      gen 300 7.9599
"""
import math
import statistics
import warnings

import jax
import jax.numpy as jnp
from evosax import SimpleGA

warnings.filterwarnings("ignore")
N = 10


def sphere(x):
    return jnp.sum(x ** 2, axis=-1)


def rastrigin(x):
    return 10.0 * x.shape[-1] + jnp.sum(x ** 2 - 10.0 * jnp.cos(2 * math.pi * x), axis=-1)


def medians(f, gens_at, sigma_init, sigma_decay, sigma_limit, cross):
    per_seed = []
    for seed in range(1, 10):
        es = SimpleGA(popsize=64, num_dims=N, elite_ratio=0.5)
        params = es.default_params.replace(sigma_init=sigma_init, sigma_decay=sigma_decay,
                                           sigma_limit=sigma_limit, cross_over_rate=cross,
                                           init_min=1.0, init_max=1.0)
        key = jax.random.PRNGKey(seed)
        key, k = jax.random.split(key)
        state = es.initialize(k, params)
        ask, tell = jax.jit(es.ask), jax.jit(es.tell)
        out = {}
        for g in range(max(gens_at)):
            key, ka = jax.random.split(key)
            x, state = ask(ka, state, params)
            state = tell(x, f(x), state, params)
            if g + 1 in gens_at:
                out[g + 1] = float(state.fitness[0])
        per_seed.append(out)
    return {g: statistics.median(r[g] for r in per_seed) for g in gens_at}


runs = {
    "decay": (sphere, (10, 30, 100, 300), 0.3, 0.97, 0.001, 0.0),
    "constant": (sphere, (10, 30, 100, 300), 0.1, 1.0, 0.0, 0.0),
    "crossover": (sphere, (10, 30, 100, 300), 0.3, 0.97, 0.001, 0.5),
    "rastrigin": (rastrigin, (10, 30, 100, 300), 0.3, 0.97, 0.001, 0.0),
}
for name, (f, gens_at, *hp) in runs.items():
    m = medians(f, gens_at, *hp)
    print(name, "  ".join("gen %d %.5g" % (g, m[g]) for g in gens_at))
