"""Sessions linked to what a supervisor reads: complaints to their chats, a day's chats.

The raw-table queries of the daily brief and the chat reviews (csnb.analyses.qa), kept in the
metric book with the other raw-table queries so that every one goes through the dataset's one
query function.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .._sql import lit
from ..io.dataset import Dataset

__all__ = ["complaint_links", "reviewed_sessions", "sessions_of_day"]


_LINK_SQL = """
WITH c AS (
    SELECT c.complaint_id, c.created_ts, c.category, c.agent_id, c.session_id,
           o.customer_id
    FROM complaints AS c
    LEFT JOIN orders AS o ON o.order_id = c.order_id
),
fallback AS (
    SELECT c.complaint_id, s.session_id,
           ROW_NUMBER() OVER (PARTITION BY c.complaint_id
                              ORDER BY s.start_ts DESC, s.session_id DESC) AS nth
    FROM c
    JOIN sessions AS s
      ON s.agent_id = c.agent_id AND s.customer_id = c.customer_id
     AND s.start_ts < c.created_ts
    WHERE c.session_id IS NULL
)
SELECT c.complaint_id, c.created_ts, c.category, c.agent_id,
       COALESCE(c.session_id, f.session_id) AS session_id,
       CASE WHEN c.session_id IS NOT NULL THEN 'session_id'
            WHEN f.session_id IS NOT NULL THEN 'customer' END AS linked_by
FROM c
LEFT JOIN fallback AS f ON f.complaint_id = c.complaint_id AND f.nth = 1
ORDER BY c.complaint_id
"""


def complaint_links(ds: Dataset) -> pd.DataFrame:
    """Return each complaint with the session it is about.

    A complaint's own ``session_id`` wins; without it, the complaint links to the last session
    of its agent with the complained order's customer that started before the complaint.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per complaint: complaint_id, created_ts, category, agent_id, session_id
        (missing when nothing links), linked_by (``"session_id"``, ``"customer"`` or
        missing). Empty without complaints or sessions.
    """
    cols = ["complaint_id", "created_ts", "category", "agent_id", "session_id", "linked_by"]
    if not (ds.has("complaints") and ds.has("sessions")):
        return pd.DataFrame(columns=cols)
    sql = _LINK_SQL
    if not ds.has("orders"):
        sql = sql.replace("LEFT JOIN orders AS o ON o.order_id = c.order_id",
                          "LEFT JOIN (SELECT NULL AS order_id, NULL AS customer_id) AS o "
                          "ON FALSE").replace("o.customer_id", "CAST(o.customer_id AS VARCHAR)")
    return ds.memo(("complaint_links", sql), lambda: ds.query(sql))[cols].copy()


def _ts_literal(day: date) -> str:
    return f"CAST({lit(day.isoformat() + ' 00:00:00')} AS TIMESTAMP)"


def sessions_of_day(ds: Dataset, day: date) -> pd.DataFrame:
    """The sessions that started on ``day``: the columns the daily brief samples from."""
    lo, hi = _ts_literal(day), _ts_literal(day + timedelta(days=1))
    return ds.query(
        "SELECT session_id, agent_id, customer_id, start_ts, kind, first_response_s, "
        f"customer_msgs FROM sessions WHERE start_ts >= {lo} AND start_ts < {hi} "
        "ORDER BY session_id")


def reviewed_sessions(ds: Dataset, first: date, last: date) -> pd.DataFrame:
    """Reviews of the sessions that started from ``first`` to ``last`` (both included).

    Columns session_id, passed, issue_tags, agent_id, day (the session's day, a timestamp).
    """
    lo, hi = _ts_literal(first), _ts_literal(last + timedelta(days=1))
    return ds.query(
        'SELECT r.session_id, r."pass" AS passed, r.issue_tags, s.agent_id, '
        "CAST(s.start_ts AS DATE) AS day FROM qa_reviews AS r "
        "JOIN sessions AS s ON s.session_id = r.session_id "
        f"WHERE s.start_ts >= {lo} AND s.start_ts < {hi} ORDER BY r.session_id")
