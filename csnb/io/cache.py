"""A cache of loaded datasets, so five report notebooks do not parse the same files five times.

A load's result (the typed contract tables, the row accounting and the findings) is written to
one DuckDB file keyed by everything the load depends on: the csnb version, the settings, each
input file's path, size and modification time, and the day (the future-timestamp policy
depends on it). A changed file, setting or day is a miss. Entries of the same folder replace
each other, so the cache holds at most one entry per dataset folder.

Location: ``$CSNB_CACHE_DIR``, else ``$XDG_CACHE_HOME/csnb``, else ``~/.cache/csnb``. Set
``CSNB_CACHE=0`` to switch the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from .._sql import ident, lit
from ..errors import Problem
from ..settings import SETTINGS_FILE, Settings
from .dataset import Dataset
from .schema import SUFFIXES

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
        "settings": settings.to_dict() if settings is not None else None,
        "files": _input_state(folder),
        "today": today.isoformat(),
    }
    digest = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:24]
    return cache_dir() / f"{_folder_id(folder)}-{digest}.duckdb"


def _folder_id(folder: Path) -> str:
    return hashlib.sha256(str(folder).encode()).hexdigest()[:12]


def read_cached(path: Path) -> Dataset | None:
    """Open a cached load, or return None when there is none (or it cannot be read)."""
    if not path.exists():
        return None
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {lit(str(path))} AS cached (READ_ONLY)")
        meta = json.loads(con.execute(f"SELECT meta FROM cached.{_META}").fetchall()[0][0])
        settings = Settings.from_dict(meta["settings"])
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
        )
    except (duckdb.Error, KeyError, ValueError, TypeError, IndexError):
        con.close()  # a stale or broken entry is a miss; the load rewrites it
        return None


def write_cached(path: Path, ds: Dataset) -> None:
    """Write a loaded Dataset to ``path`` (atomically) and drop older entries of its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    meta = {
        "path": str(ds.path),
        "settings": ds.settings.to_dict(),
        "tables": list(ds.tables),
        "quality": ds.quality.to_dict(orient="list"),
        "problems": [p.__dict__ for p in ds.problems],
        "files": ds.files.to_dict(orient="list"),
    }
    con = ds.con
    con.execute(f"ATTACH {lit(str(tmp))} AS cache_out")
    try:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()}
        for name in [*ds.tables, *(t for t in _EXTRA_TABLES if t in present)]:
            con.execute(f"CREATE TABLE cache_out.{ident(name)} AS SELECT * FROM {ident(name)}")
        for name in _EXTRA_TABLES:
            if name not in present:
                con.execute(f"CREATE TABLE cache_out.{ident(name)} (date DATE)")
        con.execute(f"CREATE TABLE cache_out.{_META} (meta VARCHAR)")
        con.execute(f"INSERT INTO cache_out.{_META} VALUES (?)",
                    [json.dumps(meta, ensure_ascii=False, default=str)])
    finally:
        con.execute("DETACH cache_out")
    os.replace(tmp, path)
    for old in path.parent.glob(f"{path.name.split('-')[0]}-*.duckdb"):
        if old != path:
            old.unlink(missing_ok=True)


__all__ = ["cache_dir", "cache_enabled", "cache_path", "read_cached", "write_cached"]
