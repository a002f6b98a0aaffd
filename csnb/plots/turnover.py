"""Turnover figures: retention curves, the hire-cohort heatmap, ratio (forest) plots.

Each function takes a tidy table (a result's ``tidy()`` or a ``*_table``) and an optional
``ax``, draws inside :func:`~.theme.theme` and returns the Axes. matplotlib is imported inside
the functions so the analysis layer runs without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import value_label
from .coefficients import plot_coefficients
from .theme import theme

__all__ = ["plain_ratio_axis", "plot_coefficients", "plot_cohort_heatmap",
           "plot_hazard_ratios", "plot_headcount_flow", "plot_retention"]

# One coefficient plot for every model family (STYLE.md 13): defined in .coefficients.


def plot_retention(table: pd.DataFrame, ax=None, *, lang: str = "en", bands: bool = True,
                   title: str | None = None, xlabel: str = "Days since hire",
                   ylabel: str = "Still employed", small_note: str = "too few to say"):
    """Draw Kaplan-Meier retention curves as steps, with their 95% bands.

    A group flagged ``too_small`` is drawn as a thin dotted line without a band, and its
    legend entry says so (``small_note``): it is shown, not offered as evidence.

    Parameters
    ----------
    table : DataFrame
        :meth:`csnb.analyses.turnover.RetentionResult.tidy`: group, time, survival, ci_low,
        ci_high, too_small.
    ax : matplotlib Axes, optional
    lang : {"en", "zh"}
        Language of the group labels (shift and role values have labels).
    bands : bool, default True
        Shade the pointwise 95% band of each group large enough to read.
    title, xlabel, ylabel, small_note : str
        Labels (the report passes them in its language).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    with theme():
        if ax is None:
            _, ax = plt.subplots()
        groups = list(dict.fromkeys(table["group"]))
        for i, group in enumerate(groups):
            rows = table[table["group"] == group].sort_values("time")
            small = bool(rows["too_small"].iloc[0])
            label = value_label(group, lang) if isinstance(group, str) else str(group)
            color = f"C{i % 10}"
            if small:
                ax.step(rows["time"], rows["survival"], where="post", color=color,
                        linewidth=0.8, linestyle=":", alpha=0.7,
                        label=f"{label} ({small_note})")
                continue
            ax.step(rows["time"], rows["survival"], where="post", color=color, linewidth=1.8,
                    label=label)
            if bands:
                ax.fill_between(rows["time"], rows["ci_low"], rows["ci_high"], step="post",
                                color=color, alpha=0.15, linewidth=0)
        ax.set_ylim(0, 1.02)
        ax.set_xlim(left=0)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        if len(groups) > 1 or (groups and bool(table["too_small"].any())):
            ax.legend(fontsize=9)
    return ax


def plot_cohort_heatmap(table: pd.DataFrame, ax=None, *, value: str = "share",
                        title: str | None = None, xlabel: str = "Months since hire",
                        ylabel: str = "Hire month", annotate: bool = True):
    """Draw hire cohorts (rows) by months since hire (columns), coloured by ``value``.

    Parameters
    ----------
    table : DataFrame
        :func:`csnb.analyses.turnover.cohort_retention_table`: hire_month,
        months_since_hire, ``value`` (default share, a fraction) and cohort_size.
    ax : matplotlib Axes, optional
    value : str
        Column to colour by.
    title, xlabel, ylabel : str
    annotate : bool, default True
        Write each cell's value (as a percentage) in it.

    Returns
    -------
    matplotlib.axes.Axes
        Cells not yet observed stay blank.
    """
    import matplotlib.pyplot as plt

    grid = table.pivot(index="hire_month", columns="months_since_hire", values=value)
    grid = grid.sort_index()
    with theme():
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 0.35 * max(len(grid), 4) + 1.5))
        data = np.ma.masked_invalid(grid.to_numpy(dtype=float))
        image = ax.imshow(data, aspect="auto", cmap="YlGnBu", vmin=0, vmax=1,
                          interpolation="nearest")
        ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        sizes = table.drop_duplicates("hire_month").set_index("hire_month")["cohort_size"] \
            if "cohort_size" in table else None
        labels = [f"{m} (n={int(sizes[m])})" if sizes is not None else str(m)
                  for m in grid.index]
        ax.set_yticks(range(len(grid.index)), labels, fontsize=8)
        ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns], fontsize=8)
        ax.grid(False)
        if annotate:
            for (r, c), v in np.ndenumerate(grid.to_numpy(dtype=float)):
                if np.isfinite(v):
                    ax.text(c, r, f"{v:.0%}", ha="center", va="center", fontsize=7,
                            color="white" if v > 0.6 else "black")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
    return ax


