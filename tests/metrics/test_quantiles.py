"""Quantiles from histograms (metrics.sql._quantile_ctes) against numpy and DuckDB's own."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from csnb.metrics.sql import _quantile_ctes, _quantile_value, _with

PROBS = {"q10": 0.1, "median": 0.5, "q90": 0.9, "top": 1.0, "bottom": 0.0}


def histogram_quantiles(con: duckdb.DuckDBPyConnection, keys: list[str]) -> pd.DataFrame:
    group = ", ".join([*keys, "v"])
    hist = f"SELECT {group}, COUNT(*) AS c FROM vals WHERE v IS NOT NULL GROUP BY {group}"
    ctes = [("_hist", hist), *_quantile_ctes("_q", "_hist", keys, PROBS)]
    select = ("SELECT " + "".join(f"{k}, " for k in keys)
              + ", ".join(f"{_quantile_value('q', n)} AS {n}" for n in PROBS)
              + " FROM _q AS q")
    return con.execute(_with(ctes, select)).df()


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    """Whole seconds as first responses are, many ties, groups of 1, 2 and many values."""
    rng = np.random.default_rng(7)
    sizes = [1, 2, 3, 10, 11, 101, 1000, 5000]
    g = np.repeat(np.arange(len(sizes)), sizes)
    v = np.minimum(rng.lognormal(3.5, 1.0, len(g)).round(), 600.0)
    df = pd.DataFrame({"g": g, "h": g % 2, "v": v})
    df.loc[df.sample(frac=0.05, random_state=1).index, "v"] = np.nan  # uncounted sessions
    return df


def test_equal_to_numpy_linear_quantiles(values):
    con = duckdb.connect()
    con.register("vals", values)
    got = histogram_quantiles(con, ["g"]).set_index("g").sort_index()
    for g, part in values.dropna().groupby("g"):
        for name, p in PROBS.items():
            assert got.loc[g, name] == pytest.approx(np.quantile(part["v"], p), rel=1e-12)


def test_equal_to_duckdbs_quantile_cont_and_without_keys(values):
    con = duckdb.connect()
    con.register("vals", values)
    lists = ", ".join(repr(p) for p in PROBS.values())
    ref = con.execute(f"SELECT g, h, QUANTILE_CONT(v, [{lists}]) AS q FROM vals GROUP BY g, h"
                      ).df().set_index(["g", "h"]).sort_index()
    got = histogram_quantiles(con, ["g", "h"]).set_index(["g", "h"]).sort_index()
    assert list(got.index) == list(ref.index)
    for i, name in enumerate(PROBS):
        np.testing.assert_allclose(got[name], [q[i] for q in ref["q"]], rtol=1e-13, atol=0)
    whole = histogram_quantiles(con, [])
    assert len(whole) == 1
    assert whole.loc[0, "median"] == np.quantile(values["v"].dropna(), 0.5)


def test_a_group_without_values_has_no_row(values):
    con = duckdb.connect()
    con.register("vals", values.assign(v=np.where(values["g"] == 3, np.nan, values["v"])))
    got = histogram_quantiles(con, ["g"])
    assert 3 not in set(got["g"]) and len(got) == values["g"].nunique() - 1
