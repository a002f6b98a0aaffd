"""Inquiry-level and session-quality queries for the conversion analysis.

Raw-table queries on the inquiries of a span of days, built on the metric book's shared
CTEs (attribution, inquiries) so each rule keeps one definition:

- ``"inquiry_facts"``: one row per inquiry (customer, agent, day) of a date range with its
  conversion flag and the first response of the inquiry's first presale session (the
  session the customer opened the day with), the session's start and category. The
  logistic model of conversion reads these rows, or a sample of them (``keys``).
- ``"inquiries_by_hour"``: inquiries per day and hour of their first presale session's
  start, the same count the facts give, without building every inquiry's facts.
- ``"session_quality"``: per agent and month, the sums behind 平响 (average response, the
  mean of ``avg_response_s`` over counted sessions that have it) and the satisfaction rate
  (rated sessions, satisfied sessions) when the sessions carry ratings. Sums, not means,
  so teams and the shop add up exactly.
- ``"response_grid"``: per day, hour and agent, counted sessions with the sum of capped first
  responses and the fast sessions: the weekday x hour heatmap behind 排班.

Like :mod:`.sql` the text is DuckDB SQL restricted to what sqlglot transpiles to Spark; the
date range and settings are inlined as validated literals. Weekday and hour of the inquiry
are derived in pandas from the start timestamp, since engines number weekdays differently.
Every query runs through :meth:`csnb.io.Dataset.query`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import pandas as pd

from ..errors import SettingsError, check_one_of
from ..io.dataset import Dataset
from ..io.schema import TABLES
from ..months import month_bounds
from ..settings import Settings
from .sql import _base_ctes, _needed, _seconds, _with, dataset_sql, transpile

__all__ = [
    "INQUIRY_SQL_NAMES",
    "SATISFIED_RATINGS",
    "inquiry_facts_table",
    "inquiry_sql",
    "response_grid_table",
    "session_quality_table",
]

#: Names of the queries of :func:`inquiry_sql`.
INQUIRY_SQL_NAMES = ("inquiry_facts", "inquiries_by_hour", "session_quality", "response_grid")

#: Rating values that count as satisfied (very satisfied, satisfied, or 4-5 of 5).
SATISFIED_RATINGS = ("very_satisfied", "satisfied", "4", "5", "4.0", "5.0")

_FULL_TABLES = {"agents", "sessions", "orders"}

# The inquiry's first presale session: the customer's first presale session with the agent on
# the day (ties on start_ts go to the smaller session_id, so the choice is deterministic).
_FIRST_SESSION_SQL = """
SELECT customer_id, agent_id, CAST(start_ts AS DATE) AS day, start_ts, first_response_s,
       category,
       ROW_NUMBER() OVER (
           PARTITION BY customer_id, agent_id, CAST(start_ts AS DATE)
           ORDER BY start_ts, session_id
       ) AS nth
FROM sessions
WHERE kind = 'presale' AND start_ts >= {start_ts} AND start_ts < {end_ts}
"""

_INQUIRY_FACTS_SQL = """
SELECT i.customer_id, i.agent_id, i.day, i.converted, f.start_ts,
       f.first_response_s,
       LEAST(COALESCE(f.first_response_s, {cap}), {cap}) AS capped_response_s,
       CASE WHEN f.first_response_s IS NULL THEN 1 ELSE 0 END AS never_answered,
       {counted} AS counted,
       f.category
FROM {inquiries} AS i
JOIN _first_session AS f
  ON f.customer_id = i.customer_id AND f.agent_id = i.agent_id AND f.day = i.day
 AND f.nth = 1
WHERE i.day >= {start_day} AND i.day <= {end_day}
ORDER BY i.day, i.agent_id, i.customer_id
"""

# The hour of an inquiry's first presale session is that of its earliest start: the tie rule of
# _FIRST_SESSION_SQL does not move it, so a grouped MIN counts what the facts would.
_INQUIRIES_BY_HOUR_SQL = """
SELECT CAST(first_ts AS DATE) AS day, EXTRACT(HOUR FROM first_ts) AS hour,
       COUNT(*) AS inquiries
