"""Scale benchmark (issue 13): platform-sized months, from Parquet files to rendered reports.

For each size (sessions in the report month) it generates a dataset with ``python -m
csnb.simulate`` (12 months of agents, sessions, orders and complaints in the last two months
only, as the issue's 9M two-month dataset), kept in a cache folder outside the repository and
reused when present. Above 5M sessions the dataset is several shops of one outsourcing firm:
the simulated 5M world once per shop, identifiers suffixed per shop (:func:`tiled`; 20M is
four shops, 43.4M sessions and 8,704 agents in two months), because the simulator holds a
whole world in memory. It then prints, each step in a process of its own:

- load + validate (``load_dataset``, load cache off): wall, CPU and peak RSS;
- prep to panels: ``kpi_table`` by agent and month (the agent-month panel statement), by team,
  the shop by day, ``agent_month_panel`` and ``team_month_panel``;
- the floor: the same agent-month panel written by hand directly in DuckDB over the same
  Parquet files, in a fresh process; its figures are checked against ``kpi_table``'s. It
  runs twice: at DuckDB's defaults (80% of the machine's memory) and under the memory limit
  csnb gives its own connections (the prep step runs under it), and the ratio is printed
  against each;
- the whole ``csnb report`` (a subprocess; peak RSS of every process of its tree, parent and
  kernels, read from ``/proc/PID/status`` VmHWM while they run), and each notebook's time
  from papermill's record in the executed notebook, with its slowest cells;
- ratios and pass/fail lines against the issue's targets, and the machine (cores, RAM, CPU,
  load average at start and end: on a shared machine wall time also measures the neighbours,
  so CPU seconds are printed beside it).

Usage::

    .venv/bin/python benchmarks/bench_scale.py                 # 200k sessions (make bench)
    .venv/bin/python benchmarks/bench_scale.py --full          # 1M, 5M and 20M
    .venv/bin/python benchmarks/bench_scale.py --sizes 1M,5M --cache ~/.cache/csnb-bench
    .venv/bin/python benchmarks/bench_scale.py --data data/samples --month 2025-11 \
        --modes cold,warm,off                                  # the reports alone

Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GiB = 2**30
#: Simulator settings: 12 months ending in the report month, sessions in its last two.
START, MONTHS, REPORT_MONTH, SESSION_MONTHS = "2024-11", 12, "2025-10", 2
#: Sessions per working agent-day multiplier, and agents per report-month session (measured:
#: 200 agents at volume 14 gave 0.82M sessions in 2025-10), so the panels grow with the shop.
VOLUME, SESSIONS_PER_AGENT = 14.0, 4115
SEED = 13
#: Targets of issue 13 (2-core, 24 GiB machine).
PREP_RATIO_MAX = 1.5
REPORT_5M_WALL_S, REPORT_5M_RSS, RSS_20M = 60.0, 2 * GiB, 3 * GiB
#: The largest world the simulator writes; larger sizes are several shops (:func:`tiled`).
SIMULATE_MAX = 5_000_000


# -- machine -------------------------------------------------------------------------------------


def machine() -> str:
    """Cores, RAM, CPU model and Python/DuckDB versions, one line."""
    import duckdb

    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GiB
    return (f"{os.cpu_count()} cores, {mem:.1f} GiB RAM, {model}; Python "
            f"{platform.python_version()}, DuckDB {duckdb.__version__}")


def load_avg() -> str:
    """The 1, 5 and 15-minute load averages, and the speed probe of one core.

    A shared host's cores slow down with its other tenants (the same report took 66 s and 94
    s an hour apart here, its CPU seconds rising with it), which the load average does not
    show: the probe times a fixed Python loop, so two runs' figures can be compared.
    """
    loads = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{loads}; probe {speed_probe():.2f} s"


def speed_probe() -> float:
    """Seconds one core takes for ten million additions in Python (lower is faster)."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


# -- data ----------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """``200k``, ``1M``, ``5M``, ``20000000`` -> sessions."""
    t = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1], 1)
    return int(float(t[:-1] if t[-1] in "km" else t) * mult)


