"""Agents, bottom-ranked-out policies and the monthly ranking (DESIGN.md, "Ranking")."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..io.dataset import Dataset
from ..months import month_bounds
from .kpis import kpi_table
from .sql import UNKNOWN_TEAM

__all__ = ["RANKING_METRICS", "agent_names", "ranking_table"]

#: The ranking metrics: settings key of the weight, KPI column, sign in the score.
RANKING_METRICS = (
    ("conversion_rate", "conversion_rate", 1.0),
    ("fast_response_rate", "fast_response_rate", 1.0),
    ("credited_sales", "credited_sales", 1.0),
    ("complaint_rate", "agent_complaint_rate", -1.0),
)

AGENT_ATTRS = ("name", "team", "shift", "role", "outsourced", "hire_date", "exit_date",
               "exit_reason")


def agents_frame(ds: Dataset) -> pd.DataFrame:
    """The agents table with hire_date and exit_date as datetimes (empty without agents)."""
    if ds.has("agents"):
        df = ds.frame("agents")
    else:
        df = pd.DataFrame(columns=["agent_id", *AGENT_ATTRS])
    for col in ("hire_date", "exit_date"):
        df[col] = pd.to_datetime(df[col])
    return df


def agent_names(ds: Dataset) -> pd.DataFrame:
    """Each agent's name and team: from the agents table, else from the daily exports.

    Without an agents table, the names are those of ``agent_daily`` (the export's 客服昵称:
    the name on the agent's latest day that has one, else the agent_id) and every team is
    :data:`UNKNOWN_TEAM`, since exports do not say which team an agent is in.

    Returns
    -------
    pandas.DataFrame
        Columns agent_id, name, team; one row per agent (empty without either table).
    """
    if ds.has("agents"):
        return ds.frame("agents")[["agent_id", "name", "team"]]
    if not ds.has("agent_daily"):
        return pd.DataFrame(columns=["agent_id", "name", "team"])
    names = ds.query("""
        SELECT agent_id,
               COALESCE(ARG_MAX(name, "date") FILTER (WHERE name IS NOT NULL), agent_id)
                   AS name
        FROM agent_daily
        GROUP BY agent_id
        ORDER BY agent_id
    """)
    names["team"] = UNKNOWN_TEAM
    return names


def policies_frame(ds: Dataset) -> pd.DataFrame:
    """The policies table (empty with its key columns when the dataset has none)."""
    if not ds.has("policies"):
        return pd.DataFrame(columns=["team", "policy", "start_month", "end_month",
                                     "bottom_share"])
    return ds.frame("policies")


def active_policy(policies: pd.DataFrame, team, month: str):
    """Return the team's policy row active in ``month`` (latest start), or None."""
    if policies.empty:
        return None
    rows = policies[(policies["team"] == team) & (policies["start_month"] <= month)
                    & (policies["end_month"].isna() | (policies["end_month"] >= month))]
    if rows.empty:
        return None
    return rows.sort_values("start_month").iloc[-1]


def policy_flags(policies: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """policy_active per (team, month) row of ``frame``."""
    if policies.empty or frame.empty:
        return pd.Series(False, index=frame.index)
    pairs = frame[["team", "month"]].drop_duplicates()
    flags = {(t, m): active_policy(policies, t, m) is not None
             for t, m in pairs.itertuples(index=False)}
    return pd.Series([flags[(t, m)] for t, m in zip(frame["team"], frame["month"],
                                                    strict=True)], index=frame.index,
                     dtype=bool)


def whole_month(agents: pd.DataFrame, months: pd.Series) -> pd.Series:
    """Active on every day of the month: hired by the first day, not exited before the last."""
    bounds = {m: month_bounds(m) for m in months.unique()}
    first = pd.to_datetime(months.map(lambda m: bounds[m][0]))
    last = pd.to_datetime(months.map(lambda m: bounds[m][1]))
    hire = agents["hire_date"]
    exit_ = agents["exit_date"]
    return ((hire <= first) & (exit_.isna() | (exit_ >= last))).fillna(False).astype(bool)


def _zscore(x: pd.Series) -> pd.Series:
    """z-score with the population sd; sd 0 (or one value) gives 0; missing values give 0."""
    mean = x.mean()
    sd = x.std(ddof=0)
    if not np.isfinite(sd) or sd == 0:
        return pd.Series(0.0, index=x.index)
    return ((x - mean) / sd).fillna(0.0)


def _bottom_count(share: float, n: int) -> int:
    # Round first: 0.1 x 30 is 3.0000000000000004 in floating point, which ceil makes 4.
    return int(math.ceil(round(share * n, 9))) if n else 0


def ranking_table(ds: Dataset) -> pd.DataFrame:
    """Return the monthly ranking of agents per team (末位淘汰).

    When the dataset has a ``rankings`` table it is used as given (score, rank, bottom);
    otherwise the ranking is derived by the metric book: among agents active the whole month
    with at least ``settings.min_inquiries`` inquiries, per team and month, score = weighted
    sum of z-scores (population sd; sd 0 gives 0; a missing metric counts as the mean) of
    conversion rate (+), fast response rate (+), credited sales (+) and agent complaint rate
    (-), weights ``settings.ranking_weights``; the lowest ceil(bottom_share x n) would be
    bottom, bottom_share from the team's active ``policies`` row when it has one, else
    settings.

    Only agents of a team whose policy is active that month are bottom-ranked (``bottom``).
    The same ranking in teams without the policy is kept as ``would_be_bottom``: the
    comparison group of the regression-to-the-mean analysis, never agents that were ranked
    out. A given ``rankings`` table without a ``policies`` table is taken as the record of a
    policy in every team it ranks.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per agent with KPIs in the month (derived) or per rankings row (given).
        Columns month, team, agent_id, name, eligible, inquiries, conversion_rate,
        fast_response_rate, credited_sales, agent_complaint_rate, z_conversion_rate,
        z_fast_response_rate, z_credited_sales, z_agent_complaint_rate (NaN when not
        derived or not eligible), score, rank (1 = best; NaN when not ranked), n_ranked
        (ranked agents of the team that month), policy_active (the team's policy is active
        that month), would_be_bottom (in the bottom share of the ranking), bottom
        (would_be_bottom in a team whose policy is active).
    """
    return ds.memo("metrics.ranking_table", lambda: _ranking_table(ds)).copy()


def _ranking_table(ds: Dataset) -> pd.DataFrame:
    metric_cols = ["inquiries", "conversion_rate", "fast_response_rate", "credited_sales",
                   "agent_complaint_rate"]
    z_cols = [f"z_{col}" for _, col, _ in RANKING_METRICS]
    cols = ["month", "team", "agent_id", "name", "eligible", *metric_cols, *z_cols, "score",
            "rank", "n_ranked", "policy_active", "would_be_bottom", "bottom"]
    agents = agents_frame(ds)
    kpis = kpi_table(ds, ("agent_id",), "month").rename(columns={"period": "month"})
    kpis = kpis[["month", "agent_id", *metric_cols]]
    policies = policies_frame(ds)
    if ds.has("rankings"):
        given = ds.frame("rankings")[["month", "agent_id", "score", "rank", "bottom"]]
        out = given.merge(kpis, on=["month", "agent_id"], how="left")
        out = out.merge(agents[["agent_id", "name", "team"]], on="agent_id", how="left")
        out["team"] = out["team"].fillna(UNKNOWN_TEAM)
        out["eligible"] = True
        for z in z_cols:
            out[z] = np.nan
        out["n_ranked"] = out.groupby(["month", "team"])["agent_id"].transform("size")
        out["would_be_bottom"] = out["bottom"].fillna(False).astype(bool)
        out["rank"] = out["rank"].astype(float)
        out["score"] = out["score"].astype(float)
        if ds.has("policies"):
            out["policy_active"] = policy_flags(policies, out)
        else:
            out["policy_active"] = True
    else:
        out = _derive_ranking(ds, kpis, agents, policies, z_cols)
    out["policy_active"] = out["policy_active"].astype(bool)
    out["bottom"] = out["would_be_bottom"] & out["policy_active"]
    return out[cols].sort_values(["month", "team", "rank", "agent_id"]).reset_index(drop=True)


def _derive_ranking(ds: Dataset, kpis: pd.DataFrame, agents: pd.DataFrame,
                    policies: pd.DataFrame, z_cols: list[str]) -> pd.DataFrame:
    """The metric book's ranking of every team, whether or not its policy is active."""
    out = kpis.merge(agents[["agent_id", "name", "team", "hire_date", "exit_date"]],
                     on="agent_id", how="left")
    out["team"] = out["team"].fillna(UNKNOWN_TEAM)
    s = ds.settings
    whole = whole_month(out, out["month"]) if len(out) else pd.Series(dtype=bool)
    out["eligible"] = whole & (out["inquiries"].fillna(0) >= s.min_inquiries)
    for z in z_cols:
        out[z] = np.nan
    out["score"] = np.nan
    out["rank"] = np.nan
    out["n_ranked"] = 0
    out["would_be_bottom"] = False
    for (month, team), grp in out[out["eligible"]].groupby(["month", "team"]):
        idx = grp.index
        score = pd.Series(0.0, index=idx)
        for weight_key, col, sign in RANKING_METRICS:
            z = _zscore(grp[col].astype(float))
            out.loc[idx, f"z_{col}"] = z
            score += sign * float(s.ranking_weights.get(weight_key, 0.0)) * z
        out.loc[idx, "score"] = score
        # Rank 1 = best; ties keep agent_id order so the result is deterministic.
        order = pd.DataFrame({"score": score, "agent_id": grp["agent_id"]}).sort_values(
            ["score", "agent_id"], ascending=[False, True])
        n = len(order)
        ranks = pd.Series(np.arange(1, n + 1, dtype=float), index=order.index)
        out.loc[idx, "rank"] = ranks
        out.loc[idx, "n_ranked"] = n
        policy = active_policy(policies, str(team), str(month))
        share = s.bottom_share
        if policy is not None and pd.notna(policy.get("bottom_share")):
            share = float(policy["bottom_share"])
        k = _bottom_count(share, n)
        out.loc[idx, "would_be_bottom"] = ranks > n - k
    out["would_be_bottom"] = out["would_be_bottom"].astype(bool)
    out["n_ranked"] = out["n_ranked"].astype(int)
    out["policy_active"] = policy_flags(policies, out)
    return out