FROM (
    SELECT customer_id, agent_id, day, MIN(start_ts) AS first_ts
    FROM _presale
    WHERE start_ts >= {start_ts} AND start_ts < {end_ts}
    GROUP BY customer_id, agent_id, day
) AS i
GROUP BY 1, 2
ORDER BY 1, 2
"""

_SESSION_QUALITY_SQL = """
SELECT agent_id, STRFTIME(CAST(start_ts AS DATE), '%Y-%m') AS period,
       COUNT(*) AS sessions,
       SUM(CASE WHEN {counted} = 1 AND avg_response_s IS NOT NULL
                THEN avg_response_s ELSE 0 END) AS avg_response_sum,
       SUM(CASE WHEN {counted} = 1 AND avg_response_s IS NOT NULL
                THEN 1 ELSE 0 END) AS avg_response_n,
       {rated} AS rated_sessions,
       {satisfied} AS satisfied_sessions
FROM sessions
WHERE start_ts >= {start_ts} AND start_ts < {end_ts}
GROUP BY 1, 2
ORDER BY 1, 2
"""

# Without sessions, agent_daily's 平响 and 满意率 are inquiry-weighted (metric book).
_DAILY_QUALITY_SQL = """
SELECT agent_id, STRFTIME("date", '%Y-%m') AS period,
       CAST(NULL AS BIGINT) AS sessions,
       SUM(CASE WHEN avg_response_s IS NOT NULL
                THEN avg_response_s * inquiries ELSE 0 END) AS avg_response_sum,
       SUM(CASE WHEN avg_response_s IS NOT NULL THEN inquiries ELSE 0 END) AS avg_response_n,
       {rated} AS rated_sessions,
       {satisfied} AS satisfied_sessions
FROM agent_daily
WHERE "date" >= {start_day} AND "date" <= {end_day}
GROUP BY 1, 2
ORDER BY 1, 2
"""

_RESPONSE_GRID_SQL = """
SELECT CAST(start_ts AS DATE) AS day, EXTRACT(HOUR FROM start_ts) AS hour, agent_id,
       COUNT(*) AS sessions,
       SUM(CASE WHEN kind = 'presale' THEN 1 ELSE 0 END) AS presale_sessions,
       SUM({counted}) AS counted_sessions,
       SUM(CASE WHEN {counted} = 1
                THEN LEAST(COALESCE(first_response_s, {cap}), {cap}) ELSE 0 END)
           AS capped_response_sum,
       SUM(CASE WHEN {counted} = 1 AND first_response_s IS NOT NULL
                     AND first_response_s <= {fast} THEN 1 ELSE 0 END) AS fast_sessions
FROM sessions
WHERE start_ts >= {start_ts} AND start_ts < {end_ts}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"""


def _counted_expr(settings: Settings) -> str:
    # The metric book's business-hours rule (as in sql.py's session facts): a session is
    # counted when it starts at or after business_start and before business_end.
    secs = ("(EXTRACT(HOUR FROM start_ts) * 3600 + EXTRACT(MINUTE FROM start_ts) * 60 "
            "+ EXTRACT(SECOND FROM start_ts))")
    return (f"(CASE WHEN {secs} >= {_seconds(settings.business_start)} "
            f"AND {secs} < {_seconds(settings.business_end)} THEN 1 ELSE 0 END)")


def _date_lit(d: date) -> str:
    return f"CAST('{d:%Y-%m-%d}' AS DATE)"


def _ts_lit(d: date) -> str:
    return f"CAST('{d:%Y-%m-%d} 00:00:00' AS TIMESTAMP)"


def has_ratings(tables: Sequence[str] | None = None) -> bool:
    """Whether the data contract's sessions (or agent_daily) carry satisfaction ratings."""
    sessions = {c.name for c in TABLES["sessions"].columns}
    daily = {c.name for c in TABLES["agent_daily"].columns}
    if tables is not None and "sessions" not in tables:
        return "satisfaction_rate" in daily
    return "rating" in sessions


