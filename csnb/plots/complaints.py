"""Complaint charts drawn from the tidy tables of :mod:`csnb.analyses.complaints`.

Each ``plot_*`` function takes a tidy table and an optional ``ax``, draws inside
:func:`~.theme.theme` and returns the Axes (:func:`plot_seasonal` without ``ax`` returns the
Figure of its panels). matplotlib is imported inside the functions. Labels are in ``lang``
(texts ``complaints.plot.*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import t, value_label
from .coefficients import plot_coefficients
from .theme import theme

__all__ = ["plot_coefficients", "plot_funnel", "plot_pareto", "plot_resolution",
           "plot_seasonal", "plot_u_chart"]


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _label(key: str, lang: str) -> str:
    return t(f"complaints.plot.{key}", lang)


def plot_u_chart(table: pd.DataFrame, ax=None, *, per: float = 1000.0, lang: str = "en"):
    """Draw a u-chart: daily rate, centre line, limits; flagged and promotion days marked.

    Parameters
    ----------
    table : DataFrame
        :meth:`UChartResult.tidy` columns: date, rate, centre, lcl, ucl, flag, promotion.
    ax : matplotlib Axes, optional
    per : float, default 1000
        Rates are drawn per this many paid orders.
    lang : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    with theme():
        ax = _axes(ax)
        x = pd.to_datetime(table["date"])
        promo = table["promotion"].notna().to_numpy()
        for i, day in enumerate(x[promo]):
            ax.axvspan(day - pd.Timedelta(hours=12), day + pd.Timedelta(hours=12),
                       color="C1", alpha=0.15, linewidth=0,
                       label=_label("promotion", lang) if i == 0 else None)
        ax.plot(x, table["rate"] * per, marker="o", markersize=3, linewidth=1.2, color="C0",
                label=_label("rate", lang))
        ax.plot(x, table["centre"] * per, color="0.3", linewidth=1, label=_label("centre", lang))
        ax.step(x, table["ucl"] * per, where="mid", color="C3", linewidth=1, linestyle="--",
                label=_label("limits", lang))
        ax.step(x, table["lcl"] * per, where="mid", color="C3", linewidth=1, linestyle="--")
        flagged = table["flag"].notna().to_numpy()
        ax.scatter(x[flagged], table.loc[flagged, "rate"] * per, s=50, color="C3", zorder=3,
                   label=_label("flagged", lang))
        ax.set_ylabel(_label("per_1k", lang) if per == 1000 else
                      f"complaints per {per:,.0f} paid orders")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        ax.set_xlabel("")
        ax.figure.autofmt_xdate()
        return ax


