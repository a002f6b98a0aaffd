import os
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from csnb.io import load_dataset, panels
from csnb.io.cache import RUN_VARIABLE, cache_dir, write_cached
from csnb.io.panels import panels_dir
from csnb.metrics.sql import STAGES
from csnb.settings import Settings


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "agents.csv").write_text(
        "agent_id,team,hire_date,exit_date,exit_reason\n"
        "A1,售前一组,2024-01-01,,\n"
        "A2,夜班组,2024-02-01,2024-05-31,voluntary\n"
        "合计,,,,\n",  # a summary row: rejected with a warning
        encoding="utf-8",
    )
    (data / "sessions.csv").write_text(
        "session_id,agent_id,customer_id,start_ts,kind,first_response_s\n"
        "S1,A1,c1,2024-03-01 10:00:00,presale,2分30秒\n"
        "S2,A9,c2,2024-03-01 11:00:00,aftersale,\n",  # unknown agent: kept, warned
        encoding="utf-8",
    )
    return data


def _entries():
    return sorted(cache_dir().glob("*.duckdb"))


def _same(a, b):
    assert a.tables == b.tables
    assert a.fingerprint == b.fingerprint
    assert a.problems == b.problems
    pd.testing.assert_frame_equal(a.quality, b.quality, check_dtype=False)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.frame(name), b.frame(name))


def test_second_load_comes_from_the_cache_and_equals_the_first(folder):
    first = load_dataset(folder)
    assert len(_entries()) == 1
    second = load_dataset(folder)
    _same(first, second)
    assert {p.check for p in second.problems} >= {"summary_row", "unknown_reference"}
    # the cached connection stays writable for the analyses' own temporary tables
    second.con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS x")


def test_a_changed_file_or_setting_is_a_miss_and_replaces_the_entry(folder):
    load_dataset(folder)
    (old,) = _entries()
    time.sleep(0.01)
    with (folder / "sessions.csv").open("a", encoding="utf-8") as f:
        f.write("S3,A1,c3,2024-03-02 09:00:00,presale,30\n")
    ds = load_dataset(folder)
    assert ds.con.execute("SELECT count(*) FROM sessions").fetchall()[0][0] == 3
    (new,) = _entries()  # one entry per folder
    assert new != old
    tz = load_dataset(folder, settings=Settings(timezone="Asia/Tokyo"))
    assert tz.settings.timezone == "Asia/Tokyo"
    assert load_dataset(folder).settings.timezone == "Asia/Shanghai"


def test_a_broken_entry_is_a_miss(folder):
    load_dataset(folder)
    (entry,) = _entries()
    entry.write_bytes(b"not a database")
    ds = load_dataset(folder)
    assert ds.con.execute("SELECT count(*) FROM agents").fetchall()[0][0] == 2


def test_cache_can_be_switched_off(folder, monkeypatch):
    monkeypatch.setenv("CSNB_CACHE", "0")
    load_dataset(folder)
    assert _entries() == []
    load_dataset(folder, cache=True)
    assert len(_entries()) == 1


def test_contract_errors_are_raised_from_a_cached_load_too(folder):
    (folder / "orders.csv").write_text(
        "order_id,customer_id,created_ts,amount\nO1,c1,2024-03-01 10:00:00,abc\n",
        encoding="utf-8",
    )
    from csnb.errors import DataContractError

    for _ in range(2):
        with pytest.raises(DataContractError, match=r"orders.csv: column 'amount'"):
            load_dataset(folder)
    assert os.environ["CSNB_CACHE_DIR"].endswith("cache")


def test_a_load_that_rejected_future_timestamps_is_not_cached(folder):
    with (folder / "sessions.csv").open("a", encoding="utf-8") as f:
        f.write("S9,A1,c9,2999-01-01 10:00:00,presale,30\n")
    ds = load_dataset(folder)
    assert any(p.check == "future_timestamp" for p in ds.problems)
    assert _entries() == [] and ds.store is None
    # The caller's own store takes it instead (a report run's notebooks open it).
    own = folder.parent / "run" / "dataset.duckdb"
    stored = load_dataset(folder, store=own)
    assert _entries() == [] and (stored.origin, stored.store) == ("files", own)
    _same(stored, ds)


