"""Reading Spark SQL back into DuckDB's dialect, and comparing two engines' rows."""

import pandas as pd
import sqlglot
from sqlglot import exp


def read_back(spark_sql: str) -> str:
    """Spark text in DuckDB's dialect, keeping Spark's meaning.

    Spark's ``PERCENTILE(x, p)`` is exact and interpolates between the closest ranks (Spark
    SQL reference, "percentile"), as DuckDB's ``QUANTILE_CONT``; sqlglot reads it as DuckDB's
    ``QUANTILE``, which is the discrete quantile, so that node is written back as
    ``QUANTILE_CONT``.
    """
    def continuous(node):
        if isinstance(node, exp.Quantile):
            args = [node.this, node.args["quantile"]]
            return exp.Anonymous(this="QUANTILE_CONT", expressions=args)
        return node

    tree = sqlglot.parse_one(spark_sql, read="spark").transform(continuous)
    return tree.sql(dialect="duckdb")


def canonical_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in a canonical order, numbers as floats, so two engines' results compare."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]) or out[col].dtype == object:
            converted = pd.to_numeric(out[col], errors="coerce")
            if converted.notna().sum() == out[col].notna().sum():
                out[col] = converted.astype(float)
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].astype(str)
    out = out.astype({c: str for c in out.columns if out[c].dtype == object})
    return out.sort_values(list(out.columns), ignore_index=True)