def plot_pareto(table: pd.DataFrame, ax=None, *, lang: str = "en"):
    """Draw a Pareto chart: bars by key, most first, and the cumulative share line.

    Parameters
    ----------
    table : DataFrame
        :meth:`BreakdownResult.tidy` columns key, kind, complaints (the total row is left
        out; the unattributed line is drawn when it has complaints).
    ax : matplotlib Axes, optional
    lang : {"en", "zh"}
        Language of the category and source labels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    rows = table[(table["kind"] != "total") & (table["complaints"].fillna(0) > 0)]
    rows = rows.sort_values("complaints", ascending=False, kind="stable")
    cumulative = rows["complaints"].cumsum() / rows["complaints"].sum()
    with theme():
        ax = _axes(ax)
        labels = [value_label(k, lang) for k in rows["key"]]
        ax.bar(labels, rows["complaints"], color="C0")
        ax.set_ylabel(_label("complaints", lang))
        twin = ax.twinx()
        twin.plot(labels, cumulative.to_numpy(), marker="o", color="C3")
        twin.set_ylim(0, 1.05)
        twin.grid(False)
        twin.set_ylabel(_label("cumulative", lang))
        ax.tick_params(axis="x", rotation=30)
        return ax


def plot_seasonal(table: pd.DataFrame, ax=None, *, lang: str = "en"):
    """Draw a seasonal decomposition.

    Parameters
    ----------
    table : DataFrame
        :meth:`SeasonalResult.tidy` columns date, observed, trend, seasonal_weekly,
        seasonal_yearly, resid.
    ax : matplotlib Axes, optional
        With ``ax``: observed and trend on it (the Axes is returned). Without: one panel per
        component (the Figure is returned).
    lang : {"en", "zh"}

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    x = pd.to_datetime(table["date"])
    with theme():
        if ax is not None:
            ax.plot(x, table["observed"], linewidth=0.8, color="0.6",
                    label=_label("observed", lang))
            ax.plot(x, table["trend"], linewidth=1.8, color="C0", label=_label("trend", lang))
            ax.set_ylabel(_label("per_1k", lang))
            return ax
        parts = ["observed", "trend", "seasonal_weekly", "seasonal_yearly", "resid"]
        parts = [p for p in parts if table[p].notna().any()]
        fig, axes = plt.subplots(len(parts), 1, figsize=(9, 1.8 * len(parts)), sharex=True)
        for a, part in zip(np.atleast_1d(axes), parts, strict=True):
            if part == "resid":
                a.scatter(x, table[part], s=4, color="C0")
                a.axhline(0, color="0.3", linewidth=0.8)
            else:
                a.plot(x, table[part], linewidth=1, color="C0")
            a.set_ylabel(_label(part, lang), fontsize=9)
        fig.tight_layout()
        return fig


def plot_funnel(table: pd.DataFrame, ax=None, *, lang: str = "en"):
    """Draw a funnel plot: agent complaint rate against sessions with the team limits.

    Parameters
    ----------
    table : DataFrame
        :meth:`LedgerResult.tidy` columns sessions, agent_complaint_rate, team_complaint_rate,
        ucl_rate, above_team.
    ax : matplotlib Axes, optional
    lang : {"en", "zh"}

    Returns
    -------
    matplotlib.axes.Axes
    """
    rows = table[table["sessions"].fillna(0) > 0].sort_values("sessions")
    with theme():
        ax = _axes(ax)
        above = rows["above_team"].to_numpy(bool)
        ax.scatter(rows["sessions"][~above], rows["agent_complaint_rate"][~above], s=18,
                   color="C0", label=_label("agents", lang))
        ax.scatter(rows["sessions"][above], rows["agent_complaint_rate"][above], s=40,
                   color="C3", label=_label("above_team", lang))
        for i, (_, g) in enumerate(rows.groupby("team")):
            ax.step(g["sessions"], g["ucl_rate"], where="post", color="0.5", linewidth=0.8,
                    linestyle="--", label=_label("team_limit", lang) if i == 0 else None)
            ax.plot(g["sessions"], g["team_complaint_rate"], color="0.3", linewidth=0.8,
                    label=_label("team_rate", lang) if i == 0 else None)
        ax.set_xlabel(_label("sessions", lang))
        ax.set_ylabel(_label("per_1k_sessions", lang))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        return ax


def plot_resolution(table: pd.DataFrame, ax=None, *, lang: str = "en"):
    """Draw median and P90 resolution hours by category.

    Parameters
    ----------
    table : DataFrame
        :meth:`ResolutionResult.tidy` rows of one month: category, median_hours, p90_hours.
    ax : matplotlib Axes, optional
    lang : {"en", "zh"}

    Returns
    -------
    matplotlib.axes.Axes
    """
    rows = table.sort_values("median_hours", ascending=False, kind="stable")
    with theme():
        ax = _axes(ax)
        x = np.arange(len(rows))
        ax.bar(x - 0.2, rows["median_hours"], width=0.4, color="C0",
               label=_label("median", lang))
        ax.bar(x + 0.2, rows["p90_hours"], width=0.4, color="C1", label=_label("p90", lang))
        ax.set_xticks(x, [value_label(k, lang) for k in rows["category"]], rotation=30)
        ax.set_ylabel(_label("hours", lang))
        ax.legend()
        return ax
