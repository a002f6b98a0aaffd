"""The metric book (DESIGN.md, "Metric book (version 1)"): raw tables to panels.

Every metric has one definition here. The raw-table step (sessions and orders can hold
millions of rows a month) runs as SQL on the dataset's DuckDB connection and only
aggregated panels come back to pandas; the small agents table is handled in pandas.

The SQL is written in DuckDB's dialect but restricted to constructs that sqlglot can
transpile to Spark SQL (:func:`metric_sql`), so the same definitions can run on a cluster
when one machine is no longer enough. Settings (business hours, thresholds, window, cap)
are inlined as literals: they are validated numbers, never user text.

The pipeline reads as named steps::

    sessions, orders  -> attribution (each paid order credited to at most one agent)
                      -> inquiries (customer, agent, day) with their conversion flag
                      -> facts per (period, group): sessions, inquiries, orders, complaints
                      -> kpi_table (one row per period and group, rates computed once)
    agents            -> headcount_table, tenure_table
    kpi_table + agents + complaints + policies -> fines_table, ranking_table,
                      agent_month_panel, team_month_panel, month_figures
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlglot

from .dataset import Dataset
from .errors import check_one_of
from .schema import INVOLUNTARY_REASONS
from .settings import Settings

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

#: Keys of :func:`month_figures` (and columns of :func:`monthly_figures` after ``month``).
FIGURE_KEYS = (
    "opening_headcount", "hires", "exits", "exits_voluntary", "exits_involuntary",
    "closing_headcount", "turnover_rate", "turnover_rate_trailing_12m", "inquiries",
    "converted_inquiries", "conversion_rate", "credited_sales", "silent_sales", "order_value",
    "avg_first_response_s", "fast_response_rate", "complaints", "paid_orders",
    "complaints_per_1k_orders", "provisional",
)

#: Columns of :func:`headcount_table` after ``month`` (and ``team``).
HEADCOUNT_COLUMNS = (
    "opening", "hires", "exits", "exits_voluntary", "exits_involuntary", "exits_other",
    "closing", "avg_headcount", "turnover_rate", "turnover_rate_voluntary",
    "turnover_rate_involuntary", "turnover_rate_other", "turnover_rate_trailing_12m",
)

#: Metric names of :func:`metric_sql`.
METRIC_SQL_NAMES = ("attribution", "inquiries", "response", "kpis", "fines")

# The ranking metrics, their KPI column and the sign they enter the score with.
_RANKING_METRICS = (
    ("conversion_rate", "conversion_rate", 1.0),
    ("fast_response_rate", "fast_response_rate", 1.0),
    ("credited_sales", "credited_sales", 1.0),
    ("complaint_rate", "agent_complaint_rate", -1.0),
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
# {window} days before it. Only untagged orders need it: the tag overrides. ARG_MAX over a
# (start_ts, session_id) struct picks the last session in one hash aggregation (about twice as
# fast as ROW_NUMBER over a window at 5M rows) and stays portable: sqlglot writes Spark's
# MAX_BY(x, STRUCT(...)). A tie on start_ts, which the metric book does not settle, goes to the
# larger session_id, so the result is deterministic.
_LAST_SESSION_SQL = """
SELECT p.order_id,
       ARG_MAX(s.agent_id, STRUCT_PACK(ts := s.start_ts, sid := s.session_id)) AS agent_id
FROM _paid AS p
JOIN _presale AS s ON s.customer_id = p.customer_id
WHERE p.tag IS NULL
  AND s.start_ts < p.paid_ts
  AND DATE_DIFF('day', s.day, p.paid_day) <= {window}
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
_INQUIRY_SQL = """
SELECT i.customer_id, i.agent_id, i.day,
       MAX(CASE WHEN c.order_id IS NULL THEN 0 ELSE 1 END) AS converted
FROM (SELECT DISTINCT customer_id, agent_id, day FROM _presale) AS i
LEFT JOIN _credited AS c
       ON c.customer_id = i.customer_id
      AND c.credited_agent = i.agent_id
      AND c.paid_day >= i.day
      AND DATE_DIFF('day', i.day, c.paid_day) <= {window}
GROUP BY i.customer_id, i.agent_id, i.day
"""

