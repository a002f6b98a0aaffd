"""What MonthReport gives a notebook: tables that add up to the headline, sentences, JSON."""

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from csnb.analyses.base import TOTAL
from csnb.i18n import ADDITIVE
from csnb.report import MonthReport

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "data" / "samples"
MONTH = "2025-11"


def team_table_calls():
    """Every ``report.team_table([...])`` of the report notebooks, with its report name."""
    calls = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        source = "\n".join("".join(c["source"]) for c in json.loads(path.read_text("utf-8"))
                           ["cells"] if c["cell_type"] == "code")
        for match in re.finditer(r"report\.team_table\((\[.*?\])\)", source):
            calls.append((path.stem, ast.literal_eval(match.group(1))))
    assert calls, "no team_table call found in the notebooks"
    return calls


@pytest.fixture(scope="module")
def reports():
    return {}


def _report(reports, name):
    if name not in reports:
        reports[name] = MonthReport.open(name, MONTH, SAMPLES, "en")
    return reports[name]


@pytest.mark.parametrize("name,metrics", team_table_calls())
def test_every_breakdown_adds_up_to_its_headline(reports, name, metrics):
    report = _report(reports, name)
    table = report.team_table(metrics).tidy()
    total = table[table["team"] == TOTAL].iloc[0]
    parts = table[table["team"] != TOTAL]
    headline = report.headline.figures
    for metric in metrics:
        if metric in headline and headline[metric] is not None:
            assert total[metric] == pytest.approx(headline[metric], rel=1e-9), metric
        if metric in ADDITIVE and pd.notna(total[metric]):
            assert parts[metric].sum() == pytest.approx(total[metric], rel=1e-9), metric


def test_unattributed_complaints_have_their_own_row(reports):
    report = _report(reports, "complaints")
    table = report.team_table(["complaints"]).tidy().set_index("team")
    assert table.loc["(unattributed)", "complaints"] > 0
    shown = report.team_table(["complaints"]).display_table()
    assert list(shown.iloc[-2:, 0]) == ["No agent or team", "Total"]
    assert 'class="csnb-total"' in report.team_table(["complaints"])._repr_html_()


def test_results_carry_the_sentences_changes_and_targets(reports):
    report = _report(reports, "overview")
    results = report.results()
    assert results["sentences"] == report.sentences and len(results["sentences"]) >= 5
    assert any("双11" in s for s in results["sentences"])
    assert results["changes"]["inquiries"]["last_month"]["notable"] is True
    assert results["targets"]["conversion_rate"]["status"] in ("green", "amber", "red")
    json.dumps(results, allow_nan=False)
