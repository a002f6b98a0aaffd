"""The agent-day export a shop's tools would give: session-level data to ``agent_daily``.

Most shops have no session-level data, only daily per-agent exports (Qianniu/赤兔 客服日报).
:func:`agent_daily_table` writes what such an export holds from a dataset that has sessions
and orders, by the metric book's agent-day definitions, so a simulated shop can be reduced to
the data most shops have and the reports checked against the figures of the full data:

- inquiries 询单人数 and paid_buyers 询单最终付款人数 (converted inquiries) by session day;
- sales 客服销售额: credited sales by payment day;
- avg_first_response_s and fast_response_rate of the day's counted sessions (capped, never
  answered = cap), avg_response_s the mean 平响 of the counted sessions that have it.

Each figure comes from :func:`~csnb.metrics.kpi_table` (``by=("agent_id",), freq="day"``)
except 平响, whose agent-day mean is one query on sessions with the metric book's
business-hours rule.
"""

from __future__ import annotations

import pandas as pd

from ..io.dataset import Dataset
from ..io.schema import TABLES
from .inquiries import SATISFIED_RATINGS, _counted_expr
from .kpis import kpi_table

__all__ = ["AGENT_DAILY_COLUMNS", "agent_daily_table"]

#: Columns of :func:`agent_daily_table`: the data contract's agent_daily columns.
AGENT_DAILY_COLUMNS: tuple[str, ...] = tuple(c.name for c in TABLES["agent_daily"].columns)

# Per agent-day from sessions: 平响 (counted sessions), 咨询人数 (distinct customers, any
# kind of session) and 满意率 (satisfied of rated sessions; NULL on a day without ratings).
_SESSION_DAY_SQL = """
SELECT agent_id, CAST(start_ts AS DATE) AS "date",
       AVG(CASE WHEN {counted} = 1 THEN avg_response_s END) AS avg_response_s,
       COUNT(DISTINCT customer_id) AS consultations,
       AVG(CASE WHEN rating IS NULL THEN NULL
                WHEN CAST(rating AS VARCHAR) IN ({satisfied}) THEN 1.0 ELSE 0.0 END)
           AS satisfaction_rate
FROM sessions
GROUP BY 1, 2
"""


def agent_daily_table(ds: Dataset) -> pd.DataFrame:
    """Return the dataset's agent-days in the columns of the ``agent_daily`` contract table.

    Parameters
    ----------
    ds : Dataset
        Needs sessions (orders for paid buyers and sales; the agents table for names).

    Returns
    -------
    pandas.DataFrame
        :data:`AGENT_DAILY_COLUMNS`: date (``datetime.date``), agent_id, name (from the agents
        table, else the agent_id), inquiries, paid_buyers, sales, avg_first_response_s,
        avg_response_s, fast_response_rate, consultations (distinct customers with a
        session), satisfaction_rate (satisfied of rated sessions); one row per agent and day
        with a session or credited sales, sorted by date and agent_id. Response figures are
        NaN on a day without counted sessions; sales are 0 on a day without credited orders
        (NaN without orders).

    Raises
    ------
    KeyError
        The dataset has no sessions.
    """
    if not ds.has("sessions"):
        raise KeyError("agent_daily_table needs the sessions table "
                       f"(present: {', '.join(ds.tables)})")
    kpis = kpi_table(ds, by=("agent_id",), freq="day")
    # An export lists the days an agent worked or was credited a sale, not complaint-only days.
    worked = (kpis["sessions"] > 0) | (kpis["credited_sales"].fillna(0) > 0)
    out = kpis.loc[worked, ["period", "agent_id", "inquiries", "converted_inquiries",
                            "credited_sales", "avg_first_response_s",
                            "fast_response_rate"]]
    out = out.rename(columns={"period": "date", "converted_inquiries": "paid_buyers",
                              "credited_sales": "sales"})
    avg = ds.query(_SESSION_DAY_SQL.format(
        counted=_counted_expr(ds.settings),
        satisfied=", ".join(f"'{r}'" for r in SATISFIED_RATINGS)))
    avg["date"] = pd.to_datetime(avg["date"]).dt.date
    out = out.merge(avg, on=["date", "agent_id"], how="left")
    if ds.has("agents"):
        names = ds.frame("agents").set_index("agent_id")["name"]
        out["name"] = out["agent_id"].map(names).fillna(out["agent_id"])
    else:
        out["name"] = out["agent_id"]
    for col in ("inquiries", "paid_buyers"):
        out[col] = out[col].astype("int64")
    out = out.sort_values(["date", "agent_id"], ignore_index=True)
    return out[list(AGENT_DAILY_COLUMNS)]
