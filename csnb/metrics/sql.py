"""The metric book's raw-table SQL (DESIGN.md, "Metric book (version 1)").

Every query csnb runs on the raw tables (sessions, orders, complaints) is built here and run
through one function of the dataset, :meth:`csnb.io.Dataset.query`: the engine seam. Sessions
and orders can hold millions of rows a month, so the raw-table step runs as SQL on the
dataset's engine and only aggregated panels come back to pandas.

The SQL is written in DuckDB's dialect but restricted to constructs that sqlglot can
transpile to Spark SQL (:func:`metric_sql`), so the same definitions can run on a cluster
when one machine is no longer enough. Settings (business hours, thresholds, window, cap)
are inlined as literals: they are validated numbers, never user text.

The pipeline reads as named steps::

    sessions, orders  -> attribution (each paid order credited to at most one agent)
                      -> inquiries (customer, agent, day) with their conversion flag
                      -> facts per (period, group): sessions, inquiries, orders, complaints
                      -> kpis (one row per period and group, rates computed once)
    complaints        -> fines (at-fault service complaints numbered per agent and month),
                         complaint_counts (per month and category or source)
    every dated table -> data_span (first and last day with any record)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from .._sql import lits
from ..errors import SettingsError, check_one_of
from ..settings import Settings

if TYPE_CHECKING:
    from ..io.dataset import Dataset

METRIC_BOOK_VERSION = 1

#: Team of a record whose agent is not in the agents table.
UNKNOWN_TEAM = "(unknown)"

#: Allowed groupings of :func:`kpi_table` (shop, team, agent).
KPI_GROUPINGS = ((), ("team",), ("agent_id",))
#: Allowed periods of :func:`kpi_table`.
KPI_FREQS = ("day", "month")

#: Columns of :func:`kpi_table` after the period and grouping columns, in order.
KPI_COLUMNS = (
    "sessions", "presale_sessions", "inquiries", "converted_inquiries", "conversion_rate",
    "credited_orders", "credited_sales", "credited_sales_net", "paying_customers",
    "order_value", "silent_sales", "paid_orders", "counted_sessions", "avg_first_response_s",
    "median_first_response_s", "p90_first_response_s", "fast_response_rate", "complaints",
    "at_fault_complaints", "complaints_per_1k_orders", "agent_complaint_rate", "provisional",
)

#: Metric names of :func:`metric_sql`.
METRIC_SQL_NAMES = ("attribution", "inquiries", "response", "kpis", "fines", "complaint_counts",
                    "hourly_load",
                    "data_span", "inquiry_facts", "inquiries_by_hour", "session_quality",
                    "response_grid")

#: The names of :data:`METRIC_SQL_NAMES` built by :mod:`csnb.metrics.inquiries` for a span of
#: days (``start`` and ``end`` required).
SPAN_SQL_NAMES = ("inquiry_facts", "inquiries_by_hour", "session_quality", "response_grid")

#: Groupings of the ``"complaint_counts"`` query.
COMPLAINT_GROUPINGS = ((), ("category",), ("source",))

#: Dated columns of the raw tables: the span of the data is the span of these.
DATED_COLUMNS = (
    ("sessions", "start_ts"),
    ("orders", "created_ts"),
    ("orders", "paid_ts"),
    ("complaints", "created_ts"),
    ("agent_daily", "date"),
)


# ---------------------------------------------------------------------------------------------
# SQL templates
# ---------------------------------------------------------------------------------------------

# Paid orders: unpaid orders never convert and are never sales. Money is summed as exact
# decimals (yuan with fen), so a month's sales do not change in the last digit from run to run
# with the order in which parallel threads add doubles.
_PAID_SQL = """
SELECT order_id, customer_id, agent_id AS tag, paid_ts, CAST(paid_ts AS DATE) AS paid_day,
       CAST(amount AS DECIMAL(18, 2)) AS amount,
       CAST(amount - COALESCE(refund_amount, 0) AS DECIMAL(18, 2)) AS amount_net
