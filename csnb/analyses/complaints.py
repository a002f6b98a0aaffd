"""Complaints: rates, u-chart, seasonality, count model, fault ledger, resolution times.

DESIGN.md "Analyses: complaints" and issue 9.

Every figure is the metric book's: complaints counted by the day of ``created_ts``, paid
orders from :func:`csnb.metrics.kpi_table`, fines from :func:`csnb.metrics.fines_table`. The
complaints table is small, so breakdowns the metric book has no query for are done in pandas
on ``ds.frame("complaints")``; sessions and orders are only read through ``kpi_table``.

Promotion windows (``promotions``) map a name to a first and last day written ``MM-DD``; the
default is the dataset's ``settings.promotions``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import check_one_of
from ..io.dataset import Dataset
from ..metrics import UNKNOWN_TEAM, data_months, fines_table, kpi_table
from ..months import check_month, months_ending, shift_month
from .base import Result, json_value, records
from .complaint_trends import (
    THREE_SIGMA_TAIL,
    U_CHART_METHODS,
    SeasonalResult,
    UChartResult,
    _complaints,
    complaint_model_frame,
    fit_complaint_model,
    fit_seasonal,
    fit_u_chart,
    poisson_limits,
    promotion_of,
)

__all__ = [
    "BREAKDOWN_BY",
    "THREE_SIGMA_TAIL",
    "UNATTRIBUTED",
    "U_CHART_METHODS",
    "BreakdownResult",
    "LedgerResult",
    "ResolutionResult",
    "SeasonalResult",
    "UChartResult",
    "complaint_breakdown_table",
    "complaint_model_frame",
    "fault_ledger_table",
    "fit_complaint_model",
    "fit_seasonal",
    "fit_u_chart",
    "poisson_limits",
    "promotion_of",
    "resolution_table",
]

Breakdown = Literal["category", "source", "team", "agent"]
#: Allowed ``by`` of :func:`complaint_breakdown_table`.
BREAKDOWN_BY: tuple[str, ...] = ("category", "source", "team", "agent")
#: Key of complaints that lack the breakdown's key (no agent, no category...).
UNATTRIBUTED = "unattributed"
TOTAL = "total"


def _month_paid_orders(ds: Dataset) -> pd.Series:
    k = kpi_table(ds)
    return k.set_index("period")["paid_orders"]


# ---------------------------------------------------------------------------------------------
# Breakdown
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownResult(Result):
    """This month's complaints by a key, against last month and the same month last year.

    Attributes
    ----------
    month, by : str
    table : DataFrame
        See :meth:`tidy`.
    complaints, paid_orders : float
        The month's shop totals (the headline).
    """

    columns = ("key", "kind", "complaints", "per_1k_orders", "share", "complaints_last_month",
               "per_1k_orders_last_month", "complaints_last_year", "per_1k_orders_last_year",
               "change_per_1k")

    month: str
    by: str
    table: pd.DataFrame = field(repr=False)
    complaints: float
    paid_orders: float

    def tidy(self) -> pd.DataFrame:
        """One row per key, then ``unattributed``, then ``total``.

        Columns: key; kind (``"key"``, ``"unattributed"`` or ``"total"``); complaints;
        per_1k_orders (complaints per 1,000 of the shop's paid orders of the month); share (of
        the month's complaints); complaints_last_month, per_1k_orders_last_month,
        complaints_last_year, per_1k_orders_last_year (NaN for a month outside the data);
        change_per_1k (per_1k_orders - per_1k_orders_last_month). ``by="agent"`` adds name
        and team. Keys are sorted by complaints, most first (a Pareto order).
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """``{key: {count, per_1k_orders, share, count_last_month, ...}}`` and the total."""
        lines = {
            str(r["key"]): {"count": r["complaints"], "per_1k_orders": r["per_1k_orders"],
                            "share": r["share"], "count_last_month": r["complaints_last_month"],
                            "per_1k_orders_last_month": r["per_1k_orders_last_month"],
                            "count_last_year": r["complaints_last_year"],
                            "per_1k_orders_last_year": r["per_1k_orders_last_year"]}
            for r in records(self.table)
        }
        total = lines.pop(TOTAL)
        return {"month": self.month, "by": self.by, "lines": lines, "total": total}

    def plot(self, ax=None):
        """Pareto chart of this month's complaints by key."""
        from ..plots.complaints import plot_pareto

        return plot_pareto(self.table, ax=ax)


def complaint_breakdown_table(ds: Dataset, month: str, by: Breakdown = "category"
                              ) -> BreakdownResult:
    """Break this month's complaints down by category, source, team or agent.

    Parameters
    ----------
    ds : Dataset
        Needs ``complaints``; ``orders`` for the rates; ``agents`` for teams and names.
    month : str
        ``"YYYY-MM"``.
    by : {"category", "source", "team", "agent"}
        Complaints without the key (no agent_id for team and agent) are the ``unattributed``
        line; an agent missing from ``agents`` is in team ``"(unknown)"``.

    Returns
    -------
    BreakdownResult
        Its lines (keys and unattributed) sum to the month's headline complaints.
    """
    check_month(month)
    check_one_of("by", by, BREAKDOWN_BY)
    c = _complaints(ds)
    agents = ds.frame("agents") if ds.has("agents") else None
    if by in ("category", "source"):
        key = c[by]
    else:
        key = c["agent_id"]
        if by == "team":
            teams = agents.set_index("agent_id")["team"] if agents is not None else pd.Series(
                dtype=object)
            key = key.map(teams).fillna(UNKNOWN_TEAM).where(key.notna())
    c["key"] = key.where(key.notna() & (key.astype(str) != ""), UNATTRIBUTED).astype(str)
    paid = _month_paid_orders(ds) if ds.has("orders") else pd.Series(dtype=float)
    known = set(data_months(ds))
    compare = {"": month, "_last_month": shift_month(month, -1),
               "_last_year": shift_month(month, -12)}
    counts = {sfx: c.loc[c["month"] == m, "key"].value_counts() for sfx, m in compare.items()}
    seen = set().union(*(set(v.index) for v in counts.values())) - {UNATTRIBUTED}
    # Keys in Pareto order of this month; a key seen only in a comparison month stays, at 0.
    keys = sorted(seen, key=lambda k: (-counts[""].get(k, 0), k))
    index = [*keys, UNATTRIBUTED, TOTAL]
    table = pd.DataFrame({"key": index,
                          "kind": ["key"] * len(keys) + ["unattributed", "total"]})
    orders: dict[str, float] = {}
    for sfx, m in compare.items():
        orders[sfx] = float(paid.get(m, np.nan)) if m in known else np.nan
        if m in known:
            lines = counts[sfx].reindex(index[:-1]).fillna(0.0).astype(float)
            values = [*lines.to_numpy(), float(lines.sum())]
        else:  # a month outside the data is unknown, not zero
            values = [np.nan] * len(index)
        table[f"complaints{sfx}"] = values
        per = orders[sfx] if orders[sfx] > 0 else np.nan
        table[f"per_1k_orders{sfx}"] = table[f"complaints{sfx}"] / per * 1000
    n = float(table["complaints"].iloc[-1])
    table["share"] = table["complaints"] / n if n > 0 else np.nan
    table["change_per_1k"] = table["per_1k_orders"] - table["per_1k_orders_last_month"]
    out = table[list(BreakdownResult.columns)]
    if by == "agent":
        names = agents.set_index("agent_id") if agents is not None else pd.DataFrame(
            columns=["name", "team"])
        out.insert(1, "name", out["key"].map(names["name"]))
        out.insert(2, "team", out["key"].map(names["team"]))
    return BreakdownResult(month=month, by=by, table=out.reset_index(drop=True),
                           complaints=n, paid_orders=orders[""])

# ---------------------------------------------------------------------------------------------
# Fault ledger
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerResult(Result):
    """At-fault complaints and fines by agent, with each agent's rate against the team.

    Attributes
    ----------
    month : str
    table : DataFrame
        See :meth:`tidy`.
    """

    columns = ("agent_id", "name", "team", "at_fault", "fine_yuan", "dismissal",
               "at_fault_3m", "months_with_fault_3m", "repeat_offender", "complaints",
               "sessions", "agent_complaint_rate", "team_complaint_rate", "expected",
               "ucl_rate", "above_team")

    month: str
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """One row per agent with sessions or complaints in the month.

        Columns: agent_id; name; team; at_fault (at-fault service complaints this month, as
        :func:`csnb.metrics.fines_table` counts them); fine_yuan (their fines); dismissal
        (the schedule's dismissal reached); at_fault_3m and months_with_fault_3m (over the
        three months ending this one); repeat_offender (at fault in two or more of them);
        complaints (attributed to the agent); sessions; agent_complaint_rate (per 1,000
        sessions); team_complaint_rate (the team's, per 1,000 sessions); expected (complaints
        at the team rate); ucl_rate (upper 3-sigma funnel limit per 1,000 sessions: the exact
        Poisson 99.865% quantile of the expected count over sessions); above_team
        (complaints above that limit). Sorted by fine, at-fault complaints, complaints.
        """
        return self.table.copy()

    def payroll(self) -> pd.DataFrame:
        """The ledger for payroll: agents with at-fault complaints this month."""
        cols = ["agent_id", "name", "team", "at_fault", "fine_yuan", "dismissal",
                "repeat_offender"]
        return self.table.loc[self.table["at_fault"] > 0, cols].reset_index(drop=True)

    def to_json(self) -> dict[str, Any]:
        """The payroll ledger, the month's total fines, dismissals and flagged agents."""
        pay = self.payroll()
        return {
            "ledger": records(pay[["agent_id", "name", "at_fault", "fine_yuan", "dismissal"]]),
            "total_fines_yuan": json_value(float(pay["fine_yuan"].sum())),
            "dismissals": int(pay["dismissal"].sum()),
            "repeat_offenders": [str(a) for a in pay.loc[pay["repeat_offender"], "agent_id"]],
            "above_team": [str(a) for a in self.table.loc[self.table["above_team"],
                                                          "agent_id"]],
        }

    def plot(self, ax=None):
        """Funnel plot: agent complaint rate against sessions with the team's limits."""
        from ..plots.complaints import plot_funnel

        return plot_funnel(self.table, ax=ax)


def fault_ledger_table(ds: Dataset, month: str) -> LedgerResult:
    """Build the month's at-fault ledger by agent, with fines and a funnel against the team.

    Parameters
    ----------
    ds : Dataset
        Needs ``complaints``; ``sessions`` for the rates; ``agents`` for names and teams.
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    LedgerResult
    """
    check_month(month)
    _complaints(ds)  # the clear error when the table is missing
    fines = fines_table(ds)
    window = months_ending(month, 3)
    recent = fines[fines["month"].isin(window)]
    this = recent[recent["month"] == month].groupby("agent_id").agg(
        at_fault=("complaint_id", "size"), fine_yuan=("fine", "sum"),
        dismissal=("dismissal", "any"))
    spread = recent.groupby("agent_id").agg(at_fault_3m=("complaint_id", "size"),
                                            months_with_fault_3m=("month", "nunique"))
    kpi = kpi_table(ds, ("agent_id",))
    kpi = kpi[kpi["period"] == month].set_index("agent_id")
    agent_ids = this.index.union(kpi.index[(kpi["sessions"].fillna(0) > 0)
                                           | (kpi["complaints"].fillna(0) > 0)])
    t = pd.DataFrame(index=pd.Index(agent_ids, name="agent_id"))
    agents = ds.frame("agents").set_index("agent_id") if ds.has("agents") else None
    t["name"] = t.index.map(agents["name"]) if agents is not None else None
    t["team"] = (t.index.map(agents["team"]).fillna(UNKNOWN_TEAM) if agents is not None
                 else UNKNOWN_TEAM)
    t = t.join(this).join(spread)
    t["at_fault"] = t["at_fault"].fillna(0).astype(int)
    t["fine_yuan"] = t["fine_yuan"].fillna(0.0).astype(float)
    t["dismissal"] = t["dismissal"].astype("boolean").fillna(False).astype(bool)
    t["at_fault_3m"] = t["at_fault_3m"].fillna(0).astype(int)
    t["months_with_fault_3m"] = t["months_with_fault_3m"].fillna(0).astype(int)
    t["repeat_offender"] = t["months_with_fault_3m"] >= 2
    t["complaints"] = t.index.map(kpi["complaints"]).fillna(0).astype(float)
    t["sessions"] = t.index.map(kpi["sessions"]).astype(float)
    s = t["sessions"].where(t["sessions"] > 0)
    t["agent_complaint_rate"] = t["complaints"] / s * 1000
    team = t.groupby("team")[["complaints", "sessions"]].sum(min_count=1)
    p = (team["complaints"] / team["sessions"].where(team["sessions"] > 0))
    t["team_complaint_rate"] = t["team"].map(p * 1000).astype(float)
    # float even when no agent is listed (an empty map keeps the teams' text dtype)
    lam = t["team"].map(p).astype(float) * s
    t["expected"] = lam
    q = poisson_limits(lam.fillna(0).to_numpy(), THREE_SIGMA_TAIL)[1]
    t["ucl_rate"] = np.where(lam.notna(), q / s * 1000, np.nan)
    t["above_team"] = (lam.notna() & (t["complaints"] > np.where(lam.notna(), q, np.inf)))
    t = t.reset_index().sort_values(["fine_yuan", "at_fault", "complaints", "agent_id"],
                                    ascending=[False, False, False, True], kind="stable")
    return LedgerResult(month=month, table=t[list(LedgerResult.columns)].reset_index(drop=True))


# ---------------------------------------------------------------------------------------------
# Resolution times
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionResult(Result):
    """Resolution time and severity mix by month and category.

    Attributes
    ----------
    month : str
    table : DataFrame
        See :meth:`tidy`.
    """

    columns = ("month", "category", "complaints", "resolved", "open", "median_hours",
               "p90_hours", "severity_1", "severity_2", "severity_3")

    month: str
    table: pd.DataFrame = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """One row per month and category, then ``all`` per month.

        Columns: month; category; complaints (created in the month); resolved; open (no
        resolved_ts); median_hours, p90_hours (of created -> resolved, resolved complaints;
        NaN when none or when the table has no resolved_ts); severity_1..3 (counts; NaN
        when the table has no severity).
        """
        return self.table.copy()

    def to_json(self) -> dict[str, Any]:
        """The report month's rows."""
        return {"rows": records(self.table[self.table["month"] == self.month])}

    def plot(self, ax=None):
        """Median and P90 resolution hours by category for the month."""
        from ..plots.complaints import plot_resolution

        return plot_resolution(self.table[self.table["month"] == self.month], ax=ax)


def resolution_table(ds: Dataset, month: str, months: int = 1) -> ResolutionResult:
    """Resolution times (median, P90), open complaints and severity mix by category.

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``: the last month.
    months : int, default 1
        Months ending at ``month`` (12 for a trend).

    Returns
    -------
    ResolutionResult
    """
    check_month(month)
    c = _complaints(ds)
    c = c[c["month"].isin(months_ending(month, months))].copy()
    hours = (pd.to_datetime(c["resolved_ts"]) - pd.to_datetime(c["created_ts"])
             ).dt.total_seconds() / 3600
    c["hours"] = hours.where(hours >= 0)
    c["is_open"] = c["resolved_ts"].isna()
    has_sev = c["severity"].notna().any()
    rows = []
    for (m, cat), g in [*c.groupby(["month", "category"]),
                        *((((m, "all"), g) for m, g in c.groupby("month")))]:
        sev = g["severity"].value_counts()
        rows.append({
            "month": m, "category": cat, "complaints": len(g),
            "resolved": int((~g["is_open"]).sum()), "open": int(g["is_open"].sum()),
            "median_hours": g["hours"].median(), "p90_hours": g["hours"].quantile(0.9),
            **{f"severity_{k}": float(sev.get(k, 0)) if has_sev else np.nan for k in (1, 2, 3)},
        })
    table = pd.DataFrame(rows, columns=list(ResolutionResult.columns))
    table = table.sort_values(["month", "complaints"], ascending=[True, False], kind="stable")
    return ResolutionResult(month=month, table=table.reset_index(drop=True))