# Session-level response facts: counted when the session starts within business hours
# [{start_s}, {end_s}) seconds after midnight; first response capped at {cap} s, a
# never-answered session counts as {cap} s and is not fast.
_SESSION_FACTS_SQL = """
SELECT agent_id, kind, CAST(start_ts AS DATE) AS day,
       CASE WHEN EXTRACT(HOUR FROM start_ts) * 3600 + EXTRACT(MINUTE FROM start_ts) * 60
                 + EXTRACT(SECOND FROM start_ts) >= {start_s}
             AND EXTRACT(HOUR FROM start_ts) * 3600 + EXTRACT(MINUTE FROM start_ts) * 60
                 + EXTRACT(SECOND FROM start_ts) < {end_s}
            THEN 1 ELSE 0 END AS counted,
       LEAST(COALESCE(first_response_s, {cap}), {cap}) AS capped_response_s,
       CASE WHEN first_response_s IS NOT NULL AND first_response_s <= {fast}
            THEN 1 ELSE 0 END AS fast
FROM sessions
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


def _seconds(t) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _literal_list(values: Sequence[str]) -> str:
    if not values:
        return "''"  # NOT IN ('') excludes nothing real
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _base_ctes(settings: Settings, tables: set[str]) -> list[tuple[str, str]]:
    """Named CTEs shared by every raw-table query, for the tables present."""
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
            ctes.append(("_last_session", _LAST_SESSION_SQL.format(window=window)))
            ctes.append(("_credited", _CREDITED_SQL))
        else:
            ctes.append(("_credited", _CREDITED_TAG_ONLY_SQL))
    if "sessions" in tables:
        if "orders" in tables:
            ctes.append(("_inquiries", _INQUIRY_SQL.format(window=window)))
        else:
            # Without orders nothing converts.
            ctes.append(("_inquiries",
                         "SELECT DISTINCT customer_id, agent_id, day, 0 AS converted "
                         "FROM _presale"))
    if "complaints" in tables:
        ctes.append(("_complaint_facts", _COMPLAINT_FACTS_SQL))
    return ctes


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
    return f"STRFTIME({day}, '%Y-%m')" if freq == "month" else day


def _kpi_sql(settings: Settings, tables: set[str], by: tuple[str, ...], freq: str) -> str:
    """Build the KPI query: one row per period and group (see :func:`kpi_table`)."""
    shop = not by
    use_daily = "sessions" not in tables and "agent_daily" in tables
    ctes = _base_ctes(settings, tables)
    keys = list(by)

    def grouped(source: str, agent_col: str, day_col: str, measures: str,
                where: str = "") -> str:
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
       PERCENTILE_CONT(0.5) WITHIN GROUP (
           ORDER BY CASE WHEN x.counted = 1 THEN x.capped_response_s END
       ) AS median_first_response_s,
       PERCENTILE_CONT(0.9) WITHIN GROUP (
           ORDER BY CASE WHEN x.counted = 1 THEN x.capped_response_s END
       ) AS p90_first_response_s,
       SUM(CASE WHEN x.counted = 1 THEN x.fast ELSE 0 END) AS fast_sessions""")))
        facts.append("_f_sessions")
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
        facts_union = "SELECT CAST(NULL AS VARCHAR) AS period" + "".join(
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
        avg_fr, med_fr, p90_fr = ("s.avg_first_response_s", "s.median_first_response_s",
                                  "s.p90_first_response_s")
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
               "_f_complaints": "q"}
    joins = "\n".join(
        f"LEFT JOIN {f} AS {aliases[f]} ON "
        + " AND ".join(f"{aliases[f]}.{k} = k.{k}" for k in key_cols)
        for f in facts
    )
    select = (
        "SELECT " + ", ".join(f"k.{k}" for k in key_cols) + ",\n       "
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
) -> str:
    """Return the SQL of one raw-table metric, in DuckDB's or another engine's dialect.

    Parameters
    ----------
    name : {"attribution", "inquiries", "response", "kpis", "fines"}
        ``"attribution"``: one row per paid order (order_id, customer_id, paid_ts, paid_day,
        amount, amount_net, tag, credited_agent). ``"inquiries"``: one row per inquiry
        (customer_id, agent_id, day, converted). ``"response"``: one row per session
        (agent_id, kind, day, counted, capped_response_s, fast). ``"kpis"``: the query behind
        :func:`kpi_table`. ``"fines"``: the at-fault service complaints numbered per agent and
        month (complaint_id, agent_id, month, created_ts, category, nth).
    dialect : str, default "duckdb"
        Any sqlglot dialect (``"spark"``, ``"bigquery"``, ...); the DuckDB text is transpiled.
    settings : Settings, optional
        Parameters inlined into the SQL; defaults when omitted.
    by, freq
        Grouping and period of the ``"kpis"`` query (see :func:`kpi_table`).
    tables : sequence of str, optional
        Contract tables assumed present; default agents, sessions, orders and complaints.

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
    settings = settings or Settings()
    present = set(tables) if tables is not None else set(_FULL_TABLES)
    if name == "kpis":
        by = _check_by(by)
        check_one_of("freq", freq, KPI_FREQS)
        sql = _kpi_sql(settings, present, by, freq)
    elif name == "fines":
        sql = _fines_sql(settings)
    else:
        final = {"attribution": "SELECT * FROM _credited",
                 "inquiries": "SELECT * FROM _inquiries",
                 "response": "SELECT * FROM _session_facts"}[name]
        needs = {"attribution": {"orders"}, "inquiries": {"sessions"},
                 "response": {"sessions"}}[name]
        present |= needs
        ctes = _base_ctes(settings, present)
        sql = _with(_needed(ctes, final), final)
    if dialect == "duckdb":
        return sql
    return sqlglot.transpile(sql, read="duckdb", write=dialect, pretty=True)[0]


def _fines_sql(settings: Settings) -> str:
    return _FINES_SQL.format(non_service=_literal_list(settings.non_service_categories))


# ---------------------------------------------------------------------------------------------
# helpers: months, provisional days
# ---------------------------------------------------------------------------------------------


def _check_by(by) -> tuple[str, ...]:
    if by is None:
        by = ()
    if isinstance(by, str):
        by = (by,)
    by = tuple(by)
    check_one_of("by", by, KPI_GROUPINGS)
    return by


def _month_bounds(month: str) -> tuple[date, date]:
    try:
        y, m = (int(p) for p in month.split("-"))
        first = date(y, m, 1)
    except (ValueError, AttributeError) as exc:
        from .errors import ParameterError

        raise ParameterError(f"month must be 'YYYY-MM'; got {month!r}") from exc
    return first, date(y, m, calendar.monthrange(y, m)[1])


def _month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _month_range(first: str, last: str) -> list[str]:
    y, m = (int(p) for p in first.split("-"))
    ly, lm = (int(p) for p in last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _shift_month(month: str, k: int) -> str:
    y, m = (int(p) for p in month.split("-"))
    n = y * 12 + (m - 1) + k
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _not_final_days(ds: Dataset) -> set[date]:
    """Days the loader marked not final (延迟统计); empty when the table is absent."""
    # Look the table up first: a bare name that is not a table would make DuckDB scan a
    # Python variable of that name (replacement scan).
    found = ds.con.execute(
        "SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = '_not_final_days'"
    ).fetchall()[0][0]
    if not found:
        return set()
    rows = ds.con.execute('SELECT DISTINCT CAST("date" AS DATE) FROM "_not_final_days"').fetchall()
    return {r[0] for r in rows if r[0] is not None}


def is_provisional(ds: Dataset, month: str) -> bool:
    """Return whether a month's figures are provisional (data lag, DESIGN.md metric book).

    A month is provisional when the data's last day is before month end + ``lag_days``
    (a day's conversion is final only ``lag_days`` after it), or when a day of the month holds
    a value marked not final (延迟统计).

    Parameters
    ----------
    ds : Dataset
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    bool
    """
    first, last = _month_bounds(month)
    return _provisional_span(ds, first, last, ds.last_date, _not_final_days(ds))


def _provisional_span(ds: Dataset, first: date, last: date, last_date: date | None,
                      not_final: set[date]) -> bool:
    if last_date is None or last_date < last + timedelta(days=ds.settings.lag_days):
        return True
    return any(first <= d <= last for d in not_final)


def _data_months(ds: Dataset) -> list[str]:
    """Every month from the first to the last month with dated records (agents as fallback)."""
    first, last = ds.first_date, ds.last_date
    if first is None and ds.has("agents"):
        first, last = ds.con.execute(
            "SELECT MIN(hire_date), GREATEST(MAX(hire_date), MAX(exit_date)) FROM agents"
        ).fetchall()[0]
        if last is None:
            last = first
    if first is None or last is None:
        return []
    return _month_range(_month_of(first), _month_of(last))


# ---------------------------------------------------------------------------------------------
# kpi_table
# ---------------------------------------------------------------------------------------------


def kpi_table(ds: Dataset, by: Sequence[str] = (), freq: str = "month") -> pd.DataFrame:
    """Return the metric book's KPIs per period for the shop, each team or each agent.

    Parameters
    ----------
    ds : Dataset
    by : (), ("team",) or ("agent_id",)
        Grouping: the whole shop, each team (team of the record's agent in ``agents``;
        an agent missing from it is in team ``"(unknown)"``) or each agent.
    freq : {"month", "day"}
        Period: a ``"YYYY-MM"`` string or a shop-time calendar day (``datetime.date``).

    Returns
    -------
    pandas.DataFrame
        One row per period (and group) with any record, sorted. Columns:

        - ``period``, then the ``by`` columns
        - ``sessions``, ``presale_sessions``: sessions started in the period
        - ``inquiries``: (customer, agent, day) with a presale session, by session day
        - ``converted_inquiries``, ``conversion_rate`` (converted / inquiries)
        - ``credited_orders``, ``credited_sales`` (amount), ``credited_sales_net`` (amount
          minus refund_amount), ``paying_customers`` (distinct credited customers): paid
          orders credited to an agent, by payment day
        - ``order_value``: credited_sales / paying_customers
        - ``silent_sales``: amount of paid orders credited to nobody (shop level only, NaN
          otherwise)
        - ``paid_orders``: shop level every order paid in the period; team and agent level
          the credited orders
        - ``counted_sessions``: sessions starting within business hours
        - ``avg_first_response_s``, ``median_first_response_s``, ``p90_first_response_s``:
          of the capped first response of counted sessions (never answered = cap)
        - ``fast_response_rate``: share of counted sessions answered within
          ``fast_response_s``
        - ``complaints``, ``at_fault_complaints``: created in the period (team and agent
          level: through complaints.agent_id; complaints without an agent are shop-only)
        - ``complaints_per_1k_orders``: complaints / paid_orders x 1000 (shop level only)
        - ``agent_complaint_rate``: complaints / sessions x 1000 (team and agent level only)
        - ``provisional``: the period is not final yet (data lag or a not-final day)

        Counts are 0 when the source table is present but holds nothing for the group;
        columns whose source table is absent are NaN. Without ``sessions`` but with
        ``agent_daily``, inquiries, converted inquiries and credited sales are sums of
        agent_daily, response figures are inquiry-weighted means, and the session, order-count,
        net-sales, paying-customer, order-value, silent-sales and quantile columns are NaN.

    Raises
    ------
    SettingsError
        ``by`` or ``freq`` is not an allowed value.
    """
    by = _check_by(by)
    check_one_of("freq", freq, KPI_FREQS)
    sql = _kpi_sql(ds.settings, set(ds.tables), by, freq)
    # Reports ask for the same panel many times (each team trend, the ranking, the panels);
    # the raw-table step is the expensive part, so its result is kept, keyed by the SQL text.
    raw = ds.memo(sql, lambda: ds.con.execute(sql).df())
    return _finish_kpis(ds, raw.copy(), by, freq)


def _finish_kpis(ds: Dataset, out: pd.DataFrame, by: tuple[str, ...], freq: str) -> pd.DataFrame:
    last_date = ds.last_date
    not_final = _not_final_days(ds)
    if freq == "day":
        out["period"] = pd.to_datetime(out["period"]).dt.date
        lag = timedelta(days=ds.settings.lag_days)
        out["provisional"] = [
            last_date is None or last_date < d + lag or d in not_final for d in out["period"]
        ]
    else:
        out["period"] = out["period"].astype(str)
        flags = {m: _provisional_span(ds, *_month_bounds(m), last_date, not_final)
                 for m in out["period"].unique()}
        out["provisional"] = out["period"].map(flags).astype(bool)
    for col in KPI_COLUMNS[:-1]:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out[["period", *by, *KPI_COLUMNS]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Headcount and turnover (pandas: the agents table is small)
# ---------------------------------------------------------------------------------------------


def _as_day(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series).to_numpy(dtype="datetime64[D]")


def headcount_table(agents: pd.DataFrame, months: Sequence[str], by: str | None = None
                    ) -> pd.DataFrame:
    """Return headcount flow and turnover rates per month (and team).

    Parameters
    ----------
    agents : pandas.DataFrame
        The agents table (agent_id, team, hire_date, exit_date, exit_reason).
    months : sequence of str
        ``"YYYY-MM"`` months to report.
    by : {None, "team"}
        ``"team"`` for one row per team and month (every team of ``agents``, every month).

    Returns
    -------
    pandas.DataFrame
        Columns ``month``, [``team``], ``opening`` (hired before the first day and not exited
        before it), ``hires``, ``exits`` (hire_date / exit_date within the month; an exit on
        the month's last day is an exit of that month), ``exits_voluntary``,
        ``exits_involuntary`` (dismissed + bottom_ranked_out), ``exits_other``, ``closing``
        (hired on or before the last day, exit_date empty or after it), ``avg_headcount``
        ((opening + closing) / 2), ``turnover_rate`` (exits / avg_headcount) and its
        ``_voluntary``, ``_involuntary``, ``_other`` splits, ``turnover_rate_trailing_12m``
        (exits in the 12 months ending the month / mean of their 12 average headcounts; NaN
        when the 12 months start before the month of the group's earliest hire). Rates are NaN
        when the average headcount is 0. closing = opening + hires - exits.

    Raises
    ------
    SettingsError
        ``by`` is not None or "team".
    """
    check_one_of("by", by, (None, "team"))
    months = list(months)
    cols = ["month", *(["team"] if by else []), *HEADCOUNT_COLUMNS]
    if not months:
        return pd.DataFrame(columns=cols)
    if by is None:
        parts = [_headcount_group(agents, months)]
    else:
        parts = []
        for team, grp in agents.groupby("team", sort=True):
            part = _headcount_group(grp, months)
            part.insert(1, "team", team)
            parts.append(part)
        if not parts:
            return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["month", *(["team"] if by else [])], kind="stable")[cols] \
        .reset_index(drop=True)


def _headcount_group(agents: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    hire = _as_day(agents["hire_date"])
    exit_ = _as_day(agents["exit_date"])
    reason = agents["exit_reason"].astype(object).to_numpy() if "exit_reason" in agents \
        else np.full(len(agents), None, dtype=object)
    earliest = _month_of(pd.Timestamp(hire.min()).date()) if len(hire) else None
    # Compute over the 11 months before the first requested month too: the trailing rate
    # needs them.
    span = _month_range(_shift_month(min(months), -11), max(months))
    starts = np.array([_month_bounds(m)[0] for m in span], dtype="datetime64[D]")
    ends = np.array([_month_bounds(m)[1] for m in span], dtype="datetime64[D]")
    h, e = hire[:, None], exit_[:, None]
    no_exit = np.isnat(e)
    opening = ((h < starts) & (no_exit | (e >= starts))).sum(axis=0)
    closing = ((h <= ends) & (no_exit | (e > ends))).sum(axis=0)
    hires = ((h >= starts) & (h <= ends)).sum(axis=0)
    exit_in = (~no_exit) & (e >= starts) & (e <= ends)
    vol = (reason == "voluntary")[:, None]
    invol = np.isin(reason, INVOLUNTARY_REASONS)[:, None]
    exits = exit_in.sum(axis=0)
    ev = (exit_in & vol).sum(axis=0)
    ei = (exit_in & invol).sum(axis=0)
    df = pd.DataFrame({
        "month": span, "opening": opening, "hires": hires, "exits": exits,
        "exits_voluntary": ev, "exits_involuntary": ei, "exits_other": exits - ev - ei,
        "closing": closing,
    })
    df["avg_headcount"] = (df["opening"] + df["closing"]) / 2
    avg = df["avg_headcount"].where(df["avg_headcount"] > 0)
    df["turnover_rate"] = df["exits"] / avg
    for kind in ("voluntary", "involuntary", "other"):
        df[f"turnover_rate_{kind}"] = df[f"exits_{kind}"] / avg
    exits12 = df["exits"].rolling(12).sum()
    avg12 = df["avg_headcount"].rolling(12).mean()
    trailing = exits12 / avg12.where(avg12 > 0)
    # Fewer than 12 months of history: the window starts before the earliest hire's month.
    window_start = pd.Series([_shift_month(m, -11) for m in span])
    enough = window_start >= earliest if earliest else pd.Series(False, index=df.index)
    df["turnover_rate_trailing_12m"] = trailing.where(enough.to_numpy())
    df = df[df["month"].isin(months)]
    return df.reset_index(drop=True)


def tenure_table(agents: pd.DataFrame, month: str) -> pd.DataFrame:
    """Return each agent's tenure as of a month's last day (survival input).

    Parameters
    ----------
    agents : pandas.DataFrame
        The agents table.
    month : str
        ``"YYYY-MM"``; agents hired after its last day are left out.

    Returns
    -------
    pandas.DataFrame
        Columns agent_id, team, shift, role, hire_date, tenure_days (exit_date - hire_date + 1
        for agents who exited on or before the month's last day; otherwise right-censored:
        month end - hire_date + 1), exited (bool: the exit event was observed), exit_reason
        (missing when not exited).
    """
    _, last = _month_bounds(month)
    df = agents.copy()
    for col in ("shift", "role", "exit_reason"):
        if col not in df:
            df[col] = None
    hire = pd.to_datetime(df["hire_date"])
    exit_ = pd.to_datetime(df["exit_date"])
    end = pd.Timestamp(last)
    keep = hire <= end
    df, hire, exit_ = df[keep], hire[keep], exit_[keep]
    exited = exit_.notna() & (exit_ <= end)
    stop = exit_.where(exited, end)
    out = pd.DataFrame({
        "agent_id": df["agent_id"].to_numpy(),
        "team": df["team"].to_numpy(),
        "shift": df["shift"].to_numpy(),
        "role": df["role"].to_numpy(),
        "hire_date": hire.dt.date.to_numpy(),
        "tenure_days": ((stop - hire).dt.days + 1).astype(int).to_numpy(),
        "exited": exited.to_numpy(dtype=bool),
        "exit_reason": np.where(exited.to_numpy(dtype=bool),
                                df["exit_reason"].astype(object).to_numpy(), None),
    })
    return out.sort_values("agent_id", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Headline figures
# ---------------------------------------------------------------------------------------------

# The data figures, all taken from the shop-level monthly KPIs.
_FIGURE_SOURCES = (
    "inquiries", "converted_inquiries", "conversion_rate", "avg_first_response_s",
    "fast_response_rate", "credited_sales", "silent_sales", "order_value", "paid_orders",
    "complaints", "complaints_per_1k_orders",
)
_HEADCOUNT_FIGURES = {
    "opening_headcount": "opening", "hires": "hires", "exits": "exits",
    "exits_voluntary": "exits_voluntary", "exits_involuntary": "exits_involuntary",
    "closing_headcount": "closing", "turnover_rate": "turnover_rate",
    "turnover_rate_trailing_12m": "turnover_rate_trailing_12m",
}
_INT_FIGURES = {"opening_headcount", "hires", "exits", "exits_voluntary", "exits_involuntary",
                "closing_headcount", "inquiries", "converted_inquiries", "complaints",
                "paid_orders"}


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
        figure is NaN when its table is absent or the month lies outside the span of the
        data (first to last dated record); counts are 0 in a month of that span without
        records of a present table (and rates over them NaN).
    """
    months = list(months) if months is not None else _data_months(ds)
    for m in months:
        _month_bounds(m)
    out = pd.DataFrame({"month": months})
    if not months:
        return pd.DataFrame(columns=["month", *FIGURE_KEYS])
    # Headcount from agents.
    if ds.has("agents"):
        hc = headcount_table(ds.frame("agents"), months).set_index("month")
        for key, col in _HEADCOUNT_FIGURES.items():
            out[key] = out["month"].map(hc[col]).astype(float)
    else:
        for key in _HEADCOUNT_FIGURES:
            out[key] = np.nan
    # Data figures from the shop-level monthly KPIs.
    kpis = kpi_table(ds, (), "month").set_index("period")
    zero = set(_zero_fill_columns(ds, shop=True))
    # A month inside the data's span without records of a present table has zero counts (and
    # undefined rates); a month before the data start or after its end is unknown, not zero,
    # and figures of absent tables stay missing.
    first, last = ds.first_date, ds.last_date
    inside = (out["month"].between(_month_of(first), _month_of(last)) if first and last
              else pd.Series(False, index=out.index))
    for key in _FIGURE_SOURCES:
        values = out["month"].map(kpis[key]).astype(float)
        if key in zero:
            values = values.mask(values.isna() & inside, 0.0)
        out[key] = values
    last_date = ds.last_date
    not_final = _not_final_days(ds)
    out["provisional"] = [
        _provisional_span(ds, *_month_bounds(m), last_date, not_final) for m in months
    ]
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
        complaints, paid_orders, complaints_per_1k_orders, provisional. Counts are ``int``,
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


# ---------------------------------------------------------------------------------------------
# Complaints and fines
# ---------------------------------------------------------------------------------------------


def complaint_rate_table(ds: Dataset, by: Sequence[str] = ("category",)) -> pd.DataFrame:
    """Return the shop complaint rate per 1,000 paid orders by month (and category or source).

    Parameters
    ----------
    ds : Dataset
        Needs ``complaints``; without ``orders`` the paid orders and rate are NaN.
    by : ("category",), ("source",) or ()
        Split of the complaints; ``()`` gives one row per month with key ``"all"``.

    Returns
    -------
    pandas.DataFrame
        Columns month, key (the category or source; every key seen in the data appears in
        every month, with 0 complaints when none), complaints, paid_orders (every order paid
        in the month: the denominator is the same for every key), complaints_per_1k_orders,
        and, when ``by`` is given, the key again under its own name (category or source).

    Raises
    ------
    SettingsError
        ``by`` is not an allowed value.
    KeyError
        The dataset has no complaints table.
    """
    by = tuple([by] if isinstance(by, str) else by)
    check_one_of("by", by, (("category",), ("source",), ()))
    if not ds.has("complaints"):
        raise KeyError("complaint_rate_table needs the complaints table, which this dataset "
                       f"lacks (present: {', '.join(ds.tables)})")
    key = by[0] if by else "'all'"
    counts = ds.con.execute(f"""
        SELECT STRFTIME(CAST(created_ts AS DATE), '%Y-%m') AS month, {key} AS key,
               COUNT(*) AS complaints
        FROM complaints GROUP BY 1, 2""").df()
    months = _data_months(ds)
    keys = sorted(counts["key"].dropna().unique()) if len(counts) else []
    if not by:
        keys = ["all"]
    grid = pd.MultiIndex.from_product([months, keys], names=["month", "key"]).to_frame(
        index=False)
    out = grid.merge(counts, on=["month", "key"], how="left")
    out["complaints"] = out["complaints"].fillna(0).astype(int)
    if ds.has("orders"):
        paid = ds.con.execute("""
            SELECT STRFTIME(CAST(paid_ts AS DATE), '%Y-%m') AS month, COUNT(*) AS paid_orders
            FROM orders WHERE paid_ts IS NOT NULL GROUP BY 1""").df()
        out = out.merge(paid, on="month", how="left")
        out["paid_orders"] = out["paid_orders"].fillna(0).astype(float)
    else:
        out["paid_orders"] = np.nan
    out["complaints_per_1k_orders"] = (
        out["complaints"] / out["paid_orders"].where(out["paid_orders"] > 0) * 1000
    )
    if by:
        out[by[0]] = out["key"]  # also under its own name, for readers of one split
    return out.sort_values(["month", "key"]).reset_index(drop=True)


def fines_table(ds: Dataset) -> pd.DataFrame:
    """Return the fine ledger: each at-fault service complaint with its fine.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per complaint that is at_fault, has an agent and a category not in
        ``settings.non_service_categories``. Columns complaint_id, agent_id, month, created_ts,
        category, nth (1-based order of the agent's such complaints in that calendar month by
        created_ts, ties by complaint_id; it restarts each month), fine (yuan,
        ``settings.fine_for(nth)``), dismissal (``nth == settings.dismissal_at``). Empty
        when the dataset has no complaints.
    """
    cols = ["complaint_id", "agent_id", "month", "created_ts", "category", "nth", "fine",
            "dismissal"]
    if not ds.has("complaints"):
        return pd.DataFrame(columns=cols)
    out = ds.con.execute(_fines_sql(ds.settings)).df()
    s = ds.settings
    out["nth"] = out["nth"].astype(int)
    out["fine"] = [float(s.fine_for(int(n))) for n in out["nth"]]
    out["dismissal"] = out["nth"] == s.dismissal_at
    return out[cols]


# ---------------------------------------------------------------------------------------------
# Agents, policies, ranking, panels
# ---------------------------------------------------------------------------------------------

_AGENT_ATTRS = ("team", "shift", "role", "outsourced", "hire_date", "exit_date", "exit_reason")


def _agents(ds: Dataset) -> pd.DataFrame:
    if ds.has("agents"):
        df = ds.frame("agents")
    else:
        df = pd.DataFrame(columns=["agent_id", *_AGENT_ATTRS])
    for col in ("hire_date", "exit_date"):
        df[col] = pd.to_datetime(df[col])
    return df


def _policy_lookup(ds: Dataset) -> pd.DataFrame:
    if not ds.has("policies"):
        return pd.DataFrame(columns=["team", "policy", "start_month", "end_month",
                                     "bottom_share"])
    return ds.frame("policies")


def _active_policy(policies: pd.DataFrame, team, month: str):
    """Return the team's policy row active in ``month`` (latest start), or None."""
    if policies.empty:
        return None
    rows = policies[(policies["team"] == team) & (policies["start_month"] <= month)
                    & (policies["end_month"].isna() | (policies["end_month"] >= month))]
    if rows.empty:
        return None
    return rows.sort_values("start_month").iloc[-1]


def _policy_flags(policies: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """policy_active per (team, month) row of ``frame``."""
    if policies.empty or frame.empty:
        return pd.Series(False, index=frame.index)
    pairs = frame[["team", "month"]].drop_duplicates()
    flags = {(t, m): _active_policy(policies, t, m) is not None
             for t, m in pairs.itertuples(index=False)}
    return pd.Series([flags[(t, m)] for t, m in zip(frame["team"], frame["month"],
                                                    strict=True)], index=frame.index,
                     dtype=bool)


def _whole_month(agents: pd.DataFrame, months: pd.Series) -> pd.Series:
    """Active on every day of the month: hired by the first day, not exited before the last."""
    bounds = {m: _month_bounds(m) for m in months.unique()}
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
    (-), weights ``settings.ranking_weights``; bottom = the lowest ceil(bottom_share x n),
    bottom_share from the team's active ``policies`` row when it has one, else settings.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per agent with KPIs in the month (derived) or per rankings row (given).
        Columns month, team, agent_id, eligible, inquiries, conversion_rate,
        fast_response_rate, credited_sales, agent_complaint_rate, z_conversion_rate,
        z_fast_response_rate, z_credited_sales, z_agent_complaint_rate (NaN when not
        derived or not eligible), score, rank (1 = best; NaN when not ranked), n_ranked
        (ranked agents of the team that month), bottom (bool).
    """
    metric_cols = ["inquiries", "conversion_rate", "fast_response_rate", "credited_sales",
                   "agent_complaint_rate"]
    z_cols = [f"z_{col}" for _, col, _ in _RANKING_METRICS]
    cols = ["month", "team", "agent_id", "eligible", *metric_cols, *z_cols, "score", "rank",
            "n_ranked", "bottom"]
    agents = _agents(ds)
    kpis = kpi_table(ds, ("agent_id",), "month").rename(columns={"period": "month"})
    kpis = kpis[["month", "agent_id", *metric_cols]]
    if ds.has("rankings"):
        given = ds.frame("rankings")[["month", "agent_id", "score", "rank", "bottom"]]
        out = given.merge(kpis, on=["month", "agent_id"], how="left")
        out = out.merge(agents[["agent_id", "team"]], on="agent_id", how="left")
        out["team"] = out["team"].fillna(UNKNOWN_TEAM)
        out["eligible"] = True
        for z in z_cols:
            out[z] = np.nan
        out["n_ranked"] = out.groupby(["month", "team"])["agent_id"].transform("size")
        out["bottom"] = out["bottom"].fillna(False).astype(bool)
        out["rank"] = out["rank"].astype(float)
        out["score"] = out["score"].astype(float)
        return out[cols].sort_values(["month", "team", "rank", "agent_id"]).reset_index(
            drop=True)

    out = kpis.merge(agents[["agent_id", "team", "hire_date", "exit_date"]], on="agent_id",
                     how="left")
    out["team"] = out["team"].fillna(UNKNOWN_TEAM)
    s = ds.settings
    whole = _whole_month(out, out["month"]) if len(out) else pd.Series(dtype=bool)
    out["eligible"] = whole & (out["inquiries"].fillna(0) >= s.min_inquiries)
    for z in z_cols:
        out[z] = np.nan
    out["score"] = np.nan
    out["rank"] = np.nan
    out["n_ranked"] = 0
    out["bottom"] = False
    policies = _policy_lookup(ds)
    for (month, team), grp in out[out["eligible"]].groupby(["month", "team"]):
        idx = grp.index
        score = pd.Series(0.0, index=idx)
        for weight_key, col, sign in _RANKING_METRICS:
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
        policy = _active_policy(policies, team, month)
        share = s.bottom_share
        if policy is not None and pd.notna(policy.get("bottom_share")):
            share = float(policy["bottom_share"])
        k = _bottom_count(share, n)
        out.loc[idx, "bottom"] = ranks > n - k
    out["bottom"] = out["bottom"].astype(bool)
    out["n_ranked"] = out["n_ranked"].astype(int)
    return out[cols].sort_values(["month", "team", "rank", "agent_id"]).reset_index(drop=True)


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
        Columns month, agent_id, team, shift, role, outsourced, hire_date, exit_date,
        exit_reason, tenure_days (month end - hire_date + 1, or exit_date - hire_date + 1 when
        the agent exited on or before month end), active_whole_month, exited (exit_date in
        the month), then the agent-level KPI columns of :func:`kpi_table`, fines (number of
        at-fault service complaints in :func:`fines_table`), fines_yuan (their fines), bottom
        (bottom-ranked that month), policy_active (the team has an active policies row).
    """
    months = _data_months(ds)
    agents = _agents(ds)
    kpis = kpi_table(ds, ("agent_id",), "month").rename(columns={"period": "month"})
    kpis = kpis[kpis["month"].isin(months)]
    # Employed agent-months (agents x months, small).
    rows = []
    for m in months:
        first, last = (pd.Timestamp(d) for d in _month_bounds(m))
        on = agents[(agents["hire_date"] <= last)
                    & (agents["exit_date"].isna() | (agents["exit_date"] >= first))]
        rows.append(pd.DataFrame({"month": m, "agent_id": on["agent_id"].to_numpy()}))
    employed = (pd.concat(rows, ignore_index=True) if rows
                else pd.DataFrame(columns=["month", "agent_id"]))
    keys = pd.concat([employed, kpis[["month", "agent_id"]]], ignore_index=True) \
        .drop_duplicates()
    panel = keys.merge(agents[["agent_id", *[c for c in _AGENT_ATTRS if c in agents]]],
                       on="agent_id", how="left")
    panel["team"] = panel["team"].fillna(UNKNOWN_TEAM)
    month_end = pd.to_datetime(panel["month"].map(lambda m: _month_bounds(m)[1]))
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
    for col in _zero_fill_columns(ds):
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
    panel["policy_active"] = _policy_flags(_policy_lookup(ds), panel)
    cols = ["month", "agent_id", "team", "shift", "role", "outsourced", "hire_date",
            "exit_date", "exit_reason", "tenure_days", "active_whole_month", "exited",
            *KPI_COLUMNS, "fines", "fines_yuan", "bottom", "policy_active"]
    for col in cols:
        if col not in panel:
            panel[col] = None
    return panel[cols].sort_values(["month", "agent_id"]).reset_index(drop=True)


def _zero_fill_columns(ds: Dataset, shop: bool = False) -> list[str]:
    """Count columns that are 0 (not missing) for a group without records in a period."""
    cols = []
    if ds.has("sessions"):
        cols += ["sessions", "presale_sessions", "counted_sessions", "inquiries",
                 "converted_inquiries"]
    elif ds.has("agent_daily"):
        cols += ["inquiries", "converted_inquiries", "credited_sales"]
    if ds.has("orders") and (ds.has("sessions") or not ds.has("agent_daily")):
        cols += ["credited_orders", "credited_sales", "credited_sales_net", "paying_customers",
                 "paid_orders", *(["silent_sales"] if shop else [])]
    elif ds.has("orders") and shop:
        cols += ["paid_orders"]
    if ds.has("complaints"):
        cols += ["complaints", "at_fault_complaints"]
    return cols


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
    months = _data_months(ds)
    agents = ds.frame("agents") if ds.has("agents") else None
    if agents is not None and len(agents):
        hc = headcount_table(agents, months, by="team")
    else:
        hc = pd.DataFrame(columns=["month", "team", *HEADCOUNT_COLUMNS])
    kpis = kpi_table(ds, ("team",), "month").rename(columns={"period": "month"})
    kpis = kpis[kpis["month"].isin(months)]
    panel = hc.merge(kpis, on=["month", "team"], how="outer")
    for col in _zero_fill_columns(ds):
        panel[col] = panel[col].fillna(0.0)
    flags = {m: is_provisional(ds, m) for m in months}
    panel["provisional"] = panel["month"].map(flags).fillna(True).astype(bool)
    panel["policy_active"] = _policy_flags(_policy_lookup(ds), panel)
    cols = ["month", "team", *HEADCOUNT_COLUMNS, *KPI_COLUMNS, "policy_active"]
    return panel[cols].sort_values(["month", "team"]).reset_index(drop=True)
