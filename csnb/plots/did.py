"""Event-study plot of difference-in-differences estimates (CS and TWFE on one axes)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .theme import theme

__all__ = ["ESTIMATOR_LABELS", "plot_event_study"]

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
