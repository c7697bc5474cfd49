"""Evolution strategies with ask/tell over numpy arrays.

    es = lamarck.es.Strategy("cma_es", num_dims=10, popsize=16, seed=0, sigma=0.5)
    for _ in range(200):
        x = es.ask()                          # (popsize, num_dims) float32
        es.tell(np.sum(x * x, axis=1))        # minimised by default; maximize=True to maximise
    x_best, f_best = es.best

NaN/Inf fitness values rank last and are counted. save()/load() checkpoint the whole state; a loaded
strategy continues bit-identically.

    batch = lamarck.es.StrategyBatch("ipop_cma_es", num_dims=10, instances=8, seed=0, sigma=0.5)
    x = batch.ask()                           # (sum of popsizes, num_dims); instance n: x[offsets[n]:offsets[n+1]]
    batch.tell(np.sum(x * x, axis=1))         # each instance has its own seed, population and restarts
"""
import numpy as np

from . import _lamarck

_core = _lamarck.es

__all__ = ["Strategy", "StrategyBatch", "names"]


def names():
    """Every registered strategy name."""
    return list(_core.names())


def _int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _options(params):
    options = {}
    for key, value in params.items():
        if isinstance(value, bool):
            value = float(value)
        if not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"hyperparameter {key} must be a number, got {value!r}")
        options[key] = float(value)
    return options


def _mean_list(mean):
    return [] if mean is None else [float(v) for v in np.asarray(mean, dtype=np.float64).ravel()]


class _CoreWrapper:
    """What Strategy and StrategyBatch share: the wrapped core object, its name and width, and files."""

    _core_class = None  # the _lamarck.es class wrapped

    @classmethod
    def _wrap(cls, core):
        obj = cls.__new__(cls)
        obj._core = core
        return obj

    @property
    def name(self):
        return self._core.name

    @property
    def num_dims(self):
        return self._core.num_dims

    def save(self, path):
        """Checkpoints the whole state (an atomic, checksummed file); load() continues bit-identically."""
        self._core.save(str(path))

    @classmethod
    def load(cls, path):
        return cls._wrap(cls._core_class.load(str(path)))


class Strategy(_CoreWrapper):
    """A strategy from the registry (names()); extra keyword arguments are its hyperparameters."""

    _core_class = _core.Strategy

    def __init__(self, name, num_dims, popsize=0, seed=0, sigma=1.0, maximize=False, shaping=None,
                 weight_decay=0.0, mean=None, **params):
        self._core = _core.Strategy(str(name), _int("num_dims", num_dims, 1), _int("popsize", popsize, 0),
                                    _int("seed", seed, 0), float(sigma), bool(maximize), shaping or "",
                                    float(weight_decay), _mean_list(mean), _options(params))

    def ask(self):
        """(popsize, num_dims) float32 candidates; a pure function of the state."""
        return self._core.ask()

    def tell(self, fitness):
        """One fitness per candidate of the last ask(); returns this generation's summary."""
        return self._core.tell(np.asarray(fitness))

    @property
    def popsize(self):
        return self._core.popsize

    @property
    def generation(self):
        return self._core.generation

    @property
    def mean(self):
        return self._core.mean

    @property
    def sigma(self):
        return self._core.sigma

    @property
    def best(self):
        """(x, fitness) of the best finite candidate so far, or None before the first tell."""
        return self._core.best

    @property
    def stats(self):
        return self._core.stats

    def __repr__(self):
        return f"lamarck.es.Strategy({self.name!r}, num_dims={self.num_dims}, popsize={self.popsize})"


class StrategyBatch(_CoreWrapper):
    """`instances` independent runs of one strategy, asked and told together (one call for all of them,
    parallel over instances). Instance n has its own seed (derived from `seed` and n), population and
    restarts; its candidates are rows offsets[n]:offsets[n + 1] of ask()'s array. Arguments as Strategy."""

    _core_class = _core.StrategyBatch

    def __init__(self, name, num_dims, instances, popsize=0, seed=0, sigma=1.0, maximize=False, shaping=None,
                 weight_decay=0.0, mean=None, **params):
        self._core = _core.StrategyBatch(str(name), _int("num_dims", num_dims, 1), _int("instances", instances, 1),
                                         _int("popsize", popsize, 0), _int("seed", seed, 0), float(sigma),
                                         bool(maximize), shaping or "", float(weight_decay), _mean_list(mean),
                                         _options(params))

    def ask(self):
        """(sum of popsizes, num_dims) float32: every instance's candidates, stacked."""
        return self._core.ask()

    def tell(self, fitness):
        """One fitness per row of the last ask()."""
        self._core.tell(np.asarray(fitness))

    @property
    def offsets(self):
        """Row offsets of each instance in the last ask() (instances + 1 values; the next ask's before any)."""
        return list(self._core.offsets)

    @property
    def instances(self):
        return self._core.instances

    @property
    def popsizes(self):
        return list(self._core.popsizes)

    @property
    def means(self):
        """(instances, num_dims) search centres."""
        return self._core.means

    @property
    def best(self):
        """Per instance: (x, fitness) of its best finite candidate so far, or None before its first tell."""
        return list(self._core.best)

    def __repr__(self):
        return f"lamarck.es.StrategyBatch({self.name!r}, num_dims={self.num_dims}, instances={self.instances})"
