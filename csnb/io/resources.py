"""The resources every DuckDB connection csnb opens may use: memory, spill folder, threads.

DuckDB's own default lets each connection take 80% of the machine's memory. ``csnb report``
runs several notebooks at once, each in its own process with its own connection, beside the
runner's; left at the default they could together ask for several times the machine. So
every connection csnb opens (the load, a cache or run read, :func:`dataset_from_frames`) gets:

``memory_limit``
    ``total memory x fraction / (parallel notebooks + 1)`` (the ``+ 1`` is the runner, which
    holds its own connection while the notebooks run, and loads with the same limit), at
    least 256 MiB. Total memory is the machine's, or the cgroup's limit (a container's) when
    that is lower. The fraction is ``duckdb_memory_fraction`` of ``csnb.toml`` (default 0.15:
    on a 24 GiB machine with two notebooks at once, 1.2 GiB per connection, which keeps each
    process under 2 GiB with Python's own memory beside it). ``duckdb_memory_limit = "3GB"`` in
    ``csnb.toml`` or the environment variable ``CSNB_DUCKDB_MEMORY_LIMIT`` sets the limit
    directly (the variable wins). Above the limit DuckDB spills to disk instead of failing.
``temp_directory``
    Where it spills: a folder of its own per connection under ``CSNB_SPILL_DIR`` (default
    the system's temporary folder, ``TMPDIR``), which DuckDB removes when the connection
    closes.
``threads``
    The cores divided by the notebooks running at once (at least 1), or
    ``duckdb_threads`` of ``csnb.toml``, or ``CSNB_DUCKDB_THREADS``.

The runner tells each notebook's kernel how many notebooks run at once through
``CSNB_WORKERS`` (unset: 1, a notebook run alone), and loads under the same number
(:func:`shared_by`). It also gives each kernel its share of the cores for the numerical
libraries' own thread pools (:data:`BLAS_VARIABLES`, :func:`kernel_environment`): OpenBLAS
otherwise starts a thread per core in every kernel, and its threads spin while they wait, so
two notebooks fitting models at once on two cores took a third longer (5M sessions: the
conversion notebook 46.7 s, 27.7 s with one thread each).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .._sql import lit
from ..errors import SettingsError
from ..settings import MEMORY_PATTERN, Settings

__all__ = ["DuckDBResources", "apply_resources", "connect", "duckdb_resources",
           "kernel_environment", "shared_by", "total_memory"]

#: Environment variables (documented in the module docstring and docs/scale.md).
MEMORY_VARIABLE = "CSNB_DUCKDB_MEMORY_LIMIT"
THREADS_VARIABLE = "CSNB_DUCKDB_THREADS"
WORKERS_VARIABLE = "CSNB_WORKERS"
SPILL_VARIABLE = "CSNB_SPILL_DIR"
#: The thread pools of numpy's BLAS (OpenBLAS, MKL) and of OpenMP code, read when a kernel
#: imports numpy; the runner sets those the user has not.
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
#: Where a container's memory limit is read (cgroup v2, then v1).
CGROUP_LIMITS = (Path("/sys/fs/cgroup/memory.max"),
                 Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))

#: No connection gets less than this, whatever the fraction says (DuckDB needs some room).
MIN_MEMORY = 256 * 2**20

_spill_ids = itertools.count()


@dataclass(frozen=True)
class DuckDBResources:
    """What one connection may use.

    Attributes
    ----------
    memory_limit : str
        DuckDB's ``memory_limit`` ("2048MiB").
    threads : int
    temp_directory : str
        The folder DuckDB spills to (its own per connection).
    workers : int
        Notebooks running at once that the limit was divided among.
    """

    memory_limit: str
    threads: int
    temp_directory: str
    workers: int


def total_memory() -> int:
    """Memory csnb may plan with, in bytes: the machine's, or its cgroup's limit if lower.

    The machine's from ``sysconf`` (psutil where that is missing); the cgroup's from
    :data:`CGROUP_LIMITS` ("max", a missing file or an unreadable one: no limit).
    """
    try:
        physical = int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # not POSIX
        import psutil

        physical = int(psutil.virtual_memory().total)
    for path in CGROUP_LIMITS:
        try:
            raw = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if raw.isdigit() and 0 < int(raw) < physical:
            return int(raw)
    return physical


#: Set by :func:`shared_by` with ``alone``: connections opened meanwhile take every core.
_alone = False


@contextmanager
def shared_by(workers: int, *, alone: bool = False) -> Iterator[None]:
    """Open connections within the block as one of ``workers`` notebooks (+ the runner).

    The runner loads under the number of notebooks it is about to run, so its memory limit
    is theirs. ``alone``: nothing else runs meanwhile (the runner loads before any notebook
    starts), so the default threads are all the cores instead of a notebook's share of them
    (``duckdb_threads`` and ``CSNB_DUCKDB_THREADS`` still win).
    """
    global _alone
    before, before_alone = os.environ.get(WORKERS_VARIABLE), _alone
    os.environ[WORKERS_VARIABLE] = str(int(workers))
    _alone = alone
    try:
        yield
    finally:
        _alone = before_alone
        if before is None:
            os.environ.pop(WORKERS_VARIABLE, None)
        else:
            os.environ[WORKERS_VARIABLE] = before


def kernel_environment(workers: int) -> dict[str, str]:
    """The variables a notebook's kernel gets when ``workers`` notebooks run at once.

    ``CSNB_WORKERS`` (its connections' share of memory and threads), and for each of
    :data:`BLAS_VARIABLES` the user has not set, the cores divided by ``workers`` (at least
    1): the numerical libraries then use the kernel's share of the machine, as DuckDB does.

    Examples
    --------
    >>> kernel_environment(2)[WORKERS_VARIABLE]
    '2'
    """
    workers = max(1, int(workers))
    share = str(max(1, (os.cpu_count() or 1) // workers))
    blas = {name: share for name in BLAS_VARIABLES if not os.environ.get(name)}
    return {WORKERS_VARIABLE: str(workers), **blas}


def _positive_env(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"environment variable {name} must be a positive integer; got {raw!r}")
    return int(raw)


def duckdb_resources(settings: Settings | None = None) -> DuckDBResources:
    """The resources a new connection gets, from the settings, the environment and the machine.

    Parameters
    ----------
    settings : Settings, optional
        The dataset's settings (``duckdb_memory_fraction``, ``duckdb_memory_limit``,
        ``duckdb_threads``); default the defaults.

    Returns
    -------
    DuckDBResources

    Raises
    ------
    SettingsError
        ``CSNB_DUCKDB_MEMORY_LIMIT`` is not a memory size, or ``CSNB_WORKERS`` or
        ``CSNB_DUCKDB_THREADS`` is not a positive integer.
    """
    settings = settings or Settings()
    workers = _positive_env(WORKERS_VARIABLE) or 1
    memory = os.environ.get(MEMORY_VARIABLE, "").strip() or settings.duckdb_memory_limit
    if memory:
        if not MEMORY_PATTERN.match(memory):
            raise SettingsError(f"environment variable {MEMORY_VARIABLE} must be a memory size "
                                f"such as '2GB' or '512MiB'; got {memory!r}")
    else:
        share = total_memory() * settings.duckdb_memory_fraction / (workers + 1)
        memory = f"{max(MIN_MEMORY, int(share)) // 2**20}MiB"
    threads = (_positive_env(THREADS_VARIABLE) or settings.duckdb_threads
               or max(1, (os.cpu_count() or 1) // (1 if _alone else workers)))
    parent = Path(os.environ.get(SPILL_VARIABLE) or tempfile.gettempdir())
    # One folder per connection: two DuckDB instances in one folder would share file names.
    spill = parent / f"csnb-spill-{os.getpid()}-{next(_spill_ids)}"
    return DuckDBResources(memory_limit=memory, threads=int(threads),
                           temp_directory=str(spill), workers=workers)


def apply_resources(con: duckdb.DuckDBPyConnection, settings: Settings | None = None,
                    ) -> DuckDBResources:
    """Set ``memory_limit``, ``temp_directory`` and ``threads`` on an open connection.

    Returns
    -------
    DuckDBResources
        What was set.
    """
    res = duckdb_resources(settings)
    try:  # DuckDB creates the spill folder itself, but not its parents
        Path(res.temp_directory).parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # DuckDB names the folder when it needs to spill and cannot
    con.execute(f"SET memory_limit = {lit(res.memory_limit)}")
    con.execute(f"SET temp_directory = {lit(res.temp_directory)}")
    con.execute(f"SET threads = {res.threads}")
    return res


def connect(settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection with csnb's resource settings applied."""
    con = duckdb.connect()
    apply_resources(con, settings)
    con.execute("SET enable_progress_bar = false")  # a long query must not draw on stderr
    return con
