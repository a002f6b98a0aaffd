"""Operations charts drawn from the tidy tables of :mod:`csnb.analyses.operations`.

Each ``plot_*`` function takes tidy tables and an optional ``ax``, draws inside
:func:`~.theme.theme` and returns the Axes. matplotlib is imported inside the functions.
Labels are in ``lang`` (texts ``operations.plot.*``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import t
from .theme import theme

__all__ = ["WEEKDAY_KEYS", "plot_forecast", "plot_load_response", "plot_staffing"]

#: Text keys of the weekdays, Monday first (``weekday`` 0 to 6).
WEEKDAY_KEYS = ("operations.weekday.mon", "operations.weekday.tue", "operations.weekday.wed",
                "operations.weekday.thu", "operations.weekday.fri", "operations.weekday.sat",
                "operations.weekday.sun")
#: Colours of the staffing status (understaffed red, balanced grey, overstaffed blue).
STATUS_COLOURS = {"understaffed": "#c0392b", "balanced": "#7f8c8d", "overstaffed": "#2e86c1"}


def _axes(ax, size=(7.5, 4.0)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _label(key: str, lang: str, **values) -> str:
    return t(f"operations.plot.{key}", lang, **values)


def plot_load_response(bins: pd.DataFrame, curve: pd.DataFrame, *, target: float,
                       estimate: float | None, ci_low: float | None, ci_high: float | None,
                       lang: str = "en", ax=None):
    """Fast-response rate against load: observed bins, the fit, target, sustainable load.

    Parameters
    ----------
    bins : DataFrame
        :meth:`LoadResponseResult.tidy`: load, fast_response_rate, counted_sessions,
        median_first_response_s.
    curve : DataFrame
        load, fast_response_rate (the fitted curve).
    target : float
    estimate, ci_low, ci_high : float or None
        The sustainable load and its interval (an open end is drawn to the plot's edge).
    lang : {"en", "zh"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The rate panel; its twin axis carries the median first response (seconds).
    """
    with theme():
        ax = _axes(ax)
        n = bins["counted_sessions"].to_numpy(float)
        p = bins["fast_response_rate"].to_numpy(float)
        se = np.sqrt(np.clip(p * (1 - p), 1e-12, None) / np.maximum(n, 1))
        ax.errorbar(bins["load"], 100 * p, yerr=196 * se, fmt="o", color="C0", markersize=4,
                    capsize=2, label=_label("observed", lang))
        ax.plot(curve["load"], 100 * curve["fast_response_rate"], color="C0", linewidth=1.6,
                label=_label("fitted", lang))
        ax.axhline(100 * target, color="C3", linestyle="--", linewidth=1,
                   label=_label("target", lang, target=f"{100 * target:.0f}%"))
        if estimate is not None:
            lo = ci_low if ci_low is not None else float(curve["load"].min())
            hi = ci_high if ci_high is not None else float(curve["load"].max())
            ax.axvspan(lo, hi, color="C1", alpha=0.2, linewidth=0,
                       label=_label("interval", lang))
            ax.axvline(estimate, color="C1", linewidth=1.5,
                       label=_label("sustainable", lang, value=f"{estimate:.2f}"))
        ax.set_xlabel(_label("load", lang))
        ax.set_ylabel(_label("fast_rate", lang))
        twin = ax.twinx()
        twin.plot(bins["load"], bins["median_first_response_s"], color="0.45", marker="s",
                  markersize=3, linewidth=1, linestyle=":", label=_label("median_fr", lang))
        twin.set_ylabel(_label("median_fr_axis", lang))
        twin.set_ylim(bottom=0)
        twin.grid(False)
        handles, labels = ax.get_legend_handles_labels()
        h2, l2 = twin.get_legend_handles_labels()
        ax.legend(handles + h2, labels + l2, fontsize=8, loc="lower left")
        return ax


def plot_staffing(table: pd.DataFrame, sustainable_load: float | None, *, lang: str = "en",
                  ax=None):
    """Heatmap of load by weekday x hour; under- and overstaffed blocks outlined.

    Parameters
    ----------
    table : DataFrame
        :meth:`StaffingResult.tidy`: weekday, hour, sessions_per_agent_hour, status.
    sustainable_load : float or None
        Centre of the colour scale (loads above it are red).
    lang : {"en", "zh"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.colors as mcolors
    from matplotlib.patches import Rectangle

    with theme():
        ax = _axes(ax, size=(8.5, 3.6))
        hours = sorted(table["hour"].unique())
        grid = table.pivot(index="weekday", columns="hour", values="sessions_per_agent_hour")
        grid = grid.reindex(index=range(7), columns=hours)
        values = grid.to_numpy(float)
        finite = values[np.isfinite(values)]
        centre = sustainable_load if sustainable_load else (
            float(np.median(finite)) if finite.size else 1.0)
        vmin = min(float(finite.min()) if finite.size else 0.0, centre * 0.5)
        vmax = max(float(finite.max()) if finite.size else 2.0, centre * 1.05)
        norm = mcolors.TwoSlopeNorm(vcenter=centre, vmin=vmin, vmax=vmax)
        image = ax.imshow(values, cmap="RdBu_r", norm=norm, aspect="auto")
        for r in table.itertuples():
            y, x = int(r.weekday), hours.index(r.hour)
            ax.text(x, y, f"{r.sessions_per_agent_hour:.1f}", ha="center", va="center",
                    fontsize=7, color="black")
            if r.status in ("understaffed", "overstaffed"):
                ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, linewidth=1.6,
                                       edgecolor=STATUS_COLOURS[str(r.status)]))
        ax.set_xticks(range(len(hours)), [f"{h:02d}" for h in hours], fontsize=8)
        ax.set_yticks(range(7), [t(k, lang) for k in WEEKDAY_KEYS],
                      fontsize=8)
        ax.set_xlabel(_label("hour", lang))
        ax.grid(False)
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
        bar.set_label(_label("load", lang), fontsize=8)
        return ax


def plot_forecast(table: pd.DataFrame, *, lang: str = "en", ax=None):
    """Forecast sessions' agent-hours needed (with interval) against agent-hours available.

    Parameters
    ----------
    table : DataFrame
        :meth:`ForecastResult.tidy`: date, promotion, agent_hours_needed,
        agent_hours_needed_hi, agent_hours_available, gap_hours, sessions, sessions_lo,
        sessions_hi.
    lang : {"en", "zh"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    with theme():
        ax = _axes(ax, size=(8.5, 3.8))
        x = pd.to_datetime(table["date"])
        promo = table["promotion"].notna().to_numpy()
        for i, day in enumerate(x[promo]):
            ax.axvspan(day - pd.Timedelta(hours=12), day + pd.Timedelta(hours=12), color="C1",
                       alpha=0.15, linewidth=0,
                       label=_label("promotion", lang) if i == 0 else None)
        needed = table["agent_hours_needed"].to_numpy(float)
        if np.isfinite(needed).any():
            ratio = needed / table["sessions"].to_numpy(float)
            ax.fill_between(x, table["sessions_lo"] * ratio, table["sessions_hi"] * ratio,
                            color="C0", alpha=0.2, linewidth=0, label=_label("pi", lang))
            ax.plot(x, needed, color="C0", linewidth=1.5, label=_label("needed", lang))
        ax.step(x, table["agent_hours_available"], where="mid", color="0.3", linewidth=1.2,
                label=_label("available", lang))
        gap = table["gap_hours"].to_numpy(float) > 0
        if gap.any():
            ax.scatter(x[gap], needed[gap], color="C3", s=40, zorder=3,
                       label=_label("gap", lang))
        ax.set_ylabel(_label("agent_hours", lang))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        ax.figure.autofmt_xdate()
        return ax
