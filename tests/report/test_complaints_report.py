"""Tests of the complaints report's sections (csnb.report.complaints, issue 9).

On the sample month 2025-11 in both languages: every breakdown adds up to the headline of
``csnb.metrics.month_figures``, the ledger's fines follow the schedule, the sentences are
computed from the numbers, the JSON has the issue's keys; then a month without complaints,
a shop of three agents, and (slow) the notebook rendered by ``csnb.render_month``.
"""

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from csnb.analyses.base import TOTAL, UNATTRIBUTED
from csnb.analyses.complaints import (
    BREAKDOWN_BY,
    complaint_breakdown_table,
    fault_ledger_table,
    fit_u_chart,
)
from csnb.analyses.counts import compare_rates
from csnb.io import load_dataset
from csnb.io.dataset import dataset_from_frames
from csnb.metrics import fines_table, month_figures
from csnb.report.complaints import ComplaintsReport, ComplaintTable
from csnb.report.display import Block
from csnb.report.month_report import MonthReport

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
MONTH = "2025-11"
ISSUE_KEYS = {"sentences", "by_category", "by_source", "flagged_days", "negbin", "dispersion",
              "model_family", "ledger"}


def strict_json(obj) -> str:
    return json.dumps(obj, allow_nan=False, ensure_ascii=False)


@pytest.fixture(scope="module")
def samples():
    return load_dataset(SAMPLES)


@pytest.fixture(scope="module", params=["en", "zh"])
def report(request, samples):
    r = MonthReport(name="complaints", month=MONTH, lang=request.param, ds=samples)
    return ComplaintsReport(r)


@pytest.fixture(scope="module")
def both(samples):
    return {lang: ComplaintsReport(MonthReport(name="complaints", month=MONTH, lang=lang,
                                               ds=samples))
            for lang in ("en", "zh")}


def _lines(table: pd.DataFrame) -> pd.DataFrame:
    return table[table.iloc[:, 0] != TOTAL]


# -- the sample month ------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["category", "source", "team"])
def test_every_breakdown_adds_up_to_the_headline(report, samples, by):
    headline = month_figures(samples, MONTH)["complaints"]
    t = report.breakdown(by).tidy()
    # The unattributed line shows exactly when a complaint of the three months lacks the key.
    engine = complaint_breakdown_table(samples, MONTH, by).tidy()
    line = engine.loc[engine["kind"] == "unattributed"].iloc[0]
    lacking = line[["complaints", "complaints_last_month", "complaints_last_year"]].fillna(0)
    assert (UNATTRIBUTED in set(t[by])) == bool(lacking.sum() > 0)
    assert t.iloc[-1][by] == TOTAL and t.iloc[-1]["complaints"] == headline
    assert _lines(t)["complaints"].sum() == headline
    assert math.isclose(t.iloc[-1]["per_1k_orders"],
                        month_figures(samples, MONTH)["complaints_per_1k_orders"])
    js = report.results()[f"by_{by}"]
    assert "unattributed" in js and sum(v["count"] for v in js.values()) == headline


@pytest.mark.parametrize("month", ["2025-06", "2025-11"])
def test_engine_breakdowns_add_up_to_the_headline(samples, month):
    """Every key of the engine (agent included) in a 618 month and a 双11 month."""
    headline = month_figures(samples, month)["complaints"]
    for by in BREAKDOWN_BY:
        t = complaint_breakdown_table(samples, month, by).tidy()
        assert t.loc[t["kind"] != "total", "complaints"].sum() == headline, by
        assert t.loc[t["kind"] == "total", "complaints"].item() == headline, by


def test_team_breakdown_has_the_complaints_without_an_agent(report, samples):
    c = samples.frame("complaints")
    created = pd.to_datetime(c["created_ts"]).dt.strftime("%Y-%m")
    no_agent = int((c["agent_id"].isna() & (created == MONTH)).sum())
    t = report.breakdown("team").tidy().set_index("team")
    assert no_agent > 0 and t.loc[UNATTRIBUTED, "complaints"] == no_agent


