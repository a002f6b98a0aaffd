"""Read a dataset folder into a :class:`~csnb.io.dataset.Dataset`: where a load goes.

:func:`load_dataset` opens the load a report run made of the folder, or its cache entry, or
loads it (:class:`csnb.io.loader._Loader`: discover, stage, parse, check, build, with the
data contract's checks and soft policies) and builds its tables in the cache entry, in the
caller's store (a report run's own file), or in memory: the checked rows go from the staging
tables straight into that file (:func:`csnb.io.cache.open_store`). A store that fails while
the tables are built costs a second load, into memory. :func:`validate_dataset` reports the
findings without raising.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from ..errors import DataContractError, Problem, SettingsError
from ..settings import SETTINGS_FILE, Settings, load_settings
from .cache import (
    STORE,
    cache_enabled,
    cache_path,
    close_store,
    discard_store,
    open_store,
    prune_entries,
    read_cached,
    read_run_dataset,
)
from .dataset import QUALITY_COLUMNS, Dataset
from .loader import _Loader, _StoreFailed
from .panels import locked
from .validation import FILE_COLUMNS, ValidationReport

__all__ = ["load_dataset", "validate_dataset"]

logger = logging.getLogger(__name__)


def load_dataset(
    path: str | Path,
    *,
    settings: Settings | None = None,
    strict: bool = True,
    cache: bool | None = None,
    store: str | Path | None = None,
) -> Dataset:
    """Read a dataset folder into a :class:`~csnb.io.dataset.Dataset`.

    Parameters
    ----------
    path : path
        The dataset folder.
    settings : Settings, optional
        Settings to use; by default ``csnb.toml`` in the folder over the defaults.
    strict : bool, default True
        Raise when any contract error is found. With ``False`` the rows with errors are
        rejected and the Dataset is returned; the errors are in ``problems``.
    cache : bool, optional
        Reuse the result of an earlier load of the same, unchanged files (see
        :mod:`csnb.io.cache`); default on unless the environment sets ``CSNB_CACHE=0``.
        Inside a ``csnb report`` or ``csnb daily`` run (``CSNB_RUN_DATASET`` set by the
        runner) and without ``settings``, the load the runner made of the same folder is
        opened read-only instead, cache or not.
    store : path, optional
        A DuckDB file to build the tables in when the cache does not keep this load (cache
        off, or a load that rejected future timestamps); the Dataset then reads them from
        there (``Dataset.store``) instead of holding them in DuckDB's memory, and other
        processes can open it (a report run's notebooks). The caller removes the file. A
        load the cache keeps is built in its cache entry the same way.

    Returns
    -------
    Dataset
        ``con`` holds each present table under its name (contract columns, order and types)
        and ``_not_final_days(date DATE)``; ``quality`` is the per-file row accounting
        (table, path, read, accepted, rejected); ``files`` lists path, bytes, sha256;
        ``problems`` holds every finding (see the module docstring for the policies).

    Raises
    ------
    DataContractError
        ``strict`` and at least one error problem; lists every error after all tables were
        checked, each naming file, column, count and example rows.
    SettingsError
        ``csnb.toml`` is invalid.

    Examples
    --------
    >>> ds = load_dataset("data/samples/shop")          # doctest: +SKIP
    >>> ds.con.sql("SELECT count(*) FROM sessions")     # doctest: +SKIP
    """
    folder = Path(path)
    own = Path(store) if store is not None else None
    # Inside a report run, the runner has loaded and checked this folder already.
    ds = read_run_dataset(folder) if settings is None and folder.is_dir() else None
    if ds is None and cache_enabled(cache) and folder.is_dir():
        key = cache_path(folder, settings, dt.datetime.now(_zone(settings, folder)).date())
        ds = read_cached(key) or _load_into_cache(folder, settings, key, own)
    if ds is None:
        ds = _load(folder, settings, lambda _problems: own)
    if strict and any(p.severity == "error" for p in ds.problems):
        ds.con.close()
        raise DataContractError(ds.problems, ds.quality)
    return ds


def _load_into_cache(folder: Path, settings: Settings | None, key: Path,
                     own: Path | None) -> Dataset:
    """Load ``folder`` into the cache entry ``key``, one process at a time.

    Notebooks started together (nbval's workers, two opened in JupyterLab) miss the cache
    together: the first to take the entry's lock loads and writes it, the others wait and
    then open it, so the files are parsed and checked once. A load that rejected future
    timestamps is not cached (later in the day they may be past): it goes to ``own`` (the
    caller's store), else stays in memory. A read-only or full cache folder only costs speed.
    """
    with ExitStack() as stack:
        try:
            stack.enter_context(locked(key))
        except OSError:
            pass  # a cache folder that cannot be written: load without waiting
        else:
            ds = read_cached(key)  # written by another process while this one waited
            if ds is not None:
                return ds
        ds = _load(folder, settings, lambda problems: key if _cacheable(problems) else own)
        if ds.store == key:
            prune_entries(key)
        return ds


def _cacheable(problems: Sequence[Problem]) -> bool:
    """Whether the cache may keep a load with these findings (none depends on the hour)."""
    return not any(p.check in ("future_timestamp", "future_date") for p in problems)


def _load(folder: Path, settings: Settings | None,
          store_for: Callable[[Sequence[Problem]], Path | None]) -> Dataset:
    """Load ``folder`` into the store ``store_for`` chooses, or into memory.

    A store that fills its disk while the tables are built costs a second load, into memory
    (the staged rows go as each table is built, so there is nothing left to build from).
    """
    try:
        return _run(_Loader(folder, settings), store_for)
    except _StoreFailed as exc:
        logger.warning("could not write the load to %s (%s); loading it again, into memory",
                       exc.store, exc.__cause__)
        return _run(_Loader(folder, settings))


def _run(loader: _Loader,
         store_for: Callable[[Sequence[Problem]], Path | None] | None = None) -> Dataset:
    """Stage, check and build the tables; into the store ``store_for(problems)`` names.

    ``store_for`` is asked once every check has run (the findings decide whether the cache
    may keep the load). With a store the tables are built in its file (never in memory
    first) and the Dataset reads them from there; otherwise they are tables of the
    connection.
    """
    logger.info("loading %s from its files", loader.folder)
    staged = loader.check()
    con = loader.con
    store = store_for(tuple(loader.problems)) if store_for is not None else None
    building: Path | None = None
    if store is not None:
        try:
            building = open_store(con, store)
        except (OSError, duckdb.Error) as exc:  # a folder that cannot be written
            # Not a warning: a notebook's output would show it (a read-only cache).
            logger.info("could not write the load to %s (%s); keeping it in memory",
                        store, exc)
    try:
        ds = loader.finish(staged, into=f"{STORE}." if building is not None else "")
        if building is None or store is None:
            return ds
        close_store(ds, building, store)
    except BaseException as exc:
        if building is None or store is None:
            raise
        discard_store(con, building)
        if isinstance(exc, (OSError, duckdb.IOException)):
            raise _StoreFailed(store) from exc
        raise
    finally:
        if building is not None:
            con.close()
    stored = read_cached(store, origin="files")
    if stored is None:
        raise _StoreFailed(store) from OSError("the written load cannot be read back")
    return stored


def _zone(settings: Settings | None, folder: Path) -> ZoneInfo:
    """The shop time zone of a load (the cache key holds the shop's calendar day)."""
    return ZoneInfo((settings or load_settings(folder)).timezone)


def validate_dataset(path: str | Path) -> ValidationReport:
    """Check a dataset folder against the data contract without raising on bad data.

    Parameters
    ----------
    path : path
        The dataset folder.

    Returns
    -------
    ValidationReport
        ``ok`` is False when any error problem was found; ``str(report)`` is the plain-text
        data-quality report that ``csnb validate`` prints.
    """
    folder = Path(path)
    loader = _Loader(folder, None)
    try:
        ds = _run(loader)
    except SettingsError as exc:
        problem = Problem("", SETTINGS_FILE, None, "bad_settings", f"is not valid: {exc}")
        return ValidationReport(str(folder), pd.DataFrame(columns=QUALITY_COLUMNS), (problem,))
    ds.con.close()
    files = pd.DataFrame(
        [{"table": info["table"], "path": path, "encoding": info.get("encoding", ""),
          "headers": info.get("headers", []), "ignored": info.get("ignored", [])}
         for path, info in loader.file_info.items()], columns=FILE_COLUMNS)
    return ValidationReport(str(folder), ds.quality, ds.problems, files)
