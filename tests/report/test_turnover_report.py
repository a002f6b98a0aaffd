"""The turnover report's sections (issue 7) on the sample month and on edge cases.

Checks names and numbers against the metric book (the leavers are the month's exits of
``csnb.metrics.month_figures``), invariants (shares sum to one, curves never rise), the
generated sentences in both languages against the figures they speak about, the JSON keys,
and edge cases: a month without exits, a team of three agents (too small to say), a month
outside the data, a roster without exit reasons; and (slow) the notebook rendered by
``csnb.render_month`` in both languages (the shared rendering of the sample month).
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csnb.analyses.base import TOTAL
from csnb.i18n import t
from csnb.metrics import headcount_table, month_figures
from csnb.months import months_ending
from csnb.report.display import Block
from csnb.report.month_report import MonthReport
from csnb.report.turnover import TurnoverReport, TurnoverTable, term_label

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
MONTH = "2025-11"


def _roster_exits() -> pd.Series:
    """Exits per month (YYYY-MM) counted from the samples' agents.csv, read on its own."""
    agents = pd.read_csv(SAMPLES / "agents.csv", dtype=str)
    return agents["exit_date"].dropna().str[:7].value_counts()


#: The sample month's exits, counted without csnb.
EXITS = int(_roster_exits().get(MONTH, 0))


@pytest.fixture(scope="module")
def en():
    return TurnoverReport(MonthReport.open("turnover", MONTH, SAMPLES, "en"))


@pytest.fixture(scope="module")
def zh(en):
    # Same dataset, other language (the load cache makes this cheap).
    return TurnoverReport(MonthReport.open("turnover", MONTH, SAMPLES, "zh"))


@pytest.fixture(scope="module")
def roster_only(tmp_path_factory):
    """The samples' agents alone, plus a new team of three agents hired in 2025-06."""
    folder = tmp_path_factory.mktemp("roster")
    shutil.copy(SAMPLES / "csnb.toml", folder / "csnb.toml")
    agents = pd.read_csv(SAMPLES / "agents.csv", dtype=str)
    extra = pd.DataFrame({
        "agent_id": ["KF9001", "KF9002", "KF9003"], "name": ["甲", "乙", "丙"],
        "team": ["三人组"] * 3, "role": ["presale"] * 3, "shift": ["day"] * 3,
        "hire_date": ["2025-06-02", "2025-06-02", "2025-06-16"],
        "exit_date": ["2025-08-10", "", ""], "exit_reason": ["voluntary", "", ""],
        "outsourced": ["false"] * 3, "base_salary": ["4000"] * 3,
    })
    pd.concat([agents, extra]).to_csv(folder / "agents.csv", index=False)
    return folder


# -- leavers and breakdowns ----------------------------------------------------------------


def test_leavers_are_the_months_exits_with_names(en):
    leavers = en.leavers()
    assert isinstance(leavers, TurnoverTable)
    table = leavers.tidy()
    figures = month_figures(en.ds, MONTH)
    assert len(table) == figures["exits"] > 0
    kinds = en.leavers_table["exit_type"]
    assert (kinds == "voluntary").sum() == figures["exits_voluntary"]
    assert (kinds == "involuntary").sum() == figures["exits_involuntary"]
    agents = en.ds.frame("agents").set_index("agent_id")
    for row in table.itertuples():
        assert row.name == agents.at[row.agent_id, "name"] and row.name
        assert str(pd.Timestamp(agents.at[row.agent_id, "exit_date"]).date()) \
            == str(row.exit_date)
        assert row.exit_date.strftime("%Y-%m") == MONTH
        assert row.tenure_days == (pd.Timestamp(row.exit_date)
                                   - pd.Timestamp(row.hire_date)).days + 1
    shown = leavers.display_table()
    assert list(shown.columns)[:7] == ["Agent ID", "Name", "Team", "Shift", "Hire date",
                                       "Last day", "Tenure (days)"]
    assert set(shown["Exit reason"]) <= {"Voluntary", "Bottom-ranked-out", "Dismissed",
                                         "Contract end", "Other"}


def test_exit_reasons_add_up_over_twelve_months(en):
    table = en.exit_reasons().tidy()
    body = table[table["exit_reason"] != TOTAL]
    assert body["share"].sum() == pytest.approx(1.0)
    flow = headcount_table(en.ds.frame("agents"), months_ending(MONTH, 12))
    assert body["exits"].sum() == table.iloc[-1]["exits"] == flow["exits"].sum()