def test_resolution_total_is_the_headline(report, samples):
    t = report.resolution().tidy()
    assert t.iloc[-1]["category"] == TOTAL
    assert t.iloc[-1]["complaints"] == month_figures(samples, MONTH)["complaints"]
    assert _lines(t)["complaints"].sum() == t.iloc[-1]["complaints"]


def test_ledger_fines_follow_the_schedule(report, samples):
    s = samples.settings
    t = report.ledger().tidy()
    rows, total = _lines(t), t.iloc[-1]
    assert len(rows) > 0
    for r in rows.itertuples():
        assert r.fine_yuan == sum(s.fine_for(k) for k in range(1, r.at_fault + 1))
        assert r.dismissal == (r.at_fault >= s.dismissal_at)
    names = samples.frame("agents").set_index("agent_id")["name"]
    assert list(rows["name"]) == [names[a] for a in rows["agent_id"]]
    fines = fines_table(samples)
    fines = fines[fines["month"] == MONTH]
    assert total["at_fault"] == len(fines) == rows["at_fault"].sum()
    assert total["fine_yuan"] == fines["fine"].sum() == rows["fine_yuan"].sum()
    js = report.results()
    assert js["total_fines_yuan"] == fines["fine"].sum()
    assert {e["agent_id"] for e in js["ledger"]} == set(rows["agent_id"])


def test_rate_sentences_are_the_exact_test(both, samples):
    f = month_figures(samples, MONTH)
    prev = month_figures(samples, "2025-10")
    cmp = compare_rates(f["complaints"], f["paid_orders"], prev["complaints"],
                        prev["paid_orders"])
    rate = f"{f['complaints_per_1k_orders']:.2f}"
    p = f"{cmp.p_value:.3f}"
    en, zh = both["en"].sentences, both["zh"].sentences
    assert len(en) == len(zh)
    assert any(rate in s and f"{f['complaints']:,}" in s for s in en)
    verdict = ("within chance", "随机波动范围内") if cmp.p_value >= 0.05 else ("beyond chance",
                                                                          "超出随机波动")
    assert any(f"{cmp.rate_ratio:.2f}" in s and p in s and verdict[0] in s for s in en)
    assert any(f"{cmp.rate_ratio:.2f}" in s and p in s and verdict[1] in s for s in zh)
    assert any("千单投诉率" in s and rate in s for s in zh)
    js = both["en"].results()
    assert js["rate_tests"]["last_month"]["p_value"] == pytest.approx(cmp.p_value)
    assert js["sentences"][:len(both["en"].report.sentences)] == both["en"].report.sentences


def test_sentences_name_flagged_days_promotions_trend_and_fines(both, samples):
    u = fit_u_chart(samples, MONTH)
    days = [pd.Timestamp(d) for d in u.flagged["date"]]
    en, zh = " ".join(both["en"].sentences), " ".join(both["zh"].sentences)
    for d in days:
        assert f"{d:%b} {d.day}" in en and f"{d.month}月{d.day}日" in zh
    assert "双11 (Nov 1 to Nov 11)" in en and "双11期间(11月1日至11月11日)" in zh
    assert "Is the trend real?" in en and "趋势是否真实" in zh
    trend = both["en"].trend
    assert f"{trend['irr']:.3f}" in en and f"{trend['irr']:.3f}" in zh
    total = fines_table(samples).query("month == @MONTH")["fine"].sum()
    assert f"¥{total:,.0f}" in en and f"{total:,.0f} 元" in zh
    ledger = fault_ledger_table(samples, MONTH).payroll()
    for r in ledger[ledger["dismissal"]].itertuples():
        assert f"{r.name} ({r.agent_id})" in en and r.name in zh


def test_summary_opens_with_the_month_sentences_then_the_method(report):
    text = report.summary().text
    first = report.report.sentences[0]
    assert text.startswith(f"- {first}")
    assert text.index(report.sentences[0]) > text.index(first)
    assert text.rstrip().endswith(report.report.summary().text.splitlines()[-1])


