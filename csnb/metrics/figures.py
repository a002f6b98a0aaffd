"""Headline figures of months at shop level: the figures every report leads with."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..io.dataset import Dataset
from ..months import check_month, month_bounds, month_of
from .headcount import headcount_table
from .kpis import _provisional_span, data_months, data_span, kpi_table, zero_fill_columns
from .panels import team_panel

__all__ = ["FIGURE_KEYS", "FIGURE_NEEDS", "INCENTIVE_KEYS", "incentive_figures", "lacking",
           "month_figures", "monthly_figures"]

#: Keys of :func:`month_figures` (and columns of :func:`monthly_figures` after ``month``).
FIGURE_KEYS = (
    "opening_headcount", "hires", "exits", "exits_voluntary", "exits_involuntary",
    "closing_headcount", "turnover_rate", "turnover_rate_trailing_12m", "inquiries",
    "converted_inquiries", "conversion_rate", "credited_sales", "silent_sales", "order_value",
    "avg_first_response_s", "fast_response_rate", "counted_sessions", "complaints",
    "paid_orders", "complaints_per_1k_orders", "provisional",
)

#: Columns of :func:`incentive_figures` after ``month``.
INCENTIVE_KEYS = ("teams_with_policy", "ranked_agents", "bottom_agents",
                  "exits_bottom_ranked_out")

#: The contract tables each headline figure reads: groups of which at least one table must be
#: present (every group must be satisfied). Without them the figure is NaN in every month:
#: the data say nothing about it, so reports leave it out and say which table it needs.
FIGURE_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    **{k: (("agents",),) for k in (
        "opening_headcount", "hires", "exits", "exits_voluntary", "exits_involuntary",
        "closing_headcount", "turnover_rate", "turnover_rate_trailing_12m",
        "exits_bottom_ranked_out")},
    **{k: (("sessions", "agent_daily"),) for k in (
        "inquiries", "converted_inquiries", "conversion_rate", "avg_first_response_s",
        "fast_response_rate")},
    "counted_sessions": (("sessions",),),
    # agent_daily holds the credited sales; orders give them through the agent tag.
    "credited_sales": (("orders", "agent_daily"),),
    # Paying customers and unattributed orders need orders and the sessions to attribute.
    "order_value": (("orders",), ("sessions",)),
    "silent_sales": (("orders",), ("sessions",)),
    "paid_orders": (("orders",),),
    "complaints": (("complaints",),),
    "complaints_per_1k_orders": (("complaints",), ("orders",)),
    "teams_with_policy": (("policies",),),
    "ranked_agents": (("agents", "rankings"),),
    "bottom_agents": (("agents", "rankings"),),
}


def lacking(needs: Sequence[Sequence[str]], tables: Sequence[str]) -> list[tuple[str, ...]]:
    """The groups of ``needs`` of which no table is in ``tables`` (empty: nothing lacks).

    Parameters
    ----------
    needs : sequence of sequences of str
        Groups of contract tables, at least one of each group needed (as
        :data:`FIGURE_NEEDS`' values).
    tables : sequence of str
        The contract tables present (``Dataset.tables``).
    """
    present = set(tables)
    return [tuple(group) for group in needs if not present.intersection(group)]


# The data figures, all taken from the shop-level monthly KPIs.
_FIGURE_SOURCES = (
    "inquiries", "converted_inquiries", "conversion_rate", "avg_first_response_s",
    "fast_response_rate", "counted_sessions", "credited_sales", "silent_sales", "order_value",
    "paid_orders", "complaints", "complaints_per_1k_orders",
)
_HEADCOUNT_FIGURES = {
    "opening_headcount": "opening", "hires": "hires", "exits": "exits",
    "exits_voluntary": "exits_voluntary", "exits_involuntary": "exits_involuntary",
    "closing_headcount": "closing", "turnover_rate": "turnover_rate",
    "turnover_rate_trailing_12m": "turnover_rate_trailing_12m",
}
_INT_FIGURES = {"opening_headcount", "hires", "exits", "exits_voluntary", "exits_involuntary",
                "closing_headcount", "inquiries", "converted_inquiries", "counted_sessions",
                "complaints", "paid_orders"}


def monthly_figures(ds: Dataset, months: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the headline figures of several months at shop level, one row per month.

    Parameters
    ----------
    ds : Dataset
    months : sequence of str, optional
        ``"YYYY-MM"`` months; default every month from the first to the last month with data.

    Returns
    -------
    pandas.DataFrame
        Column ``month`` then the keys of :func:`month_figures` (:data:`FIGURE_KEYS`). A
        figure is NaN when its table is absent or the month lies outside the months the data
        can answer (:func:`~csnb.metrics.data_months`), headcount figures included: a
        roster rarely lists who left before its data begin. Counts are 0 in a month of that
        span without records of a present table (and rates over them NaN).
    """
    months = ([check_month(m, "months") for m in months] if months is not None
              else data_months(ds))
    out = pd.DataFrame({"month": months})
    if not months:
        return pd.DataFrame(columns=["month", *FIGURE_KEYS])
    # Headcount from agents.
    answerable = data_months(ds)
    since = answerable[0] if answerable else None
    if ds.has("agents"):
        hc = headcount_table(ds.frame("agents"), months, since=since).set_index("month")
        for key, col in _HEADCOUNT_FIGURES.items():
            out[key] = out["month"].map(hc[col]).astype(float)
    else:
        for key in _HEADCOUNT_FIGURES:
            out[key] = np.nan
    # Data figures from the shop-level monthly KPIs.
    kpis = kpi_table(ds, (), "month").set_index("period")
    zero = set(zero_fill_columns(ds, shop=True))
    # A month inside the data's span without records of a present table has zero counts (and
    # undefined rates); a month before the data start or after its end is unknown, not zero,
    # and figures of absent tables stay missing.
    first, last = data_span(ds)
    inside = (out["month"].between(month_of(first), month_of(last)) if first and last
              else pd.Series(False, index=out.index))
    for key in _FIGURE_SOURCES:
        values = out["month"].map(kpis[key]).astype(float)
        if key in zero:
            values = values.mask(values.isna() & inside, 0.0)
        out[key] = values
    outside = ~out["month"].isin(answerable)
    out.loc[outside, [*_HEADCOUNT_FIGURES, *_FIGURE_SOURCES]] = np.nan
    out["provisional"] = [_provisional_span(ds, *month_bounds(m)) for m in months]
    return out[["month", *FIGURE_KEYS]]


def month_figures(ds: Dataset, month: str) -> dict:
    """Return the headline figures of one month at shop level (JSON-ready).

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    dict
        Exactly the keys :data:`FIGURE_KEYS`: opening_headcount, hires, exits,
        exits_voluntary, exits_involuntary, closing_headcount, turnover_rate,
        turnover_rate_trailing_12m, inquiries, converted_inquiries, conversion_rate,
        credited_sales, silent_sales, order_value, avg_first_response_s, fast_response_rate,
        counted_sessions (the sessions the response figures count), complaints, paid_orders,
        complaints_per_1k_orders, provisional. Counts are ``int``,
        amounts and rates ``float``, ``provisional`` ``bool``; a figure whose table is absent
        (or undefined, such as a rate over zero) is ``None``, never NaN.
    """
    row = monthly_figures(ds, [month]).iloc[0]
    out: dict = {}
    for key in FIGURE_KEYS:
        value = row[key]
        if key == "provisional":
            out[key] = bool(value)
        elif value is None or pd.isna(value):
            out[key] = None
        elif key in _INT_FIGURES:
            out[key] = int(round(float(value)))
        else:
            out[key] = float(value)
    return out




def incentive_figures(ds: Dataset, months: Sequence[str]) -> pd.DataFrame:
    """Monthly counts of the bottom-ranked-out policy (team counts summed over the teams).

    Parameters
    ----------
    ds : Dataset
    months : sequence of str
        ``"YYYY-MM"`` months.

    Returns
    -------
    pandas.DataFrame
        Columns month, teams_with_policy (teams with an active policy), ranked_agents and
        bottom_agents (agents ranked, and ranked bottom, in teams whose policy is active that
        month), exits_bottom_ranked_out (NaN where the needed table is absent, and in a
        month with an exit whose reason is not recorded).
    """
    months = [check_month(m, "months") for m in months]
    out = pd.DataFrame({"month": months})
    if not ds.has("agents"):
        for column in INCENTIVE_KEYS:
            out[column] = math.nan
        return out
    outside = ~out["month"].isin(data_months(ds))
    agents = ds.frame("agents")
    exit_month = pd.to_datetime(agents["exit_date"]).dt.strftime("%Y-%m")
    bro = exit_month[agents["exit_reason"] == "bottom_ranked_out"].value_counts()
    out["exits_bottom_ranked_out"] = out["month"].map(bro).fillna(0)
    # A month with an exit of no recorded reason: its bottom-ranked-out exits are unknown.
    untyped = set(exit_month[exit_month.notna() & agents["exit_reason"].isna()])
    out.loc[out["month"].isin(untyped), "exits_bottom_ranked_out"] = math.nan
    panel = team_panel(ds)
    by_month = panel.groupby("month")
    out["teams_with_policy"] = out["month"].map(by_month["policy_active"].sum()).fillna(0)
    for column in ("ranked_agents", "bottom_agents"):
        out[column] = out["month"].map(by_month[column].sum(min_count=1))
        if panel[column].notna().any():
            out[column] = out[column].fillna(0)
    # A month the data cannot answer is unknown, not a month without the policy.
    out.loc[outside, list(INCENTIVE_KEYS)] = math.nan
    return out[["month", *INCENTIVE_KEYS]]