def test_flow_identity_and_team_table_total(en):
    flow = en.flow().tidy().dropna(subset=["exits"])
    # the months before the data (2024-01 in the samples) are empty, not zero
    assert len(flow) == len([m for m in months_ending(MONTH, 25) if m >= en.months[0]]) > 12
    assert (flow["closing_headcount"]
            == flow["opening_headcount"] + flow["hires"] - flow["exits"]).all()
    assert (flow["exits"] == flow["exits_voluntary"] + flow["exits_involuntary"]
            + flow["exits_other"]).all()
    teams = en.teams().tidy()
    assert teams.iloc[-1]["team"] == TOTAL
    assert teams.iloc[:-1]["exits"].sum() == teams.iloc[-1]["exits"] \
        == month_figures(en.ds, MONTH)["exits"]


def test_invariants_over_every_team_and_month_of_the_samples(en):
    """closing = opening + hires - exits per team and month; leavers = the month's exits."""
    agents = en.agents
    by_team = headcount_table(agents, en.months, by="team", since=en.months[0])
    known = by_team.dropna(subset=["exits"])
    assert len(known) == len(en.months) * agents["team"].nunique()
    assert (known["closing"] == known["opening"] + known["hires"] - known["exits"]).all()
    # teams add up to the shop
    shop = headcount_table(agents, en.months, since=en.months[0]).set_index("month")
    summed = known.groupby("month")[["opening", "hires", "exits", "closing"]].sum()
    assert (summed == shop.loc[summed.index, ["opening", "hires", "exits", "closing"]]).all().all()
    exit_month = pd.to_datetime(agents["exit_date"]).dt.strftime("%Y-%m")
    for month in en.months:
        report = TurnoverReport(MonthReport.open("turnover", month, SAMPLES, "en"))
        listed = report.leavers_table["agent_id"]
        assert listed.is_unique
        assert set(listed) == set(agents.loc[exit_month == month, "agent_id"]), month
        assert len(listed) == shop.at[month, "exits"]


# -- retention, models, at risk --------------------------------------------------------------


def test_retention_table_has_every_grouping_with_intervals(en):
    table = en.retention_table().tidy()
    assert list(dict.fromkeys(table["by"])) == ["All agents", "By shift", "By team", "By role",
                                               "By employer"]
    est, low, high = (table[c] for c in ("retention_90d", "retention_90d_ci_low",
                                         "retention_90d_ci_high"))
    assert ((low <= est) & (est <= high)).all()
    assert (table["retention_30d"] >= table["retention_90d"]).all()
    assert (table["retention_90d"] >= table["retention_180d"]).all()
    for res in en.retention.values():
        for _, curve in res.tidy().groupby("group"):
            assert (np.diff(curve["survival"].to_numpy()) <= 0).all()


def test_models_and_at_risk_name_agents(en):
    cox = en.cox_table().tidy()
    assert {"hazard_ratio", "ci_low", "ci_high", "p_value", "ph_p_value"} <= set(cox.columns)
    assert ((cox["ci_low"] <= cox["hazard_ratio"]) & (cox["hazard_ratio"] <= cox["ci_high"])
            ).all()
    hazard = en.hazard_table().tidy()
    assert set(hazard["cause"]) == {"Voluntary exits", "Involuntary exits"}
    risk = en.at_risk_table().tidy()
    assert len(risk) == 10 and risk["name"].notna().all()
    assert risk["probability"].is_monotonic_decreasing
    employed = en.tenure[~en.tenure["exited"]]["agent_id"]
    assert set(risk["agent_id"]) <= set(employed)
    assert "PH" in en.cox_notes().text or "Proportional" in en.cox_notes().text


def test_term_labels_in_both_languages():
    assert term_label("shift=night", "en") == "Shift: Night shift"
    assert term_label("shift=night", "zh") == "班次: 夜班"
    assert term_label("tenure_band=0-29", "zh") == "司龄0-29天"
    assert term_label("last_bottom", "en") == "Bottom-ranked last month"
    assert term_label("last_conversion_band=bottom", "zh") == "上月询单转化率处于组内后25%"


@pytest.mark.parametrize(("lang", "open_", "na"), [("en", "not reached", "n/a"),
                                                   ("zh", "未达到", None)])
