"""A cache of loaded datasets, so five report notebooks do not parse the same files five times.

A load's result (the typed contract tables, the row accounting and the findings) is written to
one DuckDB file keyed by everything the load depends on: the csnb version, the settings, each
input file's path, size and modification time, and the day (the future-timestamp policy
depends on it). A changed file, setting or day is a miss. Entries of the same folder replace
each other, so the cache holds at most one entry per dataset folder.

Location: ``$CSNB_CACHE_DIR``, else ``$XDG_CACHE_HOME/csnb``, else ``~/.cache/csnb``. Set
``CSNB_CACHE=0`` to switch the cache off.

Beside each entry, ``ENTRY.panels/`` keeps the results of the metric-book queries run on it
(:mod:`csnb.io.panels`); they go with their entry.

A load is built in its entry directly (:func:`open_store`, :func:`close_store`): the checked
rows go into the file's tables, never into memory first. :func:`write_cached` copies a load
that is in memory.

A report run loads once, cache or not: ``csnb report`` (and ``csnb daily``) loads and checks
the data, and when the load is not in the cache (cache off, or a load the cache does not keep)
builds it in a file of its own (``load_dataset(..., store=...)``), removed when the run ends. It
names that file, or the cache entry, to the notebooks' kernels in ``CSNB_RUN_DATASET``, and
:func:`csnb.io.load_dataset` of the same folder opens it read-only
(:func:`read_run_dataset`) instead of loading again. A notebook run alone (JupyterLab) has no
such variable and loads as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from .._sql import ident, lit
from ..errors import Problem
from ..settings import SETTINGS_FILE, Settings
from .dataset import Dataset
from .panels import panels_dir
from .resources import apply_resources
from .schema import SUFFIXES

#: The environment variable naming the load a report run shares with its notebooks.
RUN_VARIABLE = "CSNB_RUN_DATASET"

_META = "_csnb_meta"
_EXTRA_TABLES = ("_not_final_days",)


def cache_enabled(cache: bool | None = None) -> bool:
    """Whether to use the cache: the argument if given, else ``CSNB_CACHE`` (default on)."""
    if cache is not None:
        return cache
    return os.environ.get("CSNB_CACHE", "1") not in ("0", "false", "no", "off")


def cache_dir() -> Path:
    """Folder of the cache files."""
    if os.environ.get("CSNB_CACHE_DIR"):
        return Path(os.environ["CSNB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "csnb"


def _input_state(folder: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every file a load of ``folder`` could read."""
    state = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() in SUFFIXES or path.name == SETTINGS_FILE:
            st = path.stat()
            state.append((rel.as_posix(), st.st_size, st.st_mtime_ns))
    return state


def cache_path(folder: Path, settings: Settings | None, today: date) -> Path:
    """The cache file for a load of ``folder`` with ``settings`` on ``today``."""
    from .. import __version__

    folder = folder.resolve()
    key = {
        "csnb": __version__,
        # Resource settings (memory, threads) change no table: not part of the key.
        "settings": settings.result_key() if settings is not None else None,
        "files": _input_state(folder),
        "today": today.isoformat(),
    }
    digest = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:24]
    return cache_dir() / f"{_folder_id(folder)}-{digest}.duckdb"


def _folder_id(folder: Path) -> str:
    return hashlib.sha256(str(folder).encode()).hexdigest()[:12]


def read_cached(path: Path, origin: str = "cache", folder: Path | None = None
                ) -> Dataset | None:
    """Open a stored load read-only, or return None when there is none (or it cannot be read).

    Parameters
    ----------
    path : Path
        A cache entry, or the file a report run stored its load in.
    origin : str
        Recorded as the Dataset's ``origin`` (``"cache"`` or ``"run"``).
    folder : Path, optional
        Only open a load of this dataset folder (None for another folder's).
    """
    if not path.exists():
        return None
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {lit(str(path))} AS cached (READ_ONLY)")
        meta = json.loads(con.execute(f"SELECT meta FROM cached.{_META}").fetchall()[0][0])
        if folder is not None and Path(meta["path"]).resolve() != folder.resolve():
            con.close()
            return None
        settings = Settings.from_dict(meta["settings"])
        apply_resources(con, settings)
        con.execute(f"SET TimeZone = {lit(settings.timezone)}")
        for name in [*meta["tables"], *_EXTRA_TABLES]:
            # Views keep the connection writable for the analyses' temporary tables.
            con.execute(f"CREATE VIEW {ident(name)} AS SELECT * FROM cached.{ident(name)}")
        return Dataset(
            path=Path(meta["path"]),
            settings=settings,
            con=con,
            tables=tuple(meta["tables"]),
            quality=pd.DataFrame(meta["quality"]),
            problems=tuple(
                Problem(**{**p, "examples": tuple(tuple(e) for e in p["examples"])})
                for p in meta["problems"]
            ),
            files=pd.DataFrame(meta["files"]),
            origin=origin,
            store=path,
        )
    except (duckdb.Error, KeyError, ValueError, TypeError, IndexError):
        con.close()  # a stale or broken entry is a miss; the load rewrites it
        return None