def plot_hazard_ratios(table: pd.DataFrame, ax=None, *, xlabel: str = "Hazard ratio (95% CI)",
                       title: str | None = None):
    """Forest plot of a Cox model's hazard ratios (:meth:`CoxResult.tidy`).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plot_coefficients(table, ax=ax, log=True, ref=1.0, xlabel=xlabel, title=title)
    plain_ratio_axis(ax)
    return ax


def plain_ratio_axis(ax) -> None:
    """Label a logarithmic ratio axis with plain numbers (0.25, 0.5, 1, 2, 4, ...).

    matplotlib's default log labels (10^0 and crowded minor labels such as 3x10^-1) are
    unreadable for a manager; ratios read best at doublings and halvings.
    """
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    low, high = ax.get_xlim()
    ticks = [2.0 ** k for k in range(-12, 13) if low <= 2.0 ** k <= high]
    if len(ticks) > 8:
        ticks = [x for x in (10.0 ** k for k in range(-4, 5)) if low <= x <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_headcount_flow(table: pd.DataFrame, *, labels: dict[str, str] | None = None,
                        title: str | None = None):
    """Draw a headcount flow: hires up and exits down by type, then the turnover rates.

    Parameters
    ----------
    table : DataFrame
        :func:`csnb.metrics.headcount_table` at shop level: month, hires, exits,
        exits_voluntary, exits_involuntary, exits_other, turnover_rate,
        turnover_rate_trailing_12m. Months the data cannot answer (NaN) are left blank; a
        month whose split is NaN (exits without a reason) draws its exits as one hatched bar
        (label key ``exits_untyped``).
    labels : dict, optional
        Legend labels by column name (the report passes them in its language).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the month axis: counts (hires above zero, the exit types stacked
        below it) and the monthly and trailing-12-month turnover rates.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    labels = labels or {}
    data = table.sort_values("month").reset_index(drop=True)
    x = np.arange(len(data))
    with theme():
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True,
                                          gridspec_kw={"height_ratios": [3, 2]})
        hires = data["hires"].to_numpy(dtype=float)
        top.bar(x, hires, color="C2", label=labels.get("hires", "hires"))
        base = np.zeros(len(data))
        for col, color in (("exits_voluntary", "C3"), ("exits_involuntary", "C1"),
                           ("exits_other", "C7")):
            values = data[col].to_numpy(dtype=float)
            top.bar(x, -np.nan_to_num(values), bottom=-base, color=color,
                    label=labels.get(col, col))
            base = base + np.nan_to_num(values)
        # A month whose exits have no recorded type (no exit_reason column) still shows its
        # exits, as one bar of their own rather than as no exits at all.
        exits = data["exits"].to_numpy(dtype=float)
        split = data[["exits_voluntary", "exits_involuntary", "exits_other"]].to_numpy(float)
        untyped = np.where(np.isnan(split).any(axis=1), np.nan_to_num(exits), 0.0)
        if untyped.any():
            top.bar(x, -untyped, bottom=-base, color="0.55", hatch="//", edgecolor="white",
                    label=labels.get("exits_untyped", "exits, type not recorded"))
        top.axhline(0, color="black", linewidth=0.8)
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.yaxis.set_major_formatter(lambda v, _: f"{abs(v):.0f}")
        top.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        for col, style in (("turnover_rate", "-o"), ("turnover_rate_trailing_12m", "--")):
            bottom.plot(x, data[col].to_numpy(dtype=float), style, markersize=3,
                        label=labels.get(col, col))
        bottom.set_ylim(bottom=0)
        bottom.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        bottom.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        bottom.set_xticks(x, list(data["month"]), rotation=90, fontsize=8)
        if title:
            top.set_title(title)
        fig.tight_layout()
    return fig
