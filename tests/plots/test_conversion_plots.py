"""Tests of the conversion charts: the drawn artists follow the tidy tables."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from csnb.plots.conversion import (  # noqa: E402
    plot_coefficients,
    plot_ranked_bars,
    plot_response_grid,
    plot_shrinkage,
    plot_waterfall,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _decomposition() -> pd.DataFrame:
    return pd.DataFrame({
        "group": ["售前一组", "shop"], "sales_last_month": [1000.0, 30000.0],
        "sales": [900.0, 36000.0], "inquiries_effect": [50.0, 6000.0],
        "conversion_effect": [-200.0, -6000.0], "value_effect": [50.0, 6000.0],
    })


def _shrinkage(rng) -> pd.DataFrame:
    rows = []
    for g in ("A组", "B组"):
        for i in range(6):
            rate = rng.uniform(0.2, 0.5)
            rows.append({"agent_id": f"{g}{i}", "name": f"客服{g}{i}", "group": g,
                         "inquiries": 20 + 10 * i, "conversion_rate": rate,
                         "shrunk_rate": 0.5 * rate + 0.17, "ci_low": rate - 0.1,
                         "ci_high": rate + 0.1, "prior_mean": 0.34,
                         "shrunk_bottom": i == 0, "disagree": i == 1})
    return pd.DataFrame(rows)


def test_waterfall_bars_follow_the_table():
    ax = plot_waterfall(_decomposition(), group="shop")
    bars = ax.patches
    assert len(bars) == 5
    heights = [b.get_height() for b in bars]
    np.testing.assert_allclose(heights, [30000, 6000, 6000, 6000, 36000])
    # The conversion step goes down from 36,000 to 30,000.
    assert bars[2].get_y() == pytest.approx(30000)
    assert bars[4].get_y() == 0


def test_waterfall_panels_per_group():
    fig = plot_waterfall(_decomposition())
    visible = [a for a in fig.axes if a.get_visible()]
    assert [a.get_title() for a in visible] == ["售前一组", "Shop"]
    fig = plot_waterfall(_decomposition(), lang="zh")
    assert [a.get_title() for a in fig.axes if a.get_visible()] == ["售前一组", "全店"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [
        "上月", "询单人数", "转化率", "客单价", "本月"]


def test_waterfall_keeps_global_rcparams():
    before = dict(matplotlib.rcParams)
    plot_waterfall(_decomposition(), group="shop")
    assert matplotlib.rcParams["font.sans-serif"] == before["font.sans-serif"]


def test_shrinkage_one_row_per_agent_sorted_and_marked(rng):
    table = _shrinkage(rng)
    fig = plot_shrinkage(table)
    assert len(fig.axes) == 2  # one panel per group, no legend of agents
    ax = fig.axes[0]
    rows = table[table["group"] == "A组"].sort_values("shrunk_rate")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{n} ({k})" for n, k in zip(rows["name"], rows["inquiries"],
                                                      strict=True)]
    # Disagreeing agents in colour (the CJK font has no bold weight).
    marked = [t.get_text() for t in ax.get_yticklabels() if t.get_color() == "C1"]
    assert marked == [f"{n} ({k})" for n, k, d in zip(rows["name"], rows["inquiries"],
                                                         rows["disagree"], strict=True) if d]
    shrunk = ax.collections[1].get_offsets()[:, 0]
    np.testing.assert_allclose(shrunk, rows["shrunk_rate"])
    assert len(ax.get_legend().get_texts()) == 2
    assert fig.axes[1].get_legend() is None  # the legend once, on the first panel


def test_a_large_group_shows_its_lowest_agents_and_every_disagreement(rng):
    table = _shrinkage(rng)
    highest = table.loc[table["group"] == "A组", "shrunk_rate"].idxmax()
    table.loc[highest, "disagree"] = True  # a disagreement far from the bottom
    fig = plot_shrinkage(table, max_rows=3, lang="zh")
    ax = fig.axes[0]
    rows = table[table["group"] == "A组"]
    expected = rows[(rows["shrunk_rate"].rank(method="first") <= 3) | rows["disagree"]]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{n} ({k})" for n, k in zip(
        expected.sort_values("shrunk_rate")["name"],
        expected.sort_values("shrunk_rate")["inquiries"], strict=True)]
    assert len(labels) == len(expected) and 3 < len(labels) < 6
    assert ax.get_title() == f"A组:6 名客服中的 {len(labels)} 名(收缩后最低者,及末位结论不一致者)"
    assert plot_shrinkage(table).axes[0].get_title() == "A组"  # all shown: the plain title


def test_shrinkage_on_given_ax(rng):
    _, ax = plt.subplots()
    out = plot_shrinkage(_shrinkage(rng), ax=ax, group="B组")
    assert out is ax and ax.get_title() == "B组"


def test_coefficients_draw_each_term():
    table = pd.DataFrame({"term": ["first_response_min", "promotion_day"],
                          "estimate": [0.86, 1.3], "ci_low": [0.8, 1.1],
                          "ci_high": [0.9, 1.5]})
    ax = plot_coefficients(table, ref=1.0, log=True)
    # the table's first row is drawn at the top
    labels = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    bottom, top = ax.get_ylim()
    assert set(labels) == {"first_response_min", "promotion_day"}
    assert abs(labels["first_response_min"] - top) < abs(labels["promotion_day"] - top)
    # the estimates are the markers; the intervals the horizontal lines
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0.86, 1.3])
    segments = ax.collections[0].get_segments()
    assert [(s[0][0], s[1][0]) for s in segments] == [(0.8, 0.9), (1.1, 1.5)]
    assert ax.get_xscale() == "log"


def test_ranked_bars_sorted():
    table = pd.DataFrame({"name": ["甲", "乙", "丙"], "conversion_rate": [0.3, 0.1, 0.2]})
    ax = plot_ranked_bars(table, "name", "conversion_rate", highlight=1)
    widths = [b.get_width() for b in ax.patches]
    assert widths == sorted(widths)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["乙", "丙", "甲"]


def test_response_grid_heatmap_weekdays_by_hours():
    cells = [{"weekday": w, "hour": h, "inquiries_per_day": float(w * 24 + h),
              "avg_first_response_s": 60.0 if 8 <= h < 23 else np.nan,
              "counted_sessions": 5 if 8 <= h < 23 else 0} for w in range(7) for h in range(24)]
    table = pd.DataFrame(cells)
    ax = plot_response_grid(table, "inquiries_per_day", lang="zh")
    image = ax.images[0].get_array()
    assert image.shape == (7, 24) and image[1, 3] == 27.0
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "周一"
    ax = plot_response_grid(table, "avg_first_response_s")
    masked = np.ma.getmaskarray(ax.images[0].get_array())
    assert masked[:, :8].all() and not masked[:, 8:23].any()  # no sessions: blank
    assert ax.get_title() == "Average first response (s)"
    plt.close("all")