# ---------------------------------------------------------------------------------------------
# A load built in a store (load_dataset(store=...), and every cache entry)
# ---------------------------------------------------------------------------------------------


def test_a_load_built_in_its_store_equals_one_in_memory(folder):
    own = folder.parent / "run" / "dataset.duckdb"
    memory = load_dataset(folder, cache=False)
    stored = load_dataset(folder, cache=False, store=own)
    assert (memory.store, stored.store, stored.origin) == (None, own, "files")
    _same(stored, memory)
    # No temporary file is left beside it.
    assert list(own.parent.glob("*.tmp*")) == []
    # The entry a cached load is built in holds the same.
    _same(load_dataset(folder), memory)


def test_a_store_that_cannot_be_written_leaves_the_load_in_memory(folder, caplog):
    blocker = folder.parent / "a-file"
    blocker.write_text("not a folder")
    with caplog.at_level("INFO", logger="csnb.io.load"):
        ds = load_dataset(folder, cache=False, store=blocker / "dataset.duckdb")
    assert ds.store is None and "keeping it in memory" in caplog.text
    _same(ds, load_dataset(folder, cache=False))


def test_a_store_that_fails_while_the_tables_are_built_costs_a_load_in_memory(
        folder, monkeypatch, caplog):
    from csnb.io import load as load_module

    real = load_module._Loader._build

    def full_disk(self, staged, into=""):
        if into:
            raise duckdb.IOException("No space left on device")
        return real(self, staged, into)

    monkeypatch.setattr(load_module._Loader, "_build", full_disk)
    own = folder.parent / "run" / "dataset.duckdb"
    with caplog.at_level("WARNING", logger="csnb.io.load"):
        ds = load_dataset(folder, store=own)
    assert ds.store is None and "No space left on device" in caplog.text
    assert "loading it again, into memory" in caplog.text
    # Neither the entry nor its half-written file is left behind.
    assert _entries() == [] and list(cache_dir().glob("*.tmp*")) == []
    monkeypatch.undo()
    _same(ds, load_dataset(folder, cache=False))


