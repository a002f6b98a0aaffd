"""Benchmark :func:`csnb.load_dataset` on a large sessions CSV or Parquet file.

Generates N sessions (default 2,000,000) as a CSV with the traps platform exports carry
(Chinese durations beside plain seconds, "1,234" counts, value aliases, a few bad and summary
rows) plus a small agents table, loads the folder, and prints rows per second and the peak
resident memory of the process (``resource.getrusage``, which includes Python and DuckDB).
With ``--format parquet`` the sessions are a Parquet file with typed columns (timestamps,
numbers), as a warehouse export or the simulator writes them.

Usage::

    .venv/bin/python benchmarks/bench_load.py [--rows N] [--encoding utf-8|gb18030]
        [--format csv|parquet]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb


def write_sessions(folder: Path, rows: int, encoding: str) -> Path:
    """Write ``sessions.csv`` (and ``agents.csv``) with DuckDB, never through pandas."""
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          SELECT 'A' || (i % 200) AS agent_id, '客服' || (i % 200) AS name,
                 'T' || (i % 8) AS team, DATE '2023-01-01' + CAST(i % 300 AS INTEGER) AS hire_date
          FROM range(200) t(i)
        ) TO '{folder / "agents.csv"}' (HEADER)
        """
    )
    path = folder / "sessions.csv"
    # Column headers in Chinese as a Taobao export would have them; every 100,000th row is a
    # broken duration, the last row a summary row.
    con.execute(
        f"""
        COPY (
          SELECT 'S' || i AS "会话ID",
                 'A' || (i % 211) AS "客服ID",
                 'C' || (hash(i) % 500000) AS "买家ID",
                 strftime(TIMESTAMP '2025-06-01' + to_seconds(i * 1.3), '%Y-%m-%d %H:%M:%S')
                   AS "会话开始时间",
                 CASE WHEN i % 3 = 0 THEN '售后' ELSE '售前' END AS "接待类型",
                 CASE WHEN i % 100000 = 99999 THEN '很快'
                      WHEN i % 4 = 0 THEN (i % 200) || '秒'
                      WHEN i % 4 = 1 THEN (i % 5) || '分' || (i % 60) || '秒'
                      WHEN i % 4 = 2 THEN '-'
                      ELSE CAST(i % 600 AS VARCHAR) END AS "首次响应时长(秒)",
                 CAST(i % 300 AS VARCHAR) AS "平均响应时长(秒)",
                 CASE WHEN i % 1000 = 0 THEN '1,234' ELSE CAST(i % 20 AS VARCHAR) END
                   AS "买家消息数",
                 CAST(i % 25 AS VARCHAR) AS "客服消息数",
                 '尺码' AS "咨询类目"
          FROM range({rows - 1}) t(i)
          UNION ALL SELECT '合计', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        ) TO '{path}' (HEADER)
        """
    )
    con.close()
    if encoding != "utf-8":
        # Platform exports opened and saved in Excel on Chinese Windows come out GBK.
        tmp = path.with_suffix(".tmp")
        with path.open("r", encoding="utf-8") as src, tmp.open("w", encoding=encoding) as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        tmp.replace(path)
    return path


def write_sessions_parquet(folder: Path, rows: int) -> Path:
    """Write ``sessions.parquet`` with typed columns (and ``agents.csv``) with DuckDB."""
    write_sessions(folder, 2, "utf-8")  # agents.csv (and a tiny CSV, removed below)
    (folder / "sessions.csv").unlink()
    path = folder / "sessions.parquet"
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          SELECT 'S' || i AS session_id, 'A' || (i % 211) AS agent_id,
                 'C' || (hash(i) % 500000) AS customer_id,
                 TIMESTAMP '2025-06-01' + to_seconds(CAST(i * 1.3 AS BIGINT)) AS start_ts,
                 CASE WHEN i % 3 = 0 THEN 'aftersale' ELSE 'presale' END AS kind,
                 CASE WHEN i % 4 = 2 THEN NULL ELSE CAST(i % 600 AS DOUBLE) END
                   AS first_response_s,
                 CAST(i % 300 AS DOUBLE) AS avg_response_s,
                 CAST(i % 20 AS BIGINT) AS customer_msgs, CAST(i % 25 AS BIGINT) AS agent_msgs,
                 '尺码' AS category
          FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT parquet)
        """
    )
    con.close()
    return path


def main(argv: list[str] | None = None) -> None:
    """Generate, load and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "gb18030"])
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from csnb.io import load_dataset, quality_table

    with tempfile.TemporaryDirectory(prefix="csnb-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        if args.format == "parquet":
            path = write_sessions_parquet(folder, args.rows)
        else:
            path = write_sessions(folder, args.rows, args.encoding)
        t1 = time.perf_counter()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu = time.process_time()
        ds = load_dataset(folder, strict=False, cache=False)
        t2 = time.perf_counter()
        # CPU seconds of all threads: on a shared machine wall time measures the neighbours.
        cpu = time.process_time() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        what = "parquet" if args.format == "parquet" else args.encoding
        print(f"file: {path.stat().st_size / 2**20:,.0f} MiB ({what}), "
              f"written in {t1 - t0:.1f} s")
        print(quality_table(ds).to_string(index=False))
        print(f"load: {args.rows:,} sessions in {t2 - t1:.2f} s = "
              f"{args.rows / (t2 - t1):,.0f} rows/s; CPU {cpu:.2f} s = "
              f"{args.rows / cpu:,.0f} rows per CPU second")
        print(f"peak RSS: {rss / 2**20:.2f} GiB (before the load: {rss_before / 2**20:.2f} GiB)")


if __name__ == "__main__":
    main()