def dataset(size: int, cache: Path) -> tuple[Path, dict]:
    """The dataset folder of ``size`` report-month sessions (generated when missing).

    Up to :data:`SIMULATE_MAX` sessions the simulator writes it. Above, it is several shops:
    copies of the :data:`SIMULATE_MAX` world side by side (:func:`tiled`), since the
    simulator holds a whole world in memory (10 GiB at 5M sessions a month).
    """
    if size > SIMULATE_MAX:
        copies = -(-size // SIMULATE_MAX)
        return tiled(dataset(size // copies, cache)[0], copies,
                     cache / f"sessions-{size}-seed{SEED}-shops{copies}")
    folder = cache / f"sessions-{size}-seed{SEED}"
    if not (folder / "truth.json").exists():
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        agents = max(8, size // SESSIONS_PER_AGENT)
        cmd = [sys.executable, "-m", "csnb.simulate", "--out", str(tmp), "--seed", str(SEED),
               "--agents", str(agents), "--months", str(MONTHS), "--start", START,
               "--volume", str(VOLUME), "--session-months", str(SESSION_MONTHS)]
        print(f"  generating: {' '.join(cmd[1:])}", flush=True)
        run = measured(cmd)
        if run["rc"] != 0:
            raise SystemExit(f"simulate failed:\n{run['stderr']}")
        tmp.rename(folder)
        print(f"  generated in {run['wall']:.0f} s, peak RSS {run['peak'] / GiB:.2f} GiB",
              flush=True)
    return folder, json.loads((folder / "truth.json").read_text(encoding="utf-8"))


#: Columns that identify something, per file: suffixed per shop in a tiled dataset.
SHOP_KEYS = {
    "sessions": ("session_id", "agent_id", "customer_id"),
    "orders": ("order_id", "customer_id", "agent_id"),
    "agents.csv": ("agent_id", "name", "team"),
    "complaints.csv": ("complaint_id", "agent_id", "order_id", "session_id"),
    "policies.csv": ("team",),
    "qa_reviews.csv": ("session_id",),
}


def tiled(base: Path, copies: int, folder: Path) -> tuple[Path, dict]:
    """``copies`` shops of one outsourcing firm: the world in ``base`` once per shop.

    Shop 1 is ``base`` as it is; shop k > 1 is the same records with ``-k`` appended to every
    identifier (agents, their names and teams, customers, sessions, orders, complaints), so
    no record of one shop meets another's: every agent, customer and order is its own, and
    each panel has ``copies`` times the rows. Written by DuckDB, file by file (months of
    sessions and orders as Parquet, the rest as CSV), without holding a table in memory.
    """
    import duckdb

    if (folder / "truth.json").exists():
        return folder, json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'; SET preserve_insertion_order = false")

    def select(source: str, keys: tuple[str, ...]) -> str:
        def shop(k: int) -> str:
            if k == 1:
                return f"SELECT * FROM {source}"
            renamed = ", ".join(f"{c} || '-{k}' AS {c}" for c in keys)
            return f"SELECT * REPLACE ({renamed}) FROM {source}"

        return " UNION ALL ".join(shop(k) for k in range(1, copies + 1))

    counts: dict = {"sessions": {"files": {}}, "orders": {"files": {}}}
    for table in ("sessions", "orders"):
        (tmp / table).mkdir()
        for path in sorted((base / table).glob("*.parquet")):
            out = tmp / table / path.name
            src = f"read_parquet('{path}')"
            con.execute(f"COPY ({select(src, SHOP_KEYS[table])}) TO '{out}' "
                        "(FORMAT PARQUET, COMPRESSION zstd)")
            counts[table]["files"][path.name] = con.execute(
                f"SELECT COUNT(*) FROM read_parquet('{out}')").fetchone()[0]
        counts[table]["total"] = sum(counts[table]["files"].values())
    for name, keys in SHOP_KEYS.items():
        if not name.endswith(".csv") or not (base / name).exists():
            continue
        src = f"read_csv('{base / name}', all_varchar = true, header = true)"
        con.execute(f"COPY ({select(src, keys)}) TO '{tmp / name}' (HEADER, DELIMITER ',')")
        counts[name[:-4]] = con.execute(
            f"SELECT COUNT(*) FROM read_csv('{tmp / name}', all_varchar = true)").fetchone()[0]
    shutil.copy(base / "csnb.toml", tmp / "csnb.toml")
    truth = {"counts": counts, "tiled": {"base": base.name, "copies": copies}}
    (tmp / "README.md").write_text(
        f"{copies} shops: the simulated world of {base.name} once per shop, identifiers "
        f"suffixed -2..-{copies} (benchmarks/bench_scale.py, tiled()).\n", encoding="utf-8")
    (tmp / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    tmp.rename(folder)
    print(f"  tiled {copies} shops of {base.name} in {time.perf_counter() - t0:.0f} s",
          flush=True)
    return folder, truth


# -- measuring a process tree --------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    return kids


def _hwm(pid: int) -> int:
    """Peak resident set size of a live process (VmHWM), in bytes; 0 when gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measured(cmd: list[str], env: dict | None = None, poll_s: float = 0.2) -> dict:
    """Run ``cmd``; return wall seconds, CPU seconds of the tree, and each process's peak RSS."""
    peaks: dict[int, tuple[str, int]] = {}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    import threading

    out: dict[str, str] = {}

    def drain(name: str, stream) -> None:
        out[name] = stream.read()

    threads = [threading.Thread(target=drain, args=(n, s))
               for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for t in threads:
        t.start()
    while proc.poll() is None:
        kids = _children()
        todo, tree = [proc.pid], []
        while todo:
            p = todo.pop()
            tree.append(p)
            todo += kids.get(p, [])
        for p in tree:
            hwm = _hwm(p)
            if hwm:
                try:
                    name = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ")
                    label = name.decode(errors="replace")[:80]
                except OSError:
                    label = "?"
                old = peaks.get(p, (label, 0))
                peaks[p] = (old[0], max(old[1], hwm))
        time.sleep(poll_s)
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = max([v for _, v in peaks.values()] + [after.ru_maxrss * 1024 if not peaks else 0])
    return {"rc": proc.returncode, "wall": wall, "cpu": cpu, "peak": peak, "peaks": peaks,
            "stdout": out.get("stdout", ""), "stderr": out.get("stderr", "")}


# -- steps run in a child process (python bench_scale.py --step NAME DIR) ------------------------


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def step_prep(folder: Path) -> dict:
    """Load + validate, then the metric-book panels twice; wall, CPU and peak RSS of each.

    ``memory``: on the load as it comes (the tables inside DuckDB's memory, the stages
    temporary tables), as an analyst's ``load_dataset(..., cache=False)`` computes them.
    ``stored``: as a report run computes them. The files are loaded again into a store of
    their own (``load_dataset(..., store=...)``, as the runner loads: the tables are built in
    the file; timed as ``load_store``) and the panels are computed on it as a notebook does
    (the tables read from disk, the stages Parquet files beside it).
    """
    from csnb.io import load_dataset

    res: dict = {}
    t, c = time.perf_counter(), time.process_time()
    loaded = load_dataset(folder, strict=False, cache=False)
    res["load"] = (time.perf_counter() - t, time.process_time() - c, _rss())
    res["rows"] = {n: int(loaded.con.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0])
                   for n in ("sessions", "orders", "complaints")}
    res["memory"] = _panels(loaded)
    loaded.con.close()
    scratch = Path(tempfile.mkdtemp(prefix="csnb-bench-prep-"))
    try:
        t, c = time.perf_counter(), time.process_time()
        ds = load_dataset(folder, strict=False, cache=False, store=scratch / "dataset.duckdb")
        res["load_store"] = (time.perf_counter() - t, time.process_time() - c, _rss())
        assert ds.store is not None
        res["stored"] = _panels(ds)
        ds.con.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    res["panel"] = res["stored"].pop("panel")
    if res["memory"].pop("panel") != res["panel"]:
        raise AssertionError("the agent-month panel differs between the two loads")
    return res


def _panels(ds) -> dict:
    """Time the panels on ``ds``; keep the agent-month figures (compared with the floor)."""
    from csnb.metrics import agent_month_panel, kpi_table, team_month_panel

    res: dict = {}
    panel = None
    for label, fn in (
        ("kpi_table(by=agent_id, freq=month)",
         lambda: kpi_table(ds, by=("agent_id",), freq="month")),
        ("kpi_table(by=team, freq=month)", lambda: kpi_table(ds, by=("team",), freq="month")),
        ("kpi_table(by=(), freq=day)", lambda: kpi_table(ds, by=(), freq="day")),
        ("agent_month_panel", lambda: agent_month_panel(ds)),
        ("team_month_panel", lambda: team_month_panel(ds)),
    ):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        res[label] = (time.perf_counter() - t, time.process_time() - c, _rss())
        if panel is None:
            panel = out
    assert panel is not None
    cols = ["sessions", "inquiries", "converted_inquiries", "credited_sales",
            "counted_sessions", "fast_response_rate", "median_first_response_s",
            "complaints"]
    res["panel"] = {f"{r['period']}|{r['agent_id']}": [None if v != v else float(v)
                                                         for v in r[cols]]
                    for _, r in panel.iterrows()}
    return res


def floor_sql(folder: Path) -> str:
    """The agent-month panel written by hand in DuckDB over the Parquet files (the floor)."""
    from csnb.settings import load_settings

    st = load_settings(folder)
    w = int(st.attribution_window_days)
    b0 = st.business_start.hour * 3600 + st.business_start.minute * 60
    b1 = st.business_end.hour * 3600 + st.business_end.minute * 60
    cap, fast = float(st.response_cap_s), float(st.fast_response_s)
    s, o = f"'{folder}/sessions/*.parquet'", f"'{folder}/orders/*.parquet'"
    c = f"'{folder}/complaints.csv'"
    return f"""
WITH s AS (
  SELECT session_id, agent_id, customer_id, start_ts, kind, first_response_s,
         CAST(start_ts AS DATE) AS d,
         (EPOCH(start_ts) % 86400) BETWEEN {b0} AND {b1 - 1} AS counted
  FROM read_parquet({s})),
pre AS (SELECT * FROM s WHERE kind = 'presale'),
paid AS (
  SELECT order_id, customer_id, agent_id AS tag, paid_ts, CAST(paid_ts AS DATE) AS pd,
         CAST(amount AS DECIMAL(18, 2)) AS amount
  FROM read_parquet({o}) WHERE paid_ts IS NOT NULL),
last AS (
  SELECT p.order_id, ARG_MAX(x.agent_id, (x.start_ts, x.session_id)) AS agent_id
  FROM paid p JOIN pre x ON x.customer_id = p.customer_id
   AND x.d BETWEEN p.pd - {w} AND p.pd AND x.start_ts < p.paid_ts
  WHERE p.tag IS NULL GROUP BY p.order_id),
cred AS (
  SELECT p.*, COALESCE(p.tag, l.agent_id) AS agent_id
  FROM paid p LEFT JOIN last l USING (order_id)),
inq AS (SELECT DISTINCT customer_id, agent_id, d FROM pre),
conv AS (
  SELECT * FROM inq i SEMI JOIN cred c ON c.customer_id = i.customer_id
   AND c.agent_id = i.agent_id AND c.pd BETWEEN i.d AND i.d + {w}),
fs AS (
  SELECT strftime(d, '%Y-%m') AS period, agent_id, COUNT(*) AS sessions,
         COUNT(*) FILTER (counted) AS counted_sessions,
         AVG(LEAST(COALESCE(first_response_s, {cap}), {cap})) FILTER (counted) AS avg_fr,
         MEDIAN(LEAST(COALESCE(first_response_s, {cap}), {cap})) FILTER (counted) AS med_fr,
         COUNT(*) FILTER (counted AND first_response_s <= {fast}) AS fast_n
  FROM s GROUP BY ALL),
fi AS (SELECT strftime(d, '%Y-%m') AS period, agent_id, COUNT(*) AS inquiries
       FROM inq GROUP BY ALL),
fc AS (SELECT strftime(d, '%Y-%m') AS period, agent_id, COUNT(*) AS converted
       FROM conv GROUP BY ALL),
fo AS (SELECT strftime(pd, '%Y-%m') AS period, agent_id, SUM(amount) AS sales
       FROM cred WHERE agent_id IS NOT NULL GROUP BY ALL),
fq AS (SELECT strftime(CAST(created_ts AS DATE), '%Y-%m') AS period, agent_id,
              COUNT(*) AS complaints
       FROM read_csv({c}) WHERE agent_id IS NOT NULL GROUP BY ALL),
k AS (SELECT period, agent_id FROM fs UNION SELECT period, agent_id FROM fo
      UNION SELECT period, agent_id FROM fq)
SELECT k.period, k.agent_id, COALESCE(fs.sessions, 0) AS sessions,
       COALESCE(fi.inquiries, 0) AS inquiries, COALESCE(fc.converted, 0) AS converted,
       COALESCE(fo.sales, 0) AS sales, COALESCE(fs.counted_sessions, 0) AS counted,
       fs.fast_n / NULLIF(fs.counted_sessions, 0) AS fast_rate, fs.med_fr,
       COALESCE(fq.complaints, 0) AS complaints
FROM k LEFT JOIN fs USING (period, agent_id) LEFT JOIN fi USING (period, agent_id)
LEFT JOIN fc USING (period, agent_id) LEFT JOIN fo USING (period, agent_id)
LEFT JOIN fq USING (period, agent_id)
"""


def step_floor(folder: Path, limited: bool = False) -> dict:
    """Run the hand-written floor query in a fresh DuckDB connection.

    With ``limited`` the connection gets the memory limit, threads and spill folder csnb's
    own connections get (:func:`csnb.io.resources.apply_resources`); otherwise DuckDB's
    defaults (80% of the machine's memory).
    """
    import duckdb

    con = duckdb.connect()
    if limited:
        from csnb.io.resources import apply_resources
        from csnb.settings import load_settings

        apply_resources(con, load_settings(folder))
    sql = floor_sql(folder)
    t, c = time.perf_counter(), time.process_time()
    rows = con.execute(sql).fetchall()
    res = {"floor": (time.perf_counter() - t, time.process_time() - c, _rss())}
    res["panel"] = {f"{r[0]}|{r[1]}": [None if v is None else float(v) for v in r[2:]]
                    for r in rows}
    return res


def child(step: str, folder: Path, required: bool = True) -> dict:
    """Run a step in a fresh process (its own peak RSS); return its JSON result.

    A step that is not ``required`` and fails returns ``{"failed": its last error line}``.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--step", step, str(folder)]
    run = measured(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if run["rc"] != 0 and not required:
        errors = [x for x in run["stderr"].splitlines() if "Error" in x]
        return {"failed": errors[-1] if errors else f"exit {run['rc']}"}
    if run["rc"] != 0:
        raise SystemExit(f"step {step} failed:\n{run['stderr'][-3000:]}")
    res = json.loads(run["stdout"].strip().splitlines()[-1])
    res["_peak"] = run["peak"]
    return res


# -- report --------------------------------------------------------------------------------------


def report(folder: Path, out: Path, cache_dir: Path | None, only: str | None = None,
           month: str = REPORT_MONTH) -> dict:
    """Run ``csnb report`` for ``month``; return its measures and notebook timings."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if cache_dir is None:
        env["CSNB_CACHE"] = "0"
    else:
        env["CSNB_CACHE_DIR"] = str(cache_dir)
    cmd = [str(Path(sys.executable).with_name("csnb")), "report", "--month", month,
           "--data", str(folder), "--out", str(out), "--no-progress"]
    if only:
        cmd += ["--only", only]
    run = measured(cmd, env=env)
    run["notebooks"] = {}
    for nb in sorted((out / month).glob("*.ipynb")):
        meta = json.loads(nb.read_text(encoding="utf-8"))
        cells = []
        for cell in meta.get("cells", []):
            dur = cell.get("metadata", {}).get("papermill", {}).get("duration")
            if cell.get("cell_type") == "code" and dur:
                src = "".join(cell.get("source", "")).strip().splitlines()
                cells.append((float(dur), src[0][:70] if src else ""))
        total = meta.get("metadata", {}).get("papermill", {}).get("duration")
        run["notebooks"][nb.stem] = (total, sorted(cells, reverse=True)[:3])
    return run


# -- main ----------------------------------------------------------------------------------------


def compare(prep: dict, floor: dict) -> str:
    """How the floor's agent-month figures compare with kpi_table's."""
    a, b = prep["panel"], floor["panel"]
    if set(a) != set(b):
        return f"NO: keys differ ({len(set(a) ^ set(b))} agent-months)"
    worst = 0.0
    for k in a:
        for x, y in zip(a[k], b[k], strict=True):
            if (x is None) != (y is None):
                return f"NO: {k} missing on one side"
            if x is not None and y is not None:
                worst = max(worst, abs(x - y) / max(1.0, abs(x)))
    return ("yes" if worst < 1e-9 else "NO") + f" ({len(a)} agent-months, 8 figures each, " \
        f"largest relative difference {worst:.1e})"


def line(label: str, wall: float, cpu: float, rss: int, extra: str = "") -> str:
    """One printed figure line."""
    return f"  {label:<38} {wall:8.2f} s wall {cpu:8.2f} s CPU {rss / GiB:6.2f} GiB{extra}"


def run_size(size: int, cache: Path, per_notebook: bool, modes: list[str]) -> list[str]:
    """Measure one size and print its lines; return its pass/fail lines."""
    verdicts: list[str] = []
    print(f"\n== {size:,} sessions in {REPORT_MONTH} (load average {load_avg()}) ==", flush=True)
    folder, truth = dataset(size, cache)
    c = truth["counts"]
    print(f"  data: {folder}: {c['agents']} agents, sessions {c['sessions']['files']}, "
          f"orders {c['orders']['total']:,}, complaints {c['complaints']:,}", flush=True)
    prep = child("prep", folder)
    floor = child("floor", folder)
    # The floor's exact MEDIAN holds every value of a group and cannot spill: under csnb's
    # limit it may run out of memory where csnb's histogram quantiles do not.
    limited = child("floor-limited", folder, required=False)
    lw, lc, lr = prep["load"]
    print(line("load + validate", lw, lc, lr), flush=True)
    print(line("load + validate into a store (runner)", *prep["load_store"]), flush=True)
    floors = [("DuckDB's defaults", floor["floor"])]
    print(line("floor: hand-written DuckDB, Parquet", *floor["floor"]))
    if "failed" in limited:
        print(f"  floor under csnb's memory limit: failed ({limited['failed'][:150]})")
        print(f"  floor figures equal kpi_table's: {compare(prep, floor)}")
    else:
        floors.append(("csnb's limit", limited["floor"]))
        print(line("floor under csnb's memory limit", *limited["floor"]))
        print(f"  floor figures equal kpi_table's: {compare(prep, floor)}; under the limit: "
              f"{compare(prep, limited)}")
    for path, title in (("memory", "on the load in memory (load_dataset, cache off)"),
                        ("stored", "on the stored load, as a report's notebooks")):
        steps = prep[path]
        print(f"  panels {title}:")
        for k, (w, cp, r) in steps.items():
            print(line("  " + k, w, cp, r))
        pw = sum(v[0] for v in steps.values())
        pc = sum(v[1] for v in steps.values())
        print(line("  prep to panels (all of the above)", pw, pc, prep["_peak"]))
        kw, kc, _ = steps["kpi_table(by=agent_id, freq=month)"]
        ratios = []
        for short, (fw, fc, _) in floors:
            ratios.append((short, kw / fw, kc / max(fc, 1e-9)))
            print(f"    agent-month panel / floor at {short}: {kw / fw:.2f}x wall, "
                  f"{kc / max(fc, 1e-9):.2f}x CPU; all prep / floor: {pw / fw:.2f}x wall, "
                  f"{pc / max(fc, 1e-9):.2f}x CPU")
        short, ratio_w, ratio_c = ratios[0]
        ok = ratio_c <= PREP_RATIO_MAX
        beside = (f"floor under csnb's limit: CPU {ratios[1][2]:.2f}x" if len(ratios) > 1
                  else "the floor failed under csnb's limit")
        verdicts.append(f"{'PASS' if ok else 'FAIL'} {size:,}: agent-month prep {path} <= "
                        f"{PREP_RATIO_MAX}x floor (CPU {ratio_c:.2f}x, wall {ratio_w:.2f}x; "
                        f"{beside})")
    if not modes:  # --modes none: the load, panels and floor only
        return verdicts
    runs = run_reports(folder, REPORT_MONTH, modes)
    rep = runs[modes[0]]
    if size >= 5_000_000 and size < 20_000_000:
        ok = rep["rc"] == 0 and rep["wall"] < REPORT_5M_WALL_S
        verdicts.append(f"{'PASS' if ok else 'FAIL'} {size:,}: csnb report < "
                        f"{REPORT_5M_WALL_S:.0f} s wall ({rep['wall']:.1f} s)")
        ok = rep["peak"] <= REPORT_5M_RSS
        verdicts.append(f"{'PASS' if ok else 'FAIL'} {size:,}: no process > 2 GiB "
                        f"(largest {rep['peak'] / GiB:.2f} GiB)")
    if size >= 20_000_000:
        ok = rep["rc"] == 0 and rep["peak"] < RSS_20M
        verdicts.append(f"{'PASS' if ok else 'FAIL'} {size:,}: completes with peak "
                        f"RSS < 3 GiB ({rep['peak'] / GiB:.2f} GiB)")
    if per_notebook:
        with tempfile.TemporaryDirectory(prefix="csnb-bench-") as tmp:
            for name in ("overview", "turnover", "conversion", "complaints", "incentives"):
                out = Path(tmp) / f"only-{name}"
                rep = report(folder, out, None, only=name)
                print(line(f"csnb report --only {name} (no cache)", rep["wall"], rep["cpu"],
                           rep["peak"]), flush=True)
    return verdicts


def run_reports(folder: Path, month: str, modes: list[str]) -> dict[str, dict]:
    """Run ``csnb report`` once per mode and print each run's figures; return them by mode.

    Modes: cold (a fresh load cache), warm (the same cache again), off (``CSNB_CACHE=0``).
    """
    runs = {}
    with tempfile.TemporaryDirectory(prefix="csnb-bench-") as tmp:
        for mode in modes:
            cache_dir = Path(tmp) / "cache" if mode in ("cold", "warm") else None
            out = Path(tmp) / f"reports-{mode}"
            rep = runs[mode] = report(folder, out, cache_dir, month=month)
            status = "ok" if rep["rc"] == 0 else f"FAILED rc={rep['rc']}"
            print(line(f"csnb report ({mode} cache), {status}", rep["wall"], rep["cpu"],
                       rep["peak"], f" largest process; load avg {load_avg()}"), flush=True)
            if rep["rc"] != 0:
                print("    " + rep["stderr"][-1500:].replace("\n", "\n    "))
            for pid, (label, peak) in sorted(rep["peaks"].items(), key=lambda x: -x[1][1])[:7]:
                print(f"    process {pid:>7} {peak / GiB:5.2f} GiB  {label}")
            for name, (total, cells) in rep["notebooks"].items():
                print(f"    notebook {name:<12} {total or float('nan'):7.1f} s; slowest cells: "
                      + "; ".join(f"{d:.1f} s {s!r}" for d, s in cells))
    return runs


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="200k",
                    help="report-month sessions, comma-separated (default 200k)")
    ap.add_argument("--full", action="store_true", help="the issue's sizes: 1M, 5M, 20M")
    ap.add_argument("--cache", type=Path,
                    default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                    / "csnb-bench", help="folder of the generated datasets (reused)")
    ap.add_argument("--modes", default="cold",
                    help="csnb report runs: cold, warm (same cache again), off (no cache); "
                         "none: no report, the load, panels and floor only")
    ap.add_argument("--data", type=Path,
                    help="instead of the sizes: csnb report (--modes) on this data folder")
    ap.add_argument("--month", help="the report month of --data, YYYY-MM")
    ap.add_argument("--per-notebook", action="store_true",
                    help="also run csnb report --only NAME for each report")
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.step:
        sys.path.insert(0, str(ROOT))
        res = {"prep": step_prep, "floor": step_floor,
               "floor-limited": lambda folder: step_floor(folder, limited=True),
               }[args.step](args.folder)
        print(json.dumps(res))
        return
    if args.data:
        if not args.month:
            raise SystemExit("--data needs --month")
        print(f"machine: {machine()}")
        print(f"\n== csnb report on {args.data}, {args.month} (load average {load_avg()}) ==")
        run_reports(args.data, args.month, args.modes.split(","))
        return
    sizes = [1_000_000, 5_000_000, 20_000_000] if args.full else [
        parse_size(s) for s in args.sizes.split(",")]
    if ROOT in args.cache.resolve().parents or args.cache.resolve() == ROOT:
        raise SystemExit(f"--cache {args.cache} is inside the repository; choose another")
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"load average at start: {load_avg()}; cache: {args.cache}")
    t0 = time.perf_counter()
    verdicts = []
    modes = [m for m in args.modes.split(",") if m != "none"]
    for size in sizes:
        verdicts += run_size(size, args.cache, args.per_notebook, modes)
    print(f"\nload average at end: {load_avg()}; bench took {time.perf_counter() - t0:.0f} s")
    print("targets (issue 13; prep compared in CPU seconds, as the machine is shared):")
    for v in verdicts:
        print("  " + v)


if __name__ == "__main__":
    main()