FROM orders
WHERE paid_ts IS NOT NULL
"""

_PRESALE_SQL = """
SELECT session_id, agent_id, customer_id, start_ts, CAST(start_ts AS DATE) AS day
FROM sessions
WHERE kind = 'presale'
"""

# The customer's last presale session that started before paid_ts, on the paid day or up to
# {window} days before it. Only untagged orders need it: the tag overrides. The window is an
# equi-join on (customer, day): each order meets the presale sessions of its customer on the
# paid day minus 0..{window} days (_day_offsets), which is the same set as a range condition
# on the customer alone (a session before paid_ts is never on a later day) but lets the hash
# join match on the day too, instead of pairing every order with all of its customer's
# sessions of the data and filtering afterwards (at 5M sessions a month that pairing was most
# of kpi_table's time). ARG_MAX over a (start_ts, session_id) struct picks the last session in
# one hash aggregation (about twice as fast as ROW_NUMBER over a window at 5M rows) and stays
# portable: sqlglot writes Spark's MAX_BY(x, STRUCT(...)). A tie on start_ts, which the metric
# book does not settle, goes to the larger session_id, so the result is deterministic.
_LAST_SESSION_SQL = """
SELECT p.order_id,
       ARG_MAX(s.agent_id, STRUCT_PACK(ts := s.start_ts, sid := s.session_id)) AS agent_id
FROM _paid AS p
CROSS JOIN _day_offsets AS o
JOIN _presale AS s ON s.customer_id = p.customer_id AND s.day = p.paid_day - o.k
WHERE p.tag IS NULL
  AND s.start_ts < p.paid_ts
GROUP BY p.order_id
"""

_CREDITED_SQL = """
SELECT p.order_id, p.customer_id, p.paid_ts, p.paid_day, p.amount, p.amount_net, p.tag,
       COALESCE(p.tag, l.agent_id) AS credited_agent
FROM _paid AS p
LEFT JOIN _last_session AS l ON l.order_id = p.order_id
"""

# Without sessions, the tag is the only attribution there is.
_CREDITED_TAG_ONLY_SQL = """
SELECT order_id, customer_id, paid_ts, paid_day, amount, amount_net, tag,
       tag AS credited_agent
FROM _paid
"""

# An inquiry is a (customer, agent, day) with a presale session; it converts when an order
# credited to that agent is paid by that customer on that day or within {window} days after.
# _converted_keys lists the (customer, agent, day) that a credited payment converts (the paid
# day minus 0..{window} days), so the inquiries meet them in an equi-join on all three keys.
_CONVERTED_KEYS_SQL = """
SELECT DISTINCT c.customer_id, c.credited_agent AS agent_id, c.paid_day - o.k AS day
FROM _credited AS c
CROSS JOIN _day_offsets AS o
WHERE c.credited_agent IS NOT NULL
"""

_INQUIRY_SQL = """
SELECT i.customer_id, i.agent_id, i.day,
       CASE WHEN v.agent_id IS NULL THEN 0 ELSE 1 END AS converted
FROM (SELECT DISTINCT customer_id, agent_id, day FROM _presale) AS i
LEFT JOIN _converted_keys AS v
       ON v.customer_id = i.customer_id
      AND v.agent_id = i.agent_id
      AND v.day = i.day
"""


def _day_offsets_sql(window: int) -> str:
    """The day offsets 0..window as a one-column table ``k`` (portable: no range function)."""
    return "\nUNION ALL\n".join(f"SELECT {k} AS k" for k in range(window + 1))


# Session-level response facts: counted when the session starts within business hours
# [{start_s}, {end_s}) seconds after midnight; first response capped at {cap} s, a
# never-answered session counts as {cap} s and is not fast.
_RESPONSE_FACTS = """
       CASE WHEN EXTRACT(HOUR FROM start_ts) * 3600 + EXTRACT(MINUTE FROM start_ts) * 60
                 + EXTRACT(SECOND FROM start_ts) >= {start_s}
             AND EXTRACT(HOUR FROM start_ts) * 3600 + EXTRACT(MINUTE FROM start_ts) * 60
                 + EXTRACT(SECOND FROM start_ts) < {end_s}
            THEN 1 ELSE 0 END AS counted,
       LEAST(COALESCE(first_response_s, {cap}), {cap}) AS capped_response_s,
       CASE WHEN first_response_s IS NOT NULL AND first_response_s <= {fast}
            THEN 1 ELSE 0 END AS fast"""
_SESSION_FACTS_SQL = """
SELECT agent_id, kind, CAST(start_ts AS DATE) AS day,""" + _RESPONSE_FACTS + """
FROM sessions
"""

# Load per clock hour (staffing, 人效): the sessions that started in each hour of each day,
# the agents online in it (agents with a session that started in it), the agents working
# that day (with any session), and the response figures of its counted sessions, for the
# days {first} to {last}.
_HOURLY_LOAD_SQL = """
WITH _hour_facts AS (
SELECT agent_id, CAST(start_ts AS DATE) AS day, EXTRACT(HOUR FROM start_ts) AS hour,"""\
    + _RESPONSE_FACTS + """
FROM sessions
WHERE CAST(start_ts AS DATE) BETWEEN {first} AND {last}
), _day_agents AS (
SELECT day, COUNT(DISTINCT agent_id) AS agents_day FROM _hour_facts GROUP BY day
), _hours AS (
SELECT day, hour, COUNT(*) AS sessions, COUNT(DISTINCT agent_id) AS agents_online,
       SUM(counted) AS counted_sessions,
       SUM(CASE WHEN counted = 1 THEN fast ELSE 0 END) AS fast_sessions
FROM _hour_facts
GROUP BY day, hour
), _hour_response AS (
SELECT day, hour, capped_response_s AS v, COUNT(*) AS c
FROM _hour_facts
WHERE counted = 1
GROUP BY day, hour, capped_response_s
), {quantiles}
SELECT h.day, h.hour, h.sessions, h.agents_online, d.agents_day, h.counted_sessions,
       h.fast_sessions, {median} AS median_first_response_s
