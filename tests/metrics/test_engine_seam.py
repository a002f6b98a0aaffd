"""The engine seam: every raw-table query is a metric-book query, and each one ports to Spark.

Two promises of DESIGN.md ("Layers", "Scale"):

1. Every query on the raw tables goes through ``metric_sql`` and ``Dataset.query`` (or
   ``Dataset.stage``, which materialises the intermediates many statements share, on DuckDB
   only): the Spark path has exactly one place to plug in. Checked by recording every
   statement a full set of report computations sends through them on the samples.
2. Each metric-book query means the same on Spark: sqlglot writes it in Spark's dialect; the
   Spark text, read back into DuckDB's dialect, gives the same rows on the samples as the
   DuckDB original. (No Spark runs here: this checks that the translation keeps the query's
   meaning as far as a second engine's dialect can express it.)
"""

from __future__ import annotations

import itertools
import os
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sql_roundtrip import canonical_rows, read_back

from csnb.io import Dataset, load_dataset
from csnb.metrics import (
    METRIC_SQL_NAMES,
    agent_month_panel,
    complaint_rate_table,
    fines_table,
    is_provisional,
    kpi_table,
    metric_sql,
    month_figures,
    monthly_figures,
    ranking_table,
    team_panel,
)
from csnb.metrics.inquiries import (
    inquiry_facts_table,
    response_grid_table,
    session_quality_table,
)
from csnb.metrics.sql import (
    COMPLAINT_GROUPINGS,
    KPI_FREQS,
    KPI_GROUPINGS,
    SPAN_SQL_NAMES,
    STAGES,
    dataset_sql,
    transpile,
)
from csnb.months import month_bounds

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
RAW_TABLES = ("sessions", "orders", "complaints", "agent_daily")


@pytest.fixture(scope="module")
def samples() -> Dataset:
    return load_dataset(SAMPLES)


def variant_args(ds: Dataset) -> dict[str, tuple[str, dict]]:
    """Every metric-book statement for this dataset: name and arguments, by a readable label."""
    out: dict[str, tuple[str, dict]] = {}
    for name in METRIC_SQL_NAMES:
        if name == "kpis":
            for by, freq in itertools.product(KPI_GROUPINGS, KPI_FREQS):
                out[f"kpis by={by} freq={freq}"] = (name, {"by": by, "freq": freq})
        elif name == "complaint_counts":
            for by in COMPLAINT_GROUPINGS:
                out[f"complaint_counts by={by}"] = (name, {"by": by})
        elif name in SPAN_SQL_NAMES:
            start, end = month_bounds("2025-11")
            out[name] = (name, {"start": start, "end": end})
        else:
            out[name] = (name, {})
    return out


def variants(ds: Dataset) -> dict[str, str]:
    """Every metric-book statement for this dataset (the plain text), by a readable label."""
    return {label: metric_sql(name, settings=ds.settings, tables=ds.tables, **kwargs)
            for label, (name, kwargs) in variant_args(ds).items()}


def staged_statements(ds: Dataset) -> set[str]:
    """What the Dataset's own DuckDB runs instead: each variant reading the stages, and the
    statements that build the stages (each on the ones before it)."""
    out = {dataset_sql(ds, name, **kwargs) for name, kwargs in variant_args(ds).values()}
    staged: dict[str, str] = {}
    for stage, cte in STAGES:
        sql = metric_sql(stage, settings=ds.settings, tables=ds.tables, staged=staged)
        out.add(sql)
        staged[cte] = ds.stage(sql)
    return out


def reads_raw_table(sql: str) -> bool:
    return any(re.search(rf'\b"?{t}"?\b', sql) for t in RAW_TABLES)


def test_every_raw_table_query_is_a_metric_book_query(samples, monkeypatch):
    sent: list[str] = []
    original, original_stage = Dataset.query, Dataset._stage

    def recording(self, sql):
        sent.append(sql)
        return original(self, sql)

    monkeypatch.setattr(Dataset, "query", recording)
    monkeypatch.setattr(Dataset, "_stage", lambda self, sql: (sent.append(sql),
                                                               original_stage(self, sql))[1])
    ds = load_dataset(SAMPLES)  # a fresh Dataset: nothing answered from its memo yet
    month = "2025-11"
    for by, freq in itertools.product(KPI_GROUPINGS, KPI_FREQS):
        kpi_table(ds, by, freq)
    monthly_figures(ds)
    month_figures(ds, month)
    is_provisional(ds, month)
    for by in ((), ("category",), ("source",)):
        complaint_rate_table(ds, by)
    fines_table(ds)
    ranking_table(ds)
    agent_month_panel(ds)
    team_panel(ds)
    inquiry_facts_table(ds, [month])
    session_quality_table(ds, [month])
    response_grid_table(ds, [month])
    known = set(variants(ds).values()) | staged_statements(ds)
    raw = [sql for sql in sent if reads_raw_table(sql)]
    assert raw, "no raw-table query was recorded: the recording is broken"
    outside = [sql[:200] for sql in raw if sql not in known]
    assert outside == []


