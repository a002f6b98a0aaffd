import logging
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from csnb.analyses import trend_table  # noqa: E402
from csnb.plots import (  # noqa: E402
    FONT_NAME,
    plot_bars,
    plot_by_group,
    plot_trend,
    plot_trends,
    set_theme,
)


def _draw_without_glyph_warnings(fig):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        fig.canvas.draw()


def test_set_theme_applies_the_cjk_font_globally():
    try:
        set_theme()
        assert plt.rcParams["font.sans-serif"][0] == FONT_NAME
        from matplotlib import font_manager

        resolved = font_manager.findfont(font_manager.FontProperties(family=FONT_NAME))
        assert "NotoSansCJK" in resolved
    finally:
        matplotlib.rcdefaults()


def test_plots_render_chinese_without_touching_the_users_rcparams(caplog):
    """With matplotlib's defaults (no CJK font), every plot function sets the font itself.

    The figures are drawn after the plot function returned, as a notebook draws them at
    the end of a cell, and the user's rcParams are the same before and after.
    """
    matplotlib.rcdefaults()
    before = dict(matplotlib.rcParams)
    table = pd.DataFrame({
        "month": ["2025-01", "2025-02", "2025-01", "2025-02"],
        "team": ["售前一组", "售前一组", "夜班组", "夜班组"],
        "closing_headcount": [10, 11, 8, 7],
    })
    trend = trend_table(pd.DataFrame({"month": ["2025-01", "2025-02"], "hires": [1, 2]}),
                        ["hires"])
    axes = [
        plot_by_group(table, "closing_headcount", "team", lang="zh", title="期末人数"),
        plot_trend(trend, "hires", lang="zh", month="2025-02"),
        plot_bars(table, "team", "closing_headcount", lang="zh"),
        plot_trends(trend, ["hires"], lang="zh").axes[0],
    ]
    assert dict(matplotlib.rcParams) == before
    with caplog.at_level(logging.WARNING):
        for ax in axes:
            _draw_without_glyph_warnings(ax.figure)
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]
    labels = [text.get_text() for text in axes[0].get_legend().get_texts()]
    assert labels == ["售前一组", "夜班组"]
    assert axes[0].get_ylabel() == "期末人数"
    assert axes[1].get_title() == "入职"
    plt.close("all")


def test_plot_trend_draws_the_metric_and_marks_the_month():
    figures = pd.DataFrame({"month": ["2025-01", "2025-02", "2025-03"],
                            "conversion_rate": [0.4, 0.5, 0.45], "hires": [1, 2, 3]})
    table = trend_table(figures, ["conversion_rate", "hires"])
    assert set(table.columns) == {"month", "metric", "value"}
    ax = plot_trend(table, "conversion_rate", lang="zh", month="2025-02")
    line = ax.lines[0]
    assert list(line.get_ydata()) == [0.4, 0.5, 0.45]
    marked = ax.lines[1]
    assert list(marked.get_xdata()) == ["2025-02"]
    assert ax.get_title() == "询单转化率"
    _draw_without_glyph_warnings(ax.figure)
    plt.close("all")


def test_plot_trends_one_panel_per_metric():
    figures = pd.DataFrame({"month": ["2025-01", "2025-02"], "hires": [1, 2], "exits": [0, 1],
                            "complaints": [3, 4]})
    fig = plot_trends(trend_table(figures, ["hires", "exits", "complaints"]),
                      ["hires", "exits", "complaints"], lang="en", ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["Hires", "Exits", "Complaints"]
    plt.close("all")


def test_many_groups_become_small_multiples_and_few_keep_a_legend_outside():
    months = ["2025-01", "2025-02", "2025-03"]
    many = pd.DataFrame([(m, f"客服{i:02d}", 10 + i + k) for i in range(20)
                         for k, m in enumerate(months)],
                        columns=["month", "agent", "closing_headcount"])
    fig = plot_by_group(many, "closing_headcount", "agent", lang="zh", title="期末人数")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 20 and all(ax.get_legend() is None for ax in panels)
    assert {ax.get_title() for ax in panels} == {f"客服{i:02d}" for i in range(20)}
    assert panels[0].get_ylim()[0] == 0  # counts from zero
    few = many[many["agent"].isin(["客服00", "客服01"])]
    ax = plot_by_group(few, "closing_headcount", "agent", lang="en")
    legend = ax.get_legend()
    assert legend is not None
    # the legend sits right of the data, not over it
    fig = ax.figure
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert box.x0 >= ax.get_window_extent().x1 - 1
    assert ax.get_ylabel() == "Closing headcount" and ax.get_ylim()[0] == 0
    plt.close("all")
