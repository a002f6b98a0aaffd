"""Turnover figures: the drawn artists follow the tidy tables (no pixel comparisons)."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from csnb.analyses.turnover import cohort_retention_table, fit_cox, fit_retention  # noqa: E402
from csnb.plots.turnover import (  # noqa: E402
    plot_coefficients,
    plot_cohort_heatmap,
    plot_hazard_ratios,
    plot_headcount_flow,
    plot_retention,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _draw(fig):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph is a UserWarning
        fig.canvas.draw()


@pytest.fixture
def tenure(rng):
    n = {"day": 60, "night": 40, "rotating": 6}
    rows = []
    for shift, k in n.items():
        days = rng.exponential(300 if shift == "day" else 150, k).astype(int) + 1
        rows.append(pd.DataFrame({"shift": shift, "tenure_days": days,
                                  "exited": rng.random(k) < 0.7}))
    return pd.concat(rows, ignore_index=True)


def test_plot_retention_draws_steps_bands_and_marks_small_groups(tenure):
    result = fit_retention(tenure, "shift")
    table = result.tidy()
    ax = plot_retention(table, lang="zh", small_note="人数太少")
    assert len(ax.lines) == 3
    day = table[table["group"] == "day"]
    # a step line drawn through the curve's own points
    np.testing.assert_allclose(ax.lines[0].get_ydata(), day["survival"])
    np.testing.assert_allclose(ax.lines[0].get_xdata(), day["time"])
    assert ax.lines[0].get_drawstyle() == "steps-post"
    # bands for the two readable groups only; the small one is dotted
    assert len(ax.collections) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["白班", "夜班", "轮班 (人数太少)"]
    assert ax.lines[2].get_linestyle() == ":"
    assert ax.get_ylim()[0] == 0
    _draw(ax.figure)


def test_result_plot_uses_the_given_axes(tenure):
    _, ax = plt.subplots()
    assert fit_retention(tenure).plot(ax=ax) is ax
    assert len(ax.lines) == 1 and ax.get_legend() is None


def test_plot_cohort_heatmap_shows_the_shares():
    agents = pd.DataFrame({
        "agent_id": list("ABCDE"),
        "hire_date": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-01-02", "2025-02-01",
                                     "2025-03-03"]),
        "exit_date": pd.to_datetime([None, "2025-01-31", "2025-02-10", "2025-03-31", None]),
    })
    table = cohort_retention_table(agents, "2025-03", cohorts=3)
    ax = plot_cohort_heatmap(table, title="留存")
    image = ax.images[0]
    data = image.get_array()
    assert data.shape == (3, 3)
    assert data[0, 0] == pytest.approx(2 / 3)
    assert data.mask[2, 1] and data.mask[1, 2]  # not yet observed
    texts = [t.get_text() for t in ax.texts]
    assert texts[0] == "67%" and len(texts) == 6
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "2025-01 (n=3)"
    _draw(ax.figure)


def test_plot_coefficients_is_generic():
    table = pd.DataFrame({"term": ["shift=night", "outsourced", "no_information"],
                          "estimate": [2.0, 0.8, 1.1], "ci_low": [1.2, 0.5, 0.0],
                          "ci_high": [3.3, 1.3, np.inf]})
    ax = plot_coefficients(table, xlabel="Odds ratio")
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table["term"])
    points = ax.lines[0]
    np.testing.assert_allclose(points.get_xdata(), table["estimate"])
    segments = ax.collections[0].get_segments()
    assert segments[0][0][0] == pytest.approx(1.2) and segments[0][1][0] == pytest.approx(3.3)
    # a missing limit is drawn to the edge, not dropped
    assert np.isfinite(segments[2]).all()
    assert ax.lines[1].get_xdata()[0] == 1.0  # the no-effect line
    _draw(ax.figure)
    linear = plot_coefficients(table.assign(estimate=[0.1, -0.2, 0.0], ci_low=[0, -0.4, -1],
                                            ci_high=[0.2, 0.0, 1]), log=False, ref=0.0)
    assert linear.get_xscale() == "linear"


def test_cox_result_plots_hazard_ratios():
    rng = np.random.default_rng(3)
    n = 200
    night = rng.random(n) < 0.4
    time = rng.exponential(np.where(night, 100, 200)).astype(int) + 1
    table = pd.DataFrame({"tenure_days": np.minimum(time, 365), "exited": time < 365,
                          "shift": np.where(night, "night", "day")})
    result = fit_cox(table, ["shift"])
    ax = result.plot()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["shift=night"]
    assert ax.lines[0].get_xdata()[0] == pytest.approx(result.tidy()["estimate"].iloc[0])
    assert "Hazard ratio" in ax.get_xlabel()
    ax2 = plot_hazard_ratios(result.tidy(), xlabel="风险比")
    assert ax2.get_xlabel() == "风险比"


def test_plot_headcount_flow_draws_exits_without_a_type():
    """Exits whose split is unknown (no exit_reason column) are drawn, as one hatched bar."""
    from csnb.metrics import headcount_table

    agents = pd.DataFrame({
        "agent_id": ["A", "B", "C", "D"], "team": "t",
        "hire_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-02-10"]),
        "exit_date": pd.to_datetime(["2024-02-05", "2024-03-09", None, None]),
        "exit_reason": [None, None, None, None],
    })
    flow = headcount_table(agents, ["2024-01", "2024-02", "2024-03"])
    assert flow["exits_voluntary"].isna().tolist() == [False, True, True]
    fig = plot_headcount_flow(flow, labels={"exits_untyped": "no type"})
    top = fig.axes[0]
    bars = [c for c in top.containers]
    untyped = [c for c in bars if c.get_label() == "no type"]
    assert len(untyped) == 1
    heights = [-p.get_height() for p in untyped[0]]
    assert heights == [0.0, 1.0, 1.0]
    # with reasons recorded there is no such bar
    typed = headcount_table(agents.assign(exit_reason=["voluntary", "dismissed", None, None]),
                            ["2024-01", "2024-02", "2024-03"])
    fig = plot_headcount_flow(typed, labels={"exits_untyped": "no type"})
    assert not [c for c in fig.axes[0].containers if c.get_label() == "no type"]
    assert [-p.get_height() for p in fig.axes[0].containers[1]] == [0.0, 1.0, 0.0]
