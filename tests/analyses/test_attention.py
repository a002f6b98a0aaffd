"""Agents to talk about: each finding is the verdict of the analysis it names, by its rule.

Invariants on the sample data (every finding row matches the source function's flag, and every
flagged agent has the row), a hand-built dataset where one agent has findings from three
reports, and the report section in both languages.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csnb.analyses.attention import LIKELY_BOTTOM, SIGNALS, agents_to_discuss
from csnb.analyses.complaints import fault_ledger_table
from csnb.analyses.conversion import shrink_agent_rates
from csnb.io import load_dataset
from csnb.metrics.ranking import ranking_table
from csnb.months import shift_month
from csnb.report import AttentionSection, MonthReport

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
MONTH = "2025-11"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(SAMPLES)


@pytest.fixture(scope="module")
def result(ds):
    return agents_to_discuss(ds, MONTH)


def _ids(result, signal):
    t = result.table
    return set(t.loc[t["signal"] == signal, "agent_id"])


def test_conversion_finding_is_the_shrinkage_verdict(ds, result):
    shrunk = shrink_agent_rates(ds, MONTH).tidy()
    assert _ids(result, "conversion_behind") == set(
        shrunk.loc[shrunk["p_bottom"] >= LIKELY_BOTTOM, "agent_id"])
    rows = result.table[result.table["signal"] == "conversion_behind"].merge(
        shrunk, on="agent_id")
    np.testing.assert_allclose(rows["value"], rows["p_bottom"])
    assert ((rows["low"] <= rows["shrunk_rate"]) & (rows["shrunk_rate"] <= rows["high"])).all()


def test_bottom_findings_are_the_policy_ranking(ds, result):
    ranking = ranking_table(ds)
    bottom = ranking["bottom"].fillna(False).astype(bool)
    now = set(ranking.loc[bottom & (ranking["month"] == MONTH), "agent_id"])
    before = set(ranking.loc[bottom & (ranking["month"] == shift_month(MONTH, -1)), "agent_id"])
    assert now, "the samples have bottom-ranked agents in policy teams"
    assert _ids(result, "bottom_again") == now & before
    assert _ids(result, "bottom_ranked") == now - before
    policy = ranking.loc[ranking["month"] == MONTH].set_index("agent_id")["policy_active"]
    assert policy.loc[list(now)].all()


def test_complaint_findings_are_the_ledger_flags(ds, result):
    ledger = fault_ledger_table(ds, MONTH).tidy()
    for signal, col in [("dismissal_step", "dismissal"), ("repeat_offender", "repeat_offender"),
                        ("complaints_above_team", "above_team")]:
        assert _ids(result, signal) == set(ledger.loc[ledger[col].astype(bool), "agent_id"])


def test_one_row_per_agent_most_findings_first(result):
    agents = result.agents()
    assert agents["agent_id"].is_unique
    assert agents["n_signals"].sum() == len(result.table)
    assert agents["n_signals"].is_monotonic_decreasing
    assert set(result.table["report"]) <= set(SIGNALS.values())
    assert result.skipped == ()


def test_without_complaints_those_findings_are_skipped_not_zero(tmp_path):
    rng = np.random.default_rng(3)
    rows = [{"date": d.date().isoformat(), "agent_id": a, "name": a, "inquiries": 30,
             "paid_buyers": int(rng.binomial(30, 0.1 if a == "A1" else 0.5)),
             "sales": 100.0, "avg_first_response_s": 20.0}
            for d in pd.date_range("2025-10-01", "2025-11-30") for a in ("A1", "A2", "A3")]
    pd.DataFrame(rows).to_csv(tmp_path / "agent_daily.csv", index=False)
    res = agents_to_discuss(load_dataset(tmp_path), MONTH)
    assert set(res.skipped) == set(SIGNALS) - {"conversion_behind"}
    assert set(res.table["signal"]) <= {"conversion_behind"}
    # A1 converts at a fifth of the others' rate on 900 inquiries: behind beyond doubt.
    assert "A1" in _ids(res, "conversion_behind")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_section_names_agents_in_both_languages(lang, result):
    report = MonthReport.open("overview", MONTH, SAMPLES, lang)
    section = AttentionSection(report)
    top = result.agents().iloc[0]
    opening = " ".join(section.sentences())
    assert str(top["name"]) in opening
    assert str(len(result.agents())) in opening
    shown = section.table().display_table()
    assert len(shown) == len(result.agents())
    assert shown.iloc[0, 0].startswith(str(top["name"]))
    json = section.results()
    assert json["agents"] == len(result.agents())
    assert sum(json["by_signal"].values()) == len(result.table)
