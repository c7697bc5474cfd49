"""Wall time per generation of pycma's CMA-ES (ask, evaluate, tell) on Rosenbrock, for es_cma_es_bench.

Prints one line: "pycma <version> dim <N> lambda <L> generations <G> seconds_per_generation <t>".
Usage: python3 pycma_time.py DIM GENERATIONS
"""
import sys
import time

import numpy as np
import cma


def rosenbrock(x):
    x = np.asarray(x)
    return float(np.sum(100.0 * (x[:-1] ** 2 - x[1:]) ** 2 + (x[:-1] - 1.0) ** 2))


def main():
    dim, gens = int(sys.argv[1]), int(sys.argv[2])
    es = cma.CMAEvolutionStrategy(dim * [0.0], 0.5, {"seed": 1, "verbose": -9, "ftarget": 1e-8})
    start = time.perf_counter()
    done = 0
    while done < gens and not es.stop():
        xs = es.ask()
        es.tell(xs, [rosenbrock(x) for x in xs])
        done += 1
    elapsed = time.perf_counter() - start
    print("pycma %s dim %d lambda %d generations %d seconds_per_generation %.9f"
          % (cma.__version__, dim, es.popsize, done, elapsed / done))


if __name__ == "__main__":
    main()
