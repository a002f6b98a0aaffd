"""The rendered reports in a real browser: headless Chromium, driven by Playwright.

Each report of the sample month in English and Chinese, and both indexes, must load
from the file alone (no request leaves the file: no CDN, no font server), run no script that
fails, and show real Chinese text where the report is Chinese. Screenshots are written to
``$CSNB_SCREENSHOTS`` (default: the test's temporary folder) and their folder is printed;
``CSNB_SCREENSHOTS=docs/img make test`` refreshes the ones in the docs.

Chromium comes from Debian's package (``.ci/run`` and ``make browser`` install it when
missing); Playwright drives it without downloading a browser of its own.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from csnb.report import NOTEBOOKS

ROOT = Path(__file__).parents[2]
MONTH = "2025-11"
CJK = re.compile(r"[\u4e00-\u9fff]")


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError(
        "Chromium is not installed: run `make browser` (Debian's chromium package), which "
        ".ci/run does on a clean machine"
    )


@pytest.fixture(scope="module")
def rendered(sample_reports) -> Path:
    """The sample month's reports in both languages (rendered once per test run)."""
    assert sample_reports.ok, sample_reports.runs
    return sample_reports.out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=chromium_path(),
            # The machine has no network: keep Chromium from trying its own services.
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


# Chromium cannot capture a surface taller than its largest texture (16,384 px) in one piece:
# a full-page screenshot of the conversion report (about 17,600 px) failed in CI with
# "Unable to capture screenshot". Taller pages are captured in parts.
SHOT_HEIGHT = 8000


def screenshot(page, stem: Path) -> None:
    """The whole page as ``stem.png``, or as ``stem.png``, ``stem.2.png``, ... when tall."""
    width, height = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    for part, top in enumerate(range(0, height, SHOT_HEIGHT), start=1):
        name = stem.name + (f".{part}" if part > 1 else "") + ".png"
        clip = {"x": 0, "y": top, "width": width, "height": min(SHOT_HEIGHT, height - top)}
        page.screenshot(path=str(stem.with_name(name)), full_page=True, clip=clip)


def open_page(browser, path: Path, shots: Path):
    """Load ``path``; return its visible text, the requests that left the file, the errors."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    outside: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("file://", "data:", "blob:", "about:")) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    text = page.inner_text("body")
    screenshot(page, shots / f"{path.parent.name}-{path.stem}")
    page.close()
    return text, outside, errors


@pytest.mark.slow
def test_reports_load_offline_without_errors_and_show_chinese(rendered, browser, capsys,
                                                             tmp_path):
    shots = Path(os.environ.get("CSNB_SCREENSHOTS") or tmp_path / "screenshots")
    if not shots.is_absolute():
        shots = ROOT / shots
    shots.mkdir(parents=True, exist_ok=True)
    pages = [rendered / MONTH / f"{name}.html" for name in NOTEBOOKS]
    pages += [rendered / MONTH / f"{name}.zh.html" for name in NOTEBOOKS]
    pages += [rendered / "index.html", rendered / "index.zh.html"]
    for path in pages:
        text, outside, errors = open_page(browser, path, shots)
        assert outside == [], (path.name, outside)
        assert errors == [], (path.name, errors)
        assert len(text) > 200, path.name
        if ".zh." in path.name:
            assert len(CJK.findall(text)) > 100, path.name
            # every heading of a Chinese page is Chinese
            assert "What happened" not in text and "Data quality" not in text, path.name
    # Team names are Chinese in the samples: they appear as text in the English reports too.
    text, _, _ = open_page(browser, rendered / MONTH / "turnover.html", shots)
    assert CJK.search(text)
    with capsys.disabled():
        print(f"\nscreenshots: {shots}")
