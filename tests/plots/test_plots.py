import logging
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from csnb.analyses import trend_table  # noqa: E402
from csnb.plots import FONT_NAME, plot_by_group, plot_trend, plot_trends, set_theme  # noqa: E402


def _draw_without_glyph_warnings(fig):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        fig.canvas.draw()


def test_theme_uses_the_cjk_font_and_chinese_renders(caplog):
    set_theme()
    assert plt.rcParams["font.family"][0] in (FONT_NAME, "sans-serif")
    assert plt.rcParams["font.sans-serif"][0] == FONT_NAME
    from matplotlib import font_manager

    resolved = font_manager.findfont(font_manager.FontProperties(family=FONT_NAME))
    assert "NotoSansCJK" in resolved
    table = pd.DataFrame({
        "month": ["2025-01", "2025-02", "2025-01", "2025-02"],
        "team": ["售前一组", "售前一组", "夜班组", "夜班组"],
        "closing_headcount": [10, 11, 8, 7],
    })
    with caplog.at_level(logging.WARNING):
        ax = plot_by_group(table, "closing_headcount", "team", lang="zh", title="期末人数")
        _draw_without_glyph_warnings(ax.figure)
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["售前一组", "夜班组"]
    assert ax.get_ylabel() == "期末人数"
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
