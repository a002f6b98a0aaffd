"""Engines the metric book's statements run on: DuckDB (built in) or Apache Spark.

Every metric-book statement reaches the data through :meth:`csnb.io.Dataset.query`, written in
DuckDB's dialect (:func:`csnb.metrics.sql.metric_sql`). A Dataset runs them on its own DuckDB
connection unless an engine is set: then the statement is transpiled (the same definition,
never a second hand-written copy) and runs there, and only its result (a panel: agents x days
or months) comes back to pandas.

Spark reads the contract tables either from Parquet files that DuckDB writes from the loaded,
checked tables (:func:`spark_engine` with ``tables=None``), or from tables that already live in
the warehouse (``tables={"sessions": "dw.cs_sessions", ...}``), which must then follow the data
contract's column names and types.

The engine is chosen per run: ``csnb report --engine spark`` sets ``CSNB_ENGINE=spark`` for the
notebooks' kernels, and :func:`csnb.io.load_dataset` attaches it. Spark is an optional extra
(``pip install csnb[spark]``) and needs Java 17.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import pandas as pd

from .._sql import ident
from ..errors import ParameterError

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["ENGINES", "Engine", "SparkEngine", "check_engine", "engine_from_env", "spark_engine"]

EngineName = Literal["duckdb", "spark"]
#: Engine names ``CSNB_ENGINE`` and ``csnb report --engine`` accept.
ENGINES: tuple[str, ...] = get_args(EngineName)
ENGINE_VARIABLE = "CSNB_ENGINE"


class Engine:
    """Runs metric-book statements (DuckDB dialect) somewhere other than the Dataset's DuckDB."""

    name = "engine"

    def run(self, sql: str) -> pd.DataFrame:  # pragma: no cover - interface
        """Run one statement and return its result as a DataFrame typed as DuckDB's would be."""
        raise NotImplementedError


def engine_from_env() -> str:
    """The engine ``CSNB_ENGINE`` asks for (default ``duckdb``); checked against :data:`ENGINES`."""
    name = os.environ.get(ENGINE_VARIABLE, "duckdb").strip().lower() or "duckdb"
    if name not in ENGINES:
        raise ParameterError(
            f"{ENGINE_VARIABLE} must be one of {', '.join(repr(e) for e in ENGINES)}; got {name!r}"
        )
    return name


def check_engine() -> str:
    """Check, before anything runs, that the engine ``CSNB_ENGINE`` asks for can start.

    Raises
    ------
    ParameterError
        An unknown engine name, or Spark without pyspark installed or without Java.
    """
    name = engine_from_env()
    if name == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise ParameterError(
                "the Spark engine needs pyspark: pip install 'csnb[spark]' (and Java 17)"
            ) from exc
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise ParameterError("the Spark engine needs Java 17 (no java on PATH, no JAVA_HOME)")
    return name


@dataclass
class SparkEngine(Engine):
    """Metric-book statements on a Spark session.

    Attributes
    ----------
    spark : pyspark.sql.SparkSession
    views : dict of str to str
        Contract table -> where Spark reads it (a Parquet file DuckDB wrote, or a warehouse
        table); each is a temporary view named after the contract table.
    """

    spark: Any
    views: dict[str, str]
    _scratch: Path | None = field(default=None, repr=False)
    name = "spark"

    def run(self, sql: str) -> pd.DataFrame:
        """Transpile ``sql`` to Spark SQL, run it, and bring the (small) result back.

        Spark returns dates as ``datetime.date`` objects and DuckDB as ``datetime64``; results
        are converted to DuckDB's types so that everything downstream sees one kind of frame.
        """
        from ..metrics.sql import transpile

        result = self.spark.sql(transpile(sql, "spark"))
        frame = result.toPandas()
        return _duckdb_types(frame, {f.name: f.dataType.typeName() for f in result.schema.fields})


def _duckdb_types(frame: pd.DataFrame, types: Mapping[str, str]) -> pd.DataFrame:
    for column, kind in types.items():
        if kind == "date" or kind.startswith("timestamp"):
            frame[column] = pd.to_datetime(frame[column])
        elif kind == "decimal":
            frame[column] = frame[column].astype("float64")
    return frame


def spark_engine(ds: Dataset, spark: Any = None, tables: Mapping[str, str] | None = None,
                 ) -> SparkEngine:
    """Attach a Spark engine to ``ds``: its metric-book statements then run on Spark.

    Parameters
    ----------
    ds : Dataset
        A loaded dataset (its settings and its list of tables are used either way).
    spark : pyspark.sql.SparkSession, optional
        Default: the active session, else a local one (``local[*]``, UTC session time zone:
        shop times are naive and must not be shifted).
    tables : mapping of str to str, optional
        Contract table -> Spark table that already holds it (a warehouse). Default: DuckDB
        writes each loaded table to Parquet in a temporary folder and Spark reads it there.

    Returns
    -------
    SparkEngine
        Also set as ``ds.engine``.

    Raises
    ------
    ParameterError
        pyspark is not installed, or ``tables`` names a table that is not in the contract.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ParameterError(
            "the Spark engine needs pyspark: pip install 'csnb[spark]' (and Java 17)"
        ) from exc
    if spark is None:
        spark = SparkSession.getActiveSession() or (
            SparkSession.builder.master("local[*]").appName("csnb")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # Panels are small: a few shuffle partitions per core, not Spark's default 200.
            .config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
            .getOrCreate()
        )
    scratch = None
    if tables is None:
        scratch = Path(tempfile.mkdtemp(prefix="csnb-spark-"))
        views = {}
        for table in ds.tables:
            path = scratch / f"{table}.parquet"
            ds.con.execute(f"COPY {ident(table)} TO '{path}' (FORMAT PARQUET)")
            spark.read.parquet(str(path)).createOrReplaceTempView(table)
            views[table] = table
    else:
        unknown = sorted(set(tables) - set(ds.tables))
        if unknown:
            raise ParameterError(
                f"tables names {', '.join(map(repr, unknown))}, which the dataset does not "
                f"hold (it holds {', '.join(ds.tables)})"
            )
        # Each warehouse table is seen under its contract name, so statements need no edit.
        for table, source in tables.items():
            spark.table(source).createOrReplaceTempView(table)
        views = dict(tables)
    engine = SparkEngine(spark=spark, views=views, _scratch=scratch)
    if scratch is not None:
        weakref.finalize(engine, shutil.rmtree, scratch, True)
    ds.engine = engine
    return engine