# ---------------------------------------------------------------------------------------------
# Panels shared beside the stored load (csnb.io.panels)
# ---------------------------------------------------------------------------------------------

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def two_months(tmp_path_factory) -> Path:
    """Two months of the samples (sessions, orders) with the roster, complaints and policies."""
    folder = tmp_path_factory.mktemp("two-months")
    for table in ("sessions", "orders"):
        (folder / table).mkdir()
        for month in ("2025-04", "2025-05"):
            shutil.copy(SAMPLES / table / f"{month}.parquet", folder / table)
    for name in ("agents.csv", "complaints.csv", "policies.csv", "csnb.toml"):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _record_queries(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = panels.shared_query

    def spy(con, entry, sql):
        seen.append(sql)
        return real(con, entry, sql)

    monkeypatch.setattr(panels, "shared_query", spy)
    return seen


def test_panels_are_shared_between_opens_of_one_entry_and_equal_a_fresh_computation(
        two_months, tmp_path, monkeypatch):
    from csnb.metrics import agent_month_panel, kpi_table

    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    first = load_dataset(two_months)
    assert first.origin == "files" and first.store is not None
    seen = _record_queries(monkeypatch)
    by_agent = agent_month_panel(first)
    by_team = kpi_table(first, ("team",), "day")
    files = sorted(panels_dir(first.store).glob("*.parquet"))
    # One file per panel, and one per stage (the attribution and the inquiries they share).
    assert seen and len(files) == len(set(seen)) + len(STAGES)
    written = {f.name: f.stat().st_mtime_ns for f in files}

    second = load_dataset(two_months)
    assert second.origin == "cache" and second.store == first.store
    pd.testing.assert_frame_equal(agent_month_panel(second), by_agent)
    pd.testing.assert_frame_equal(kpi_table(second, ("team",), "day"), by_team)
    # Read, not recomputed: a recomputation would have replaced the files.
    assert {f.name: f.stat().st_mtime_ns
            for f in panels_dir(first.store).glob("*.parquet")} == written

    # Every shared panel equals the query run directly on a load that shares nothing.
    fresh = load_dataset(two_months, cache=False)
    assert fresh.store is None
    for sql in set(seen):
        pd.testing.assert_frame_equal(
            panels.shared_query(second.con, second.store, sql), fresh.con.execute(sql).df())
    pd.testing.assert_frame_equal(agent_month_panel(fresh), by_agent)


def test_a_broken_or_half_written_panel_is_a_miss(two_months, tmp_path, monkeypatch):
    from csnb.metrics import kpi_table

    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    ds = load_dataset(two_months)
    seen = _record_queries(monkeypatch)
    expected = kpi_table(ds, ("agent_id",), "month")
    sql = seen[-1]
    path = panels.panel_path(ds.store, sql)
    path.write_bytes(b"PAR1 not really parquet")  # e.g. a disk that filled up
    # A writer's temporary file next to it is never read.
    path.with_name(f"{path.stem}.tmp1-2.parquet").write_bytes(b"PAR1 half")
    again = load_dataset(two_months)
    assert again.origin == "cache"
    pd.testing.assert_frame_equal(kpi_table(again, ("agent_id",), "month"), expected)
    # The miss was written again, whole.
    pd.testing.assert_frame_equal(
        again.con.execute(f"SELECT * FROM read_parquet('{path}')").df(),
        again.con.execute(sql).df())
    # A query that is no plain SELECT is not shared, only run.
    assert panels.shared_query(again.con, again.store, "PRAGMA version").shape[0] == 1


def test_a_shared_result_is_computed_once_per_entry_and_equals_a_fresh_one(
        two_months, tmp_path, monkeypatch):
    from csnb.analyses import conversion

    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[tuple] = []
    real = conversion._shrink_agent_rates

    def spy(*args):
        calls.append(args[1:])
        return real(*args)

    monkeypatch.setattr(conversion, "_shrink_agent_rates", spy)
    first = load_dataset(two_months)
    result = conversion.shrink_agent_rates(first, "2025-05")
    assert len(calls) == 1 and len(list(panels_dir(first.store).glob("*.pickle"))) == 1
    # A caller's copy: changing it changes nothing the next caller gets.
    result.table.loc[0, "ci_low"] = -1.0
    again = conversion.shrink_agent_rates(first, "2025-05")
    assert again.table.loc[0, "ci_low"] != -1.0 and len(calls) == 1

    # Another process opening the same entry reads the file.
    second = load_dataset(two_months)
    assert second.origin == "cache"
    shared = conversion.shrink_agent_rates(second, "2025-05")
    assert len(calls) == 1
    # Another argument, another result.
    conversion.shrink_agent_rates(second, "2025-05", level=0.8)
    assert len(calls) == 2

    fresh = load_dataset(two_months, cache=False)
    assert fresh.store is None
    own = conversion.shrink_agent_rates(fresh, "2025-05")
    assert len(calls) == 3
    pd.testing.assert_frame_equal(shared.table, own.table)
    pd.testing.assert_frame_equal(shared.priors, own.priors)


def test_a_broken_shared_result_or_one_of_other_code_is_a_miss(folder, monkeypatch):
    ds = load_dataset(folder)
    calls = []

    def compute():
        calls.append(1)
        return {"agents": ds.frame("agents")}

    value = panels.shared_object(ds.store, ("test", 1), compute)
    path = panels.object_path(ds.store, ("test", 1))
    assert path.is_file() and len(calls) == 1
    assert panels.shared_object(ds.store, ("test", 1), compute)["agents"].equals(value["agents"])
    assert len(calls) == 1
    path.write_bytes(path.read_bytes()[:20])  # truncated
    panels.shared_object(ds.store, ("test", 1), compute)
    assert len(calls) == 2
    # csnb's source changed: the key changes, the old result is not read.
    monkeypatch.setattr(panels, "_source_digest", lambda: "other code")
    assert panels.object_path(ds.store, ("test", 1)) != path
    panels.shared_object(ds.store, ("test", 1), compute)
    assert len(calls) == 3


def test_a_shared_result_is_computed_where_it_cannot_be_written(folder):
    ds = load_dataset(folder)
    blocked = panels_dir(ds.store)
    blocked.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(blocked, ignore_errors=True)
    blocked.write_text("a file where the folder would be")
    try:
        assert panels.shared_object(ds.store, ("test", 2), lambda: 42) == 42
        assert panels.shared_file(ds.con, ds.store, "SELECT 1 AS one") is None
        assert panels.shared_query(ds.con, ds.store, "SELECT 1 AS one")["one"].tolist() == [1]
    finally:
        blocked.unlink()


def test_panels_go_with_their_entry(folder):
    ds = load_dataset(folder)
    ds.query("SELECT count(*) AS n FROM sessions")
    old = panels_dir(ds.store)
    assert len(list(old.glob("*.parquet"))) == 1
    time.sleep(0.01)
    with (folder / "agents.csv").open("a", encoding="utf-8") as f:
        f.write("A3,售前一组,2024-03-01,,\n")
    new = load_dataset(folder)
    assert new.store != ds.store and not old.exists()
    assert new.query("SELECT count(*) AS n FROM agents")["n"].iloc[0] == 3


def test_an_entry_written_again_keeps_the_panels_a_notebook_is_reading(two_months, tmp_path,
                                                                      monkeypatch):
    # Two notebooks that missed the cache together both used to write the entry, and the
    # second write removed the stages the first was reading (nbval, two workers).
    from csnb.metrics import agent_month_panel

    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    reader = load_dataset(two_months)
    expected = agent_month_panel(reader)
    staged = sorted(panels_dir(reader.store).glob("*.parquet"))
    assert staged
    write_cached(reader.store, load_dataset(two_months, cache=False))
    assert sorted(panels_dir(reader.store).glob("*.parquet")) == staged
    reader.__dict__.pop("_memo", None)  # asked again: the stage relations are read again
    pd.testing.assert_frame_equal(agent_month_panel(reader), expected)


def _load_origin(folder, cache_dir_, barrier, out):
    os.environ["CSNB_CACHE_DIR"] = cache_dir_
    barrier.wait()
    out.put(load_dataset(folder).origin)


def test_loads_that_miss_the_cache_together_parse_the_files_once(folder):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(3), ctx.Queue()
    workers = [ctx.Process(target=_load_origin, args=(folder, str(cache_dir()), barrier, out))
               for _ in range(3)]
    for w in workers:
        w.start()
    origins = sorted(out.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(timeout=60)
    assert origins == ["cache", "cache", "files"]
    assert len(_entries()) == 1


# ---------------------------------------------------------------------------------------------
# A report run's load (CSNB_RUN_DATASET)
# ---------------------------------------------------------------------------------------------


def test_a_run_load_is_opened_instead_of_loading(folder, tmp_path, monkeypatch):
    from csnb.io import load as load_module

    run_file = tmp_path / "run" / "dataset.duckdb"
    loaded = load_dataset(folder, cache=False)
    write_cached(run_file, loaded, prune=False)
    monkeypatch.setenv(RUN_VARIABLE, str(run_file))
    monkeypatch.setenv("CSNB_CACHE", "0")
    loads = []
    real = load_module._run
    monkeypatch.setattr(load_module, "_run", lambda *a: loads.append(1) or real(*a))
    ds = load_dataset(folder)
    assert (ds.origin, ds.store, loads) == ("run", run_file, [])
    _same(ds, loaded)
    # Another folder, or settings of the caller's own, load as usual.
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    assert load_dataset(other).origin == "files"
    assert load_dataset(folder, settings=Settings(timezone="UTC")).origin == "files"
    assert len(loads) == 2
    # A run file that cannot be read (removed when its run ended) is a plain load.
    run_file.unlink()
    assert load_dataset(folder).origin == "files"


# ---------------------------------------------------------------------------------------------
# DuckDB resources on every connection (csnb.io.resources)
# ---------------------------------------------------------------------------------------------


def _setting(con, name: str) -> str:
    return con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0]


def _as_duckdb_prints(memory: str) -> str:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory}'")
    return _setting(con, "memory_limit")


