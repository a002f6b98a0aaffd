import json
import math

import pandas as pd
import pytest

from csnb.analyses import AREAS, headline
from csnb.errors import ParameterError, SettingsError
from csnb.io import load_dataset
from csnb.io.dataset import dataset_from_frames
from csnb.metrics import incentive_figures, monthly_figures, ranking_table, team_month_panel
from csnb.months import check_month, months_ending, shift_month
from csnb.report import MonthReport
from csnb.simulate import simulate

MONTH = "2025-01"  # the data run to 2025-02, so this month is final


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    simulate(folder, seed=5, agents=16, months=14, start="2024-01")
    return folder, load_dataset(folder)


def test_month_arithmetic():
    assert shift_month("2025-01", -1) == "2024-12"
    assert shift_month("2025-11", -12) == "2024-11"
    assert months_ending("2025-02", 3) == ["2024-12", "2025-01", "2025-02"]


@pytest.mark.parametrize("bad", ["2025-13", "2025-6", "June", "2025-00", "", None])
def test_check_month_rejects_bad_months(bad):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        check_month(bad)


@pytest.mark.parametrize("area", list(AREAS))
def test_headline_lines_up_this_month_last_month_and_last_year(small, area):
    _, ds = small
    result = headline(ds, MONTH, area)
    figures = monthly_figures(ds, months=[MONTH, "2024-12", "2024-01"]).set_index("month")
    table = result.tidy().set_index("metric")
    assert list(table.index) == list(AREAS[area])
    for metric in table.index:
        if metric not in figures.columns:
            continue
        for column, month in (("value", MONTH), ("last_month", "2024-12"),
                              ("last_year", "2024-01")):
            expected = figures.at[month, metric]
            got = table.at[metric, column]
            if expected is None or pd.isna(expected):
                assert got is None or pd.isna(got), (metric, column)
            else:
                assert got == pytest.approx(expected, rel=1e-12), (metric, column)
    # JSON-able, no NaN anywhere
    json.dumps(result.to_json(), allow_nan=False)
    # the trend starts with the data and ends with the month
    assert result.trend["month"].min() == "2024-01"
    assert result.trend["month"].max() == MONTH


def test_incentive_figures_agree_with_ranking_and_panel(small):
    _, ds = small
    months = months_ending(MONTH, 6)
    inc = incentive_figures(ds, months).set_index("month")
    ranks = ranking_table(ds)
    panel = team_month_panel(ds)
    agents = ds.frame("agents")
    for month in months:
        r = ranks[ranks["month"] == month]
        assert inc.at[month, "bottom_agents"] == r["bottom"].sum()
        assert inc.at[month, "ranked_agents"] == (r["eligible"] & r["policy_active"]).sum()
        assert not r.loc[~r["policy_active"], "bottom"].any()
        active = panel[(panel["month"] == month) & panel["policy_active"]]["team"].nunique()
        assert inc.at[month, "teams_with_policy"] == active
        exits = agents[(agents["exit_reason"] == "bottom_ranked_out")
                       & (pd.to_datetime(agents["exit_date"]).dt.strftime("%Y-%m") == month)]
        assert inc.at[month, "exits_bottom_ranked_out"] == len(exits)


def test_month_report_results_and_save(small, tmp_path):
    folder, _ = small
    report = MonthReport.open("overview", MONTH, folder, "zh")
    results = report.results()
    for key in ("month", "provisional", "metric_book_version", "figures", "last_month",
                "last_year", "data"):
        assert key in results
    assert results["provisional"] is False  # the data run to the end of 2025-02
    assert list(results["figures"]) == list(AREAS["overview"])
    path = tmp_path / "out.json"
    report.save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["figures"] == results["figures"]
    report.save("")  # interactive use: nothing written, no error
    header = report.header()._repr_html_()
    assert report.ds.fingerprint in header
    assert "月度总览" in header


def test_last_month_of_the_data_is_provisional(small):
    folder, _ = small
    report = MonthReport.open("conversion", "2025-01", folder)
    assert report.provisional is False
    # the data end on 2025-02-28, before that month's end plus the 3-day lag
    late = MonthReport.open("conversion", "2025-02", folder)
    assert late.provisional is True
    assert "Provisional" in late.header()._repr_html_()


def test_month_report_rejects_bad_parameters(small):
    folder, _ = small
    with pytest.raises(ParameterError):
        MonthReport.open("overview", "2025-13", folder)
    with pytest.raises(SettingsError, match="lang"):
        MonthReport.open("overview", MONTH, folder, "fr")
    with pytest.raises(SettingsError, match="name"):
        MonthReport.open("sales", MONTH, folder)


def test_team_table_escapes_names(small):
    _, ds = small
    report = MonthReport(name="turnover", month=MONTH, lang="en", ds=ds)
    html = report.team_table(["closing_headcount", "turnover_rate"])._repr_html_()
    for team in ds.frame("agents")["team"].unique():
        assert team in html
    hostile = dataset_from_frames({
        "agents": pd.DataFrame({"agent_id": ["a"], "team": ["<b>x</b>"],
                                "hire_date": pd.to_datetime(["2024-01-01"])}),
    })
    html = MonthReport(name="turnover", month="2024-01", lang="en", ds=hostile).team_table(
        ["closing_headcount"])._repr_html_()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_agents_only_dataset_gives_headcount_and_no_conversion():
    ds = dataset_from_frames({
        "agents": pd.DataFrame({
            "agent_id": ["a", "b", "c"], "team": ["t", "t", "u"],
            "hire_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2025-02-10"]),
            "exit_date": pd.to_datetime([None, "2025-02-28", None]),
            "exit_reason": [None, "voluntary", None],
        }),
    })
    result = headline(ds, "2025-02", "overview")
    figures = result.figures
    assert (figures["opening_headcount"], figures["hires"], figures["exits"],
            figures["closing_headcount"]) == (2, 1, 1, 2)
    assert figures["conversion_rate"] is None and figures["inquiries"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in figures.values())


def test_the_first_data_month_has_no_comparisons_only_not_available(small):
    """Months before the data are unknown: no zero exits, no '+100%' headcount."""
    _, ds = small
    result = headline(ds, "2024-01", "overview", lang="en")
    table = result.tidy().set_index("metric")
    assert table["last_month"].isna().all() and table["last_year"].isna().all()
    assert table["change_last_month"].isna().all()
    assert table.loc["closing_headcount", "value"] > 0
    shown = result.display_table()
    assert set(shown["Change"]) == {"n/a"} and set(shown["Last month"]) == {"n/a"}
    assert math.isnan(monthly_figures(ds, ["2023-12"]).iloc[0]["closing_headcount"])
    assert math.isnan(monthly_figures(ds, ["2023-12"]).iloc[0]["exits"])
    # the trailing 12-month rate needs 12 months of data
    first_year = monthly_figures(ds, months_ending("2024-11", 11)).set_index("month")
    assert first_year["turnover_rate_trailing_12m"].isna().all()
    assert not math.isnan(monthly_figures(ds, ["2024-12"]).iloc[0]["turnover_rate_trailing_12m"])
    json.dumps(result.to_json(), allow_nan=False)