FROM _hours AS h JOIN _day_agents AS d ON h.day = d.day
LEFT JOIN _hour_quantiles AS q ON q.day = h.day AND q.hour = h.hour
ORDER BY h.day, h.hour
"""

_COMPLAINT_FACTS_SQL = """
SELECT complaint_id, agent_id, CAST(created_ts AS DATE) AS day, category, source,
       CASE WHEN at_fault THEN 1 ELSE 0 END AS at_fault
FROM complaints
"""

_AGENTS_TEAM_SQL = "SELECT agent_id, team FROM agents"
# Stand-in when the agents table is absent: every agent's team is unknown.
_NO_AGENTS_SQL = (
    "SELECT CAST(NULL AS VARCHAR) AS agent_id, CAST(NULL AS VARCHAR) AS team WHERE 1 = 0"
)

# Fines: an agent's at-fault service complaints of a calendar month, in created_ts order.
_FINES_SQL = """
SELECT complaint_id, agent_id, STRFTIME(CAST(created_ts AS DATE), '%Y-%m') AS month,
       created_ts, category,
       ROW_NUMBER() OVER (
           PARTITION BY agent_id, STRFTIME(CAST(created_ts AS DATE), '%Y-%m')
           ORDER BY created_ts, complaint_id
       ) AS nth
FROM complaints
WHERE at_fault AND agent_id IS NOT NULL AND category NOT IN ({non_service})
ORDER BY month, agent_id, nth
"""


# Complaints per month and {key} (a column of complaints, or the constant 'all').
_COMPLAINT_COUNTS_SQL = """
SELECT STRFTIME(CAST(created_ts AS DATE), '%Y-%m') AS month, {key} AS key,
       COUNT(*) AS complaints
FROM complaints
GROUP BY 1, 2
ORDER BY 1, 2
"""


def _seconds(t) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _base_ctes(settings: Settings, tables: set[str],
               staged: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Named CTEs shared by every raw-table query, for the tables present.

    ``staged`` maps a CTE's name to a relation holding its result (:func:`dataset_sql`); that
    CTE then reads the relation, and the CTEs only it used drop out (:func:`_needed`).
    """
    window = int(settings.attribution_window_days)
    ctes: list[tuple[str, str]] = []
    ctes.append(("_team", _AGENTS_TEAM_SQL if "agents" in tables else _NO_AGENTS_SQL))
    if "sessions" in tables:
        ctes.append(("_presale", _PRESALE_SQL))
        ctes.append(("_session_facts", _SESSION_FACTS_SQL.format(
            start_s=_seconds(settings.business_start), end_s=_seconds(settings.business_end),
            cap=float(settings.response_cap_s), fast=float(settings.fast_response_s),
        )))
    if "orders" in tables:
        ctes.append(("_paid", _PAID_SQL))
        if "sessions" in tables:
            ctes.append(("_day_offsets", _day_offsets_sql(window)))
            ctes.append(("_last_session", _LAST_SESSION_SQL))
            ctes.append(("_credited", _CREDITED_SQL))
        else:
            ctes.append(("_credited", _CREDITED_TAG_ONLY_SQL))
    if "sessions" in tables:
        if "orders" in tables:
            ctes.append(("_converted_keys", _CONVERTED_KEYS_SQL))
            ctes.append(("_inquiries", _INQUIRY_SQL))
        else:
            # Without orders nothing converts.
            ctes.append(("_inquiries",
                         "SELECT DISTINCT customer_id, agent_id, day, 0 AS converted "
                         "FROM _presale"))
    if "complaints" in tables:
        ctes.append(("_complaint_facts", _COMPLAINT_FACTS_SQL))
    staged = staged or {}
    return [(name, f"SELECT * FROM {staged[name]}" if name in staged else sql)
            for name, sql in ctes]


