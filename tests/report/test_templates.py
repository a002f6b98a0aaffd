"""The report templates shipped in the package are the repository's notebooks."""

from pathlib import Path

from csnb.report import NOTEBOOKS, default_notebooks_dir

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_shipped_templates_equal_the_repository_notebooks():
    shipped = default_notebooks_dir()
    names = sorted(p.name for p in shipped.glob("*.ipynb"))
    assert names == sorted(f"{n}.ipynb" for n in NOTEBOOKS)
    stale = [n for n in names if (shipped / n).read_bytes() != (REPO_NOTEBOOKS / n).read_bytes()]
    assert stale == [], f"run `make notebooks` to copy notebooks/ into the package: {stale}"
