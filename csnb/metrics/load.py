"""Load per clock hour (人效): sessions, agents online and response figures per day and hour.

Agents online in an hour are the agents with a session that started in it (the data hold no
log-in times); load is sessions per agent online, i.e. per agent-hour. Response figures are
the metric book's (counted sessions in business hours, first response capped, fast within
``fast_response_s``).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .._sql import lit
from ..io.dataset import Dataset
from .sql import dataset_sql

__all__ = ["HOURLY_LOAD_COLUMNS", "SESSION_LOAD_COLUMNS", "hourly_load_table",
           "session_load_table"]

#: Columns of :func:`hourly_load_table`.
HOURLY_LOAD_COLUMNS = ("day", "hour", "weekday", "sessions", "agents_online", "agents_day",
                       "sessions_per_agent_hour", "counted_sessions", "fast_sessions",
                       "median_first_response_s")


def hourly_load_table(ds: Dataset, start: date | None = None, end: date | None = None
                      ) -> pd.DataFrame:
    """Return one row per day and clock hour with any session.

    Parameters
    ----------
    ds : Dataset
        Needs ``sessions``.
    start, end : datetime.date, optional
        First and last day (inclusive); every day when omitted.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`HOURLY_LOAD_COLUMNS`: day (``datetime.date``), hour (0-23), weekday
        (0 = Monday), sessions (started in the hour), agents_online (agents with such a
        session), agents_day (agents with a session that day), sessions_per_agent_hour
        (sessions / agents_online), counted_sessions (in business hours), fast_sessions
        (counted and answered within ``fast_response_s``), median_first_response_s (of
        counted sessions, capped; NaN without any).
    """
    raw = ds.query(dataset_sql(ds, "hourly_load",
                              start=start, end=end))
    out = pd.DataFrame({
        "day": pd.to_datetime(raw["day"]).dt.date,
        "hour": raw["hour"].astype(int),
    })
    out["weekday"] = pd.to_datetime(raw["day"]).dt.day_of_week.astype(int)
    for col in ("sessions", "agents_online", "agents_day", "counted_sessions",
                "fast_sessions"):
        out[col] = pd.to_numeric(raw[col]).fillna(0).astype(int)
    out["sessions_per_agent_hour"] = out["sessions"] / out["agents_online"]
    out["median_first_response_s"] = pd.to_numeric(raw["median_first_response_s"])
    return out[list(HOURLY_LOAD_COLUMNS)].reset_index(drop=True)


#: Columns of :func:`session_load_table`.
SESSION_LOAD_COLUMNS = ("day", "hour", "agent_id", "first_response_s",
                        "sessions_per_agent_hour")

# The counted sessions (started in business hours) of the days {first} to {last}, with their
# uncapped first response: the load-response model shifts each one's response time, and a
# cap would censor exactly the slow answers of busy hours it learns from. {keep} restricts
# them to a sample of agent-days (empty: all).
_COUNTED_SESSIONS_SQL = """
WITH counted AS (
    SELECT agent_id, CAST(start_ts AS DATE) AS day, EXTRACT(HOUR FROM start_ts) AS hour,
           first_response_s
    FROM sessions
    WHERE CAST(start_ts AS DATE) BETWEEN {first} AND {last}
      AND EXTRACT(HOUR FROM start_ts) * 3600 + EXTRACT(MINUTE FROM start_ts) * 60
          + EXTRACT(SECOND FROM start_ts) >= {start_s}
      AND EXTRACT(HOUR FROM start_ts) * 3600 + EXTRACT(MINUTE FROM start_ts) * 60
          + EXTRACT(SECOND FROM start_ts) < {end_s}
)
SELECT c.agent_id, c.day, c.hour, c.first_response_s
FROM counted AS c{keep}
ORDER BY c.day, c.hour, c.agent_id
"""

# A sample of the agent-days of ``counted``, stratified by day: within each day the agents
# ordered by the MD5 digest of (agent, day, seed), the first ceil(fraction x agents) kept.
_AGENT_DAY_SAMPLE_SQL = """
JOIN (
    SELECT agent_id, day
    FROM (
        SELECT agent_id, day,
               ROW_NUMBER() OVER (
                   PARTITION BY day
                   ORDER BY MD5(CONCAT(CAST(agent_id AS VARCHAR), '|', CAST(day AS VARCHAR),
                                       '|', {seed})), agent_id
               ) AS sample_rank,
               COUNT(*) OVER (PARTITION BY day) AS day_agents
        FROM (SELECT DISTINCT agent_id, day FROM counted) AS agent_days
    ) AS ranked
    WHERE sample_rank <= CEIL(day_agents * {fraction!r})
) AS kept ON kept.agent_id = c.agent_id AND kept.day = c.day"""


def session_load_table(ds: Dataset, start: date, end: date, *, fraction: float = 1.0,
                       seed: str = "") -> pd.DataFrame:
    """Return the counted sessions of ``start`` to ``end`` with their clock hour's load.

    Parameters
    ----------
    ds : Dataset
        Needs ``sessions``.
    start, end : datetime.date
        First and last day (inclusive).
    fraction, seed : float, str
        With ``fraction`` < 1, only the sessions of a sample of agent-days: within each day,
        the agents ordered by the MD5 digest of (agent, day, ``seed``) and the first
        ceil(``fraction`` x that day's agents) kept, drawn in the engine (the same data and
        seed give the same sample). The loads stay those of all sessions.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SESSION_LOAD_COLUMNS`: day (``datetime.date``), hour, agent_id,
        first_response_s (uncapped; NaN when never answered), sessions_per_agent_hour (of
        the session's clock hour, as :func:`hourly_load_table` gives it).
    """
    s = ds.settings
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1]; got {fraction!r}")
    keep = ("" if fraction >= 1 else
            _AGENT_DAY_SAMPLE_SQL.format(seed=lit(seed), fraction=float(fraction)))
    sql = _COUNTED_SESSIONS_SQL.format(
        keep=keep,
        first=f"DATE {lit(start.isoformat())}", last=f"DATE {lit(end.isoformat())}",
        start_s=float(s.business_start.hour * 3600 + s.business_start.minute * 60
                      + s.business_start.second),
        end_s=float(s.business_end.hour * 3600 + s.business_end.minute * 60
                    + s.business_end.second))
    raw = ds.query(sql)
    out = pd.DataFrame({"day": pd.to_datetime(raw["day"]).dt.date,
                        "hour": raw["hour"].astype(int),
                        "agent_id": raw["agent_id"].astype(str),
                        "first_response_s": pd.to_numeric(raw["first_response_s"])})
    hours = hourly_load_table(ds, start, end)[["day", "hour", "sessions_per_agent_hour"]]
    out = out.merge(hours, on=["day", "hour"], how="left", validate="many_to_one")
    return out[list(SESSION_LOAD_COLUMNS)].reset_index(drop=True)
