"""The :class:`Dataset`: typed contract tables in an embedded DuckDB database.

Raw tables (sessions, orders) stay in DuckDB; analyses pull small panels into pandas through
:meth:`Dataset.query`, the one function every query of the metric book goes through (the seam
where another engine can plug in). :func:`csnb.io.load_dataset` builds a Dataset from files;
:func:`dataset_from_frames` builds one from clean, already typed pandas frames (tests,
simulation).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from .._sql import ident, lit
from ..errors import Problem
from ..settings import Settings
from .engines import Engine
from .resources import connect
from .schema import TABLES

T = TypeVar("T")

#: DuckDB type of each column kind.
DUCKDB_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "category": "VARCHAR",
    "month": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "money": "DOUBLE",
    "rate": "DOUBLE",
    "duration": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}

#: The row accounting of a load, per file: read = accepted + rejected; ``summary`` counts the
#: rejected rows that were platform summary rows; ``encoding`` is how the file was decoded.
QUALITY_COLUMNS = ["table", "path", "encoding", "read", "accepted", "summary", "rejected"]


@dataclass
class Dataset:
    """A loaded dataset.

    Attributes
    ----------
    path : Path or None
        Dataset folder (``None`` when built from frames).
    settings : Settings
        The dataset's settings (``csnb.toml`` over the defaults).
    con : duckdb.DuckDBPyConnection
        Holds one table per contract table present, named after it, with exactly the contract's
        columns in contract order and types (:data:`DUCKDB_TYPES`). Timestamps are naive shop time.
    tables : tuple of str
        Contract tables present.
    quality : pandas.DataFrame
        Row accounting, one row per table and file: table, path, read, accepted, rejected
        (read = accepted + rejected).
    problems : tuple of Problem
        Every finding of the load (errors stop a strict load, so a loaded Dataset holds warnings).
    files : pandas.DataFrame
        Input files: path, bytes, sha256.
    """

    path: Path | None
    settings: Settings
    con: duckdb.DuckDBPyConnection
    tables: tuple[str, ...]
    quality: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUALITY_COLUMNS))
    problems: tuple[Problem, ...] = ()
    files: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["path", "bytes", "sha256"])
    )
    #: Where metric-book statements run: ``None`` for the Dataset's own DuckDB, else an
    #: :class:`csnb.io.engines.Engine` (Spark) that reads the same contract tables.
    engine: Engine | None = None
    #: Where the tables came from: ``"files"`` (parsed by this process), ``"cache"`` (a load
    #: cache entry), ``"run"`` (the load a report run shares with its notebooks) or
    #: ``"frames"`` (:func:`dataset_from_frames`).
    origin: str = "frames"
    #: The stored load (DuckDB file) these tables are, when there is one: a cache entry or the
    #: run's file. Query results are then shared through it (:mod:`csnb.io.panels`).
    store: Path | None = None

    def has(self, table: str) -> bool:
        """Return whether the contract table ``table`` is present."""
        return table in self.tables

    def frame(self, table: str) -> pd.DataFrame:
        """Return a contract table as a pandas DataFrame (meant for the small tables).

        Raises
        ------
        KeyError
            The table is not in the dataset; the message says which tables are.
        """
        if not self.has(table):
            raise KeyError(
                f"table {table!r} is not in this dataset (present: {', '.join(self.tables)})"
            )
        return self.query(f"SELECT * FROM {ident(table)}")

    def query(self, sql: str) -> pd.DataFrame:
        """Run one SQL statement on the dataset's engine and return its result.

        Every query of the metric book on the raw tables goes through here: this is the one
        place another engine (Spark) plugs in. A Dataset's tables never change once it is
        built, so the result is kept per SQL text (which inlines every setting) and reports
        that ask for the same panel many times run it once. When the tables are a stored load
        (``store``: a cache entry, or the load a report run shares), the result is also kept
        beside it (:mod:`csnb.io.panels`), so the other notebooks of a run read it instead of
        computing it again. The caller gets a copy. With an ``engine`` set (Spark), the
        statement is transpiled and runs there instead.

        Parameters
        ----------
        sql : str
            One statement in DuckDB's dialect, reading contract tables by their names.

        Returns
        -------
        pandas.DataFrame
        """
        if self.engine is None:
            return self.memo(("query", sql), lambda: self._run(sql)).copy()
        engine = self.engine
        return self.memo(("query", engine.name, sql), lambda: engine.run(sql)).copy()

    def _run(self, sql: str) -> pd.DataFrame:
        if self.store is None:
            return self.con.execute(sql).df()
        from .panels import shared_query

        return shared_query(self.con, self.store, sql)

    def stage(self, sql: str) -> str:
        """Materialise the result of ``sql`` once and return a relation that reads it.

        The metric book's queries share large intermediate results (the attribution of every
        paid order, every inquiry with its conversion flag): computed inside each query, a
        report would compute them a dozen times. A staged result is computed once per
        Dataset, and once per run when the tables are a stored load (a Parquet file beside
        it, written by one notebook while the others wait: :func:`csnb.io.panels.shared_file`);
        otherwise it is a temporary table of the Dataset's own connection.

        Parameters
        ----------
        sql : str
            One query in DuckDB's dialect on the Dataset's tables.

        Returns
        -------
        str
            What to write after ``FROM`` to read the result: ``read_parquet('...')`` or the
            temporary table's name. Only for this Dataset's DuckDB (an ``engine`` reads the
            tables elsewhere, so the metric book inlines the intermediates there).
        """
        return self.memo(("stage", sql), lambda: self._stage(sql))

    def _stage(self, sql: str) -> str:
        if self.store is not None:
            from .panels import shared_file

            path = shared_file(self.con, self.store, sql)
            if path is not None:
                return f"read_parquet({lit(str(path))})"
        name = f"_csnb_stage_{hashlib.sha256(sql.encode()).hexdigest()[:16]}"
        self.con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} AS {sql}")
        return name

    def shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return a copy of ``compute()``, computed once per Dataset and, on a stored load, per run.

        For results that are Python on top of the metric book's queries and cost enough to
        matter when several reports ask (:func:`csnb.io.panels.shared_object`). ``key`` names
        the function and every argument; the settings are added here.
        """
        full = (key, json.dumps(self.settings.result_key(), sort_keys=True, default=str))

        def compute_here() -> T:
            if self.store is None or self.engine is not None:
                return compute()
            from .panels import shared_object

            return shared_object(self.store, full, compute)

        return copy.deepcopy(self.memo(("shared", full), compute_here))

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return ``compute()``, computed once per Dataset and ``key``.

        Reports ask for the same panels many times; a Dataset's tables never change once it
        is built, so a result keyed by everything it depends on can be kept. Callers copy a
        kept frame before changing it.
        """
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    @property
    def fingerprint(self) -> str:
        """Short hash of the input files (path and content), shown in every report."""
        h = hashlib.sha256()
        for row in self.files.sort_values("path").itertuples():
            h.update(f"{row.path}\0{row.sha256}\n".encode())
        return h.hexdigest()[:16]

    @property
    def not_final_days(self) -> frozenset[date]:
        """Days the loader found values marked not final (延迟统计) on; empty when none."""
        def read() -> frozenset[date]:
            # Look the table up first: a bare name that is not a table would make DuckDB scan
            # a Python variable of that name (replacement scan).
            # The loader's own bookkeeping: always in DuckDB, whatever engine runs the metrics.
            found = self.con.execute("SELECT COUNT(*) AS n FROM duckdb_tables() "
                                     "WHERE table_name = '_not_final_days'").df()["n"].iloc[0]
            if not found:
                return frozenset()
            days = self.con.execute(
                'SELECT DISTINCT CAST("date" AS DATE) AS d FROM "_not_final_days"').df()
            return frozenset(pd.Timestamp(d).date() for d in days["d"].dropna())

        return self.memo("not_final_days", read)


def dataset_from_frames(
    frames: dict[str, pd.DataFrame], settings: Settings | None = None
) -> Dataset:
    """Build a :class:`Dataset` from clean pandas frames with contract column names.

    Missing optional columns are added as NULL; values are cast to the contract types. No
    cleaning or contract check happens here: use :func:`csnb.load_dataset` for user data.

    Parameters
    ----------
    frames : dict of str to DataFrame
        Contract table name to frame.
    settings : Settings, optional

    Returns
    -------
    Dataset
    """
    con = connect(settings)
    quality = []
    for name, df in frames.items():
        spec = TABLES[name]
        missing = [c for c in spec.required if c not in df.columns]
        if missing:
            raise ValueError(f"{name}: frame lacks required columns {missing}")
        con.register("_frame", df)
        select = ", ".join(
            f'CAST({ident(c.name) if c.name in df.columns else "NULL"} AS '
            f'{DUCKDB_TYPES[c.kind]}) AS {ident(c.name)}'
            for c in spec.columns
        )
        con.execute(f'CREATE TABLE "{name}" AS SELECT {select} FROM _frame')
        con.unregister("_frame")
        quality.append({"table": name, "path": "(frame)", "encoding": "", "read": len(df),
                        "accepted": len(df), "summary": 0, "rejected": 0})
    return Dataset(
        path=None,
        settings=settings or Settings(),
        con=con,
        tables=tuple(n for n in TABLES if n in frames),
        quality=pd.DataFrame(quality, columns=QUALITY_COLUMNS),
    )