def _quantile_ctes(name: str, hist: str, keys: Sequence[str],
                   probs: Mapping[str, float]) -> list[tuple[str, str]]:
    """Exact interpolated quantiles per group from a histogram: the CTEs, the last ``name``.

    ``hist`` is a relation of (``keys``..., ``v``, ``c``): each value of a group and how many
    times it occurs. The quantile ``p`` of a group's ``n`` values is DuckDB's
    ``QUANTILE_CONT``, written out: the sorted values' positions ``floor(r)`` and ``ceil(r)``
    (0-based) with ``r = (n - 1) * p`` in doubles, and ``lo + (hi - lo) * (r - floor(r))``.
    ``name`` has the keys and, per quantile ``q`` of ``probs``, the columns ``q_lo``,
    ``q_hi`` and ``q_d``: :func:`_quantile_value` combines them.

    Why not ``QUANTILE_CONT``: an exact quantile aggregate holds every value of every group
    in memory at once and cannot spill, so at 43M sessions the KPI panels ran out of memory
    under a notebook's limit. A histogram is a grouped count and a window over it, both of
    which spill. First response times are whole seconds (2,503 distinct values in a 5M
    month), so an agent-month's or the shop's histogram is far smaller than its values; an
    agent-day's is about half of them (slower than the aggregate there: 3.3 s against 0.7 s
    at 5M, measured), and fractional seconds would make it as large, but it still spills.
    It is also plain SQL on every engine, so Spark computes the same doubles.
    """
    part = f"PARTITION BY {', '.join(keys)} " if keys else ""
    key_list = "".join(f"{k}, " for k in keys)
    cum = (f"SELECT {key_list}v,\n"
           f"       SUM(c) OVER ({part}ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING "
           f"AND CURRENT ROW) AS cum,\n"
           f"       CAST(SUM(c) OVER ({part.strip()}) - 1 AS DOUBLE) AS last_pos\n"
           f"FROM {hist}")
    measures = []
    for q, p in probs.items():
        r = f"last_pos * CAST({float(p)!r} AS DOUBLE)"
        measures += [f"MIN(CASE WHEN cum > FLOOR({r}) THEN v END) AS {q}_lo",
                     f"MIN(CASE WHEN cum > CEIL({r}) THEN v END) AS {q}_hi",
                     f"MAX({r} - FLOOR({r})) AS {q}_d"]
    group = f"\nGROUP BY {', '.join(keys)}" if keys else ""
    agg = (f"SELECT {key_list}" + ",\n       ".join(measures)
           + f"\nFROM {name}_cum{group}")
    return [(f"{name}_cum", cum), (name, agg)]


def _quantile_value(alias: str, q: str) -> str:
    """The quantile ``q`` of :func:`_quantile_ctes` read through ``alias``."""
    return f"{alias}.{q}_lo + ({alias}.{q}_hi - {alias}.{q}_lo) * {alias}.{q}_d"


def _with(ctes: list[tuple[str, str]], select: str) -> str:
    body = ",\n".join(f"{name} AS (\n{sql.strip()}\n)" for name, sql in ctes)
    return f"WITH {body}\n{select.strip()}"


def _needed(ctes: list[tuple[str, str]], select: str) -> list[tuple[str, str]]:
    """Keep only the CTEs the final select depends on (directly or through other CTEs)."""
    names = [n for n, _ in ctes]
    sql_of = dict(ctes)

    def uses(sql: str, name: str) -> bool:  # a whole word: not _inquiries in converted_inquiries
        return re.search(rf"\b{re.escape(name)}\b", sql) is not None

    keep: set[str] = set()
    todo = [n for n in names if uses(select, n)]
    while todo:
        n = todo.pop()
        if n in keep:
            continue
        keep.add(n)
        todo += [m for m in names if m != n and uses(sql_of[n], m) and m not in keep]
    return [(n, s) for n, s in ctes if n in keep]


def _period_expr(freq: str, day: str) -> str:
    # A month is grouped as its first instant and written as "YYYY-MM" once per output row
    # (_period_label): formatting a string per session cost 0.3 s a query at 10.8M sessions,
    # and string keys hash slower than timestamps.
    return f"DATE_TRUNC('month', {day})" if freq == "month" else day


def _period_label(freq: str, period: str) -> str:
    return f"STRFTIME({period}, '%Y-%m')" if freq == "month" else period