def test_results_have_the_issue_keys_and_no_nan(report):
    js = report.results()
    assert ISSUE_KEYS <= set(js)
    strict_json(js)
    assert js["model_family"] in ("nb2", "poisson", "quasipoisson")
    for term in js["negbin"]:
        assert {"term", "irr", "ci_low", "ci_high", "p_value"} <= set(term)
    for day in js["flagged_days"]:
        assert {"date", "complaints", "expected", "ucl"} <= set(day)
    for row in js["ledger"]:
        assert set(row) == {"agent_id", "name", "at_fault", "fine_yuan", "dismissal"}
    assert js["unavailable"] == {}


def test_model_fallback_is_said_in_words(both):
    r = both["en"].model_result
    notes = {lang: both[lang].model_note().text for lang in both}
    if r.family == "nb2":
        assert "NB2" in notes["en"] and "α" in notes["zh"]
    else:
        assert "fell back" in notes["en"] and "退回" in notes["zh"]
        assert any("dispersion sat at its boundary" in s for s in both["en"].sentences)


def test_tables_display_in_the_report_language(both):
    zh = both["zh"].breakdown("source").display_table()
    assert "千单投诉率" in zh.columns and "差评" in set(zh.iloc[:, 0])
    assert "平台纠纷" in set(zh.iloc[:, 0]) and zh.iloc[-1, 0] == "合计"
    ledger = both["zh"].ledger().display_table()
    assert {"客服责任投诉", "罚款"} <= set(ledger.columns)
    assert ledger["罚款"].str.endswith("元").all()
    assert "<table" in both["en"].model_table()._repr_html_()


def test_figures_are_drawn_and_closed(report):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    for draw in (report.plot_rates, report.plot_pareto, report.plot_u_chart,
                 report.plot_seasonal, report.plot_model, report.plot_funnel,
                 report.plot_resolution):
        fig = draw()
        assert hasattr(fig, "savefig") and fig.axes, draw.__name__
    assert plt.get_fignums() == before


def test_ledger_is_attached_for_payroll(samples, tmp_path):
    """report.save writes the payroll ledger beside the JSON, headed in the report language."""
    for lang, file, fine in (("en", "complaints.ledger.csv", "Fine"),
                             ("zh", "complaints.zh.ledger.csv", "罚款")):
        month_report = MonthReport(name="complaints", month=MONTH, lang=lang, ds=samples)
        c = ComplaintsReport(month_report)
        line = c.attach_ledger()
        assert isinstance(line, Block) and file in line.text
        month_report.save(tmp_path / f"{lang}.json", **c.results())
        back = pd.read_csv(tmp_path / file, dtype=str, encoding="utf-8-sig")
        pay = c.ledger_result.payroll()
        assert len(back) == len(pay) > 0
        assert list(back.iloc[:, 0]) == list(pay["agent_id"])
        assert back.columns[4] == fine
        assert pd.to_numeric(back[fine]).tolist() == pay["fine_yuan"].tolist()
        js = json.loads((tmp_path / f"{lang}.json").read_text(encoding="utf-8"))
        assert js["attachments"] == {"ledger": [file]}


# -- small and empty worlds ------------------------------------------------------------------


def _frames(ds) -> dict[str, pd.DataFrame]:
    return {name: ds.frame(name) for name in ("agents", "sessions", "orders", "complaints")}


@pytest.fixture(scope="module")
def no_complaints_month(samples):
    """The samples with every complaint created in 2025-11 removed."""
    frames = _frames(samples)
    c = frames["complaints"]
    frames["complaints"] = c[pd.to_datetime(c["created_ts"]).dt.strftime("%Y-%m") != MONTH]
    return dataset_from_frames(frames, settings=samples.settings)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_month_without_complaints(no_complaints_month, lang):
    c = ComplaintsReport(MonthReport(name="complaints", month=MONTH, lang=lang,
                                     ds=no_complaints_month))
    assert c.sentences[0] == c.text("s.no_complaints")
    for by in ("category", "source", "team"):
        t = c.breakdown(by).tidy()
        assert t["complaints"].sum() == 0
    assert isinstance(c.ledger(), Block)
    assert isinstance(c.plot_pareto(), Block)
    js = c.results()
    strict_json(js)
    assert js["ledger"] == [] and js["total_fines_yuan"] == 0
    assert ISSUE_KEYS <= set(js)
    c.summary()  # every part either computed or said to be unavailable


