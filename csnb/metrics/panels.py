"""The panels analyses model: agent-month and team-month (DESIGN.md, "Layers").

Raw tables are aggregated by the metric book's SQL (:func:`~csnb.metrics.kpi_table`); the
panels join those aggregates with the small tables (agents, policies, the ranking, fines).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..io.dataset import Dataset
from ..months import month_bounds
from .complaints import fines_table
from .headcount import HEADCOUNT_COLUMNS, headcount_table
from .kpis import data_months, is_provisional, kpi_table, zero_fill_columns
from .ranking import AGENT_ATTRS, agents_frame, policies_frame, policy_flags, ranking_table
from .sql import KPI_COLUMNS, UNKNOWN_TEAM

__all__ = ["agent_month_panel", "team_month_panel", "team_panel"]


def agent_month_panel(ds: Dataset) -> pd.DataFrame:
    """Return the agent-month panel: attributes, employment events, KPIs, fines, ranking.

    Rows are the agent-months of the data's months (first to last month with data) in which
    the agent was employed on at least one day, plus agent-months with KPI records of agents
    missing from ``agents`` (team ``"(unknown)"``, attributes empty).

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Columns month, agent_id, name, team, shift, role, outsourced, hire_date, exit_date,
        exit_reason, tenure_days (month end - hire_date + 1, or exit_date - hire_date + 1 when
        the agent exited on or before month end), active_whole_month, exited (exit_date in
        the month), then the agent-level KPI columns of :func:`kpi_table`, fines (number of
        at-fault service complaints in :func:`fines_table`), fines_yuan (their fines), bottom
        (bottom-ranked that month), policy_active (the team has an active policies row).
    """
    months = data_months(ds)
    agents = agents_frame(ds)
    kpis = kpi_table(ds, ("agent_id",), "month").rename(columns={"period": "month"})
    kpis = kpis[kpis["month"].isin(months)]
    # Employed agent-months (agents x months, small).
    rows = []
    for m in months:
        first, last = (pd.Timestamp(d) for d in month_bounds(m))
        on = agents[(agents["hire_date"] <= last)
                    & (agents["exit_date"].isna() | (agents["exit_date"] >= first))]
        rows.append(pd.DataFrame({"month": m, "agent_id": on["agent_id"].to_numpy()}))
    employed = (pd.concat(rows, ignore_index=True) if rows
                else pd.DataFrame(columns=["month", "agent_id"]))
    keys = pd.concat([employed, kpis[["month", "agent_id"]]], ignore_index=True) \
        .drop_duplicates()
    panel = keys.merge(agents[["agent_id", *[c for c in AGENT_ATTRS if c in agents]]],
                       on="agent_id", how="left")
    panel["team"] = panel["team"].fillna(UNKNOWN_TEAM)
    month_end = pd.to_datetime(panel["month"].map(lambda m: month_bounds(m)[1]))
    month_start = pd.to_datetime(panel["month"] + "-01")
    stop = panel["exit_date"].where(panel["exit_date"] <= month_end, month_end)
    panel["tenure_days"] = (stop - panel["hire_date"]).dt.days + 1
    panel["active_whole_month"] = (
        (panel["hire_date"] <= month_start)
        & (panel["exit_date"].isna() | (panel["exit_date"] >= month_end))
    ).fillna(False).astype(bool)
    panel["exited"] = ((panel["exit_date"] >= month_start) & (panel["exit_date"] <= month_end)
                       ).fillna(False).astype(bool)
    for col in ("hire_date", "exit_date"):
        panel[col] = panel[col].dt.date
    panel = panel.merge(kpis, on=["month", "agent_id"], how="left")
    # An employed agent without records in a month had zero of each count.
    for col in zero_fill_columns(ds):
        panel[col] = panel[col].fillna(0.0)
    flags = {m: is_provisional(ds, m) for m in months}
    panel["provisional"] = panel["month"].map(flags).fillna(True).astype(bool)
    fines = fines_table(ds)
    if len(fines):
        agg = fines.groupby(["month", "agent_id"]).agg(
            fines=("complaint_id", "size"), fines_yuan=("fine", "sum")).reset_index()
        panel = panel.merge(agg, on=["month", "agent_id"], how="left")
    else:
        panel["fines"] = np.nan
        panel["fines_yuan"] = np.nan
    if ds.has("complaints"):
        panel["fines"] = panel["fines"].fillna(0).astype(int)
        panel["fines_yuan"] = panel["fines_yuan"].fillna(0.0)
    ranking = ranking_table(ds)
    bottom = ranking[ranking["bottom"]][["month", "agent_id"]].assign(_bottom=True)
    panel = panel.merge(bottom, on=["month", "agent_id"], how="left")
    panel["bottom"] = panel["_bottom"].fillna(False).astype(bool)
    panel["policy_active"] = policy_flags(policies_frame(ds), panel)
    cols = ["month", "agent_id", "name", "team", "shift", "role", "outsourced", "hire_date",
            "exit_date", "exit_reason", "tenure_days", "active_whole_month", "exited",
            *KPI_COLUMNS, "fines", "fines_yuan", "bottom", "policy_active"]
    for col in cols:
        if col not in panel:
            panel[col] = None
    return panel[cols].sort_values(["month", "agent_id"]).reset_index(drop=True)




def team_month_panel(ds: Dataset) -> pd.DataFrame:
    """Return the team-month panel: headcount flow, team KPIs and policy status.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per team of ``agents`` (and ``"(unknown)"`` when records have unknown agents)
        and month of the data. Columns month, team, the :func:`headcount_table` columns
        (opening ... turnover_rate_trailing_12m; NaN for the unknown team), the team-level
        KPI columns of :func:`kpi_table`, policy_active (the team has a policies row with
        start_month <= month <= end_month, or end_month empty).
    """
    months = data_months(ds)
    agents = ds.frame("agents") if ds.has("agents") else None
    if agents is not None and len(agents):
        hc = headcount_table(agents, months, by="team", since=months[0] if months else None)
    else:
        hc = pd.DataFrame(columns=["month", "team", *HEADCOUNT_COLUMNS])
    kpis = kpi_table(ds, ("team",), "month").rename(columns={"period": "month"})
    kpis = kpis[kpis["month"].isin(months)]
    panel = hc.merge(kpis, on=["month", "team"], how="outer")
    for col in zero_fill_columns(ds):
        panel[col] = panel[col].fillna(0.0)
    flags = {m: is_provisional(ds, m) for m in months}
    panel["provisional"] = panel["month"].map(flags).fillna(True).astype(bool)
    panel["policy_active"] = policy_flags(policies_frame(ds), panel)
    cols = ["month", "team", *HEADCOUNT_COLUMNS, *KPI_COLUMNS, "policy_active"]
    return panel[cols].sort_values(["month", "team"]).reset_index(drop=True)


def team_panel(ds: Dataset) -> pd.DataFrame:
    """Team-month panel with metric-book names and the month's ranking counts per team.

    Returns
    -------
    DataFrame
        The columns of :func:`team_month_panel`, the headcount columns also under
        their metric-book names (opening_headcount, closing_headcount), plus ranked_agents and
        bottom_agents (agents ranked, and ranked bottom, under the team's active policy; 0 in
        a team without one; NaN when nothing can be ranked).
    """
    return ds.memo("metrics.team_panel", lambda: _team_panel(ds)).copy()


def _team_panel(ds: Dataset) -> pd.DataFrame:
    panel = team_month_panel(ds)
    panel["opening_headcount"] = panel["opening"]
    panel["closing_headcount"] = panel["closing"]
    if ds.has("agents") and (ds.has("sessions") or ds.has("agent_daily") or ds.has("rankings")):
        ranking = ranking_table(ds)
        # Agents ranked under the policy: a ranking of a team without it ranks nobody out.
        ranking["ranked"] = ranking["eligible"] & ranking["policy_active"]
        counts = ranking.groupby(["month", "team"], as_index=False).agg(
            ranked_agents=("ranked", "sum"), bottom_agents=("bottom", "sum")
        )
        panel = panel.merge(counts, on=["month", "team"], how="left")
        panel[["ranked_agents", "bottom_agents"]] = (
            panel[["ranked_agents", "bottom_agents"]].fillna(0)
        )
    else:
        panel["ranked_agents"] = math.nan
        panel["bottom_agents"] = math.nan
    return panel.sort_values(["month", "team"], ignore_index=True)