def test_open_limits_and_missing_counts_are_said_in_words(lang, open_, na):
    """A median whose upper limit the band never reaches, and a month outside the data."""
    na = na or t("missing.value", lang)
    table = TurnoverTable(table=pd.DataFrame({
        "median_tenure_days": [292.0, np.nan], "median_tenure_days_ci_low": [143.0, np.nan],
        "median_tenure_days_ci_high": [np.nan, np.nan], "exits_other": [0, np.nan]}),
        lang=lang, formats={"median_tenure_days": ("median_tenure_days",
                                                   "median_tenure_days_ci_low",
                                                   "median_tenure_days_ci_high", "days"),
                            "exits_other": "count"})
    shown = table.display_table()
    assert list(shown.iloc[:, 0]) == [f"292 (143–{open_})", na]
    assert list(shown.iloc[:, 1]) == ["0", na]


def test_cohort_note_counts_small_hire_months_and_pools_them(en, zh):
    """Counted from agents.csv without csnb: hires per month over the 12 months to MONTH,
    and who of those hired at least 3 months before MONTH was employed at the end of month 3
    after the hire month."""
    agents = pd.read_csv(SAMPLES / "agents.csv", dtype=str)
    months = months_ending(MONTH, 12)
    hired = agents[agents["hire_date"].str[:7].isin(months)]
    sizes = hired["hire_date"].str[:7].value_counts()
    small = int((sizes < 10).sum())
    pooled = hired[hired["hire_date"].str[:7] <= months[-4]]
    end3 = (pd.to_datetime(pooled["hire_date"]).dt.to_period("M") + 3).dt.end_time
    exit_ = pd.to_datetime(pooled["exit_date"])
    employed = int((exit_.isna() | (exit_ > end3)).sum())
    text = en.cohort_notes().text
    assert small > 0  # the samples hire a few agents a month
    assert text.startswith(f"{small} of the {len(sizes)} hire months had fewer than 10 hires")
    n_pooled = pooled["hire_date"].str[:7].nunique()
    assert (f"Pooled over the {n_pooled} hire months observed that long, {employed} of "
            f"{len(pooled)} hires ({100 * employed / len(pooled):.1f}%)") in text
    assert f"共入职{len(pooled)}人,其中{employed}人" in zh.cohort_notes().text


# -- sentences -------------------------------------------------------------------------------


def test_sentences_are_computed_from_the_numbers(en, zh):
    leavers = en.leavers_table
    median = f"{leavers['tenure_days'].median():,.0f}"
    chance = en.chance
    n = len(leavers)
    assert chance["exits"] == n > 0 and chance["baseline_months"] == 12
    said = {"en": "is within chance" if not chance["beyond"] else "is beyond chance",
            "zh": "在随机波动范围内" if not chance["beyond"] else "超出随机波动"}
    for report, words in ((en, (f"{n} leavers", f"median of {median} days", said["en"],
                                f"{chance['expected']:.1f} exits", "2024-11")),
                          (zh, (f"离职的{n}人", f"中位在职{median}天", said["zh"],
                                f"预计离职约{chance['expected']:.1f}人", "2024-11"))):
        text = " ".join(report.sentences)
        for word in words:
            assert word in text, (word, text)
        # Headline sentences first, then the report's own; names of the most at risk.
        assert report.all_sentences[:len(report.report.sentences)] == report.report.sentences
        assert en.at_risk.tidy()["name"].iloc[0] in report.sentences[-1]
    last_year = en.report.headline.change("exits", "last_year")
    assert f"then {last_year.previous:.0f}" in " ".join(en.sentences)
    summary = en.summary()
    assert isinstance(summary, Block) and "Changes are coloured" in summary.text


def test_results_are_json_with_the_issue_keys(en, zh):
    for report in (en, zh):
        out = report.results()
        text = json.dumps(out, allow_nan=False, ensure_ascii=False)
        assert "NaN" not in text
        for key in ("sentences", "leavers", "km", "cox", "cox_reference", "hazard", "at_risk",
                    "exit_reasons", "flow", "retention", "exit_chance"):
            assert key in out, key
        assert out["sentences"] == report.all_sentences
        assert set(out["km"]["median_tenure_days"]) == {"estimate", "ci_low", "ci_high"}
        assert set(out["km"]["retention_90d"]) == {"estimate", "ci_low", "ci_high"}
        assert {r["agent_id"] for r in out["leavers"]} \
            == set(report.leavers_table["agent_id"])
        assert set(out["leavers"][0]) >= {"agent_id", "team", "tenure_days", "exit_reason"}
        assert set(out["hazard"]) == {"voluntary", "involuntary"}
        assert set(out["cox"][0]) == {"term", "hazard_ratio", "ci_low", "ci_high", "p_value"}
        assert set(out["at_risk"][0]) >= {"agent_id", "probability"}