@pytest.fixture(scope="module")
def three_agents(samples):
    """One team of three agents: their sessions, every order, complaints of theirs or of no
    agent."""
    frames = _frames(samples)
    a = frames["agents"]
    # Three agents of one team who worked this month (the roster also lists leavers).
    s = frames["sessions"]
    worked = set(s.loc[pd.to_datetime(s["start_ts"]).dt.strftime("%Y-%m") == MONTH, "agent_id"])
    team = a.loc[a["agent_id"].isin(worked), "team"].iloc[0]
    keep = list(a.loc[(a["team"] == team) & a["agent_id"].isin(worked), "agent_id"].head(3))
    frames["agents"] = a[a["agent_id"].isin(keep)]
    frames["sessions"] = frames["sessions"][frames["sessions"]["agent_id"].isin(keep)]
    o = frames["orders"]
    frames["orders"] = o.assign(agent_id=o["agent_id"].where(o["agent_id"].isin(keep)))
    c = frames["complaints"]
    frames["complaints"] = c[c["agent_id"].isin(keep) | c["agent_id"].isna()]
    return dataset_from_frames(frames, settings=samples.settings), keep


def test_a_team_of_three_agents(three_agents):
    ds, keep = three_agents
    c = ComplaintsReport(MonthReport(name="complaints", month=MONTH, lang="zh", ds=ds))
    headline = month_figures(ds, MONTH)["complaints"]
    team = c.breakdown("team").tidy()
    assert len(team) == 3 and _lines(team)["complaints"].sum() == headline
    ledger = c.ledger_result.tidy()
    assert set(ledger["agent_id"]) <= set(keep)
    assert not ledger["above_team"].any() or ledger["complaints"].max() > 0
    assert isinstance(c.plot_funnel(), Block) or c.plot_funnel().axes
    strict_json(c.results())
    assert c.sentences and all(isinstance(s, str) for s in c.sentences)


def test_a_table_labels_its_special_rows():
    t = ComplaintTable(table=pd.DataFrame({"team": ["a", UNATTRIBUTED, TOTAL],
                                           "complaints": [1, 2, 3]}), lang="zh", by="team")
    assert list(t.display_table().iloc[:, 0]) == ["a", "未归属客服", "合计"]
    assert t._total_row() == 2


# -- the rendered notebook ---------------------------------------------------------------------


@pytest.mark.slow
def test_the_notebook_renders_in_both_languages(sample_reports):
    for lang in ("en", "zh"):
        run = sample_reports.run("complaints", lang)
        js = json.loads(Path(run["json"]).read_text(encoding="utf-8"))
        assert ISSUE_KEYS <= set(js) and js["lang"] == lang
        html = Path(run["html"]).read_text(encoding="utf-8")
        words = (["Daily u-chart", "At-fault ledger", "Is the trend real?"] if lang == "en"
                 else ["千单投诉率", "客服责任投诉", "罚款", "差评", "平台纠纷"])
        for w in words:
            assert w in html, (lang, w)
        assert html.count("<img") >= 8
        # the payroll ledger beside the HTML, linked from it, with the ledger's rows
        file = "complaints.ledger.csv" if lang == "en" else "complaints.zh.ledger.csv"
        csv = Path(run["html"]).parent / file
        assert csv.is_file() and f'href="{file}"' in html
        ledger = pd.read_csv(csv, dtype=str, encoding="utf-8-sig")
        expected = [row["agent_id"] for row in js["ledger"]]
        assert len(expected) > 0 and list(ledger.iloc[:, 0]) == expected
        assert js["attachments"] == {"ledger": [file]}
