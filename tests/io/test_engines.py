"""The Spark engine: the metric book's statements run on Spark and give DuckDB's panels.

``csnb report --engine spark`` runs every raw-table statement on Spark (local mode here)
through the same definitions (``metric_sql`` transpiled, no second copy). Checked on the
samples: each statement and each panel the reports use equals DuckDB's, counts exactly and
sums to 1e-9 (floating-point sums may add in another order). Slow: a Spark session takes
seconds to start and each statement a second or two. Skipped, with the reason, when pyspark
or Java is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sql_roundtrip import canonical_rows

from csnb.errors import ParameterError
from csnb.io import load_dataset
from csnb.io.engines import ENGINE_VARIABLE, check_engine, engine_from_env, spark_engine
from csnb.metrics import agent_month_panel, kpi_table, team_panel

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
pytestmark = [
    pytest.mark.slow,
    # pyspark 3.5's own pandas conversions warn on newer pandas; not csnb's to fix.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:pyspark.*"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def engines():
    pytest.importorskip("pyspark", reason="the Spark engine is the optional extra csnb[spark]")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs Java 17 on PATH")
    duck = load_dataset(SAMPLES)
    spark_ds = load_dataset(SAMPLES)
    engine = spark_engine(spark_ds)
    yield duck, spark_ds
    engine.spark.stop()


def _variants(ds):
    from metrics.test_engine_seam import variants  # the same list the seam test checks

    return variants(ds)


def test_every_metric_book_statement_gives_duckdbs_rows_on_spark(engines):
    duck, spark_ds = engines
    statements = _variants(duck)
    assert len(statements) >= 15
    for label, sql in statements.items():
        expected = canonical_rows(duck.query(sql))
        got = canonical_rows(spark_ds.query(sql))
        assert len(expected) > 0, f"{label}: no rows on the samples, the check is empty"
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-9, atol=1e-9,
                                      obj=label)


def test_panels_from_spark_equal_duckdbs(engines):
    duck, spark_ds = engines
    for compute in (team_panel, agent_month_panel,
                    lambda ds: kpi_table(ds, ("team",), "month")):
        expected, got = compute(duck), compute(spark_ds)
        assert len(expected) > 0
        pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                      expected.reset_index(drop=True),
                                      check_dtype=False, rtol=1e-9, atol=1e-9)


def test_the_conversion_models_sample_from_spark_equals_duckdbs(engines):
    """The sample is drawn in the engine (an MD5 ranking, then the sampled inquiries' facts):
    the same rows on both."""
    from csnb.analyses._conversion_frames import _sampled_facts

    duck, spark_ds = engines
    plan = {"seed": "csnb-2025-11", "fraction": 0.2}
    expected = _sampled_facts(duck, ["2025-11"], plan)
    got = _sampled_facts(spark_ds, ["2025-11"], plan)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-9, atol=1e-9)


def test_engine_names_are_checked(monkeypatch):
    monkeypatch.setenv(ENGINE_VARIABLE, "Spark ")
    assert engine_from_env() == "spark"
    monkeypatch.setenv(ENGINE_VARIABLE, "polars")
    with pytest.raises(ParameterError, match="CSNB_ENGINE must be one of 'duckdb', 'spark'"):
        check_engine()
    monkeypatch.delenv(ENGINE_VARIABLE)
    assert check_engine() == "duckdb"