def _kpi_sql(settings: Settings, tables: set[str], by: tuple[str, ...], freq: str,
             staged: Mapping[str, str] | None = None) -> str:
    """Build the KPI query: one row per period and group (see :func:`kpi_table`)."""
    shop = not by
    use_daily = "sessions" not in tables and "agent_daily" in tables
    ctes = _base_ctes(settings, tables, staged)
    keys = list(by)

    def grouped(source: str, agent_col: str, day_col: str, measures: str,
                where: str = "", extra: Sequence[str] = ()) -> str:
        # One general grouping for every fact: period, then the by-keys. The team comes from
        # the agents table; an agent missing from it belongs to UNKNOWN_TEAM.
        period = _period_expr(freq, f"x.{day_col}")
        cols = [f"{period} AS period"]
        join = ""
        if by == ("agent_id",):
            cols.append(f"x.{agent_col} AS agent_id")
        elif by == ("team",):
            cols.append(f"COALESCE(t.team, '{UNKNOWN_TEAM}') AS team")
            join = f"LEFT JOIN _team AS t ON t.agent_id = x.{agent_col}"
        cols.extend(extra)
        conds = [] if shop else [f"x.{agent_col} IS NOT NULL"]
        if where:
            conds.append(where)
        where_sql = f"WHERE {' AND '.join(conds)}" if conds else ""
        group = ", ".join(str(i + 1) for i in range(len(cols)))
        return (f"SELECT {', '.join(cols)},\n{measures}\nFROM {source} AS x {join}\n"
                f"{where_sql}\nGROUP BY {group}")

    facts: list[str] = []
    if "sessions" in tables:
        ctes.append(("_f_sessions", grouped("_session_facts", "agent_id", "day", """
       COUNT(*) AS sessions,
       SUM(CASE WHEN x.kind = 'presale' THEN 1 ELSE 0 END) AS presale_sessions,
       SUM(x.counted) AS counted_sessions,
       AVG(CASE WHEN x.counted = 1 THEN x.capped_response_s END) AS avg_first_response_s,
       SUM(CASE WHEN x.counted = 1 THEN x.fast ELSE 0 END) AS fast_sessions""")))
        facts.append("_f_sessions")
        # The median and P90 from each group's histogram of counted response times
        # (_quantile_ctes: an exact quantile aggregate cannot spill).
        ctes.append(("_response_hist", grouped("_session_facts", "agent_id", "day",
                                               "       COUNT(*) AS c", "x.counted = 1",
                                               extra=("x.capped_response_s AS v",))))
        ctes += _quantile_ctes("_f_response", "_response_hist", ["period", *keys],
                               {"median": 0.5, "p90": 0.9})
        ctes.append(("_f_inquiries", grouped("_inquiries", "agent_id", "day", """
       COUNT(*) AS inquiries,
       SUM(x.converted) AS converted_inquiries""")))
        facts.append("_f_inquiries")
    elif use_daily:
        ctes.append(("_f_daily", grouped("agent_daily", "agent_id", "date", """
       SUM(x.inquiries) AS inquiries,
       SUM(x.paid_buyers) AS converted_inquiries,
       SUM(CAST(x.sales AS DECIMAL(18, 2))) AS daily_sales,
       SUM(x.avg_first_response_s * x.inquiries)
           / NULLIF(SUM(CASE WHEN x.avg_first_response_s IS NOT NULL
                             THEN x.inquiries END), 0) AS avg_first_response_s,
       SUM(x.fast_response_rate * x.inquiries)
           / NULLIF(SUM(CASE WHEN x.fast_response_rate IS NOT NULL
                             THEN x.inquiries END), 0) AS fast_response_rate""")))
        facts.append("_f_daily")
    if "orders" in tables:
        ctes.append(("_f_orders", grouped("_credited", "credited_agent", "paid_day", """
       SUM(CASE WHEN x.credited_agent IS NOT NULL THEN 1 ELSE 0 END) AS credited_orders,
       SUM(CASE WHEN x.credited_agent IS NOT NULL THEN x.amount ELSE 0 END) AS credited_sales,
       SUM(CASE WHEN x.credited_agent IS NOT NULL THEN x.amount_net ELSE 0 END)
           AS credited_sales_net,
       COUNT(DISTINCT CASE WHEN x.credited_agent IS NOT NULL THEN x.customer_id END)
           AS paying_customers,
       SUM(CASE WHEN x.credited_agent IS NULL THEN x.amount ELSE 0 END) AS silent_sales,
       COUNT(*) AS all_paid_orders""")))
        facts.append("_f_orders")
    if "complaints" in tables:
        ctes.append(("_f_complaints", grouped("_complaint_facts", "agent_id", "day", """
       COUNT(*) AS complaints,
       SUM(x.at_fault) AS at_fault_complaints""")))
        facts.append("_f_complaints")

    key_cols = ["period", *keys]
    if not facts:
        # No table to count from: an empty result with the right columns.
        facts_union = "SELECT CAST(NULL AS DATE) AS period" + "".join(
            f", CAST(NULL AS VARCHAR) AS {k}" for k in keys) + " WHERE 1 = 0"
    else:
        facts_union = "\nUNION\n".join(f"SELECT {', '.join(key_cols)} FROM {f}" for f in facts)
    ctes.append(("_keys", facts_union))

    null = "CAST(NULL AS DOUBLE)"

    def c(alias: str, col: str, present: bool) -> str:
        return f"COALESCE({alias}.{col}, 0)" if present else null

    def ratio(num: str, den: str, scale: str = "") -> str:
        if null in (num, den):
            return null
        return f"{num} * 1.0{scale} / NULLIF({den}, 0)"

    has_s, has_o, has_c = ("sessions" in tables, "orders" in tables, "complaints" in tables)
    has_inq = has_s or use_daily
    sessions = c("s", "sessions", has_s)
    inquiries = c("i", "inquiries", has_s) if has_s else c("d", "inquiries", use_daily)
    converted = (c("i", "converted_inquiries", has_s) if has_s
                 else c("d", "converted_inquiries", use_daily))
    credited_orders = c("o", "credited_orders", has_o and not use_daily)
    if use_daily:
        credited_sales = c("d", "daily_sales", True)
    else:
        credited_sales = c("o", "credited_sales", has_o)
    paying = c("o", "paying_customers", has_o and not use_daily)
    if shop:
        paid_orders = c("o", "all_paid_orders", has_o)
    else:
        paid_orders = credited_orders
    complaints = c("q", "complaints", has_c)
    if has_s:
        avg_fr, med_fr, p90_fr = ("s.avg_first_response_s", _quantile_value("r", "median"),
                                  _quantile_value("r", "p90"))
        fast_rate = ratio("COALESCE(s.fast_sessions, 0)", "COALESCE(s.counted_sessions, 0)")
    elif use_daily:
        avg_fr, med_fr, p90_fr = "d.avg_first_response_s", null, null
        fast_rate = "d.fast_response_rate"
    else:
        avg_fr = med_fr = p90_fr = fast_rate = null
    select_cols = {
        "sessions": sessions,
        "presale_sessions": c("s", "presale_sessions", has_s),
        "inquiries": inquiries if has_inq else null,
        "converted_inquiries": converted if has_inq else null,
        "conversion_rate": ratio(converted, inquiries) if has_inq else null,
        "credited_orders": credited_orders,
        "credited_sales": credited_sales,
        "credited_sales_net": c("o", "credited_sales_net", has_o and not use_daily),
        "paying_customers": paying,
        "order_value": ratio(credited_sales, paying),
        "silent_sales": c("o", "silent_sales", has_o and shop and not use_daily),
        "paid_orders": paid_orders,
        "counted_sessions": c("s", "counted_sessions", has_s),
        "avg_first_response_s": avg_fr,
        "median_first_response_s": med_fr,
        "p90_first_response_s": p90_fr,
        "fast_response_rate": fast_rate,
        "complaints": complaints,
        "at_fault_complaints": c("q", "at_fault_complaints", has_c),
        "complaints_per_1k_orders": ratio(complaints, paid_orders, " * 1000") if shop else null,
        "agent_complaint_rate": null if shop else ratio(complaints, sessions, " * 1000"),
    }
    aliases = {"_f_sessions": "s", "_f_inquiries": "i", "_f_daily": "d", "_f_orders": "o",
               "_f_complaints": "q", "_f_response": "r"}
    joins = "\n".join(
        f"LEFT JOIN {f} AS {aliases[f]} ON "
        + " AND ".join(f"{aliases[f]}.{k} = k.{k}" for k in key_cols)
        for f in [*facts, *(["_f_response"] if has_s else [])]
    )
    select = (
        f"SELECT {_period_label(freq, 'k.period')} AS period"
        + "".join(f", k.{k}" for k in keys) + ",\n       "
        + ",\n       ".join(f"{expr} AS {name}" for name, expr in select_cols.items())
        + f"\nFROM _keys AS k\n{joins}\nORDER BY " + ", ".join(f"k.{k}" for k in key_cols)
    )
    return _with(_needed(ctes, select), select)