# -- edge cases --------------------------------------------------------------------------------


def test_a_month_without_exits(june):
    """July 2025 of the hand-built shop: A7 is hired, nobody leaves."""
    report = TurnoverReport(MonthReport.open("turnover", "2025-07", june, "en"))
    assert month_figures(report.ds, "2025-07")["exits"] == 0 and report.in_data
    leavers = report.leavers()
    assert isinstance(leavers, Block) and leavers.text == "Nobody left this month."
    assert "Nobody left this month." in report.sentences
    json.dumps(report.results(), allow_nan=False)
    assert report.results()["leavers"] == []


def test_a_team_of_three_is_labelled_too_small(roster_only):
    for lang, label in (("en", "too few to say"), ("zh", "人数太少")):
        report = TurnoverReport(MonthReport.open("turnover", MONTH, roster_only, lang))
        table = report.retention_table()
        row = table.tidy().query("group == '三人组'")
        assert len(row) == 1 and bool(row["too_small"].iloc[0])
        assert row["agents"].iloc[0] == 3
        shown = table.display_table()
        small = shown[shown.iloc[:, 1] == "三人组"].iloc[0]
        assert (small == label).sum() == 4  # median and the three retentions
        # The curve of the team is flagged too, so the plot draws it dotted.
        curves = report.retention["team"].tidy()
        assert curves[curves["group"] == "三人组"]["too_small"].all()


def test_a_month_outside_the_data_says_so(roster_only):
    report = TurnoverReport(MonthReport.open("turnover", "2019-01", SAMPLES, "en"))
    assert not report.in_data
    assert report.sentences[0].startswith("2019-01 is outside the data")
    assert isinstance(report.leavers(), Block)
    out = report.results()
    json.dumps(out, allow_nan=False)
    assert out["leavers"] == [] and out["in_data"] is False


@pytest.fixture(scope="module")
def no_reasons(roster_only, tmp_path_factory):
    """The roster of ``roster_only`` without its exit_reason column."""
    folder = tmp_path_factory.mktemp("no_reasons")
    agents = pd.read_csv(roster_only / "agents.csv", dtype=str).drop(columns="exit_reason")
    agents.to_csv(folder / "agents.csv", index=False)
    shutil.copy(roster_only / "csnb.toml", folder / "csnb.toml")
    return folder


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_roster_without_exit_reasons_gives_the_report_without_the_split(no_reasons, lang):
    """No exit_reason column: it loads, every figure is there, the split is n/a and said so."""
    import matplotlib.pyplot as plt

    month_report = MonthReport.open("turnover", MONTH, no_reasons, lang)
    assert not [p for p in month_report.ds.problems if p.severity == "error"]
    report = TurnoverReport(month_report)
    assert not report.has_reasons and report.any_exit_model
    words = {"en": {"not recorded": "not recorded", "leaving": "Most at risk of leaving next",
                    "no split": "Exit reasons are not recorded",
                    "hazard": "What predicts exits month by month (all exits together)",
                    "at_risk": "At risk of leaving next month",
                    "probability": "Chance of leaving next month"},
             "zh": {"not recorded": "未记录", "leaving": "下月最可能离职的客服",
                    "no split": "未记录离职原因",
                    "hazard": "逐月离职风险(全部离职合并)", "at_risk": "下月离职风险名单",
                    "probability": "下月离职概率"}}[lang]
    # the flow: exits counted, their split unknown (n/a), never zeros
    flow = report.flow().tidy()
    with_exits = flow["exits"] > 0
    assert with_exits.sum() > 10
    for col in ("exits_voluntary", "exits_involuntary", "exits_other",
                "turnover_rate_voluntary", "turnover_rate_involuntary"):
        assert flow.loc[with_exits, col].isna().all(), col
    shown = report.flow().display_table()
    na = "n/a" if lang == "en" else "无"
    assert (shown.iloc[:, 3][with_exits.to_numpy()] == na).all()
    assert (flow["closing_headcount"].dropna()
            == (flow["opening_headcount"] + flow["hires"] - flow["exits"]).dropna()).all()
    # the leavers, named, their reason "not recorded"
    leavers = report.leavers()
    exits = int(report.flow_table.iloc[-1]["exits"])
    assert isinstance(leavers, TurnoverTable) and len(leavers.tidy()) == exits > 0
    assert leavers.tidy()["name"].notna().all()
    assert set(leavers.display_table().iloc[:, -1]) == {words["not recorded"]}
    assert isinstance(report.exit_reasons(), Block)
    # one model of any exit; sections and sentences speak of leaving, not of quitting
    assert list(report.hazard.fits["cause"]) == ["any"] and report.hazard.fits["fitted"].all()
    assert report.section("hazard").text == words["hazard"]
    assert report.section("at_risk").text == words["at_risk"]
    assert report.note("explain.at_risk").text != t("turnover.explain.at_risk", lang)
    risk = report.at_risk_table()
    assert words["probability"] in list(risk.display_table().columns)
    text = " ".join(report.sentences)
    for key in ("not recorded", "no split", "leaving"):
        assert words[key] in text, (key, text)
    assert risk.tidy()["name"].iloc[0] in report.sentences[-1]
    out = report.results()
    json.dumps(out, allow_nan=False, ensure_ascii=False)
    assert out["exit_reasons"] == [] and list(out["hazard"]) == ["any"]
    assert {r["exit_reason"] for r in out["leavers"]} == {None}
    last = out["flow"][-1]
    assert last["exits"] == exits and last["exits_voluntary"] is None
    fig = report.plot_flow()
    labels = [c.get_label() for c in fig.axes[0].containers]
    assert t("turnover.col.exits_untyped", lang) in labels
    plt.close(fig)


