"""Trend and breakdown charts drawn from tidy tables.

Every ``plot_*`` function takes a tidy table (as returned by a ``*_table`` function or a
result's ``tidy()``) and an optional matplotlib ``ax``, draws inside :func:`~.theme.theme`
and returns the Axes (or the Figure for small multiples). matplotlib is imported inside the
functions so the analysis layer runs without it.
"""

from __future__ import annotations

import pandas as pd

from ..i18n import METRICS, column_label, format_value, metric_label, t
from .theme import theme

__all__ = ["plot_bars", "plot_by_group", "plot_trend", "plot_trends"]


def plot_trend(table: pd.DataFrame, metric: str, *, lang: str = "en", month: str | None = None,
               ax=None):
    """Draw one metric's monthly trend.

    Parameters
    ----------
    table : DataFrame
        Tidy trend table with columns month, metric, value (see :func:`csnb.trend_table`).
    metric : str
        Metric-book name to draw.
    lang : {"en", "zh"}
    month : str, optional
        Report month, highlighted with a marker.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    with theme():
        return _plot_trend(table, metric, lang=lang, month=month, ax=ax)


def _plot_trend(table: pd.DataFrame, metric: str, *, lang: str, month: str | None, ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    rows = table[table["metric"] == metric].sort_values("month")
    ax.plot(rows["month"], rows["value"], marker="o", markersize=3, linewidth=1.5)
    if month is not None and (rows["month"] == month).any():
        value = rows.loc[rows["month"] == month, "value"].iloc[0]
        ax.plot([month], [value], marker="o", markersize=8, color="C3", linestyle="none")
        ax.annotate(format_value(metric, value, lang), (month, value), xytext=(4, 6),
                    textcoords="offset points", fontsize=9, color="C3")
    ax.set_title(metric_label(metric, lang), fontsize=11)
    ax.set_xlabel("")
    _format_axis(ax, metric)
    _thin_month_ticks(ax, list(rows["month"]))
    return ax


def plot_trends(table: pd.DataFrame, metrics: list[str], *, lang: str = "en",
                month: str | None = None, ncols: int = 2):
    """Draw small multiples of :func:`plot_trend`, one panel per metric.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    with theme():
        nrows = -(-len(metrics) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 2.8 * nrows),
                                 squeeze=False)
        for ax, metric in zip(axes.flat, metrics, strict=False):
            _plot_trend(table, metric, lang=lang, month=month, ax=ax)
        for ax in list(axes.flat)[len(metrics):]:
            ax.set_visible(False)
        fig.tight_layout()
    return fig


def plot_by_group(table: pd.DataFrame, value: str, group: str, *, lang: str = "en",
                  title: str | None = None, ax=None):
    """Draw one line per group (team, category...) of a monthly tidy table.

    Parameters
    ----------
    table : DataFrame
        Columns month, ``group`` and ``value``.
    value, group : str
        Column names.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    with theme():
        if ax is None:
            _, ax = plt.subplots()
        data = table.sort_values("month")
        sns.lineplot(data=data, x="month", y=value, hue=group, marker="o", markersize=4,
                     ax=ax)
        ax.set_xlabel("")
        ax.set_ylabel(metric_label(value, lang) if value in METRICS else value)
        if title:
            ax.set_title(title)
        if value in METRICS:
            _format_axis(ax, value)
        ax.legend(title=t("col.team", lang) if group == "team" else None, fontsize=9)
        _thin_month_ticks(ax, sorted(data["month"].unique()))
    return ax


def plot_bars(table: pd.DataFrame, x: str, y: str, *, lang: str = "en", ax=None):
    """Draw a horizontal bar of column ``y`` for each row of column ``x``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    with theme():
        if ax is None:
            _, ax = plt.subplots()
        labels = [str(v) for v in table[x]]
        ax.barh(labels, pd.to_numeric(table[y], errors="coerce"))
        ax.invert_yaxis()
        ax.set_xlabel(column_label(y, lang))
        ax.set_ylabel(column_label(x, lang))
    return ax


def _format_axis(ax, metric: str) -> None:
    """Format the y axis in the metric's unit (%, yuan with thousands separators)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    unit = METRICS[metric]["unit"]
    if unit == "rate":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    elif unit == "money":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"¥{v:,.0f}"))
    elif unit == "count":
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _thin_month_ticks(ax, months: list[str], every: int = 3) -> None:
    """Label every ``every``-th month so 24 labels do not overlap."""
    ticks = months[::every] if len(months) > 8 else months
    ax.set_xticks(ticks)
    ax.set_xticklabels(ticks, rotation=45, ha="right", fontsize=8)
