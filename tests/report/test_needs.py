"""Reports on data that lack tables: what they need, said once, instead of failures or zeros.

A hand-made folder of daily per-agent exports (agent_daily only: no sessions, orders,
agents, complaints or policies) drives MonthReport and the analysis reports directly; the
full notebooks on simulated exports are rendered in ``test_agent_daily_reports.py`` (slow).
"""

import numpy as np
import pandas as pd
import pytest

from csnb.analyses import AREAS
from csnb.i18n import TEXT, t, value_label
from csnb.metrics import FIGURE_NEEDS, UNKNOWN_TEAM, lacking
from csnb.report import (
    ComplaintsReport,
    ConversionReport,
    IncentivesReport,
    MonthReport,
    TurnoverReport,
)
from csnb.report.display import Block
from csnb.report.export import drop_empty_outputs
from csnb.report.needs import NEEDS
from csnb.report.operations import OperationsReport

MONTH = "2025-11"
NAMES = {"A01": "小王", "A02": "小李", "A03": "小张", "A04": "小赵"}


@pytest.fixture(scope="module")
def daily_folder(tmp_path_factory):
    """Two months of exports for four agents; A02 changed its nickname in November."""
    rng = np.random.default_rng(7)
    rows = []
    for day in pd.date_range("2025-10-01", "2025-12-02"):
        for agent, name in NAMES.items():
            inquiries = int(rng.integers(5, 40))
            rows.append({
                "date": day.date().isoformat(), "agent_id": agent,
                "name": "小李(新)" if agent == "A02" and day.month >= 11 else name,
                "inquiries": inquiries, "paid_buyers": int(rng.binomial(inquiries, 0.3)),
                "sales": round(float(rng.gamma(5, 200)), 2),
                "avg_first_response_s": round(float(rng.uniform(10, 90)), 1),
                "avg_response_s": round(float(rng.uniform(20, 60)), 1),
                "fast_response_rate": round(float(rng.uniform(0.7, 1)), 4),
            })
    folder = tmp_path_factory.mktemp("daily")
    pd.DataFrame(rows).to_csv(folder / "agent_daily.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def reports(daily_folder):
    return {name: MonthReport.open(name, MONTH, daily_folder, "en") for name in AREAS}


def test_every_headline_figure_says_what_it_reads():
    for area, figures in AREAS.items():
        assert set(figures) <= set(FIGURE_NEEDS), area
    for groups in [*FIGURE_NEEDS.values(), *NEEDS.values()]:
        for group in groups:
            assert group and all(f"needs.table.{table}" in TEXT for table in group)


def test_lacking():
    assert lacking((("agents",),), ("agent_daily",)) == [("agents",)]
    assert lacking((("sessions", "agent_daily"),), ("agent_daily",)) == []
    assert lacking((("complaints",), ("orders",)), ("orders",)) == [("complaints",)]
    assert lacking((), ()) == []


def test_which_reports_lack_their_tables(reports):
    assert {name: r.lacking for name, r in reports.items()} == {
        "overview": [], "conversion": [], "turnover": [("agents",)],
        "complaints": [("complaints",)], "incentives": [("agents",)],
        "operations": [("sessions",)]}


@pytest.mark.parametrize("name,cls", [("turnover", TurnoverReport),
                                      ("complaints", ComplaintsReport),
                                      ("incentives", IncentivesReport),
                                      ("operations", OperationsReport)])
def test_a_report_lacking_its_tables_states_it_once(reports, name, cls):
    report = reports[name]
    area = cls(report)
    summary = area.summary()
    expected = t("needs.report", "en", needs=t(f"needs.table.{report.lacking[0][0]}", "en"),
                 present="agent_daily")
    assert summary.text == expected
    assert report.sentences == [expected]
    # Every other section is silent: no heading, no "not available" line, no table.
    assert report.section("section.headline").html == ""
    assert report.section("section.quality").html != ""
    assert report.headline._repr_html_() == ""
    assert report.headline.plot() is None
    assert report.team_table(["conversion_rate"]).html == ""
    public = [m for m in dir(cls) if not m.startswith("_")
              and m not in ("summary", "results", "all_sentences", "text")
              and callable(getattr(cls, m))]
    assert public
    for method in public:
        if method in ("section", "note", "heading"):
            out = getattr(area, method)("x")
        else:
            try:
                out = getattr(area, method)()
            except TypeError:  # a method with required arguments: called with a dummy
                out = getattr(area, method)("category")
        assert isinstance(out, Block) and out.html == "", method
    assert area.results() == {}
    json_keys = report.results()
    assert json_keys["lacking_tables"] == [list(g) for g in report.lacking]
    assert json_keys["sentences"] == [expected]


def test_header_has_no_provisional_banner_when_nothing_is_computed(reports):
    assert "csnb-provisional" not in reports["turnover"].header().html
    # The data end on Dec 2, before Nov 30 + 3 days.
    assert "csnb-provisional" in reports["conversion"].header().html


def test_overview_shows_what_the_exports_give_and_names_the_rest(reports):
    report = reports["overview"]
    h = report.headline
    assert set(h.shown) == {"inquiries", "converted_inquiries", "conversion_rate",
                            "credited_sales", "avg_first_response_s", "fast_response_rate"}
    assert set(h.unavailable) == set(AREAS["overview"]) - set(h.shown)
    # Kept as missing in the JSON: never a zero where the data say nothing.
    assert all(h.figures[m] is None for m in h.unavailable)
    assert report.results()["unavailable_figures"] == sorted(h.unavailable)
    html = h._repr_html_()
    assert "Opening headcount" not in html.split("csnb-unavailable")[0]
    note = h.unavailable_note()
    assert "Opening headcount" in note and "the agents table" in note
    assert "the complaints table" in note
    assert note in html
    # Every row shown has this month's value (last year lies before the data: n/a there).
    assert "n/a" not in h.display_table()[t("col.value", "en")].tolist()
    sentences = " ".join(report.sentences)
    for area in ("turnover", "complaints", "incentives"):
        assert t(f"title.{area}", "en") in sentences
    assert t("title.conversion", "en") not in sentences
    # The provisional banner names only figures the data give.
    assert "Silent sales" not in report.header().html


def test_overview_in_chinese(daily_folder):
    report = MonthReport.open("overview", MONTH, daily_folder, "zh")
    note = report.headline.unavailable_note()
    assert note.startswith("未显示") and "客服名单" in note
    assert any("客服流失报告需要客服名单" in s for s in report.sentences)


def test_conversion_names_agents_from_the_export_and_says_the_grid_needs_sessions(reports):
    report = reports["conversion"]
    conversion = ConversionReport(report)
    card = conversion.agent_scorecard().tidy()
    agents = card[card["agent_id"] != ""]
    # The latest nickname of each agent (A02 renamed itself in November).
    assert dict(zip(agents["agent_id"], agents["name"], strict=True)) == {
        **NAMES, "A02": "小李(新)"}
    # Columns the exports cannot fill are left out, not shown as n/a.
    assert not {"median_first_response_s", "p90_first_response_s", "order_value"} & set(card)
    assert {"avg_first_response_s", "avg_response_s", "fast_response_rate"} <= set(card)
    # No roster: no team or rank column for the agents (all unknown, nobody ranked) ...
    shown = conversion.agent_scorecard().display_table().columns
    assert len(shown) == len(card.columns) - 4  # agent_id, team, rank, rank_change
    # ... and one team line, the unknown team, then the total.
    teams = conversion.team_scorecard().tidy()["team"].tolist()
    assert teams == [UNKNOWN_TEAM, "(total)"]
    labels = conversion.team_scorecard().display_table().iloc[:, 0].tolist()
    assert labels == [value_label(UNKNOWN_TEAM, "en"), value_label("(total)", "en")]
    heading = conversion.section("conversion.section.grid")
    assert t("needs.section", "en", needs=t("needs.table.sessions", "en"),
             present="agent_daily") in heading.text
    assert conversion.grid_note().html == ""
    assert conversion.plot_response_grid("inquiries_per_day").html == ""
    # Sections the exports can fill are shown, without a needs note.
    assert "csnb-needs" not in conversion.section("conversion.section.scorecard").html


def test_scorecard_sums_are_the_exports_sums(reports, daily_folder):
    exports = pd.read_csv(daily_folder / "agent_daily.csv")
    month = exports[exports["date"].str.startswith(MONTH)]
    card = ConversionReport(reports["conversion"]).agent_scorecard().tidy()
    total = card[card["agent_id"] == ""].iloc[0]
    assert total["inquiries"] == month["inquiries"].sum()
    assert total["converted_inquiries"] == month["paid_buyers"].sum()
    assert total["credited_sales"] == pytest.approx(month["sales"].sum(), abs=1e-6)
    per_agent = month.groupby("agent_id")["inquiries"].sum()
    got = card[card["agent_id"] != ""].set_index("agent_id")["inquiries"]
    assert got.to_dict() == per_agent.to_dict()


def test_empty_outputs_are_left_out_of_the_html():
    import nbformat

    nb = nbformat.v4.new_notebook()
    empty = nbformat.v4.new_output("display_data", data={"text/html": "", "text/plain": ""})
    shown = nbformat.v4.new_output("display_data", data={"text/html": "<p>x</p>"})
    image = nbformat.v4.new_output("display_data", data={"image/png": ""})
    nb.cells = [nbformat.v4.new_code_cell("a", outputs=[empty]),
                nbformat.v4.new_code_cell("b", outputs=[empty, shown]),
                nbformat.v4.new_code_cell("c", outputs=[]),
                nbformat.v4.new_code_cell("d", outputs=[image]),
                nbformat.v4.new_markdown_cell("m")]
    out = drop_empty_outputs(nb)
    assert [c.source for c in out.cells] == ["b", "c", "d", "m"]
    assert out.cells[0].outputs == [shown]
    assert len(nb.cells[0].outputs) == 1  # the executed notebook keeps everything
