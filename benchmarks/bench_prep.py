"""Benchmark of the metric book's raw-table step (csnb.metrics.kpi_table) on DuckDB.

Generates N sessions and N orders directly in DuckDB (no pandas), one month of shop time for
300 agents, then runs ``kpi_table(ds, by=("agent_id",), freq="month")`` and prints the wall
time and the process's peak resident memory.

Usage::

    .venv/bin/python benchmarks/bench_prep.py            # N = 5,000,000
    .venv/bin/python benchmarks/bench_prep.py --n 200000 --days 90
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from csnb.io.dataset import Dataset  # noqa: E402
from csnb.metrics import kpi_table  # noqa: E402
from csnb.settings import Settings  # noqa: E402


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(n: int, days: int, agents: int, seed: float) -> Dataset:
    """Create agents, sessions and orders tables in a fresh DuckDB connection."""
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed})")
    customers = max(n // 3, 1)
    con.execute(f"""
        CREATE TABLE agents AS
        SELECT 'A' || LPAD(CAST(i AS VARCHAR), 4, '0') AS agent_id, NULL::VARCHAR AS name,
               'T' || CAST(i % 12 AS VARCHAR) AS team, 'presale' AS role, 'day' AS shift,
               DATE '2024-01-01' + CAST(i AS INTEGER) AS hire_date, NULL::DATE AS exit_date,
               NULL::VARCHAR AS exit_reason, FALSE AS outsourced, 4000.0 AS base_salary
        FROM range({agents}) t(i)""")
    con.execute(f"""
        CREATE TABLE sessions AS
        SELECT 'S' || CAST(i AS VARCHAR) AS session_id,
               'A' || LPAD(CAST(CAST(floor(random() * {agents}) AS INTEGER) AS VARCHAR), 4, '0')
                   AS agent_id,
               'C' || CAST(CAST(floor(random() * {customers}) AS INTEGER) AS VARCHAR)
                   AS customer_id,
               TIMESTAMP '2025-06-01' + to_microseconds(CAST(random() * {days} * 86400e6
                   AS BIGINT)) AS start_ts,
               CASE WHEN random() < 0.7 THEN 'presale' ELSE 'aftersale' END AS kind,
               CASE WHEN random() < 0.05 THEN NULL ELSE round(random() * 400) END
                   AS first_response_s,
               NULL::DOUBLE AS avg_response_s, NULL::BIGINT AS customer_msgs,
               NULL::BIGINT AS agent_msgs, NULL::VARCHAR AS category
        FROM range({n}) t(i)""")
    con.execute(f"""
        CREATE TABLE orders AS
        SELECT 'O' || CAST(i AS VARCHAR) AS order_id,
               'C' || CAST(CAST(floor(random() * {customers}) AS INTEGER) AS VARCHAR)
                   AS customer_id,
               created_ts,
               CASE WHEN random() < 0.85
                    THEN created_ts + to_microseconds(CAST(random() * 3600e6 AS BIGINT))
               END AS paid_ts,
               round(random() * 500, 2) AS amount,
               CASE WHEN random() < 0.2
                    THEN 'A' || LPAD(CAST(CAST(floor(random() * {agents}) AS INTEGER)
                                          AS VARCHAR), 4, '0')
               END AS agent_id,
               NULL::DOUBLE AS refund_amount
        FROM (SELECT i, TIMESTAMP '2025-06-01' + to_microseconds(CAST(random() * {days}
                        * 86400e6 AS BIGINT)) AS created_ts
              FROM range({n}) t(i))""")
    return Dataset(path=None, settings=Settings(), con=con,
                   tables=("agents", "sessions", "orders"))


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5_000_000, help="sessions and orders each")
    parser.add_argument("--days", type=int, default=30, help="days of data from 2025-06-01")
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    ds = build(args.n, args.days, args.agents, seed=0.42)
    if args.threads:
        ds.con.execute(f"SET threads = {args.threads}")
    t1 = time.perf_counter()
    rss_built = peak_rss_mib()
    table = kpi_table(ds, by=("agent_id",), freq="month")
    t2 = time.perf_counter()
    rss_kpi = peak_rss_mib()
    shop = kpi_table(ds, by=(), freq="day")
    t3 = time.perf_counter()

    print(f"sessions={args.n:,} orders={args.n:,} days={args.days} agents={args.agents}")
    print(f"generate in DuckDB:                  {t1 - t0:7.2f} s   peak RSS {rss_built:7.0f} MiB")
    print(f"kpi_table(by=agent_id, freq=month):  {t2 - t1:7.2f} s   peak RSS {rss_kpi:7.0f} MiB"
          f"   ({len(table)} rows)")
    print(f"kpi_table(by=(), freq=day):          {t3 - t2:7.2f} s   peak RSS {peak_rss_mib():7.0f}"
          f" MiB   ({len(shop)} rows)")
    print(f"inquiries={table['inquiries'].sum():,.0f} "
          f"converted={table['converted_inquiries'].sum():,.0f} "
          f"credited_sales={table['credited_sales'].sum():,.2f}")


if __name__ == "__main__":
    main()
