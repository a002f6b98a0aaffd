"""End to end: the sample month rendered by the real notebooks, as `make report` does."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from csnb.analyses import AREAS
from csnb.i18n import metric_label, t
from csnb.report import NOTEBOOKS, find_external_refs, render_month
from csnb.report.display import escape

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "data" / "samples"
SAMPLE_MONTH = "2025-11"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(sample_reports):
    """Every report of the sample month, English and Chinese (rendered once per test run)."""
    return sample_reports, sample_reports.out


def test_every_report_renders(rendered):
    summary, out = rendered
    assert summary.ok, [r["error"] for r in summary.runs.values() if r["status"] != "ok"]
    for name in NOTEBOOKS:
        for suffix in ("html", "json", "ipynb"):
            for stem in (name, f"{name}.zh"):
                assert (out / SAMPLE_MONTH / f"{stem}.{suffix}").is_file(), f"{stem}.{suffix}"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert SAMPLE_MONTH in index
    for name in NOTEBOOKS:
        assert f"{SAMPLE_MONTH}/{name}.html" in index


def test_reports_load_nothing_from_the_network(rendered):
    _, out = rendered
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 2 * len(NOTEBOOKS) + 2  # both languages, and the two indexes
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert find_external_refs(html) == [], page.name


def test_reports_hide_code_and_embed_figures(rendered):
    _, out = rendered
    for name in NOTEBOOKS:
        html = (out / SAMPLE_MONTH / f"{name}.html").read_text(encoding="utf-8")
        assert "MonthReport.open" not in html
        assert "data:image/png;base64," in html
        assert "Metric book version" in html


def test_json_keys_and_figures(rendered):
    _, out = rendered
    from csnb.io import load_dataset
    from csnb.metrics import METRIC_BOOK_VERSION, month_figures

    expected = month_figures(load_dataset(SAMPLES), SAMPLE_MONTH)
    for name in NOTEBOOKS:
        data = json.loads((out / SAMPLE_MONTH / f"{name}.json").read_text(encoding="utf-8"))
        assert data["month"] == SAMPLE_MONTH
        assert data["metric_book_version"] == METRIC_BOOK_VERSION
        assert data["provisional"] is expected["provisional"]
        assert list(data["figures"]) == list(AREAS[name])
        for key, value in data["figures"].items():
            if key in expected:
                assert value == pytest.approx(expected[key], rel=1e-12), (name, key)
    overview = json.loads((out / SAMPLE_MONTH / "overview.json").read_text(encoding="utf-8"))
    assert all(v is not None for v in overview["figures"].values())


def test_no_missing_glyph_warnings_in_executed_notebooks(rendered):
    _, out = rendered
    for name in NOTEBOOKS:
        nb = json.loads((out / SAMPLE_MONTH / f"{name}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", "")) if output.get("name") == "stderr" else ""
                assert "missing from font" not in text and "Glyph" not in text, (name, text)
                assert output.get("output_type") != "error", (name, output)


def test_chinese_report_switches_every_heading(sample_reports):
    """Every heading and metric label of the overview is in the report's language only.

    The texts come from csnb's text tables, and each must appear in its own language's
    report, so the absence checks cannot pass by testing strings no report ever shows.
    """
    keys = ("title.overview", "section.headline", "section.trend", "section.quality",
            "section.attention")
    html = {lang: sample_reports.html("overview", lang) for lang in ("en", "zh")}
    for key in keys:
        assert t(key, "en") in html["en"] and t(key, "en") not in html["zh"], key
        assert t(key, "zh") in html["zh"], key
    for metric in AREAS["overview"]:
        en, zh = metric_label(metric, "en"), metric_label(metric, "zh")
        assert escape(en) in html["en"] and escape(en) not in html["zh"], metric
        assert zh in html["zh"], metric


def test_data_values_are_escaped(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLES, data)
    agents = pd.read_csv(data / "agents.csv", dtype=str)
    first_team = agents["team"].iloc[0]
    agents.loc[agents["team"] == first_team, "team"] = "<script>alert(1)</script>"
    agents.to_csv(data / "agents.csv", index=False)
    policies = data / "policies.csv"
    if policies.exists():
        pol = pd.read_csv(policies, dtype=str)
        pol.loc[pol["team"] == first_team, "team"] = "<script>alert(1)</script>"
        pol.to_csv(policies, index=False)
    out = tmp_path / "out"
    summary = render_month(SAMPLE_MONTH, data, out, only=["turnover", "incentives"],
                           progress=False)
    assert summary.ok, [r.error for r in summary.runs]
    for name in ("turnover", "incentives"):
        html = (out / SAMPLE_MONTH / f"{name}.html").read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_last_month_of_the_samples_is_provisional(tmp_path):
    # The samples end on 2025-12-31: December's figures are final only from 2026-01-03.
    summary = render_month("2025-12", SAMPLES, tmp_path, only=["overview"], progress=False)
    assert summary.ok
    data = json.loads((tmp_path / "2025-12" / "overview.json").read_text(encoding="utf-8"))
    assert data["provisional"] is True
    html = (tmp_path / "2025-12" / "overview.html").read_text(encoding="utf-8")
    assert "Provisional: the data end on 2025-12-31" in html
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert index["months"]["2025-12"]["reports"][0]["provisional"] is True
