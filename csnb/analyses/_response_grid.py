"""Inquiries and first response by weekday and hour of a month (the 排班 view).

Part of :mod:`csnb.analyses.conversion`, which exports :func:`response_grid` and
:class:`ResponseGridResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from scipy import stats

from ..io.dataset import Dataset
from ..metrics.inquiries import response_grid_table
from ..metrics.sql import dataset_sql
from ..months import check_month, month_bounds
from .base import Result, records

__all__ = ["ResponseGridResult", "response_grid"]


@dataclass(frozen=True)
class ResponseGridResult(Result):
    """Inquiries and first response by weekday and hour of a month (the 排班 view).

    Attributes
    ----------
    month : str
    fast_response_s : float
        Threshold of the fast-response rate.
    table : DataFrame
        One row per weekday (0 = Monday) and hour (0-23), every cell present: weekday, hour,
        days (that weekday's days in the month), inquiries (by the hour their first presale
        session started), inquiries_per_day (inquiries / days), counted_sessions (sessions
        in business hours, every kind), avg_first_response_s (capped, never answered =
        cap; NaN without counted sessions), fast_response_rate.
    """

    columns = ("weekday", "hour", "days", "inquiries", "inquiries_per_day", "counted_sessions",
               "avg_first_response_s", "fast_response_rate")

    month: str
    fast_response_s: float
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """Return the weekday x hour table."""
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """Month, threshold and the cells."""
        return {"month": self.month, "fast_response_s": self.fast_response_s,
                "cells": records(self.table)}

    def below_target(self, target: float, *, alpha: float = 0.05) -> pd.DataFrame:
        """Weekday-hour cells whose fast-response rate is below ``target`` beyond chance.

        Each cell with counted sessions is tested against the target with an exact one-sided
        binomial test (``scipy.stats.binomtest``, alternative "less"): fast sessions of
        counted sessions.

        Parameters
        ----------
        target : float
            Target fast-response rate, a share (``settings.targets["fast_response_rate"]``).
        alpha : float, default 0.05

        Returns
        -------
        DataFrame
            One row per cell with counted sessions: weekday, hour, counted_sessions,
            fast_sessions, fast_response_rate, p_value, below (p_value < alpha), sorted by
            fast_response_rate (lowest first).
        """
        cells = self.table[self.table["counted_sessions"] > 0].copy()
        cells["fast_sessions"] = (cells["fast_response_rate"] * cells["counted_sessions"]) \
            .round().astype(int)
        cells["p_value"] = [
            stats.binomtest(int(k), int(n), target, alternative="less").pvalue
            for k, n in zip(cells["fast_sessions"], cells["counted_sessions"], strict=True)]
        cells["below"] = cells["p_value"] < alpha
        cols = ["weekday", "hour", "counted_sessions", "fast_sessions", "fast_response_rate",
                "p_value", "below"]
        return cells.sort_values(["fast_response_rate", "weekday", "hour"])[cols] \
            .reset_index(drop=True)

    def plot(self, ax=None, *, value: str = "inquiries_per_day"):
        """Heatmap of ``value`` by weekday (rows) and hour (columns)."""
        from ..plots.conversion import plot_response_grid

        return plot_response_grid(self.table, value=value, ax=ax)


def _inquiries_by_hour(ds: Dataset, month: str) -> pd.DataFrame:
    """Columns weekday (0 = Monday), hour, inquiries; empty without sessions.

    Inquiries per day and hour of their first presale session, counted in the engine (the
    metric book's ``"inquiries_by_hour"``): a month of a large shop has millions of
    inquiries, and only these 24 x 31 counts need to reach pandas.
    """
    if not ds.has("sessions"):
        return pd.DataFrame({"weekday": [], "hour": [], "inquiries": []})
    first, last = month_bounds(month)
    out = ds.query(dataset_sql(ds, "inquiries_by_hour", start=first, end=last))
    # Weekdays in pandas: engines number them differently (as metrics.inquiries does).
    out["weekday"] = pd.to_datetime(out["day"]).dt.day_of_week.astype(int)
    out["hour"] = out["hour"].astype(int)
    return out[["weekday", "hour", "inquiries"]]


def response_grid(ds: Dataset, month: str) -> ResponseGridResult:
    """Inquiries and first response of a month by weekday and hour.

    Inquiries are the metric book's (customer, agent, day), placed at the hour their first
    presale session started; the response figures follow the metric book (sessions of every
    kind starting in business hours, first response capped, never answered counts the cap
    and is not fast).

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    ResponseGridResult
        ``tidy()`` columns in :attr:`ResponseGridResult.columns` (7 x 24 rows; zero counts
        and NaN figures without sessions).
    """
    check_month(month)
    first, last = month_bounds(month)
    days = pd.Series(pd.date_range(first, last).day_of_week).value_counts()
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    inquiries = _inquiries_by_hour(ds, month).groupby(["weekday", "hour"])["inquiries"] \
        .sum().reindex(grid, fill_value=0)
    sums = response_grid_table(ds, [month]).groupby(["weekday", "hour"])[
        ["counted_sessions", "capped_response_sum", "fast_sessions"]].sum().reindex(
        grid, fill_value=0.0)
    counted = sums["counted_sessions"].where(sums["counted_sessions"] > 0)
    table = pd.DataFrame({
        "days": [int(days.get(w, 0)) for w, _ in grid],
        "inquiries": inquiries.astype(int).to_numpy(),
        "counted_sessions": sums["counted_sessions"].astype(int).to_numpy(),
        "avg_first_response_s": (sums["capped_response_sum"] / counted).to_numpy(),
        "fast_response_rate": (sums["fast_sessions"] / counted).to_numpy(),
    }, index=grid).reset_index()
    table["inquiries_per_day"] = table["inquiries"] / table["days"].where(table["days"] > 0)
    table = table[list(ResponseGridResult.columns)]
    return ResponseGridResult(month=month, fast_response_s=float(ds.settings.fast_response_s),
                              table=table)
