"""Complaint charts: the drawn artists come from the tidy tables (no pixel comparisons)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from csnb.plots.complaints import (  # noqa: E402
    plot_coefficients,
    plot_funnel,
    plot_pareto,
    plot_resolution,
    plot_seasonal,
    plot_u_chart,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def u_table():
    days = pd.date_range("2025-11-01", periods=5)
    return pd.DataFrame({
        "date": days, "complaints": [3, 4, 12, 2, 3], "paid_orders": [500.0] * 5,
        "rate": [0.006, 0.008, 0.024, 0.004, 0.006], "centre": 0.007, "lcl": 0.0,
        "ucl": [0.018] * 5, "expected": 3.5, "flag": [None, None, "above", None, None],
        "promotion": ["double11", "double11", None, None, None],
        "leading_categories": [None, None, "attitude", None, None],
    })


def test_u_chart_draws_rates_limits_and_flags():
    before = dict(plt.rcParams)
    ax = plot_u_chart(u_table())
    rate_line = ax.lines[0]
    assert np.allclose(rate_line.get_ydata(), np.array([6, 8, 24, 4, 6]))
    assert np.allclose(ax.lines[1].get_ydata(), 7.0)  # centre per 1,000
    flagged = ax.collections[-1].get_offsets()
    assert len(flagged) == 1 and flagged[0][1] == pytest.approx(24)
    assert len(ax.patches) == 2  # the two promotion days shaded
    assert dict(plt.rcParams) == before  # the theme is local


def test_pareto_bars_sorted_with_cumulative_share():
    table = pd.DataFrame({
        "key": ["attitude", "logistics", "other", "unattributed", "total"],
        "kind": ["key", "key", "key", "unattributed", "total"],
        "complaints": [5.0, 10.0, 0.0, 5.0, 20.0],
    })
    ax = plot_pareto(table, lang="zh")
    heights = [p.get_height() for p in ax.patches]
    assert heights == [10.0, 5.0, 5.0]  # total and empty lines left out
    twin = [a for a in ax.figure.axes if a is not ax][0]
    assert np.allclose(twin.lines[0].get_ydata(), [0.5, 0.75, 1.0])


def test_coefficients_on_a_log_axis():
    table = pd.DataFrame({"term": ["promotion", "trend_per_month"], "estimate": [1.4, 1.01],
                          "ci_low": [1.2, 0.99], "ci_high": [1.6, 1.03]})
    ax = plot_coefficients(table)
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["promotion", "trend_per_month"]
    assert np.allclose(ax.lines[0].get_xdata(), [1.4, 1.01])


def test_funnel_marks_agents_above_the_limit():
    table = pd.DataFrame({
        "agent_id": ["A", "B", "C"], "team": ["t", "t", "t"], "sessions": [100.0, 400.0, 0.0],
        "agent_complaint_rate": [80.0, 10.0, np.nan], "team_complaint_rate": [20.0] * 3,
        "ucl_rate": [60.0, 40.0, np.nan], "above_team": [True, False, False],
    })
    ax = plot_funnel(table)
    normal, above = ax.collections[0], ax.collections[1]
    assert len(normal.get_offsets()) == 1 and len(above.get_offsets()) == 1
    assert above.get_offsets()[0][1] == pytest.approx(80.0)


def test_seasonal_panels_and_single_axes():
    days = pd.date_range("2025-01-01", periods=28)
    table = pd.DataFrame({"date": days, "observed": np.arange(28.0), "trend": np.arange(28.0),
                          "seasonal_weekly": 0.0, "seasonal_yearly": np.nan, "resid": 0.0,
                          "interpolated": False})
    fig = plot_seasonal(table)
    assert len(fig.axes) == 4  # no yearly panel without a yearly component
    _, ax = plt.subplots()
    assert plot_seasonal(table, ax=ax) is ax
    assert np.allclose(ax.lines[1].get_ydata(), np.arange(28.0))


def test_resolution_bars():
    table = pd.DataFrame({"category": ["attitude", "logistics"], "median_hours": [10.0, 20.0],
                          "p90_hours": [30.0, 40.0]})
    ax = plot_resolution(table)
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights == [10.0, 20.0, 30.0, 40.0]


def test_results_plot_from_their_tables():
    from pathlib import Path

    from csnb.analyses.counts import compare_rates, fit_count_model

    ships = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "reference"
                        / "ships_MASS.csv")
    ships = ships[ships["service"] > 0]
    r = fit_count_model(ships, "incidents ~ C(type) + C(period)", exposure="service",
                        family="poisson")
    ax = r.plot()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Intercept" not in labels and len(labels) == len(r.tidy()) - 1
    ax = compare_rates(30, 1000, 20, 1000).plot()
    assert np.allclose(ax.lines[0].get_xdata(), [1.5])


def test_chart_labels_follow_the_report_language():
    ax = plot_u_chart(u_table(), lang="zh")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"当日千单投诉率", "中心线", "3σ 控制限", "超出控制限", "大促日"} <= set(legend)
    assert ax.get_ylabel() == "千单投诉率"
    en = plot_u_chart(u_table(), lang="en")
    assert en.get_ylabel() == "complaints per 1,000 paid orders"
    fig = plot_seasonal(pd.DataFrame({
        "date": pd.date_range("2025-01-01", periods=14), "observed": np.arange(14.0),
        "trend": np.arange(14.0), "seasonal_weekly": 0.0, "seasonal_yearly": np.nan,
        "resid": 0.0}), lang="zh")
    assert [a.get_ylabel() for a in fig.axes] == ["实际值", "趋势", "周季节性", "残差"]
