"""Trend and breakdown charts drawn from tidy tables.

Every ``plot_*`` function takes a tidy table (as returned by a ``*_table`` function or a
result's ``tidy()``) and an optional matplotlib ``ax``, draws inside :func:`~.theme.theme`
and returns the Axes (or the Figure for small multiples). matplotlib is imported inside the
functions so the analysis layer runs without it.

Conventions every chart follows: the y axis is in the metric's unit and says which; counts
start at zero (a headcount axis starting at 36 exaggerates a swing of two agents); a legend
sits outside the data; more than :data:`MAX_LINES` groups become small multiples rather than
a legend nobody can match to lines.
"""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import METRICS, column_label, format_value, metric_label, t
from .theme import theme

__all__ = ["MAX_LINES", "plot_bars", "plot_by_group", "plot_trend", "plot_trends"]

#: Most lines one chart draws with a legend; more groups get one small panel each.
MAX_LINES = 6

_TARGET_STYLE = {"color": "#bf8700", "linestyle": "--", "linewidth": 1.2}


def plot_trend(table: pd.DataFrame, metric: str, *, lang: str = "en", month: str | None = None,
               ax=None, target: float | None = None):
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
    target : float, optional
        The metric's target, drawn as a dashed line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    with theme():
        return _plot_trend(table, metric, lang=lang, month=month, ax=ax, target=target)


def _plot_trend(table: pd.DataFrame, metric: str, *, lang: str, month: str | None, ax,
                target: float | None = None):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    rows = table[table["metric"] == metric].sort_values("month")
    ax.plot(rows["month"], rows["value"], marker="o", markersize=3, linewidth=1.5)
    if month is not None and (rows["month"] == month).any():
        value = rows.loc[rows["month"] == month, "value"].iloc[0]
        if pd.notna(value):
            ax.plot([month], [value], marker="o", markersize=8, color="C3", linestyle="none")
            ax.annotate(format_value(metric, value, lang), (month, value), xytext=(4, 6),
                        textcoords="offset points", fontsize=9, color="C3")
    if target is not None:
        ax.axhline(target, **_TARGET_STYLE, label=t("col.target", lang))
    ax.set_title(metric_label(metric, lang), fontsize=11)
    ax.set_xlabel("")
    _format_axis(ax, metric, lang, values=[*rows["value"].dropna(),
                                           *([target] if target is not None else [])])
    _thin_month_ticks(ax, list(rows["month"]))
    return ax