def test_every_connection_gets_the_memory_limit_spill_folder_and_threads(
        folder, tmp_path, monkeypatch):
    from csnb.io import dataset_from_frames
    from csnb.io.resources import total_memory

    monkeypatch.setenv("CSNB_WORKERS", "3")
    monkeypatch.setenv("CSNB_SPILL_DIR", str(tmp_path / "spill"))
    monkeypatch.delenv("CSNB_DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("CSNB_DUCKDB_THREADS", raising=False)
    from csnb.settings import Settings

    fraction = Settings().duckdb_memory_fraction
    share = f"{int(total_memory() * fraction / 4) // 2**20}MiB"  # 3 notebooks and the runner
    threads = max(1, (os.cpu_count() or 1) // 3)
    loaded = load_dataset(folder)       # parsed
    cached = load_dataset(folder)       # read from the cache
    frames = dataset_from_frames({"agents": cached.frame("agents")})
    assert (loaded.origin, cached.origin) == ("files", "cache")
    spills = set()
    assert (tmp_path / "spill").is_dir()
    for ds in (loaded, cached, frames):
        assert _setting(ds.con, "memory_limit") == _as_duckdb_prints(share)
        assert _setting(ds.con, "threads") == threads
        spill = Path(_setting(ds.con, "temp_directory"))
        assert spill.parent == tmp_path / "spill"
        spills.add(spill)
    assert len(spills) == 3  # one folder per connection

    # csnb.toml's fixed limit, then the environment variable over it.
    (folder / "csnb.toml").write_text('duckdb_memory_limit = "700MB"\nduckdb_threads = 1\n',
                                      encoding="utf-8")
    ds = load_dataset(folder)
    assert _setting(ds.con, "memory_limit") == _as_duckdb_prints("700MB")
    assert _setting(ds.con, "threads") == 1
    monkeypatch.setenv("CSNB_DUCKDB_MEMORY_LIMIT", "300MiB")
    assert _setting(load_dataset(folder).con, "memory_limit") == _as_duckdb_prints("300MiB")
    # The resource settings do not change the cache key: the same entry serves them all.
    assert len(_entries()) == 1


def test_a_cgroup_limit_below_the_machine_is_the_memory_planned_with(tmp_path, monkeypatch):
    from csnb.io import resources

    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    monkeypatch.setattr(resources, "CGROUP_LIMITS", (v2, v1))
    assert resources.total_memory() == physical  # no cgroup files
    v2.write_text("max\n")
    v1.write_text(f"{physical * 4}\n")  # v1's "no limit" is a huge number
    assert resources.total_memory() == physical
    v1.write_text(f"{2**30}\n")
    assert resources.total_memory() == 2**30
    v2.write_text(f"{3 * 2**29}\n")  # v2 first
    assert resources.total_memory() == 3 * 2**29


def test_the_runner_loads_under_the_notebooks_limit(monkeypatch):
    from csnb.io.resources import WORKERS_VARIABLE, duckdb_resources, shared_by

    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    monkeypatch.delenv("CSNB_DUCKDB_MEMORY_LIMIT", raising=False)
    alone = duckdb_resources().memory_limit
    with shared_by(2):
        assert os.environ[WORKERS_VARIABLE] == "2"
        shared = duckdb_resources().memory_limit
    assert WORKERS_VARIABLE not in os.environ
    assert int(shared.removesuffix("MiB")) < int(alone.removesuffix("MiB"))
    monkeypatch.setenv(WORKERS_VARIABLE, "5")
    with shared_by(2):
        pass
    assert os.environ[WORKERS_VARIABLE] == "5"


def test_each_kernel_gets_its_share_of_the_cores_for_blas_unless_the_user_set_it(monkeypatch):
    from csnb.io import resources

    monkeypatch.setattr(resources.os, "cpu_count", lambda: 8)
    for name in resources.BLAS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert resources.kernel_environment(3) == {
        "CSNB_WORKERS": "3", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2",
        "OMP_NUM_THREADS": "2"}
    assert resources.kernel_environment(16)["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OMP_NUM_THREADS", "4")  # the user's choice, inherited by the kernel
    env = resources.kernel_environment(2)
    assert "OMP_NUM_THREADS" not in env and env["MKL_NUM_THREADS"] == "4"


def test_the_runner_loads_with_every_core_before_the_notebooks_start(monkeypatch):
    from csnb.io.resources import THREADS_VARIABLE, duckdb_resources, shared_by

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    with shared_by(2):
        notebook = duckdb_resources()
    with shared_by(2, alone=True):
        runner = duckdb_resources()
        monkeypatch.setenv(THREADS_VARIABLE, "3")  # the user's setting still wins
        assert duckdb_resources().threads == 3
    monkeypatch.delenv(THREADS_VARIABLE)
    assert (notebook.threads, runner.threads) == (2, 4)
    assert runner.memory_limit == notebook.memory_limit  # a notebook's share of memory
    assert duckdb_resources().threads == 4  # one notebook alone: every core, as before


def test_bad_resource_variables_are_named(folder, monkeypatch):
    from csnb.errors import SettingsError

    monkeypatch.setenv("CSNB_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(SettingsError, match="CSNB_DUCKDB_MEMORY_LIMIT.*'lots'"):
        load_dataset(folder, cache=False)
    monkeypatch.delenv("CSNB_DUCKDB_MEMORY_LIMIT")
    monkeypatch.setenv("CSNB_WORKERS", "two")
    with pytest.raises(SettingsError, match="CSNB_WORKERS.*'two'"):
        load_dataset(folder, cache=False)


def test_a_query_above_the_memory_limit_spills_to_its_own_folder(tmp_path, monkeypatch):
    """A sort of ~50 MB under a 32 MiB limit completes by spilling to the spill folder."""
    from csnb.io.resources import connect

    monkeypatch.setenv("CSNB_DUCKDB_MEMORY_LIMIT", "32MiB")
    monkeypatch.setenv("CSNB_DUCKDB_THREADS", "1")
    monkeypatch.setenv("CSNB_SPILL_DIR", str(tmp_path / "not" / "yet"))
    con = connect()
    con.execute("CREATE TABLE t AS SELECT i, md5(CAST(i AS VARCHAR)) AS h "
                "FROM range(1000000) r(i)")
    n = con.execute("SELECT count(*) FROM (SELECT h FROM t ORDER BY h) s").fetchall()[0][0]
    assert n == 1_000_000
    spilled = con.execute("SELECT path, size FROM duckdb_temporary_files()").fetchall()
    assert sum(size for _, size in spilled) > 2**20
    spill = Path(_setting(con, "temp_directory"))
    assert all(Path(path).parent == spill for path, _ in spilled)
    assert spill.parent == tmp_path / "not" / "yet"
    con.close()
    assert not spill.exists()  # DuckDB removes the folder it created
