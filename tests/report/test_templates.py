"""The report templates shipped in the package are the repository's notebooks."""

from pathlib import Path

import pytest

from csnb.report import NOTEBOOKS, default_notebooks_dir
from csnb.report.runner import DAILY_NOTEBOOK

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_shipped_templates_equal_the_repository_notebooks():
    shipped = default_notebooks_dir()
    names = sorted(p.name for p in shipped.glob("*.ipynb"))
    assert names == sorted(f"{n}.ipynb" for n in (*NOTEBOOKS, DAILY_NOTEBOOK))
    stale = [n for n in names if (shipped / n).read_bytes() != (REPO_NOTEBOOKS / n).read_bytes()]
    assert stale == [], f"run `make notebooks` to copy notebooks/ into the package: {stale}"


@pytest.mark.slow
def test_a_built_wheel_carries_the_templates(tmp_path):
    """A non-editable install renders reports: the wheel holds notebooks and templates.

    (Closing note of the layout issue: `pip install .` into a fresh venv, then `csnb report`
    from another folder; this test checks the part a packaging change can break.)
    """
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(REPO_NOTEBOOKS.parent)], check=True)
    wheel = next(tmp_path.glob("csnb-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in NOTEBOOKS:
        assert f"csnb/report/notebooks/{name}.ipynb" in names
    assert "csnb/report/templates/report.html.j2" in names
    assert "csnb/report/templates/index.html.j2" in names
    assert "csnb/py.typed" in names