def inquiry_sql(
    name: str,
    dialect: str = "duckdb",
    *,
    start: date,
    end: date,
    settings: Settings | None = None,
    tables: Sequence[str] | None = None,
    ratings: bool | None = None,
    staged: Mapping[str, str] | None = None,
    keys: str | None = None,
) -> str:
    """Return the SQL of one inquiry-level or session-quality query.

    Parameters
    ----------
    name : {"inquiry_facts", "session_quality", "response_grid"}
        ``"inquiry_facts"``: one row per inquiry with ``day`` in [start, end]: customer_id,
        agent_id, day, converted (the metric book's flag), start_ts, first_response_s,
        capped_response_s (never answered = cap), never_answered (0/1), counted (0/1: the
        session started within business hours), category; all of the inquiry's first
        presale session that day. ``"inquiries_by_hour"``: per day and hour of the first
        presale session's start, the inquiries (with ``day`` in [start, end]).
        ``"session_quality"``: per agent_id and period (month)
        of sessions starting in [start, end]: sessions, avg_response_sum and avg_response_n
        (sum and count of avg_response_s over counted sessions that have it),
        rated_sessions and satisfied_sessions (NULL without ratings); from agent_daily when
        the dataset has no sessions (inquiry-weighted). ``"response_grid"``: per day, hour
        and agent_id: sessions, presale_sessions, counted_sessions, capped_response_sum
        and fast_sessions (over counted sessions).
    dialect : str, default "duckdb"
        Any sqlglot dialect; the DuckDB text is transpiled.
    start, end : datetime.date
        First and last day (inclusive).
    settings : Settings, optional
        Business hours, cap, fast threshold and attribution window; defaults when omitted.
    tables : sequence of str, optional
        Contract tables present; default agents, sessions and orders.
    ratings : bool, optional
        Whether the ratings columns exist; default from the data contract.
    staged : mapping of str to str, optional
        Materialised intermediates (see :func:`~csnb.metrics.sql.metric_sql`).
    keys : str, optional
        ``"inquiry_facts"`` only: a query returning inquiries with the columns of the metric
        book's (customer_id, agent_id, day, converted), usually a sample of them; it may read
        the metric book's inquiries as ``_inquiries``. The facts are those of these
        inquiries, and only their customers' sessions are searched for first sessions (a
        customer's sessions are all or none of the window's partitions), so a sample costs
        a sample's work.

    Returns
    -------
    str

    Raises
    ------
    SettingsError
        ``name`` is not one of the names above.
    """
    check_one_of("name", name, INQUIRY_SQL_NAMES)
    settings = settings or Settings()
    present = set(tables) if tables is not None else set(_FULL_TABLES)
    ratings = has_ratings(tuple(present)) if ratings is None else ratings
    bounds = {"start_ts": _ts_lit(start), "end_ts": _ts_lit(end + timedelta(days=1)),
              "start_day": _date_lit(start), "end_day": _date_lit(end)}
    cap = float(settings.response_cap_s)
    counted = _counted_expr(settings)
    if keys is not None and name != "inquiry_facts":
        raise SettingsError(f"inquiry_sql({name!r}) takes no keys; only 'inquiry_facts' does")
    if name == "inquiry_facts":
        present |= {"sessions"}
        ctes = _base_ctes(settings, present, staged)
        # Sessions of the day before the range do not matter: an inquiry is one day.
        first = _FIRST_SESSION_SQL.format(**bounds)
        listed = "_inquiries"
        if keys is not None:
            listed = "_listed"
            ctes.append((listed, keys))
            first = first.rstrip() + f"\n  AND customer_id IN (SELECT customer_id FROM {listed})"
        ctes.append(("_first_session", first))
        select = _INQUIRY_FACTS_SQL.format(cap=cap, counted=counted.replace(
            "start_ts", "f.start_ts"), inquiries=listed, **bounds)
        sql = _with(_needed(ctes, select), select)
    elif name == "inquiries_by_hour":
        present |= {"sessions"}
        select = _INQUIRIES_BY_HOUR_SQL.format(**bounds)
        sql = _with(_needed(_base_ctes(settings, present, staged), select), select)
    elif name == "session_quality":
        if "sessions" in present:
            rated = ("SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END)" if ratings
                     else "CAST(NULL AS BIGINT)")
            satisfied = ("SUM(CASE WHEN CAST(rating AS VARCHAR) IN ("
                         + ", ".join(f"'{r}'" for r in SATISFIED_RATINGS)
                         + ") THEN 1 ELSE 0 END)") if ratings else "CAST(NULL AS BIGINT)"
            sql = _SESSION_QUALITY_SQL.format(counted=counted, rated=rated,
                                              satisfied=satisfied, **bounds)
        else:
            # agent_daily has no rated-session counts: inquiries weight the rate.
            rated = ("SUM(CASE WHEN satisfaction_rate IS NOT NULL THEN inquiries ELSE 0 END)"
                     if ratings else "CAST(NULL AS BIGINT)")
            satisfied = ("SUM(CASE WHEN satisfaction_rate IS NOT NULL "
                         "THEN satisfaction_rate * inquiries ELSE 0 END)"
                         if ratings else "CAST(NULL AS DOUBLE)")
            sql = _DAILY_QUALITY_SQL.format(rated=rated, satisfied=satisfied, **bounds)
    else:
        sql = _RESPONSE_GRID_SQL.format(counted=counted, cap=cap,
                                        fast=float(settings.fast_response_s), **bounds)
    sql = sql.strip()
    return transpile(sql, dialect)


