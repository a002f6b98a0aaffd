"""Metric-book panels shared between the processes that open the same stored load.

A report run opens one stored load (a cache entry, or the run's own file when the cache is
off: :mod:`csnb.io.cache`) in several notebook processes, and each asks
:meth:`csnb.io.Dataset.query` for many of the same panels. The result of a query is kept as a
Parquet file beside the stored load, in ``ENTRY.panels/``, named by a hash of the SQL text
(which inlines every setting the query depends on), so the second notebook that asks reads it
instead of running the query again.

Files are written by DuckDB itself (``COPY (sql) TO ...``) and every caller, the first one
included, reads the frame back from the file: the panel a notebook gets does not depend on
whether it computed it or another one did. Writes go to a temporary name in the same folder
and are renamed into place (``os.replace``, atomic), so a reader never sees a half-written
file; a file that cannot be read is a miss and is written again. The folder is removed with
its entry (:func:`csnb.io.cache.prune_entries`) or with the run's own store.

Some results are not one query but Python on top of several (the shrunk conversion rates,
whose per-agent posterior intervals take seconds at scale and are asked for by three
reports). :func:`shared_object` keeps those too, pickled, named by a hash of the caller's key
(the function and its arguments), the settings and csnb's own source: a result computed by
other code is never read back. The pickles are csnb's own files in csnb's own cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from .._sql import lit

try:  # advisory file locks (POSIX); elsewhere two processes may both write a file, harmlessly
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["locked", "object_path", "panel_path", "panels_dir", "shared_file",
           "shared_object", "shared_query"]

T = TypeVar("T")

_SUFFIX = ".panels"


def panels_dir(entry: Path) -> Path:
    """The folder holding the panels of the stored load ``entry``."""
    return entry.with_name(entry.name + _SUFFIX)


def panel_path(entry: Path, sql: str) -> Path:
    """The file holding the result of ``sql`` on the stored load ``entry``."""
    return panels_dir(entry) / f"{hashlib.sha256(sql.encode()).hexdigest()[:32]}.parquet"


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return con.execute(f"SELECT * FROM read_parquet({lit(str(path))})").df()
    except duckdb.Error:  # truncated, not Parquet, removed meanwhile: a miss
        return None


def shared_query(con: duckdb.DuckDBPyConnection, entry: Path, sql: str) -> pd.DataFrame:
    """Return the result of ``sql``, read from the panel file of ``entry`` or computed into it.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection holding the stored load's tables.
    entry : Path
        The stored load (DuckDB file) the connection reads.
    sql : str
        One query in DuckDB's dialect.

    Returns
    -------
    pandas.DataFrame
        As ``con.execute(sql).df()`` would return it (a test checks the two are equal on the
        metric book's panels).
    """
    path = panel_path(entry, sql)
    frame = _read(con, path)
    if frame is None:
        # Missing, or there but unreadable: (re)written, then read back like any other.
        written = shared_file(con, entry, sql, rewrite=path.is_file())
        frame = _read(con, written) if written is not None else None
    # A file that cannot be written (or read back) leaves the panel computed, not shared.
    return frame if frame is not None else con.execute(sql).df()


def shared_file(con: duckdb.DuckDBPyConnection, entry: Path, sql: str, *,
                rewrite: bool = False) -> Path | None:
    """Return the panel file of ``sql`` on ``entry``, writing it first when it is missing.

    One process writes a given file at a time (an advisory lock beside it, where the system
    has ``fcntl``): a second process asking meanwhile waits and then finds it written, so a
    large intermediate (:meth:`csnb.io.Dataset.stage`) is computed once per run, not once per
    notebook. ``rewrite`` writes it again even when present (a file that could not be read).

    Returns
    -------
    Path or None
        ``None`` when the file cannot be written: not a plain query (``COPY`` takes only
        those), a full disk, a read-only folder, or a query that is wrong (the caller then
        runs it itself, and that raises).
    """
    path = panel_path(entry, sql)
    tmp = _tmp_name(path)
    try:
        with locked(path):
            if path.is_file() and not rewrite:
                return path  # written by another process while this one waited
            con.execute(f"COPY ({sql}) TO {lit(str(tmp))} (FORMAT PARQUET)")
            os.replace(tmp, path)
    except (OSError, duckdb.Error):
        _discard(tmp)
        return None
    return path


def object_path(entry: Path, key: Any) -> Path:
    """The file holding the result named ``key`` (its ``repr``) on the stored load ``entry``."""
    text = json.dumps([repr(key), _source_digest()])
    return panels_dir(entry) / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.pickle"


def shared_object(entry: Path, key: Any, compute: Callable[[], T]) -> T:
    """Return ``compute()``, read from the result file of ``entry`` or computed into it.

    ``key`` must name everything the result depends on besides the stored load's tables and
    csnb's code: the function and its arguments (with the settings it reads). As with
    :func:`shared_file`, one process computes while the others wait and then read, and every
    caller gets the value read back from the file, so no caller depends on which computed
    it. A file that cannot be read is a miss; one that cannot be written leaves the value
    computed, not shared.
    """
    path = object_path(entry, key)
    found = _unpickle(path)
    if found is not None:
        return found[0]
    value: tuple[T] | None = None
    tmp = _tmp_name(path)
    try:
        with locked(path):
            found = _unpickle(path)  # written by another process while this one waited
            if found is not None:
                return found[0]
            value = (compute(),)
            with open(tmp, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
    except OSError:
        _discard(tmp)
    found = _unpickle(path)
    if found is not None:
        return found[0]
    return value[0] if value is not None else compute()


def _unpickle(path: Path) -> tuple[Any] | None:
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
    except Exception:  # truncated, or pickled by other code (unpickling raises any type): a miss
        return None
    return found if isinstance(found, tuple) and len(found) == 1 else None


@cache
def _source_digest() -> str:
    """A hash of csnb's own source files: a result kept by other code is a miss."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _discard(tmp: Path) -> None:
    """Remove a temporary file if there is one (its folder may be what failed)."""
    with suppress(OSError):
        tmp.unlink(missing_ok=True)


def _tmp_name(path: Path) -> Path:
    return path.with_name(f"{path.stem}.tmp{os.getpid()}-{threading.get_ident()}{path.suffix}")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive advisory lock of ``path`` (the file ``path.lock``, made with its folder).

    Between processes (and between threads, each opening the file): where the system has no
    ``fcntl`` this holds nothing. Raises OSError when the folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)
