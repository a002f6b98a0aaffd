import os

import numpy as np
import pytest

# Figures are drawn off screen in tests and in papermill kernels started by tests.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    """A seeded random generator (tests must be reproducible)."""
    return np.random.default_rng(20251111)
