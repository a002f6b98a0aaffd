import os

import numpy as np
import pytest

# Figures are drawn off screen in tests and in papermill kernels started by tests.
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_modifyitems(config, items):
    """Modules with more slow tests first, each module's tests in their own order.

    ``make test`` runs on two workers with ``--dist loadfile``: a module goes to one worker,
    in collection order, and the next to whichever finishes first. Started last, a module of
    several minutes leaves the other worker idle at the end; started first, the short
    modules fill in around it (longest-first scheduling).
    """
    modules = [item.nodeid.split("::")[0] for item in items]
    weight: dict[str, int] = {}
    for module, item in zip(modules, items, strict=True):
        weight[module] = weight.get(module, 0) + (1 if item.get_closest_marker("slow") else 0)
    order = {module: i for i, module in enumerate(dict.fromkeys(modules))}
    keyed = sorted(zip(modules, range(len(items)), items, strict=True),
                   key=lambda t: (-weight[t[0]], order[t[0]], t[1]))
    items[:] = [item for _, _, item in keyed]


@pytest.fixture
def rng():
    """A seeded random generator (tests must be reproducible)."""
    return np.random.default_rng(20251111)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Loads cache into a folder of the test session, never the user's cache."""
    os.environ["CSNB_CACHE_DIR"] = str(tmp_path_factory.mktemp("csnb-cache"))
    yield


@pytest.fixture(scope="session")
def sample_reports(request, tmp_path_factory):
    """The sample month's reports, every notebook in English and Chinese, rendered once.

    Rendering twelve notebooks takes minutes, and several test modules read the same reports
    (the end-to-end checks, the browser, each report's words). Under pytest-xdist the workers
    share one rendering: the first to take the lock renders into the run's common temporary
    folder, the others wait and read it. Tests must treat the folder as read-only.

    Returns
    -------
    SampleReports
        ``out`` (the reports folder), ``month``, and ``runs``: for each (name, lang), the
        run's status, error, and the paths of its html and json.
    """
    import fcntl
    import json
    from pathlib import Path

    from rendered import SAMPLE_MONTH, SAMPLES, SampleReports, render_samples

    shared = hasattr(request.config, "workerinput")
    root = tmp_path_factory.getbasetemp().parent if shared else tmp_path_factory.getbasetemp()
    out = Path(root) / "sample-reports"
    marker = out / "runs.json"
    with open(Path(root) / "sample-reports.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not marker.is_file():
                runs = render_samples(out)
                marker.write_text(json.dumps(runs), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    runs = json.loads(marker.read_text(encoding="utf-8"))
    return SampleReports(out=out, month=SAMPLE_MONTH, data=SAMPLES, runs=runs)