def read_run_dataset(folder: Path) -> Dataset | None:
    """The load of ``folder`` the running report shares (``CSNB_RUN_DATASET``), if any.

    Returns None outside a report run, for another folder, or when the file cannot be read
    (the caller then loads as usual).
    """
    named = os.environ.get(RUN_VARIABLE)
    if not named:
        return None
    return read_cached(Path(named), origin="run", folder=folder)


#: The catalog name a store being written is attached as.
STORE = "cache_out"


def open_store(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Attach a new, empty store for ``path`` to ``con`` as :data:`STORE`; return its file.

    The file has a temporary name beside ``path`` until :func:`close_store` moves it into
    place, so a reader never opens half a store. Raises OSError or duckdb.Error when the
    folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    discard_store(None, tmp)
    con.execute(f"ATTACH {lit(str(tmp))} AS {STORE}")
    return tmp


def close_store(ds: Dataset, tmp: Path, path: Path) -> None:
    """Write ``ds``'s row accounting and findings into the attached store and move it to ``path``.

    The store must hold ``ds.tables`` (and ``_not_final_days``, created empty when absent).
    """
    con = ds.con
    present = _present(con, _EXTRA_TABLES, STORE)
    for name in _EXTRA_TABLES:
        if name not in present:
            con.execute(f"CREATE TABLE {STORE}.{ident(name)} (date DATE)")
    meta = {
        "path": str(ds.path),
        "settings": ds.settings.to_dict(),
        "tables": list(ds.tables),
        "quality": ds.quality.to_dict(orient="list"),
        "problems": [p.__dict__ for p in ds.problems],
        "files": ds.files.to_dict(orient="list"),
    }
    con.execute(f"CREATE TABLE {STORE}.{_META} (meta VARCHAR)")
    con.execute(f"INSERT INTO {STORE}.{_META} VALUES (?)",
                [json.dumps(meta, ensure_ascii=False, default=str)])
    con.execute(f"DETACH {STORE}")
    os.replace(tmp, path)


def discard_store(con: duckdb.DuckDBPyConnection | None, tmp: Path) -> None:
    """Detach (when ``con`` is given) and remove a store that will not be finished."""
    if con is not None:
        try:
            con.execute(f"DETACH DATABASE IF EXISTS {STORE}")
        except duckdb.Error:
            pass
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)


def write_cached(path: Path, ds: Dataset, prune: bool = True) -> None:
    """Write a loaded Dataset to ``path`` (atomically) and drop older entries of its folder.

    A load made with ``store`` (:func:`csnb.io.load_dataset`) is built in its file directly;
    this copies one whose tables are in memory. With ``prune`` False (a run's own file) no
    other entry is touched (:func:`prune_entries`).
    """
    tmp = open_store(ds.con, path)
    try:
        for name in [*ds.tables, *_present(ds.con, _EXTRA_TABLES)]:
            ds.con.execute(f"CREATE TABLE {STORE}.{ident(name)} AS SELECT * FROM {ident(name)}")
        close_store(ds, tmp, path)
    except BaseException:
        discard_store(ds.con, tmp)
        raise
    if prune:
        prune_entries(path)


def _present(con: duckdb.DuckDBPyConnection, names: Sequence[str],
             database: str | None = None) -> list[str]:
    """The tables of ``names`` that ``database`` holds (default the connection's own)."""
    have = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = COALESCE(?, current_database())", [database]).fetchall()}
    return [n for n in names if n in have]


def prune_entries(path: Path) -> None:
    """Remove the other cache entries of ``path``'s folder, with their panels.

    The panels of ``path`` itself stay: its name holds everything the load depends on, so
    they hold for its tables written again, and another process may be reading them (two
    notebooks that missed the cache together: ``csnb.io.load``).
    """
    for old in path.parent.glob(f"{path.name.split('-')[0]}-*.duckdb"):
        if old != path:
            old.unlink(missing_ok=True)
            old.with_suffix(".lock").unlink(missing_ok=True)
            shutil.rmtree(panels_dir(old), ignore_errors=True)


__all__ = ["RUN_VARIABLE", "STORE", "cache_dir", "cache_enabled", "cache_path", "close_store",
           "discard_store", "open_store", "prune_entries", "read_cached", "read_run_dataset",
           "write_cached"]