def plot_trends(table: pd.DataFrame, metrics: list[str], *, lang: str = "en",
                month: str | None = None, ncols: int = 2,
                targets: dict[str, float] | None = None):
    """Draw small multiples of :func:`plot_trend`, one panel per metric.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    targets = targets or {}
    with theme():
        nrows = max(1, -(-len(metrics) // ncols))
        fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 2.9 * nrows),
                                 squeeze=False)
        for ax, metric in zip(axes.flat, metrics, strict=False):
            _plot_trend(table, metric, lang=lang, month=month, ax=ax,
                        target=targets.get(metric))
        for ax in list(axes.flat)[len(metrics):]:
            ax.set_visible(False)
        fig.tight_layout()
    return fig


def plot_by_group(table: pd.DataFrame, value: str, group: str, *, lang: str = "en",
                  title: str | None = None, ax=None, target: float | None = None):
    """Draw one line per group (team, category...) of a monthly tidy table.

    Up to :data:`MAX_LINES` groups share one Axes with the legend outside the data; more
    groups get one small panel each (a Figure is returned then, and ``ax`` must be None).

    Parameters
    ----------
    table : DataFrame
        Columns month, ``group`` and ``value``.
    value, group : str
        Column names.
    lang : {"en", "zh"}
    title : str, optional
    ax : matplotlib Axes, optional
    target : float, optional
        Target of ``value``, drawn as a dashed line.

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = table.sort_values("month")
    groups = list(dict.fromkeys(data[group].astype(str)))
    months = sorted(data["month"].unique())
    values = [*data[value].dropna(), *([target] if target is not None else [])]
    with theme():
        if len(groups) > MAX_LINES and ax is None:
            return _small_multiples(data, value, group, groups, months, lang=lang,
                                    title=title, target=target, values=values)
        if ax is None:
            _, ax = plt.subplots()
        sns.lineplot(data=data.assign(**{group: data[group].astype(str)}), x="month", y=value,
                     hue=group, marker="o", markersize=4, ax=ax)
        if target is not None:
            ax.axhline(target, **_TARGET_STYLE, label=t("col.target", lang))
        ax.set_xlabel("")
        if title:
            ax.set_title(title)
        if value in METRICS:
            _format_axis(ax, value, lang, values=values)
        else:
            ax.set_ylabel(value)
        ax.legend(title=column_label(group, lang), fontsize=9, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        _thin_month_ticks(ax, months)
        ax.figure.tight_layout()
    return ax


def _small_multiples(data, value, group, groups, months, *, lang, title, target, values):
    import matplotlib.pyplot as plt

    ncols = 4
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.3 * nrows), sharex=True,
                             sharey=True, squeeze=False)
    for ax, name in zip(axes.flat, groups, strict=False):
        # Every other group in grey behind this one: each panel still shows the whole team.
        for other in groups:
            rows = data[data[group].astype(str) == other]
            ax.plot(rows["month"], rows[value], color="#d0d7de", linewidth=0.8, zorder=1)
        rows = data[data[group].astype(str) == name]
        ax.plot(rows["month"], rows[value], color="C0", linewidth=1.8, marker="o",
                markersize=2.5, zorder=2)
        if target is not None:
            ax.axhline(target, **_TARGET_STYLE)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("")
        if value in METRICS:
            _format_axis(ax, value, lang, values=values, label=False)
        _thin_month_ticks(ax, months, every=6)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    if value in METRICS:
        fig.supylabel(_axis_label(value, lang), fontsize=9)
    fig.tight_layout()
    return fig


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
        ax.set_xlabel(_axis_label(y, lang) if y in METRICS else column_label(y, lang))
        ax.set_ylabel(column_label(x, lang))
    return ax


_UNIT_TEXT = {
    "rate": {"en": "%", "zh": "%"},
    "money": {"en": "yuan", "zh": "元"},
    "seconds": {"en": "seconds", "zh": "秒"},
    "per1k": {"en": "per 1,000", "zh": "每千"},
    "count": {"en": "count", "zh": "人/个"},
}


def _axis_label(metric: str, lang: str) -> str:
    """The metric's unit, named: "Conversion rate (%)", "平均首次响应时长(秒)"."""
    unit = str(METRICS[metric]["unit"])
    text = _UNIT_TEXT.get(unit, {}).get(lang)
    label = metric_label(metric, lang)
    if not text or unit == "count":
        return label
    return f"{label} ({text})" if lang == "en" else f"{label}({text})"


def _format_axis(ax, metric: str, lang: str = "en", *, values=(), label: bool = True) -> None:
    """Put the y axis in the metric's unit, counts from zero, never a span too thin to read.

    A single month (or a flat line) would otherwise give ticks that all print the same
    label ("2 2 2 2", "10% 10% 10%").
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    unit = METRICS[metric]["unit"]
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if unit == "rate":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    elif unit == "money":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"¥{v:,.0f}"))
    elif unit == "count":
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if finite:
        low, high = min(finite), max(finite)
        if unit in ("count", "money", "per1k") or low >= 0 and unit != "rate":
            low = 0.0  # amounts and counts from zero
        span = high - low
        minimum = max(abs(high) * 0.2, 1.0 if unit == "count" else 0.01 if unit == "rate"
                      else 1e-9)
        if span < minimum:
            pad = (minimum - span) / 2
            low, high = (max(low - pad, 0.0) if low >= 0 else low - pad), high + pad
        ax.set_ylim(low, high + 0.08 * (high - low))
    if label:
        ax.set_ylabel(_axis_label(metric, lang), fontsize=9)


def _thin_month_ticks(ax, months: list[str], every: int = 3) -> None:
    """Label every ``every``-th month so 24 labels do not overlap."""
    ticks = months[::every] if len(months) > 8 else months
    ax.set_xticks(ticks)
    ax.set_xticklabels(ticks, rotation=45, ha="right", fontsize=8)