@pytest.fixture(scope="module")
def june(tmp_path_factory):
    """tests/hand_built.py's month (2025-06, team t1 of eight), plus t2: a team of one agent."""
    from hand_built import AGENTS, write_csv, write_june

    folder = write_june(tmp_path_factory.mktemp("hand"))
    rows = pd.read_csv(folder / "agents.csv", dtype=str, keep_default_na=False)
    rows.loc[len(rows)] = ["B1", "Bea", "t2", "2025-03-01", "", ""]
    write_csv(folder, "agents", AGENTS, [tuple(r) for r in rows[AGENTS].to_numpy()])
    return folder


def test_hand_built_month_worked_out_by_hand(june):
    """June 2025 of the hand-built shop: every figure below is counted by hand from its rows.

    t1: A1 (there all along), A2 voluntary on 06-30 (hired 02-01), A3 hired 06-05 and dismissed
    06-20, A4 hired 06-01, A5 gone 05-31, A6 bottom-ranked-out on 06-01 (hired 03-01), A7 hired
    in July, A8 contract_end 06-15 (hired 04-01); t2: B1 alone since 03-01.
    """
    report = TurnoverReport(MonthReport.open("turnover", "2025-06", june, "en"))
    assert report.in_data and report.has_reasons
    # the leavers: exactly June's four exits, tenure = last day - hire + 1
    leavers = report.leavers_table.set_index("agent_id")
    assert leavers["tenure_days"].to_dict() == {"A3": 16, "A8": 76, "A6": 93, "A2": 150}
    assert list(leavers.index) == ["A3", "A8", "A6", "A2"]  # shortest tenure first
    assert leavers["exit_type"].to_dict() == {"A3": "involuntary", "A8": "other",
                                              "A6": "involuntary", "A2": "voluntary"}
    # the flow: opening A1 A2 A6 A8 B1; hires A3 A4; closing A1 A4 B1
    june_flow = report.flow_table.set_index("month").loc["2025-06"]
    assert (june_flow[["opening_headcount", "hires", "exits", "exits_voluntary",
                       "exits_involuntary", "exits_other", "closing_headcount"]].tolist()
            == [5, 2, 4, 1, 2, 1, 3])
    assert june_flow["turnover_rate"] == pytest.approx(4 / 4)
    # by team, the identity holds in every month, including the team of one
    teams = report.teams().tidy().set_index("team")
    assert teams.loc["t2", ["opening_headcount", "hires", "exits", "closing_headcount"]
                     ].tolist() == [1, 0, 0, 1]
    assert teams.loc["t2", "turnover_rate"] == 0
    by_team = headcount_table(report.agents, report.months, by="team")
    assert (by_team["closing"] == by_team["opening"] + by_team["hires"]
            - by_team["exits"]).all()
    # nine agents, four exits: every group too small to say, no model fitted, no ranking
    retention = report.retention_table().tidy()
    assert retention["too_small"].all()
    assert isinstance(report.cox_table(), Block) and isinstance(report.hazard_table(), Block)
    assert isinstance(report.at_risk_table(), Block)
    # KM by hand: four exits among nine at risk (A5 left before June: tenure 182, exited)
    km = report.retention["all"].tidy()
    assert (np.diff(km["survival"]) <= 0).all()
    assert km.iloc[-1]["survival"] == pytest.approx(
        np.prod([1 - d / n for n, d in zip(*_km_by_hand(report.tenure), strict=True)]))
    text = " ".join(report.sentences)
    assert "The 4 leavers (1 voluntary, 2 involuntary, 1 other)" in text
    median = f"{np.median([16, 76, 93, 150]):,.0f}"
    assert f"median of {median} days (from 16 to 150); 2 of them left within their first 90 " \
        "days" in text
    out = report.results()
    json.dumps(out, allow_nan=False)
    assert [r["agent_id"] for r in out["leavers"]] == ["A3", "A8", "A6", "A2"]
    assert out["cox"] == [] and out["at_risk"] == []


