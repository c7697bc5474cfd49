"""Reference budgets for lamarck's sep-CMA-ES (tests/es/cma_es_test.cpp, SepCmaEs.PycmaDiagonalBudget).

Evaluations to f <= 1e-8 of pycma's separable CMA-ES (option CMA_diagonal=True: diagonal covariance for
the whole run), default population size, x0 = 1 * ones, sigma0 = 1, seeds 1..5, on the sphere and the
axis-parallel ellipsoid of condition 1e6 (f = sum 1e6^(i/(n-1)) x_i^2, lamarck's "ellipsoid").

Run:  pip install cma==4.5.0 numpy; python3 gen_pycma_sep.py
Output (pycma 4.5.0, numpy 2.4.6, 2026-12-02):
  sphere 10 lambda 10 median 1140 all [970, 1110, 1140, 1180, 1240]
  sphere 40 lambda 15 median 4305 all [4500, 4365, 4230, 4305, 4215]
  ellipsoid 10 lambda 10 median 2060 all [2060, 2010, 2250, 2240, 2040]
  ellipsoid 40 lambda 15 median 9375 all [10050, 8430, 9450, 9375, 9360]
"""
import statistics
import warnings

import cma
import numpy as np

warnings.filterwarnings("ignore")


def sphere(x):
    return float(np.sum(np.asarray(x) ** 2))


def ellipsoid(x):
    x = np.asarray(x)
    n = len(x)
    return float(np.sum(1e6 ** (np.arange(n) / (n - 1)) * x ** 2))


for name, f in (("sphere", sphere), ("ellipsoid", ellipsoid)):
    for n in (10, 40):
        evals = []
        for seed in range(1, 6):
            es = cma.CMAEvolutionStrategy(np.ones(n), 1.0, {"CMA_diagonal": True, "ftarget": 1e-8, "seed": seed,
                                                             "verbose": -9, "maxfevals": 10**6})
            es.optimize(f)
            evals.append(es.result.evaluations if es.result.fbest <= 1e-8 else float("inf"))
        print(name, n, "lambda", es.popsize, "median", statistics.median(evals), "all", evals)
