"""Tests of the operations report's sections (csnb.report.operations, issue 12 items 5-6).

On a simulated shop with the planted load-response knee, in both languages: the JSON has
the issue's keys and is strict JSON, the sentences are generated from the numbers (the
agents needed and the gap days they name are the tables'), the tables display in the report
language; a dataset without sessions says why instead of failing.
"""

import json
import re

import pytest

from csnb.io import load_dataset
from csnb.report.display import Block
from csnb.report.month_report import MonthReport
from csnb.report.operations import OperationsReport, OperationsTable
from csnb.simulate import simulate

MONTH = "2025-11"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ops_report") / "shop"
    simulate(folder, seed=5, agents=20, months=13, start="2024-11")
    return load_dataset(folder)


@pytest.fixture(scope="module")
def both(shop):
    return {lang: OperationsReport(MonthReport(name="operations", month=MONTH, lang=lang,
                                               ds=shop))
            for lang in ("en", "zh")}


def test_results_have_the_issue_keys_and_are_strict_json(both):
    res = both["en"].results()
    text = json.dumps(res, allow_nan=False, ensure_ascii=False)
    assert set(res["sustainable_load"]) >= {"estimate", "ci_low", "ci_high", "target_fast_rate"}
    sl = res["sustainable_load"]
    assert sl["ci_low"] <= sl["estimate"] <= sl["ci_high"]
    assert res["staffing"] and set(res["staffing"][0]) == {
        "weekday", "hour", "sessions_per_agent_hour", "fast_response_rate", "agents_online",
        "agents_needed", "status"}
    assert {r["status"] for r in res["staffing"]} <= {"understaffed", "balanced", "overstaffed"}
    assert len(res["forecast"]) == 60
    assert set(res["forecast"][0]) >= {"date", "inquiries", "lo", "hi", "agent_hours_needed",
                                       "agent_hours_available"}
    assert res["unavailable"] == {}
    assert "NaN" not in text
    # the two languages hold the same figures
    zh = both["zh"].results()
    assert zh["sustainable_load"] == res["sustainable_load"]
    assert zh["forecast"] == res["forecast"]


def test_sentences_are_the_numbers_in_both_languages(both):
    en, zh = both["en"], both["zh"]
    assert en.sentences and len(en.sentences) == len(zh.sentences)
    for s in en.sentences + zh.sentences:
        assert "{" not in s and "}" not in s, s
    estimate = en.load_result.estimate
    assert f"{estimate:.2f}" in en.sentences[0] and f"{estimate:.2f}" in zh.sentences[0]
    assert re.search("[\u4e00-\u9fff]", " ".join(zh.sentences))
    # every gap day the sentence names is a gap day of the table, with its extra agents
    gaps = en.forecast_result.gap_days
    gap_sentence = [s for s in en.sentences if s.startswith("Days that need more")]
    if gaps.empty:
        assert not gap_sentence
    else:
        worst = gaps.sort_values("gap_hours", ascending=False).iloc[0]
        assert f"{int(worst['extra_agents'])} extra agents" in gap_sentence[0]
    # understaffed blocks named with the agents they need
    st = en.staffing_result.tidy()
    under = st[st["status"] == "understaffed"]
    named = [s for s in en.sentences if s.startswith("Understaffed")]
    if under.empty:
        assert not named
    else:
        top = under.sort_values("sessions_per_agent_hour", ascending=False).iloc[0]
        assert f"{int(top['agents_needed'])} needed" in named[0]


def test_tables_and_figures_display_in_the_report_language(both):
    for lang, ops in both.items():
        blocks = ops.blocks()
        if isinstance(blocks, OperationsTable):
            shown = blocks.display_table()
            col = "Status" if lang == "en" else "状态"
            assert col in shown.columns
            assert set(shown[col]) <= ({"understaffed", "overstaffed"} if lang == "en"
                                       else {"人手不足", "人手富余"})
        for figure in (ops.plot_load_curve(), ops.plot_staffing(), ops.plot_forecast()):
            assert hasattr(figure, "savefig")
        assert isinstance(ops.load_note(), Block) and isinstance(ops.forecast_note(), Block)
        gap = ops.gap_days()
        assert isinstance(gap, OperationsTable | Block)


def test_a_dataset_without_sessions_says_why(shop):
    """Without sessions there is no hour to place load in: the report says so once (NEEDS)."""
    from csnb.i18n import t
    from csnb.io.dataset import dataset_from_frames

    agents = shop.frame("agents")
    ds = dataset_from_frames({"agents": agents}, settings=shop.settings)
    report = MonthReport(name="operations", month=MONTH, lang="en", ds=ds)
    assert report.lacking == [("sessions",)]
    ops = OperationsReport(report)
    expected = t("needs.report", "en", needs=t("needs.table.sessions", "en"), present="agents")
    assert ops.summary().text == expected
    assert ops.results() == {}
    assert ops.plot_load_curve().html == "" and ops.blocks().html == ""
