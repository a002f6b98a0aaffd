"""Plots of the incentives analyses.

Event studies (CS and TWFE on one axes), the adoption timeline and the rank-cutoff comparison.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .theme import theme

__all__ = ["ESTIMATOR_LABELS", "plot_adoption_timeline", "plot_cutoff", "plot_event_study"]

#: Legend labels of the estimators (the report layer may pass translated ones).
ESTIMATOR_LABELS = {"cs": "Callaway & Sant'Anna", "twfe": "Two-way fixed effects"}


def plot_event_study(
    table: pd.DataFrame,
    ax=None,
    *,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "Periods since adoption",
    ylabel: str = "Effect",
    title: str | None = None,
):
    """Draw effects with confidence intervals by event time, one series per estimator.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :meth:`DidResult.tidy` (or :meth:`PolicyEffectsResult.tidy`); the
        ``event_study`` rows are drawn (all rows when there is no ``aggregation`` column).
        Needs event_time, estimate, ci_low, ci_high and estimator; with an ``inference``
        column, each (estimator, inference) is its own series.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    labels : mapping, optional
        Legend label per estimator (default :data:`ESTIMATOR_LABELS`).
    xlabel, ylabel, title : str
        Axis labels and title (pass translated text from the report layer).

    Returns
    -------
    matplotlib.axes.Axes
        Pre-treatment estimates are drawn as open markers, post-treatment ones filled; a
        reference period fixed at zero is drawn as a cross without an interval. A
        horizontal line marks zero and a dotted vertical line the adoption (between event
        times -1 and 0). Several series are dodged side by side.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    rows = table
    if "aggregation" in rows.columns:
        rows = rows[rows["aggregation"] == "event_study"]
    labels = {**ESTIMATOR_LABELS, **(labels or {})}
    keys = ["estimator"] + (["inference"] if "inference" in rows.columns else [])
    series = list(rows.groupby(keys, sort=False)) if len(rows) else []
    with theme():
        if ax is None:
            _, ax = plt.subplots()
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        width = 0.5
        for i, (key, part) in enumerate(series):
            key = key if isinstance(key, tuple) else (key,)
            name = labels.get(key[0], str(key[0]))
            if len(key) > 1 and key[1] != "analytic":
                name = f"{name} ({key[1]})"
            offset = (i - (len(series) - 1) / 2) * width / max(len(series), 1)
            color = colors[i % len(colors)]
            part = part.sort_values("event_time")
            x = part["event_time"].to_numpy(dtype=float) + offset
            est = part["estimate"].to_numpy(dtype=float)
            low = part["ci_low"].to_numpy(dtype=float)
            high = part["ci_high"].to_numpy(dtype=float)
            ref = (part["band"] == "reference").to_numpy() if "band" in part else \
                np.zeros(len(part), dtype=bool)
            pre = (part["event_time"] < 0).to_numpy() & ~ref
            post = (part["event_time"] >= 0).to_numpy() & ~ref
            has_ci = np.isfinite(low) & np.isfinite(high) & ~ref
            ax.errorbar(x[has_ci], est[has_ci],
                        yerr=[est[has_ci] - low[has_ci], high[has_ci] - est[has_ci]],
                        fmt="none", ecolor=color, elinewidth=1.2, capsize=2, zorder=2)
            ax.plot(x[post], est[post], "o", color=color, label=name, zorder=3)
            ax.plot(x[pre], est[pre], "o", markerfacecolor="white", markeredgecolor=color,
                    label=None if post.any() else name, zorder=3)
            if ref.any():
                ax.plot(x[ref], est[ref], "x", color=color, zorder=3)
        ax.axhline(0, color="0.3", linewidth=0.8, zorder=1)
        ax.axvline(-0.5, color="0.5", linewidth=0.8, linestyle=":", zorder=1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        if series:
            ax.legend(loc="best", frameon=False)
    return ax


def plot_adoption_timeline(
    table: pd.DataFrame,
    months: list[str],
    ax=None,
    *,
    month: str | None = None,
    title: str | None = None,
    never_label: str = "never",
):
    """Draw each team's policy period as a bar over the data's months.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`csnb.analyses.incentives.adoption_table` (team, start_month, end_month).
    months : list of str
        The data's months, ``YYYY-MM`` in order (the x axis).
    ax : matplotlib.axes.Axes, optional
    month : str, optional
        The report month, marked by a dotted line.
    title : str, optional
    never_label : str
        Text written on the row of a team without the policy.

    Returns
    -------
    matplotlib.axes.Axes
        One row per team (in the table's order, first on top); a bar from start_month to
        end_month (or the last month) for each policy.
    """
    import matplotlib.pyplot as plt

    pos = {m: i for i, m in enumerate(months)}
    teams = list(dict.fromkeys(table["team"].astype(str)))
    with theme():
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 0.5 * len(teams) + 1.2))
        color = plt.rcParams["axes.prop_cycle"].by_key()["color"][0]
        for row in table.itertuples():
            y = teams.index(str(row.team))
            start = row.start_month if isinstance(row.start_month, str) else None
            if start is None:
                ax.text(0, y, never_label, va="center", ha="left", color="0.4", fontsize=9)
                continue
            end = row.end_month if isinstance(row.end_month, str) else months[-1]
            x0 = pos.get(start, 0 if not months or start < months[0] else len(months))
            x1 = pos.get(end, len(months) - 1 if not months or end > months[-1] else -1)
            if x1 >= x0:
                ax.barh(y, x1 - x0 + 1, left=x0 - 0.5, height=0.6, color=color)
        if month in pos:
            ax.axvline(pos[month], color="0.3", linestyle=":", linewidth=1)
        ax.set_yticks(range(len(teams)), teams)
        ax.set_ylim(len(teams) - 0.5, -0.5)
        step = max(1, len(months) // 8)
        ax.set_xticks(range(0, len(months), step), months[::step])
        ax.set_xlim(-0.5, len(months) - 0.5)
        ax.grid(axis="y", visible=False)
        if title:
            ax.set_title(title)
    return ax


def plot_cutoff(
    table: pd.DataFrame,
    ax=None,
    *,
    labels: Mapping[str, str] | None = None,
    ylabel: str = "Score change next month",
    title: str | None = None,
):
    """Mean next-month score change below and above the bottom cutoff, per arm, with CIs.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`csnb.analyses.incentives.CutoffResult.tidy` (arm, side, mean_change, ci_low,
        ci_high).
    ax : matplotlib.axes.Axes, optional
    labels : mapping, optional
        Display text of the arms ("policy", "control") and sides ("below", "above").
    ylabel, title : str

    Returns
    -------
    matplotlib.axes.Axes
        Bars per arm (x) and side (colour), error bars for the intervals, a line at zero.
    """
    import matplotlib.pyplot as plt

    names = {"policy": "Policy teams", "control": "Teams without the policy",
             "below": "Just below the cutoff", "above": "Just above", **(labels or {})}
    with theme():
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        arms = ["policy", "control"]
        for j, side in enumerate(["below", "above"]):
            part = table[table["side"] == side].set_index("arm").reindex(arms)
            x = np.arange(len(arms)) + (j - 0.5) * 0.38
            est = part["mean_change"].to_numpy(dtype=float)
            low = part["ci_low"].to_numpy(dtype=float)
            high = part["ci_high"].to_numpy(dtype=float)
            ax.bar(x, np.nan_to_num(est), width=0.36, color=colors[j], label=names[side])
            ok = np.isfinite(low) & np.isfinite(high) & np.isfinite(est)
            ax.errorbar(x[ok], est[ok], yerr=[est[ok] - low[ok], high[ok] - est[ok]],
                        fmt="none", ecolor="0.2", capsize=3)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_xticks(range(len(arms)), [names[a] for a in arms])
        ax.set_ylabel(ylabel)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        if title:
            ax.set_title(title)
    return ax