# ---------------------------------------------------------------------------------------------
# metric_sql
# ---------------------------------------------------------------------------------------------

_FULL_TABLES = {"agents", "sessions", "orders", "complaints"}


def metric_sql(
    name: str,
    dialect: str = "duckdb",
    *,
    settings: Settings | None = None,
    by: Sequence[str] = (),
    freq: str = "month",
    tables: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    staged: Mapping[str, str] | None = None,
    keys: str | None = None,
) -> str:
    """Return the SQL of one raw-table metric, in DuckDB's or another engine's dialect.

    Parameters
    ----------
    name : {"attribution", "inquiries", "response", "kpis", "fines", "complaint_counts", \
"data_span"}
        ``"attribution"``: one row per paid order (order_id, customer_id, paid_ts, paid_day,
        amount, amount_net, tag, credited_agent). ``"inquiries"``: one row per inquiry
        (customer_id, agent_id, day, converted). ``"response"``: one row per session
        (agent_id, kind, day, counted, capped_response_s, fast). ``"kpis"``: the query behind
        :func:`~csnb.metrics.kpi_table`. ``"fines"``: the at-fault service complaints
        numbered per agent and month (complaint_id, agent_id, month, created_ts, category,
        nth). ``"complaint_counts"``: complaints per month and ``by`` key (month, key,
        complaints). ``"hourly_load"``: one row per day and clock hour with a session (day,
        hour, sessions, agents_online: agents with a session that started in the hour,
        agents_day: agents with a session that day, counted_sessions, fast_sessions,
        median_first_response_s), for the days ``start`` to ``end`` when given.
        ``"data_span"``: one row, first_day and last_day with any dated record.
        ``"inquiry_facts"``, ``"session_quality"``, ``"response_grid"``: inquiry- and
        session-level facts of the days ``start`` to ``end`` for the conversion analysis
        (see :func:`csnb.metrics.inquiries.inquiry_sql`).
    dialect : str, default "duckdb"
        Any sqlglot dialect (``"spark"``, ``"bigquery"``, ...); the DuckDB text is transpiled.
    settings : Settings, optional
        Parameters inlined into the SQL; defaults when omitted.
    by, freq
        Grouping and period of the ``"kpis"`` query (see :func:`~csnb.metrics.kpi_table`);
        the split of ``"complaint_counts"``: ``()``, ``("category",)`` or ``("source",)``.
    tables : sequence of str, optional
        Contract tables assumed present; default agents, sessions, orders and complaints.
    start, end : datetime.date, optional
        First and last day of the span queries (required by them, ignored by the others).
    staged : mapping of str to str, optional
        Intermediate results already materialised (:data:`STAGES`): CTE name to the relation
        to read instead of computing it, in DuckDB's dialect (see :func:`dataset_sql`).
    keys : str, optional
        ``"inquiry_facts"`` only: the inquiries to describe, a query on the metric book's
        (see :func:`csnb.metrics.inquiries.inquiry_sql`).

    Returns
    -------
    str
        One SQL statement reading the contract tables by their names.

    Raises
    ------
    SettingsError
        ``name``, ``by`` or ``freq`` is not an allowed value.
    """
    check_one_of("name", name, METRIC_SQL_NAMES)
    if name in SPAN_SQL_NAMES:
        from .inquiries import inquiry_sql  # it builds on this module's CTEs

        if start is None or end is None:
            raise SettingsError(f"metric_sql({name!r}) needs start and end days")
        return inquiry_sql(name, dialect, start=start, end=end, settings=settings,
                           tables=tables, staged=staged, keys=keys)
    settings = settings or Settings()
    present = set(tables) if tables is not None else set(_FULL_TABLES)
    if name == "kpis":
        by = _check_by(by, KPI_GROUPINGS)
        check_one_of("freq", freq, KPI_FREQS)
        sql = _kpi_sql(settings, present, by, freq, staged)
    elif name == "fines":
        sql = _FINES_SQL.format(non_service=lits(settings.non_service_categories))
    elif name == "complaint_counts":
        by = _check_by(by, COMPLAINT_GROUPINGS)
        key = by[0] if by else "'all'"
        sql = _COMPLAINT_COUNTS_SQL.format(key=key)
    elif name == "data_span":
        sql = _data_span_sql(present)
    elif name == "hourly_load":
        # Without a span, every day (a date literal keeps the query one statement).
        first = f"DATE '{(start or date(1900, 1, 1)).isoformat()}'"
        last = f"DATE '{(end or date(9999, 12, 31)).isoformat()}'"
        quantiles = ",\n".join(f"{n} AS (\n{q}\n)" for n, q in _quantile_ctes(
            "_hour_quantiles", "_hour_response", ["day", "hour"], {"median": 0.5}))
        sql = _HOURLY_LOAD_SQL.format(
            first=first, last=last, start_s=_seconds(settings.business_start),
            end_s=_seconds(settings.business_end), cap=float(settings.response_cap_s),
            fast=float(settings.fast_response_s), quantiles=quantiles,
            median=_quantile_value("q", "median"))
    else:
        final = {"attribution": "SELECT * FROM _credited",
                 "inquiries": "SELECT * FROM _inquiries",
                 "response": "SELECT * FROM _session_facts"}[name]
        needs = {"attribution": {"orders"}, "inquiries": {"sessions"},
                 "response": {"sessions"}}[name]
        present |= needs
        ctes = _base_ctes(settings, present, staged)
        sql = _with(_needed(ctes, final), final)
    return transpile(sql, dialect)


