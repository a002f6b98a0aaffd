"""Charts of the conversion analysis, drawn from the results' tidy tables.

- :func:`plot_waterfall`: last month's sales, the inquiries, conversion and value effects,
  this month's sales (one panel per group when the table has several and no ``ax``);
- :func:`plot_shrinkage`: each agent's raw and shrunk conversion rate with its interval,
  sorted, the bottom share marked (small multiples per group, never a legend of agents);
- :func:`plot_coefficients`: estimates with confidence intervals (odds ratios, marginal
  effects, any ``term, estimate, ci_low, ci_high`` table);
- :func:`plot_ranked_bars`: a metric per agent or team, sorted;
- :func:`plot_response_grid`: a heatmap by weekday x hour (inquiries, first response).

Labels follow ``lang`` (texts ``conversion.plot.*`` of :data:`csnb.i18n.TEXT`).

Each draws inside :func:`~.theme.theme` and imports matplotlib inside the function.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..i18n import metric_label, t
from .coefficients import plot_coefficients
from .theme import theme

__all__ = ["plot_coefficients", "plot_ranked_bars", "plot_response_grid", "plot_shrinkage",
           "plot_waterfall"]

#: Texts of the weekdays, Monday first (weekday 0 of the tidy tables).
WEEKDAY_TEXTS = ("conversion.weekday.0", "conversion.weekday.1", "conversion.weekday.2",
                 "conversion.weekday.3", "conversion.weekday.4", "conversion.weekday.5",
                 "conversion.weekday.6")

_STEPS = (("inquiries_effect", "inquiries"), ("conversion_effect", "conversion"),
          ("value_effect", "value"))


def _group_title(group, lang: str) -> str:
    return t("conversion.plot.shop", lang) if group == "shop" else str(group)


def plot_waterfall(table: pd.DataFrame, group: str | None = None, ax=None, *,
                   lang: str = "en"):
    """Draw the sales decomposition as a waterfall.

    Parameters
    ----------
    table : DataFrame
        :meth:`DecompositionResult.tidy` (columns group, sales_last_month, sales,
        inquiries_effect, conversion_effect, value_effect).
    group : str, optional
        The row to draw; by default the only row, or every row as panels (without ``ax``).
    ax : matplotlib Axes, optional
    lang : {"en", "zh"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes, or a Figure for several panels
    """
    import matplotlib.pyplot as plt

    with theme():
        if group is None and len(table) > 1:
            if ax is not None:
                raise ValueError("plot_waterfall: give group= to draw one of several rows on ax")
            n = len(table)
            ncols = min(n, 3)
            nrows = math.ceil(n / ncols)
            fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.2 * nrows),
                                     squeeze=False)
            for a, (_, row) in zip(axes.flat, table.iterrows(), strict=False):
                _waterfall(row, a, lang)
            for a in list(axes.flat)[n:]:
                a.set_visible(False)
            fig.tight_layout()
            return fig
        row = table.iloc[0] if group is None else table[table["group"] == group].iloc[0]
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        return _waterfall(row, ax, lang)


def _waterfall(row: pd.Series, ax, lang: str):
    labels = [t(f"conversion.plot.{key}", lang) for key in
              ("last_month", *(label for _, label in _STEPS), "this_month")]
    start = float(row["sales_last_month"])
    level = start
    bottoms, heights, colors = [0.0], [start], ["0.6"]
    for col, _ in _STEPS:
        v = float(row[col]) if pd.notna(row[col]) else 0.0
        bottoms.append(level if v >= 0 else level + v)
        heights.append(abs(v))
        colors.append("C2" if v >= 0 else "C3")
        level += v
    bottoms.append(0.0)
    heights.append(float(row["sales"]))
    colors.append("0.35")
    x = np.arange(len(labels))
    ax.bar(x, heights, bottom=bottoms, color=colors, width=0.6)
    for i in range(1, 4):
        v = float(row[_STEPS[i - 1][0]]) if pd.notna(row[_STEPS[i - 1][0]]) else 0.0
        ax.annotate(f"{v:+,.0f}", (x[i], bottoms[i] + heights[i]), ha="center",
                    va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel(t("conversion.plot.sales_axis", lang), fontsize=8)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.set_title(_group_title(row["group"], lang), fontsize=10)
    return ax


#: Agents drawn per group of the leaderboard chart; a larger group shows its lowest.
SHRINKAGE_ROWS = 40


def plot_shrinkage(table: pd.DataFrame, ax=None, *, group: str | None = None,
                   lang: str = "en", max_rows: int = SHRINKAGE_ROWS):
    """Draw each agent's raw and shrunk conversion rate with its interval, sorted.

    Parameters
    ----------
    table : DataFrame
        :meth:`ShrinkageResult.tidy` (columns agent_id, name, group, conversion_rate,
        shrunk_rate, ci_low, ci_high, prior_mean, shrunk_bottom, disagree, inquiries).
    ax : matplotlib Axes, optional
        Draws one group on it (``group`` or the first).
    group : str, optional
    lang : {"en", "zh"}, default "en"
    max_rows : int, default :data:`SHRINKAGE_ROWS`
        A group with more agents shows its ``max_rows`` lowest by shrunk rate, and every
        agent whose raw and shrunk bottom status disagree; its title says how many of how
        many (the leaderboard table keeps them all).

    Returns
    -------
    matplotlib.axes.Axes, or a Figure with one panel per group (without ``ax`` and
    ``group``)

    Notes
    -----
    Agents are rows sorted by shrunk rate; the interval is a line, the shrunk rate a dot, the
    raw rate a hollow marker; agents in the bottom share are red, and agents whose raw and
    shrunk bottom status disagree have orange labels. The prior mean is a dashed line.
    """
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys(table["group"]))
    shown = {g: _lowest(table[table["group"] == g], max_rows) for g in groups}

    def title(g) -> str:
        rows, total = shown[g]
        name = _group_title(g, lang)
        if len(rows) == total:
            return name
        return t("conversion.plot.lowest_of", lang, group=name, n=len(rows), total=total)

    with theme():
        if ax is not None or group is not None or len(groups) <= 1:
            g = group or (groups[0] if groups else None)
            rows = shown[g][0] if g in shown else table.iloc[:0]
            if ax is None:
                _, ax = plt.subplots(figsize=(6, 0.3 * len(rows) + 1.5))
            return _shrinkage(rows, ax, title(g) if g in shown else str(g), lang)
        sizes = [len(shown[g][0]) for g in groups]
        fig, axes = plt.subplots(len(groups), 1, sharex=True, squeeze=False,
                                 figsize=(6.5, 0.28 * sum(sizes) + 1.2 * len(groups)),
                                 gridspec_kw={"height_ratios": [max(s, 1) for s in sizes]})
        for i, (a, g) in enumerate(zip(axes[:, 0], groups, strict=True)):
            _shrinkage(shown[g][0], a, title(g), lang, legend=i == 0)
        fig.tight_layout()
        return fig


def _lowest(rows: pd.DataFrame, max_rows: int) -> tuple[pd.DataFrame, int]:
    """The group's ``max_rows`` lowest agents by shrunk rate and every disagreeing one."""
    if len(rows) <= max_rows:
        return rows, len(rows)
    low = rows["shrunk_rate"].rank(method="first") <= max_rows
    return rows[low | rows["disagree"].astype(bool)], len(rows)


def _shrinkage(rows: pd.DataFrame, ax, title: str, lang: str = "en", *, legend: bool = True):
    rows = rows.sort_values("shrunk_rate")
    y = np.arange(len(rows))
    bottom = rows["shrunk_bottom"].to_numpy(bool)
    color = np.where(bottom, "C3", "C0")
    ax.hlines(y, rows["ci_low"], rows["ci_high"], colors=color, linewidth=2, alpha=0.6)
    ax.scatter(rows["shrunk_rate"], y, c=color, s=22, zorder=3,
               label=t("conversion.plot.shrunk", lang))
    ax.scatter(rows["conversion_rate"], y, facecolors="none", edgecolors="0.3", s=22,
               zorder=3, label=t("conversion.plot.raw", lang))
    if len(rows):
        ax.axvline(float(rows["prior_mean"].iloc[0]), color="0.5", linestyle="--",
                   linewidth=1)
    labels = [f"{n if isinstance(n, str) and n else a} ({int(k)})" for n, a, k in
              zip(rows["name"], rows["agent_id"], rows["inquiries"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    # Colour, not bold: the CJK font has one weight, and a faked bold logs warnings.
    for tick, flag in zip(ax.get_yticklabels(), rows["disagree"], strict=True):
        if flag:
            tick.set_color("C1")
    ax.set_title(title, fontsize=10)
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def plot_ranked_bars(table: pd.DataFrame, label: str, value: str, ax=None, *,
                     highlight: int = 0):
    """Draw ``value`` per ``label`` as sorted horizontal bars.

    Parameters
    ----------
    table : DataFrame
    label, value : str
        Column names of the bar labels and lengths.
    ax : matplotlib Axes, optional
    highlight : int, default 0
        Colour the lowest ``highlight`` bars.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    with theme():
        rows = table.sort_values(value, na_position="first")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.28 * len(rows) + 1.2))
        colors = ["C3" if i < highlight else "C0" for i in range(len(rows))]
        ax.barh(np.arange(len(rows)), rows[value].fillna(0.0), color=colors)
        ax.set_yticks(np.arange(len(rows)), [str(v) for v in rows[label]], fontsize=8)
        ax.set_xlabel(value)
        return ax


def plot_response_grid(table: pd.DataFrame, value: str = "inquiries_per_day", ax=None, *,
                       lang: str = "en"):
    """Draw ``value`` as a heatmap: weekdays as rows, hours as columns.

    Parameters
    ----------
    table : DataFrame
        :meth:`ResponseGridResult.tidy` (columns weekday (0 = Monday), hour, ``value``).
    value : str, default "inquiries_per_day"
        Also "avg_first_response_s", "fast_response_rate" or any numeric column.
    ax : matplotlib Axes, optional
    lang : {"en", "zh"}, default "en"

    Returns
    -------
    matplotlib.axes.Axes
        Empty cells (no sessions) are blank; the colour bar carries the unit.
    """
    import matplotlib.pyplot as plt

    grid = table.pivot_table(index="weekday", columns="hour", values=value, aggfunc="sum",
                             dropna=False).reindex(index=range(7), columns=range(24))
    values = grid.to_numpy(dtype=float)
    if value != "inquiries_per_day" and "counted_sessions" in table:
        empty = table.pivot_table(index="weekday", columns="hour", values="counted_sessions",
                                  aggfunc="sum").reindex(index=range(7), columns=range(24))
        values = np.where(empty.to_numpy(dtype=float) > 0, values, np.nan)
    with theme():
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.2))
        cmap = "Blues" if value == "inquiries_per_day" else "OrRd" \
            if value == "avg_first_response_s" else "RdYlGn"
        image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap=cmap)
        ax.grid(False)
        ax.set_xticks(range(24), [str(h) for h in range(24)], fontsize=7)
        days = [t(key, lang) for key in WEEKDAY_TEXTS]
        ax.set_yticks(range(7), days, fontsize=8)
        ax.set_xlabel(t("conversion.plot.hour", lang), fontsize=8)
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
        if value == "fast_response_rate":
            bar.formatter = _percent_formatter()
            bar.update_ticks()
        label = f"conversion.plot.{value}"
        # The fast-response rate is named with its threshold (3分钟响应率), as in the tables.
        title = (metric_label(value, lang) if value == "fast_response_rate"
                 else t(label, lang) if _has_text(label) else value)
        ax.set_title(title, fontsize=10)
    return ax


def _percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{100 * v:.0f}%")


def _has_text(key: str) -> bool:
    from ..i18n import TEXT

    return key in TEXT
