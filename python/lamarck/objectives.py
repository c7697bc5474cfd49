"""Discovered objectives: load a file written by `lamarck meta-train`, read its metadata, and evaluate
its drift on numpy arrays.

    obj = lamarck.objectives.load("runs/default/objective_mean.json")
    obj.metadata["rule"], obj.metadata["provenance"]["generation"]
    d = obj.drift(ratio=np.linspace(0.5, 1.5, 101), advantage=1.0, progress=0.5, horizon=1000)

progress is the training progress n/N in [0, 1]; horizon is N, the total number of updates of the inner
run (TA-LPO reads ln N). Both are ignored by rules without temporal inputs and default to 0 and 1.
"""
import numpy as np

from . import _lamarck

_core = _lamarck.objectives

__all__ = ["load", "builtin", "Objective", "rule_names", "feature_names"]


def rule_names():
    return list(_core.rule_names())


def feature_names(rule):
    """The input features of a rule ('lpo', 'ta_lpo'), in the order of the drift net's weights."""
    return list(_core.feature_names(rule))


class Objective:
    """A loaded objective; every method is vectorised over broadcastable numpy arrays."""

    def __init__(self, core):
        self._core = core

    @property
    def metadata(self):
        return self._core.metadata

    @property
    def rule(self):
        return self._core.metadata["rule"]

    @property
    def weights(self):
        return self._core.weights

    def evaluate(self, ratio, advantage, progress=None, horizon=None):
        """dict of 'drift', 'ddrift_dr', 'loss', 'dloss_dr', each with the broadcast shape."""
        progress = 0.0 if progress is None else progress
        horizon = 1.0 if horizon is None else horizon
        r, a, p, h = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (ratio, advantage, progress, horizon)))
        if np.any(h <= 0):
            raise ValueError("horizon (the number of updates N) must be > 0")
        if np.any((p < 0) | (p > 1)):
            raise ValueError("progress (n/N) must be in [0, 1]")
        drift, ddrift, loss, dloss = self._core.evaluate(r.ravel(), a.ravel(), p.ravel(), np.log(h).ravel())
        shape = r.shape
        return {"drift": drift.reshape(shape), "ddrift_dr": ddrift.reshape(shape),
                "loss": loss.reshape(shape), "dloss_dr": dloss.reshape(shape)}

    def drift(self, ratio, advantage, progress=None, horizon=None):
        """The drift term at (r, Â[, n/N, N]): the objective is r·Â - drift."""
        return self.evaluate(ratio, advantage, progress, horizon)["drift"]

    def __repr__(self):
        return f"lamarck.objectives.Objective(rule={self.rule!r}, params={self.metadata['num_params']})"


def load(path):
    """Loads a discovered-objective file (JSON or binary); a corrupted or mismatched file raises OSError."""
    return Objective(_core.load(str(path)))


def builtin(name):
    """A fixed rule: 'ppo_clip' or 'dpo'."""
    return Objective(_core.builtin(name))