#: The intermediate results that many metric-book queries share, in the order they build on
#: each other: the metric whose result each is, and the CTE it replaces.
STAGES = (("attribution", "_credited"), ("inquiries", "_inquiries"))


def dataset_sql(ds: Dataset, name: str, **kwargs: Any) -> str:
    """Return :func:`metric_sql` of ``name`` for the Dataset ``ds``, reusing its stages.

    The settings and tables are the Dataset's. When the statement runs on the Dataset's own
    DuckDB, each of :data:`STAGES` the statement uses is materialised once
    (:meth:`csnb.io.Dataset.stage`: per Dataset, and per report run for a stored load) and
    read instead of being computed again: at five million sessions a month every KPI panel
    otherwise repeats the attribution join and the inquiry build, about 20 s each. The
    figures are the same (a test compares every panel with and without the stages); on
    another engine (Spark) the statement is the plain metric book.

    Parameters
    ----------
    ds : Dataset
    name : str
        One of :data:`METRIC_SQL_NAMES`.
    **kwargs
        ``by``, ``freq``, ``start``, ``end``, ``keys`` as for :func:`metric_sql`.

    Returns
    -------
    str
        One statement in DuckDB's dialect.
    """
    sql = metric_sql(name, settings=ds.settings, tables=ds.tables, **kwargs)
    if ds.engine is not None:
        return sql
    staged: dict[str, str] = {}
    for stage, cte in STAGES:
        if re.search(rf"\b{cte}\b", sql):
            staged[cte] = ds.stage(metric_sql(stage, settings=ds.settings, tables=ds.tables,
                                              staged=staged))
    if not staged:
        return sql
    return metric_sql(name, settings=ds.settings, tables=ds.tables, staged=staged, **kwargs)