def _span(months: Sequence[str]) -> tuple[date, date]:
    firsts, lasts = zip(*(month_bounds(m) for m in months), strict=True)
    return min(firsts), max(lasts)


def inquiry_facts_table(ds: Dataset, months: Sequence[str]) -> pd.DataFrame:
    """Return one row per inquiry of ``months`` with its first session's response facts.

    Parameters
    ----------
    ds : Dataset
        Needs sessions (orders for conversions; without orders nothing converts).
    months : sequence of str
        ``"YYYY-MM"`` months (the span from the first to the last is read).

    Returns
    -------
    pandas.DataFrame
        Columns of the ``"inquiry_facts"`` query (see :func:`inquiry_sql`) plus month
        (``YYYY-MM``), hour (0-23) and weekday (0 = Monday) of the first session's start.
        Empty (with these columns) without sessions.
    """
    cols = ["customer_id", "agent_id", "day", "converted", "start_ts", "first_response_s",
            "capped_response_s", "never_answered", "counted", "category", "month", "hour",
            "weekday"]
    if not ds.has("sessions") or not months:
        return pd.DataFrame(columns=cols)
    start, end = _span(months)
    out = ds.query(dataset_sql(ds, "inquiry_facts", start=start, end=end))
    return typed_inquiry_facts(out)[cols]


def typed_inquiry_facts(out: pd.DataFrame) -> pd.DataFrame:
    """Type the rows of an ``"inquiry_facts"`` query (all of them or a sample) in place.

    ``day`` becomes a timestamp, the flags integers, and month (``YYYY-MM``), hour (0-23) and
    weekday (0 = Monday) of the first session's start are added. Returns ``out``.
    """
    ts = pd.to_datetime(out["start_ts"])
    out["day"] = pd.to_datetime(out["day"])
    out["month"] = out["day"].dt.strftime("%Y-%m")
    out["hour"] = ts.dt.hour.astype(int)
    out["weekday"] = ts.dt.day_of_week.astype(int)
    for col in ("converted", "never_answered", "counted"):
        out[col] = out[col].astype(int)
    return out


def session_quality_table(ds: Dataset, months: Sequence[str]) -> pd.DataFrame:
    """Return per agent and month the sums behind 平响 and the satisfaction rate.

    Parameters
    ----------
    ds : Dataset
    months : sequence of str
        ``"YYYY-MM"`` months.

    Returns
    -------
    pandas.DataFrame
        Columns agent_id, period, sessions, avg_response_sum, avg_response_n, rated_sessions,
        satisfied_sessions (floats; the last two NaN without ratings). Empty without
        sessions and agent_daily.
    """
    cols = ["agent_id", "period", "sessions", "avg_response_sum", "avg_response_n",
            "rated_sessions", "satisfied_sessions"]
    if not (ds.has("sessions") or ds.has("agent_daily")) or not months:
        return pd.DataFrame(columns=cols)
    start, end = _span(months)
    out = ds.query(dataset_sql(ds, "session_quality", start=start, end=end))
    out["period"] = out["period"].astype(str)
    for col in cols[2:]:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out[cols]


def response_grid_table(ds: Dataset, months: Sequence[str]) -> pd.DataFrame:
    """Return session response sums per day, hour and agent (the 排班 heatmap's input).

    Parameters
    ----------
    ds : Dataset
    months : sequence of str

    Returns
    -------
    pandas.DataFrame
        Columns day (Timestamp), hour, weekday (0 = Monday), agent_id, sessions,
        presale_sessions, counted_sessions, capped_response_sum, fast_sessions.
    """
    cols = ["day", "hour", "weekday", "agent_id", "sessions", "presale_sessions",
            "counted_sessions", "capped_response_sum", "fast_sessions"]
    if not ds.has("sessions") or not months:
        return pd.DataFrame(columns=cols)
    start, end = _span(months)
    out = ds.query(dataset_sql(ds, "response_grid", start=start, end=end))
    out["day"] = pd.to_datetime(out["day"])
    out["hour"] = out["hour"].astype(int)
    out["weekday"] = out["day"].dt.day_of_week.astype(int)
    for col in cols[4:]:
        out[col] = out[col].astype(float)
    return out[cols]
