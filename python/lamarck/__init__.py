"""lamarck: discovering learning algorithms by evolution.

Submodules (each present when the C++ layer behind it was built):
  lamarck.envs        batched environments as Gymnasium-style vector envs
  lamarck.es          evolution strategies with ask/tell
  lamarck.objectives  discovered objectives: load, inspect, evaluate the drift
"""
from . import _lamarck
from ._lamarck import Error, __version__, with_cuda

__all__ = ["Error", "__version__", "with_cuda"]

if hasattr(_lamarck, "envs"):
    from . import envs  # noqa: F401
    __all__.append("envs")
if hasattr(_lamarck, "es"):
    from . import es  # noqa: F401
    __all__.append("es")
if hasattr(_lamarck, "objectives"):
    from . import objectives  # noqa: F401
    __all__.append("objectives")
if hasattr(_lamarck, "rl"):
    from .rl import train  # noqa: F401
    __all__.append("train")
