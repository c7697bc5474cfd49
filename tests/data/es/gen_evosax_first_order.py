"""Reference trajectories for lamarck's OpenES, PGPE and ARS (tests/es/peer_test.cpp, EvosaxPeer.*).

evosax's implementations with the hyperparameters the tests give lamarck, on the 10-d sphere from a mean of
1 * ones, seeds 1..5: the median over seeds of f(mean) after the listed generations.
  open_es: population 64 (antithetic), SGD lr 0.05, constant std 0.1, centred ranks
  pgpe:    population 64, ClipUp lr 0.15, max velocity 0.3, momentum 0.9, std_init 1, std lr 0.1, max change 0.2
  ars:     population 64 (32 directions, elite ratio 0.5), SGD lr 0.02, constant std 0.1

Run:  pip install "jax[cpu]" evosax; python3 gen_evosax_first_order.py
Output (evosax from PyPI 2026-12-02):
  open_es gen 10 3.0217   gen 20 0.14077   gen 30 1.4977e-05   gen 300 1.5164e-05
  pgpe    gen 10 0.24641  gen 30 0.058761  gen 100 0.030439   gen 300 0.066975
  ars     gen 10 6.8539   gen 30 2.4203    gen 100 2.9235e-14
"""
import statistics
import warnings

import jax
import jax.numpy as jnp
import optax
from evosax.algorithms import ARS, PGPE, Open_ES
from evosax.core.optimizer import clipup

warnings.filterwarnings("ignore")


def sphere(x):
    return jnp.sum(x ** 2, axis=-1)


def medians(make, gens_at, n=10):
    per_seed = []
    for seed in range(1, 6):
        es = make(n)
        params = es.default_params
        key = jax.random.key(seed)
        key, k = jax.random.split(key)
        state = es.init(k, jnp.ones(n), params)
        ask, tell = jax.jit(es.ask), jax.jit(es.tell)
        out = {}
        for g in range(max(gens_at)):
            key, ka, kt = jax.random.split(key, 3)
            x, state = ask(ka, state, params)
            state, _ = tell(kt, x, sphere(x), state, params)
            if g + 1 in gens_at:
                out[g + 1] = float(sphere(state.mean))
        per_seed.append(out)
    return {g: statistics.median(r[g] for r in per_seed) for g in gens_at}


runs = {
    "open_es": (lambda n: Open_ES(64, jnp.zeros(n), optimizer=optax.sgd(0.05),
                                  std_schedule=optax.constant_schedule(0.1)), (10, 20, 30, 300)),
    "pgpe": (lambda n: PGPE(64, jnp.zeros(n), optimizer=clipup(learning_rate=0.15, max_velocity=0.3, momentum=0.9)),
             (10, 30, 100, 300)),
    "ars": (lambda n: ARS(64, jnp.zeros(n), optimizer=optax.sgd(0.02), std_schedule=optax.constant_schedule(0.1)),
            (10, 30, 100)),
}
for name, (make, gens_at) in runs.items():
    m = medians(make, gens_at)
    print(name, "  ".join("gen %d %.5g" % (g, m[g]) for g in gens_at))
