"""The sample month's reports rendered once per test run (see ``conftest.sample_reports``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csnb.report import NOTEBOOKS, render_month

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SAMPLE_MONTH = "2025-11"
LANGS = ("en", "zh")


def render_samples(out: Path) -> dict[str, dict[str, str | None]]:
    """Render every notebook of the sample month in both languages into ``out``.

    Returns ``{"NAME/LANG": {"status", "error", "html", "json"}}`` (JSON-able, so workers
    can share it through a file).
    """
    runs: dict[str, dict[str, str | None]] = {}
    for lang in LANGS:
        summary = render_month(SAMPLE_MONTH, SAMPLES, out, lang=lang, progress=False)
        for run in summary.runs:
            runs[f"{run.name}/{lang}"] = {
                "status": run.status, "error": run.error,
                "html": str(run.html) if run.html else None,
                "json": str(run.json) if run.json else None,
            }
    return runs


@dataclass(frozen=True)
class SampleReports:
    """Where the rendered sample reports are, and how each run ended."""

    out: Path
    month: str
    data: Path
    runs: dict[str, dict[str, str | None]]

    def run(self, name: str, lang: str = "en") -> dict[str, str | None]:
        """The run of one report; fails the test with the notebook's error if it failed."""
        run = self.runs[f"{name}/{lang}"]
        assert run["status"] == "ok", (name, lang, run["error"])
        return run

    def html(self, name: str, lang: str = "en") -> str:
        """The report's HTML."""
        return Path(str(self.run(name, lang)["html"])).read_text(encoding="utf-8")

    def json_path(self, name: str, lang: str = "en") -> Path:
        """The report's key-figures JSON file."""
        return Path(str(self.run(name, lang)["json"]))

    @property
    def ok(self) -> bool:
        """Whether every report rendered in both languages."""
        return all(r["status"] == "ok" for r in self.runs.values()) and len(self.runs) == len(
            NOTEBOOKS) * len(LANGS)