def test_no_raw_table_sql_outside_the_metric_book_and_loader():
    """No module outside csnb/metrics and csnb/io names a raw table in SQL text."""
    root = Path(__file__).resolve().parents[2] / "csnb"
    pattern = re.compile(r"\bFROM\s+\"?(sessions|orders|complaints|agent_daily)\b", re.I)
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.parts[len(root.parts)] not in ("metrics", "io")
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize("label", [
    *(f"kpis by={by} freq={freq}" for by, freq in itertools.product(KPI_GROUPINGS, KPI_FREQS)),
    *(f"complaint_counts by={by}" for by in COMPLAINT_GROUPINGS),
    *(n for n in METRIC_SQL_NAMES if n not in ("kpis", "complaint_counts")),
])
def test_spark_translation_gives_the_same_rows(samples, label):
    duckdb_sql = variants(samples)[label]
    spark_sql = transpile(duckdb_sql, "spark")
    # Nothing DuckDB-only (or approximate) is left in the Spark text.
    for not_spark in ("STRFTIME", "STRUCT_PACK", "ARG_MAX", "DATE_DIFF(", "PERCENTILE_APPROX"):
        assert not_spark not in spark_sql.upper(), not_spark
    back = read_back(spark_sql)
    expected = canonical_rows(samples.con.execute(duckdb_sql).df())
    got = canonical_rows(samples.con.execute(back).df())
    assert len(expected) > 0, f"{label} returns no rows on the samples: the check is empty"
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, atol=1e-9)


@pytest.fixture(scope="module")
def loads(tmp_path_factory) -> dict[bool, Dataset]:
    """The samples loaded twice: on their own connection, and as a cache entry (stored)."""
    plain = load_dataset(SAMPLES, cache=False)
    before = os.environ.get("CSNB_CACHE_DIR")
    os.environ["CSNB_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        stored = load_dataset(SAMPLES)
    finally:
        if before is None:
            os.environ.pop("CSNB_CACHE_DIR")
        else:
            os.environ["CSNB_CACHE_DIR"] = before
    assert plain.store is None and stored.store is not None
    return {False: plain, True: stored}


@pytest.mark.parametrize("label", [
    *(f"kpis by={by} freq={freq}" for by, freq in itertools.product(KPI_GROUPINGS, KPI_FREQS)),
    "attribution", "inquiries", "inquiry_facts",
])
@pytest.mark.parametrize("stored", [False, True], ids=["own-connection", "stored-load"])
def test_a_statement_reading_the_stages_gives_the_plain_statements_rows(loads, label, stored):
    """dataset_sql reads the materialised attribution and inquiries: the same rows, exactly."""
    ds = loads[stored]
    name, kwargs = variant_args(ds)[label]
    plain = metric_sql(name, settings=ds.settings, tables=ds.tables, **kwargs)
    staged = dataset_sql(ds, name, **kwargs)
    assert staged != plain and ("read_parquet(" in staged) == stored
    expected = ds.con.execute(plain).df()
    got = ds.con.execute(staged).df()
    assert len(expected) > 0
    if "ORDER BY" not in plain.rsplit(")", 1)[-1]:  # unordered rows: compare them sorted
        expected, got = canonical_rows(expected), canonical_rows(got)
    pd.testing.assert_frame_equal(got, expected)


def test_no_statement_has_a_quantile_aggregate():
    """Medians and P90s are written out from histograms (they spill, and Spark computes the
    same doubles): no statement uses an exact quantile aggregate, which holds every value in
    memory, nor Spark's approximate one."""
    for name in METRIC_SQL_NAMES:
        for dialect in ("duckdb", "spark"):
            kw = {"start": date(2025, 1, 1), "end": date(2025, 1, 31)} \
                if name in SPAN_SQL_NAMES else {}
            sql = metric_sql(name, dialect=dialect, **kw)
            calls = re.findall(r"\b(?:QUANTILE|PERCENTILE|MEDIAN)\w*\s*\(", sql, re.I)
            assert calls == [], (name, dialect, calls)
