import os
import sys

import pytest

# the module is found through PYTHONPATH (set by ctest to the build tree's python/ folder)
lamarck = pytest.importorskip("lamarck", reason="PYTHONPATH must point at the build tree's python/ folder")