#: Dialects that keep decimal arithmetic decimal (Spark and its relatives).
_DECIMAL_LITERAL_DIALECTS = ("spark", "spark2", "databricks", "hive")


def transpile(sql: str, dialect: str) -> str:
    """Write a metric-book statement (DuckDB's dialect) in another engine's dialect.

    sqlglot does the translation, with one correction for Spark: a literal such as
    ``1000.0`` is a DECIMAL there, and Spark keeps decimal arithmetic decimal, rounding
    quotients to its scale (11 digits), where DuckDB divides in DOUBLE. Decimal literals are
    therefore written as DOUBLE.

    The statements use no quantile aggregate (medians and P90s are written out from
    histograms, :func:`_quantile_ctes`): sqlglot writes DuckDB's exact ``PERCENTILE_CONT`` as
    Spark's approximate ``PERCENTILE_APPROX``, and the engines interpolate in different
    orders of operations.
    """
    if dialect == "duckdb":
        return sql
    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect in _DECIMAL_LITERAL_DIALECTS:
        tree = tree.transform(_double_literal)
    return tree.sql(dialect=dialect, pretty=True)


def _double_literal(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Literal) and not node.is_string and "." in node.this:
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE"))
    return node


def _check_by(by: Sequence[str] | str | None, allowed: tuple[tuple[str, ...], ...]
              ) -> tuple[str, ...]:
    if by is None:
        by = ()
    if isinstance(by, str):
        by = (by,)
    by = tuple(by)
    check_one_of("by", by, allowed)
    return by


def _data_span_sql(tables: set[str]) -> str:
    """First and last calendar day with any dated record of the present tables."""
    parts = [
        f'SELECT CAST("{column}" AS DATE) AS d FROM "{table}"'
        for table, column in DATED_COLUMNS
        if table in tables
    ]
    if not parts:
        return "SELECT CAST(NULL AS DATE) AS first_day, CAST(NULL AS DATE) AS last_day"
    union = "\nUNION ALL\n".join(parts)
    return f"SELECT MIN(d) AS first_day, MAX(d) AS last_day FROM (\n{union}\n) AS dated"
