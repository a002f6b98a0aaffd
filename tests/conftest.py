import os

import numpy as np
import pytest

# Figures are drawn off screen in tests and in papermill kernels started by tests.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    """A seeded random generator (tests must be reproducible)."""
    return np.random.default_rng(20251111)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Loads cache into a folder of the test session, never the user's cache."""
    os.environ["CSNB_CACHE_DIR"] = str(tmp_path_factory.mktemp("csnb-cache"))
    yield
