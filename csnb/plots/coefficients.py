"""One coefficient (forest) plot for every model family: HR, OR, IRR, marginal effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .theme import theme

__all__ = ["plot_coefficients"]


def plot_coefficients(table: pd.DataFrame, ax=None, *, estimate: str = "estimate",
                      ci_low: str = "ci_low", ci_high: str = "ci_high", term: str = "term",
                      log: bool = True, ref: float = 1.0, xlabel: str | None = None,
                      title: str | None = None):
    """Draw one coefficient (forest) plot: each term's estimate with its confidence interval.

    Generic for any model family: hazard ratios, odds ratios, incidence-rate ratios
    (``log=True``, ``ref=1``) or raw coefficients and marginal effects (``log=False``,
    ``ref=0``).

    Parameters
    ----------
    table : DataFrame
        One row per term with columns ``term``, ``estimate``, ``ci_low``, ``ci_high`` (names
        configurable). Rows keep their order, top to bottom; infinite or missing limits are
        drawn to the edge of the axis.
    ax : matplotlib Axes, optional
    log : bool, default True
        Logarithmic x axis (ratios).
    ref : float, default 1.0
        Value of "no effect", drawn as a vertical line.
    xlabel, title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    rows = table.reset_index(drop=True)
    est = pd.to_numeric(rows[estimate], errors="coerce").to_numpy(dtype=float)
    low = pd.to_numeric(rows[ci_low], errors="coerce").to_numpy(dtype=float)
    high = pd.to_numeric(rows[ci_high], errors="coerce").to_numpy(dtype=float)
    finite = np.concatenate([v[np.isfinite(v) & ((v > 0) | (not log))]
                             for v in (est, low, high)] + [np.array([ref])])
    lo_edge, hi_edge = finite.min(), finite.max()
    # A missing or infinite limit is drawn to the axis edge rather than dropped silently.
    low = np.where(np.isfinite(low) & ((low > 0) | (not log)), low, lo_edge)
    high = np.where(np.isfinite(high), high, hi_edge)
    y = np.arange(len(rows))
    with theme():
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.4 * max(len(rows), 3) + 1.2))
        ax.hlines(y, low, high, color="C0", linewidth=2)
        ax.plot(est, y, "o", color="C0", markersize=6, linestyle="none")
        ax.axvline(ref, color="grey", linestyle="--", linewidth=1)
        if log:
            ax.set_xscale("log")
        ax.set_yticks(y, [str(v) for v in rows[term]])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        if xlabel:
            ax.set_xlabel(xlabel)
        if title:
            ax.set_title(title)
    return ax