def _km_by_hand(tenure: pd.DataFrame) -> tuple[list[int], list[int]]:
    """At-risk and exit counts at each exit time (the product-limit estimator's inputs)."""
    at_risk, exits = [], []
    for day in sorted(tenure.loc[tenure["exited"], "tenure_days"].unique()):
        at_risk.append(int((tenure["tenure_days"] >= day).sum()))
        exits.append(int(((tenure["tenure_days"] == day) & tenure["exited"]).sum()))
    return at_risk, exits


@pytest.mark.parametrize("month", ["2025-04", "2025-08"])
def test_hand_built_months_before_and_after_the_data_say_so(june, month):
    """The data span 2025-05 .. 2025-07: a month on either side shows no figures, not zeros."""
    report = TurnoverReport(MonthReport.open("turnover", month, june, "zh"))
    assert not report.in_data
    assert report.sentences == [f"{month}不在数据范围内(2025-05至2025-07):本报告不显示该月离职数据"
                                "(而不是显示为0)。"]
    assert isinstance(report.leavers(), Block)
    flow = report.flow_table.set_index("month")
    if month in flow.index:
        assert flow.loc[month, ["opening_headcount", "exits"]].isna().all()
    out = report.results()
    json.dumps(out, allow_nan=False)
    assert out["in_data"] is False and out["leavers"] == []


# -- figures ---------------------------------------------------------------------------------


def test_figures_are_drawn(en):
    import matplotlib.pyplot as plt

    for method in ("plot_flow", "plot_team_rates", "plot_retention", "plot_cohorts",
                   "plot_cox", "plot_hazard"):
        fig = getattr(en, method)()
        assert fig.axes, method
        plt.close(fig)
    retention = en.plot_retention()
    assert len([ax for ax in retention.axes if ax.get_visible()]) == 5


# -- the rendered notebook (slow) ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_notebook_renders(sample_reports, lang):
    out = json.loads(sample_reports.json_path("turnover", lang).read_text("utf-8"))
    assert len(out["leavers"]) == out["figures"]["exits"] > 0 and out["at_risk"]
    html = sample_reports.html("turnover", lang)
    assert html.count("<img") >= 6 or html.count("image/png") >= 6


def test_every_agent_still_employed(tmp_path):
    agents = pd.read_csv(SAMPLES / "agents.csv", dtype=str)
    agents["exit_date"] = ""
    agents["exit_reason"] = ""
    agents.loc[0, "team"] = "单人组"  # a team of one agent too
    agents.to_csv(tmp_path / "agents.csv", index=False)
    shutil.copy(SAMPLES / "csnb.toml", tmp_path / "csnb.toml")
    report = TurnoverReport(MonthReport.open("turnover", MONTH, tmp_path, "en"))
    assert report.has_reasons  # nobody left: nothing is missing
    assert "Nobody left this month." in report.sentences
    for method in ("leavers", "cox_table", "hazard_table", "at_risk_table"):
        assert isinstance(getattr(report, method)(), Block), method
    assert report.plot_cox() is None and report.plot_hazard() is None
    small = report.retention_table().tidy().query("group == '单人组'")
    assert bool(small["too_small"].iloc[0])
    out = report.results()
    json.dumps(out, allow_nan=False)
    assert out["cox"] == [] and out["at_risk"] == [] and out["leavers"] == []
