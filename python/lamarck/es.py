"""Evolution strategies with ask/tell over numpy arrays.

    es = lamarck.es.Strategy("cma_es", num_dims=10, popsize=16, seed=0, sigma=0.5)
    for _ in range(200):
        x = es.ask()                          # (popsize, num_dims) float32
        es.tell(np.sum(x * x, axis=1))        # minimised by default; maximize=True to maximise
    x_best, f_best = es.best

NaN/Inf fitness values rank last and are counted. save()/load() checkpoint the whole state; a loaded
strategy continues bit-identically.
"""
import numpy as np

from . import _lamarck

_core = _lamarck.es

__all__ = ["Strategy", "names"]


def names():
    """Every registered strategy name."""
    return list(_core.names())


def _int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


class Strategy:
    """A strategy from the registry (names()); extra keyword arguments are its hyperparameters."""

    def __init__(self, name, num_dims, popsize=0, seed=0, sigma=1.0, maximize=False, shaping=None,
                 weight_decay=0.0, mean=None, **params):
        options = {}
        for key, value in params.items():
            if isinstance(value, bool):
                value = float(value)
            if not isinstance(value, (int, float, np.integer, np.floating)):
                raise ValueError(f"hyperparameter {key} must be a number, got {value!r}")
            options[key] = float(value)
        mean_list = [] if mean is None else [float(v) for v in np.asarray(mean, dtype=np.float64).ravel()]
        self._core = _core.Strategy(str(name), _int("num_dims", num_dims, 1), _int("popsize", popsize, 0),
                                    _int("seed", seed, 0), float(sigma), bool(maximize), shaping or "",
                                    float(weight_decay), mean_list, options)

    @classmethod
    def _wrap(cls, core):
        obj = cls.__new__(cls)
        obj._core = core
        return obj

    def ask(self):
        """(popsize, num_dims) float32 candidates; a pure function of the state."""
        return self._core.ask()

    def tell(self, fitness):
        """One fitness per candidate of the last ask(); returns this generation's summary."""
        return self._core.tell(np.asarray(fitness))

    @property
    def name(self):
        return self._core.name

    @property
    def num_dims(self):
        return self._core.num_dims

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

    def save(self, path):
        self._core.save(str(path))

    @classmethod
    def load(cls, path):
        return cls._wrap(_core.Strategy.load(str(path)))

    def __repr__(self):
        return f"lamarck.es.Strategy({self.name!r}, num_dims={self.num_dims}, popsize={self.popsize})"
